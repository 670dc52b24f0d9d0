"""Scope changes are changes: dossiers enter and leave a laptop; a revoked laptop is wiped."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from buddy_desk.choices.service.log import record_choice
from buddy_desk.core.phases import NcgStatus
from buddy_desk.models import Dossier
from buddy_desk.models.choices import ChoiceLogEntry
from buddy_desk.models.sync import SyncState
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from tests.factories import make_dossier
from tests.integration.sync.conftest import Team, enrol_laptop
from tests.integration.sync.test_two_laptops import T0, _choice, _held

pytestmark = pytest.mark.postgres


def test_a_recoupled_dossier_leaves_the_laptop_with_its_choices(team: Team, tmp_path: Path) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    record_choice(anna, team.second, _choice("vastgelegd"), team.actor("anna"), now=T0)
    service.sync(anna)
    server = open_database(team.url)
    with server.begin() as conn:  # a coordinator couples another buddy pair
        carla = conn.scalar(select(Dossier.img_supervisor_id).where(Dossier.id == team.nobody))
        conn.execute(
            update(Dossier).where(Dossier.id == team.second).values(img_supervisor_id=carla)
        )
    report = service.sync(anna)
    assert report.removed == 1
    assert _held(anna) == {team.shared}
    with anna:
        assert not anna.session.scalars(
            select(ChoiceLogEntry).where(ChoiceLogEntry.dossier_id == team.second)
        ).all()


def test_take_brings_a_dossier_of_the_own_organisation_along(team: Team, tmp_path: Path) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    report = service.take(anna, [team.nobody])
    assert report.pulled >= 1
    assert team.nobody in _held(anna)


def test_take_refuses_a_dossier_without_a_case_of_the_own_organisation(
    team: Team, tmp_path: Path
) -> None:
    ncg_only = make_dossier(UnitOfWork(open_database(team.url)), ncg_status=NcgStatus.S2_1)
    anna = enrol_laptop(team, tmp_path, "anna")
    with pytest.raises(service.SyncError, match=f"dossier {ncg_only} heeft geen zaak van IMG"):
        service.take(anna, [ncg_only])
    assert ncg_only not in _held(anna)


def test_a_revoked_laptop_is_refused_and_wipes_its_data(team: Team, tmp_path: Path) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    assert _held(anna)
    service.revoke_user(team.url, team.secrets["anna_login"])
    with pytest.raises(service.RevokedError, match="ingetrokken"):
        service.sync(anna)
    assert _held(anna) == set()
    with anna:
        assert anna.session.get(SyncState, 1) is None


def test_enrol_refuses_a_database_that_already_holds_dossiers(team: Team, tmp_path: Path) -> None:
    laptop = UnitOfWork(open_database(f"sqlite:///{tmp_path / 'used.sqlite'}"))
    make_dossier(laptop)
    with pytest.raises(service.SyncError, match="bevat al dossiers"):
        service.enrol(laptop, team.url, team.secrets["anna_login"], team.secrets["anna"])
