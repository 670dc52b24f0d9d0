"""The list as a viewer may see it finds a dossier by every word the viewer sees — a
co-resident's name too — and never by a withheld case number, on every path that searches
it (the app's paged list, the CLI's pages, a letter run's selection), on both databases."""

from __future__ import annotations

import pytest

from buddy_desk.choices.rules import Actor, Direction
from buddy_desk.choices.service.consent import NO_PROFILE, gated_page, gated_summaries
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.core.search import DossierFilter, address_sort_key
from buddy_desk.dossiers.service import ListSort, find_summaries
from buddy_desk.letters.service import select_dossiers
from buddy_desk.models import DossierResident, Person
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import IMG_VIEWER, NCG_VIEWER, give_consent, make_dossier, make_supervisor


def _add_resident(uow: UnitOfWork, dossier_id: int, initials: str, surname: str) -> None:
    with uow:
        person = Person(voorletters=initials, achternaam=surname)
        uow.session.add(
            DossierResident(dossier_id=dossier_id, person=person, roltype="medebewoner")
        )
        uow.commit()


def _population(uow: UnitOfWork) -> dict[str, int]:
    ids = {
        # the first resident is shown; Kamminga lives there too, and the case numbers are
        # withheld from whoever may not see them
        "shared": make_dossier(
            uow,
            straat="Kerkstraat",
            resident=("A.", "de Vries"),
            img_phase=ImgPhase.OPNAME,
            ncg_status=NcgStatus.S2_1,
            zaaknummer="IMG-2026-000777",
        ),
        "own_name": make_dossier(uow, straat="Dorpsweg", resident=("B.", "Kamminga")),
        "numbers_only": make_dossier(
            uow,
            straat="Molenweg",
            resident=("C.", "Bakker"),
            img_phase=ImgPhase.BESCHIKKING,
            zaaknummer="IMG-2026-000778",
        ),
        "consented": make_dossier(
            uow,
            straat="Akkerweg",
            resident=("D.", "Smit"),
            img_phase=ImgPhase.OPNAME,
            ncg_status=NcgStatus.S4_1,
            zaaknummer="IMG-2026-000779",
        ),
    }
    _add_resident(uow, ids["shared"], "K.", "Kamminga")
    # a co-resident whose name starts like a case number: found by it, whatever is withheld
    _add_resident(uow, ids["numbers_only"], "I.", "Img-Twentsche")
    give_consent(uow, ids["consented"], Direction.IMG_TO_NCG)
    give_consent(uow, ids["consented"], Direction.NCG_TO_IMG)
    return ids


QUERIES = [
    "kamminga", "kam", "k", "kamminga kerk", "de vries kamminga", "img", "img-2026",
    "img-2026-000777", "img-2026-000779", "img-2026 smit", "img-t", "kamminga img-2026",
    "ncg", "", "weg",
]  # fmt: skip
VIEWERS = [NO_PROFILE, IMG_VIEWER, NCG_VIEWER]


def _as_shown(uow: UnitOfWork, viewer: Actor, f: DossierFilter) -> list[int]:
    """The reference: every dossier in memory, gated, then searched (``DossierFilter``)."""
    rows, _ = gated_summaries(uow, viewer)
    return [r.id for r in sorted((r for r in rows if f.matches(r)), key=address_sort_key)]


def test_the_paged_list_finds_what_the_viewer_sees(uow: UnitOfWork) -> None:
    make_supervisor(uow, Organisation.IMG, "Ida Viewer", IMG_VIEWER.username)
    make_supervisor(uow, Organisation.NCG, "Niek Viewer", NCG_VIEWER.username)
    ids = _population(uow)
    for viewer in VIEWERS:
        for text in QUERIES:
            f = DossierFilter(text)
            expected = _as_shown(uow, viewer, f)
            for limit in (1, 2, 50):  # short pages: the gate reads on to fill them
                shown: list[int] = []
                read = 0
                while True:
                    page = gated_page(uow, viewer, f, ListSort(), read, limit, with_counts=True)
                    shown += [r.id for r in page.rows]
                    assert page.consumed is not None
                    read += page.consumed
                    if read == 0 or len(page.rows) < limit:
                        break
                assert shown == expected, (viewer.username, text, limit)
            first = gated_page(uow, viewer, f, ListSort(), 0, 50, with_counts=True)
            assert first.matching == len(expected), (viewer.username, text)
    # what the fix is about: a co-resident's name finds the dossier although its case
    # numbers are withheld; a withheld number finds nothing
    kamminga = gated_page(uow, NO_PROFILE, DossierFilter("kamminga"), ListSort(), 0, 50)
    assert {r.id for r in kamminga.rows} == {ids["shared"], ids["own_name"]}
    assert not gated_page(uow, NO_PROFILE, DossierFilter("img-2026"), ListSort(), 0, 50).rows
    assert find_summaries(uow, DossierFilter("img-2026")).rows  # the database has them


@pytest.mark.parametrize("text", ["kamminga", "img-2026", "img-t", "k"])
def test_a_letter_run_selects_what_the_list_shows(uow: UnitOfWork, text: str) -> None:
    _population(uow)
    f = DossierFilter(text)
    selected = select_dossiers(uow, NO_PROFILE, dossier_filter=f)
    assert sorted(selected) == sorted(_as_shown(uow, NO_PROFILE, f))
