"""Merging two versions of the conversation notes ("Beide bewaren")."""

from __future__ import annotations

from buddy_desk.dossiers.notes import merge_notes, my_addition

HEADING = "— Mijn aanvulling (Anna, 01-03-2026 10:00) —"


def test_an_appended_addition_is_added_below_their_text_once() -> None:
    base = "Bewoner belt terug."
    theirs = "Bewoner belt terug.\nIMG: opname 3 maart."
    mine = "Bewoner belt terug.\nNCG: advies besproken."
    assert merge_notes(base, theirs, mine, HEADING) == (
        f"Bewoner belt terug.\nIMG: opname 3 maart.\n\n{HEADING}\nNCG: advies besproken."
    )


def test_an_edit_inside_the_shared_text_keeps_all_of_mine() -> None:
    assert my_addition("Afspraak dinsdag.", "Afspraak woensdag.") == "Afspraak woensdag."
    merged = merge_notes(
        "Afspraak dinsdag.", "Afspraak dinsdag. Bel eerst.", "Afspraak woensdag.", HEADING
    )
    assert merged == f"Afspraak dinsdag. Bel eerst.\n\n{HEADING}\nAfspraak woensdag."


def test_into_an_empty_note_and_without_an_addition() -> None:
    assert merge_notes("", "", "alleen van mij", HEADING) == f"{HEADING}\nalleen van mij"
    assert merge_notes("gedeeld", "gedeeld en meer", "gedeeld\n", HEADING) == "gedeeld en meer"
