"""Twenty laptops syncing at once against one server lose nothing and break no chain."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from buddy_desk.choices.service.log import log_entries, record_choice, verify_log
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from tests.integration.sync.conftest import Team, enrol_laptop
from tests.integration.sync.test_two_laptops import T0, _choice

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
LAPTOPS = 20
CHOICES = 6


def test_twenty_laptops_at_once(team: Team, tmp_path: Path) -> None:
    laptops = [enrol_laptop(team, tmp_path, "anna" if i % 2 else "bram") for i in range(LAPTOPS)]
    rng = random.Random(20)
    made: dict[int, list[str]] = {team.shared: [], team.second: []}
    for i, laptop in enumerate(laptops):
        actor = team.actor("anna" if i % 2 else "bram")
        for j in range(CHOICES):  # both dossiers, in a different order on each laptop
            dossier = rng.choice([team.shared, team.second])
            value = f"laptop {i} keuze {j}"
            record_choice(laptop, dossier, _choice(value), actor, now=T0)
            made[dossier].append(value)
    with ThreadPoolExecutor(max_workers=LAPTOPS) as pool:
        reports = list(pool.map(service.sync, laptops))
    assert all(r.queued == 0 for r in reports)
    server = UnitOfWork(open_database(team.url))
    assert verify_log(server).ok
    for dossier, values in made.items():
        on_server = [e.value for e in log_entries(server, dossier)]
        assert sorted(on_server) == sorted(values)  # each exactly once
    for laptop in laptops:
        service.sync(laptop)
        assert verify_log(laptop).ok
        for dossier in made:
            assert [e.entry_hash for e in log_entries(laptop, dossier)] == [
                e.entry_hash for e in log_entries(server, dossier)
            ]
