"""Observations (what an organisation saw: damage, hidden damage) recorded offline.

Never edited once recorded, so (dossier, kind, ref) names one on both sides; a hand-made
ref carries its moment and a random part. The other organisation's laptop receives it only
when the resident's consent covers case details (the consent gate, as for signals).
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from buddy_desk.choices.rules import Direction
from buddy_desk.models.signals import Observation
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.rules import ObservationKind
from buddy_desk.signals.service import record_observation
from buddy_desk.sync import service
from tests.factories import give_consent
from tests.integration.sync.conftest import Team, enrol_both, enrol_laptop, outbox, push_from

pytestmark = pytest.mark.postgres

Seen = list[tuple[int, str, str, Decimal | None, str | None]]


def _seen(uow: UnitOfWork) -> Seen:
    """(dossier, kind, ref, amount, note) of every observation, in a fixed order."""
    with uow:
        return sorted(
            (o.dossier_id, o.kind.value, o.ref, o.bedrag, o.note)
            for o in uow.session.scalars(select(Observation))
        )


def test_observations_made_offline_reach_the_server_and_the_other_laptop_once(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    give_consent(server, team.shared, Direction.NCG_TO_IMG)  # IMG may see NCG's case details
    anna, bram = enrol_both(team, tmp_path)
    user = team.secrets["bram_login"]
    record_observation(
        bram, team.shared, ObservationKind.NCG_DAMAGE_SEEN, date(2026, 12, 1), note="scheur"
    )
    record_observation(
        bram,
        team.shared,
        ObservationKind.HIDDEN_DAMAGE,
        date(2026, 12, 2),
        bedrag=Decimal("1250.50"),
        user=user,
    )
    made = _seen(bram)
    assert len(made) == 2
    queued = [c for c in outbox(bram) if c["table"] == "observation"]
    assert len(queued) == 2
    # a push whose answer was lost, then the real sync: applied once
    url_results = {r["outcome"] for r in push_from(team, bram, queued, "bram")}
    assert url_results == {"applied"}
    service.sync(bram)
    service.sync(anna)
    for db in (server, anna, bram):
        assert _seen(db) == made
    assert service.conflicts(anna) == [] and service.conflicts(bram) == []
    # the same observation arriving again (a replayed push) changes nothing
    again = [{**c, "uuid": str(c["uuid"])[::-1]} for c in queued]
    assert {r["outcome"] for r in push_from(team, bram, again, "bram")} == {"unchanged"}
    assert _seen(server) == made


def test_the_other_organisation_receives_observations_only_with_consent(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    anna, bram = enrol_both(team, tmp_path)
    record_observation(
        bram,
        team.shared,
        ObservationKind.HIDDEN_DAMAGE,
        date(2026, 12, 2),
        bedrag=Decimal("800"),
        note="lekkage",
    )
    service.sync(bram)
    service.sync(anna)
    assert len(_seen(server)) == 1
    assert _seen(anna) == []  # no consent NCG → IMG
    give_consent(server, team.shared, Direction.NCG_TO_IMG)
    service.sync(anna)
    assert _seen(anna) == _seen(server)


def test_observations_stay_in_scope(team: Team, server: UnitOfWork, tmp_path: Path) -> None:
    record_observation(server, team.nobody, ObservationKind.NCG_DAMAGE_SEEN, date(2026, 12, 1))
    bram = enrol_laptop(team, tmp_path, "bram")
    assert team.nobody not in {d for d, *_ in _seen(bram)}
    forged = {
        "uuid": "d" * 32,
        "table": "observation",
        "row_key": "ncg_damage_seen:hand-x",
        "dossier_id": team.nobody,
        "payload": json.dumps(
            {
                "kind": "ncg_damage_seen",
                "ref": "hand-x",
                "organisation": "NCG",
                "datum": "2026-12-01",
                "bedrag": None,
                "note": "gekaapt",
                "created_by": team.secrets["bram_login"],
            }
        ),
        "base_version": None,
        "base_change": None,
        "author": team.secrets["bram_login"],
    }
    [result] = push_from(team, bram, [forged], "bram")
    assert result["outcome"] == "refused"
    assert all(note != "gekaapt" for *_, note in _seen(server))
