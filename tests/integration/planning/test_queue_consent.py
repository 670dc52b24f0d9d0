"""The joint-inspection queue passes the consent gate: a planner of one organisation sees the
other's case numbers, and the group that gives its phase away, only under consent."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from buddy_desk.cli import main as cli_main
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.models.access_log import AccessLogEntry
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.service.queue import queue
from tests.factories import NCG_VIEWER, give_consent, make_dossier, make_supervisor


def _group_b(uow: UnitOfWork) -> int:
    return make_dossier(
        uow, ncg_status=NcgStatus.S2_1, img_phase=ImgPhase.OPNAME, zaaknummer="IMG-2026-000777"
    )


def test_without_consent_the_queue_hides_imgs_case_number_and_the_group(uow: UnitOfWork) -> None:
    d = _group_b(uow)
    [entry] = [e for e in queue(uow, NCG_VIEWER) if e.dossier_id == d]
    assert "IMG-2026-000777" not in entry.zaaknummers
    assert entry.group is None
    assert entry.group_options == {CollaborationGroup.B, CollaborationGroup.C}
    assert entry.group_text == "B/C"
    assert any("IMG-gegevens niet getoond" in line for line in entry.withheld)
    give_consent(uow, d)
    [entry] = [e for e in queue(uow, NCG_VIEWER) if e.dossier_id == d]
    assert "IMG-2026-000777" in entry.zaaknummers
    assert entry.group is CollaborationGroup.B and entry.withheld == ()


def test_the_queue_command_is_gated_by_user_and_logs_what_it_shows(
    db_url: str, uow: UnitOfWork, capsys: pytest.CaptureFixture[str]
) -> None:
    d = _group_b(uow)
    make_supervisor(uow, Organisation.NCG, "Petra Planner", "petra")
    assert cli_main(["--db", db_url, "plan", "queue", "--json", "--user", "petra"]) == 0
    [row] = [r for r in json.loads(capsys.readouterr().out) if r["dossier_id"] == d]
    assert row["group"] is None and row["group_options"] == ["B", "C"]
    assert row["withheld"]
    give_consent(uow, d)
    assert cli_main(["--db", db_url, "plan", "queue", "--json", "--user", "petra"]) == 0
    [row] = [r for r in json.loads(capsys.readouterr().out) if r["dossier_id"] == d]
    assert row["group"] == "B"
    with uow:
        logged = uow.session.scalars(
            select(AccessLogEntry.gegevensbron).where(
                AccessLogEntry.dossier_id == d, AccessLogEntry.gebruiker == "petra"
            )
        ).all()
    assert logged == ["IMG"]  # only the run that showed IMG's phase (by the group) is logged
