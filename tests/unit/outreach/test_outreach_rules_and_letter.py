"""The proactive approach's phases, what closes an address, and the letter's words."""

from __future__ import annotations

from datetime import date

import pytest

from buddy_desk.core.phases import NcgStatus
from buddy_desk.outreach.letter import (
    ASSESSMENT,
    DAMAGE_SEEN,
    INSPECTION_AHEAD,
    PLANNING,
    OutreachLetter,
    Resident,
    phase_texts,
    questions_text,
    salutation,
    window_names,
)
from buddy_desk.outreach.rules import (
    ContactChannel,
    ContactFact,
    ContactOutcome,
    OutreachPhase,
    is_open,
    outreach_phase,
)


@pytest.mark.parametrize(
    ("status", "seen", "phase"),
    [
        (NcgStatus.S1_2, True, OutreachPhase.DAMAGE_SEEN),
        (NcgStatus.S2_1, False, OutreachPhase.INSPECTION_AHEAD),
        (NcgStatus.S3_1, False, OutreachPhase.PLAN_AHEAD),
        (NcgStatus.S4_1, False, OutreachPhase.PLAN_AHEAD),
        (NcgStatus.S4_2, False, OutreachPhase.PLAN_AHEAD),
        (NcgStatus.S1_2, False, OutreachPhase.OTHER),
        (NcgStatus.S5_2, False, OutreachPhase.OTHER),
        (NcgStatus.S6, False, OutreachPhase.OTHER),
    ],
)
def test_phase_follows_expected_damage_then_ncg_status(
    status: NcgStatus, seen: bool, phase: OutreachPhase
) -> None:
    assert outreach_phase(status, seen) is phase


def _fact(outcome: ContactOutcome) -> ContactFact:
    return ContactFact(date(2026, 11, 1), ContactChannel.PHONE, outcome)


def test_only_reported_no_damage_or_declined_close_an_address() -> None:
    assert is_open(())
    for outcome in ContactOutcome:
        expected = outcome not in {
            ContactOutcome.REPORTED,
            ContactOutcome.NO_DAMAGE,
            ContactOutcome.DECLINED,
        }
        assert is_open((_fact(outcome),)) is expected
    # the latest outcome counts: a resident who first declined may later report
    assert is_open((_fact(ContactOutcome.DECLINED), _fact(ContactOutcome.CALL_BACK)))


def test_two_residents_of_the_same_name_are_greeted_once() -> None:
    same = (Resident("De heer", "J. Dekker"), Resident("De heer", "J. Dekker"))
    assert salutation(same) == "Geachte heer Dekker,"
    assert window_names(same) == ("De heer J. Dekker",)
    two = (Resident("De heer", "J. Dekker"), Resident("Mevrouw", "A. de Vries"))
    assert salutation(two) == "Geachte heer Dekker en mevrouw De Vries,"
    assert salutation(()) == "Geachte bewoner,"
    assert window_names(()) == ("De bewoners van",)


def _letter(status: NcgStatus, phase: OutreachPhase, sup: str | None = None) -> OutreachLetter:
    return OutreachLetter(
        1,
        (),
        "Dorpsstraat 1",
        "9999ZZ",
        "Ergens",
        status,
        phase,
        "NCG-1",
        sup,
        None,
        date(2026, 11, 26),
    )


def test_the_phase_paragraphs_match_the_address() -> None:
    seen_in_planning = _letter(NcgStatus.S4_1, OutreachPhase.DAMAGE_SEEN)
    assert phase_texts(seen_in_planning) == (DAMAGE_SEEN, PLANNING)
    assert phase_texts(_letter(NcgStatus.S2_1, OutreachPhase.INSPECTION_AHEAD)) == (
        INSPECTION_AHEAD,
    )
    assert phase_texts(_letter(NcgStatus.S3_1, OutreachPhase.PLAN_AHEAD)) == (ASSESSMENT,)
    assert phase_texts(_letter(NcgStatus.S4_2, OutreachPhase.PLAN_AHEAD)) == (PLANNING,)
    # not assessed yet, building or finished: no promise about taking repair along
    for status in (NcgStatus.S1_2, NcgStatus.S5_1, NcgStatus.S5_2, NcgStatus.S6):
        assert phase_texts(_letter(status, OutreachPhase.OTHER)) == ()
    assert phase_texts(_letter(NcgStatus.S6, OutreachPhase.DAMAGE_SEEN)) == (DAMAGE_SEEN,)


@pytest.mark.parametrize("status", list(NcgStatus))
def test_taking_repair_along_is_promised_only_before_building(status: NcgStatus) -> None:
    import io

    from pypdf import PdfReader

    from buddy_desk.outreach.letter import NO_NEED_TO_WAIT, WHY_YOU, render_letters

    pdf = render_letters([_letter(status, OutreachPhase.OTHER)]).data
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    assert WHY_YOU in text and NO_NEED_TO_WAIT in text
    promised = "meegenomen" in text
    assert promised is (status in {NcgStatus.S3_1, NcgStatus.S4_1, NcgStatus.S4_2})


def test_questions_go_to_the_bewonersbegeleider_when_known() -> None:
    assert "Cor Cats, uw bewonersbegeleider" in questions_text(
        _letter(NcgStatus.S2_1, OutreachPhase.INSPECTION_AHEAD, "Cor Cats")
    )
    assert "contact op met NCG" in questions_text(_letter(NcgStatus.S2_1, OutreachPhase.OTHER))


def test_only_ncg_sees_the_worklist_rows() -> None:
    from buddy_desk.core.phases import Organisation
    from buddy_desk.outreach.rules import sees_worklist

    assert sees_worklist(Organisation.NCG)
    assert not sees_worklist(Organisation.IMG)
    assert not sees_worklist(None)
