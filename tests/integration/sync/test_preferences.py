"""Planning preferences (the resident's wishes) and joint-inspection queue reasons offline.

One preference row per dossier, named by its dossier on both sides; its fields merge one by
one with base versions, like a signal's (``sync/rows_sql.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from buddy_desk.cli import main as cli_main
from buddy_desk.core.inspection import DayPart, InspectionForm
from buddy_desk.models.planning import PlanningPreference
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.service.booking import add_to_queue, save_preference
from buddy_desk.sync import service
from tests.integration.sync.conftest import Team, enrol_both, enrol_laptop, forge_edit, replay

pytestmark = pytest.mark.postgres

Prefs = dict[int, tuple[str, str, int, str | None, str | None, str | None]]


def _prefs(uow: UnitOfWork) -> Prefs:
    """dossier → (weekdays, day parts, max people, form, no-joint reason, queue reason)."""
    with uow:
        return {
            p.dossier_id: (
                p.weekdays,
                p.day_parts,
                p.max_people,
                None if p.form is None else p.form.value,
                p.no_joint_reason,
                p.queue_reason,
            )
            for p in uow.session.scalars(select(PlanningPreference))
        }


def _save(uow: UnitOfWork, dossier: int, days: list[int], people: int, user: str) -> None:
    save_preference(
        uow,
        dossier,
        weekdays=days,
        parts=[DayPart.MORNING],
        max_people=people,
        form=InspectionForm.SEPARATE,
        no_joint_reason=None,
        user=user,
    )


def test_preferences_and_queue_reasons_made_offline_reach_everyone_once(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    anna, bram = enrol_both(team, tmp_path)
    login = team.secrets["anna_login"]
    _save(anna, team.shared, [1, 3], 3, login)
    add_to_queue(anna, team.second, "Bewoner wil één bezoek, ook buiten groep B", user=login)
    replay(team, anna)  # the first push's answer was lost
    service.sync(anna)
    service.sync(bram)
    expected = {
        team.shared: ("1,3", "morning", 3, "separate", None, None),
        team.second: ("0,1,2,3,4", "afternoon,morning", 2, None, None, None),
    }
    for db in (server, anna, bram):
        got = _prefs(db)
        assert got[team.shared] == expected[team.shared]
        assert got[team.second][5] == "Bewoner wil één bezoek, ook buiten groep B"
        with db:
            counts = db.session.execute(
                select(PlanningPreference.dossier_id, func.count()).group_by(
                    PlanningPreference.dossier_id
                )
            ).all()
        assert {d: n for d, n in counts if d in expected} == {team.shared: 1, team.second: 1}
    # an edit on the other laptop, on the version it pulled, is applied everywhere
    _save(bram, team.shared, [1, 3], 4, team.secrets["bram_login"])
    service.sync(bram)
    service.sync(anna)
    for db in (server, anna, bram):
        assert _prefs(db)[team.shared][2] == 4
    assert service.conflicts(anna) == [] and service.conflicts(bram) == []


def test_one_wish_changed_on_two_laptops_is_listed_on_both(
    team: Team, server: UnitOfWork, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _save(server, team.shared, [0, 1], 2, "planner")
    anna, bram = enrol_both(team, tmp_path)
    assert _prefs(anna)[team.shared][:3] == ("0,1", "morning", 2)
    # offline, both change the number of people (and anna the queue reason too)
    _save(anna, team.shared, [0, 1], 3, team.secrets["anna_login"])
    add_to_queue(anna, team.shared, "Twee zaken tegelijk", user=team.secrets["anna_login"])
    _save(bram, team.shared, [0, 1], 5, team.secrets["bram_login"])
    service.sync(anna)
    service.sync(bram)
    service.sync(anna)
    for db in (server, anna, bram):  # the first stands, the other field is merged
        assert _prefs(db)[team.shared][2] == 3
        assert _prefs(db)[team.shared][5] == "Twee zaken tegelijk"
    for laptop in (anna, bram):
        listed = service.conflicts(laptop)
        assert [(c.reason, c.field, c.mine, c.theirs) for c in listed] == [
            ("concurrent_edit", "max_people", "5", "3")
        ]
    capsys.readouterr()
    assert cli_main(["conflicts", "--db", str(anna.engine.url)]) == 0
    assert "maximaal aantal personen" in capsys.readouterr().out


def test_a_preference_made_on_both_sides_merges_field_by_field(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    _save(anna, team.second, [2], 2, team.secrets["anna_login"])
    _save(server, team.second, [4], 2, "planner")  # the planner, meanwhile
    service.sync(anna)
    assert _prefs(server)[team.second][:3] == ("4", "morning", 2)  # the server's stands
    assert _prefs(anna)[team.second][:3] == ("4", "morning", 2)
    listed = service.conflicts(anna)
    assert [(c.field, c.mine, c.theirs) for c in listed] == [("weekdays", "2", "4")]


def test_preferences_stay_in_scope(team: Team, server: UnitOfWork, tmp_path: Path) -> None:
    _save(server, team.nobody, [0], 2, "planner")
    _save(server, team.shared, [1], 2, "planner")
    anna = enrol_laptop(team, tmp_path, "anna")
    assert set(_prefs(anna)) == {team.shared}
    forge_edit(  # a modified client's edit of a dossier outside its scope
        anna,
        uuid="e" * 32,
        table="planning_preference_field",
        row_key=f"{team.nobody}:queue_reason",
        dossier_id=team.nobody,
    )
    service.sync(anna)
    assert _prefs(server)[team.nobody][5] is None
    with server:  # refused by the server and kept as a conflict, not applied
        refused = server.session.execute(
            text(
                "SELECT a.outcome, k.reason FROM sync.applied a JOIN sync.conflict k "
                "ON k.uuid = a.uuid WHERE a.uuid = :u"
            ),
            {"u": "e" * 32},
        ).one()
    assert tuple(refused) == ("refused", "out_of_scope")
