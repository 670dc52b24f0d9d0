"""Loading the list and a dossier, and saving notes — on SQLite and PostgreSQL."""

from __future__ import annotations

import gc

import pytest

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.search import DossierFilter, filter_dossiers
from buddy_desk.dossiers.service import get_dossier, load_summaries, save_note
from buddy_desk.errors import NotFoundError
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier, make_supervisor


def test_list_rows_carry_phases_group_and_flags(uow: UnitOfWork) -> None:
    a = make_dossier(
        uow,
        straat="Molenweg",
        img_phase=ImgPhase.OPNAME,
        ncg_status=NcgStatus.S2_1,
        flags=(FlagKind.AOS,),
        zaaknummer="IMG-0000042",
    )
    b = make_dossier(uow, straat="Kerkstraat", ncg_status=NcgStatus.S1_2)
    rows = {r.id: r for r in load_summaries(uow)}
    assert rows[a].group is CollaborationGroup.B
    assert rows[a].flags == {FlagKind.AOS}
    assert rows[b].group is None and rows[b].img_phase is None
    found = filter_dossiers(list(rows.values()), DossierFilter("IMG-0000042"))
    assert [r.id for r in found] == [a]


@pytest.mark.parametrize("enabled", [True, False])
def test_loading_the_list_leaves_the_garbage_collector_as_it_was(
    uow: UnitOfWork, enabled: bool
) -> None:
    make_dossier(uow, straat="Molenweg")
    was = gc.isenabled()
    try:
        if not enabled:
            gc.disable()
        assert len(load_summaries(uow)) == 1
        assert gc.isenabled() is enabled
    finally:
        if was:
            gc.enable()


def test_detail_has_buddy_pair_and_cases(uow: UnitOfWork) -> None:
    img = make_supervisor(uow, Organisation.IMG, "Anna Zaak")
    ncg = make_supervisor(uow, Organisation.NCG, "Bert Bewoner")
    d = make_dossier(
        uow,
        img_phase=ImgPhase.BESCHIKKING,
        ncg_status=NcgStatus.S4_1,
        img_supervisor_id=img,
        ncg_supervisor_id=ncg,
    )
    detail = get_dossier(uow, d)
    assert detail.img_supervisor is not None and detail.img_supervisor.naam == "Anna Zaak"
    assert detail.ncg_supervisor is not None and detail.ncg_supervisor.naam == "Bert Bewoner"
    assert detail.group is CollaborationGroup.E
    assert detail.current_img_case is not None
    assert detail.current_img_case.img_phase is ImgPhase.BESCHIKKING
    assert detail.ncg_case is not None and detail.ncg_case.history[0].code == "4.1"


def test_notes_are_saved_and_read_back(uow: UnitOfWork) -> None:
    d = make_dossier(uow, ncg_status=NcgStatus.S3_1)
    assert get_dossier(uow, d).note.body == ""
    save_note(uow, d, "Bewoner wil liever 's ochtends gebeld worden.", "anna", base_updated_at=None)
    note = get_dossier(uow, d).note
    assert note.body.startswith("Bewoner wil")
    assert note.updated_by == "anna"


def test_unknown_dossier(uow: UnitOfWork) -> None:
    with pytest.raises(NotFoundError):
        get_dossier(uow, 424242)
