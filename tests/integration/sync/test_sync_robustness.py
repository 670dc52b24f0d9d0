"""Sync survives kill -9 of the laptop at any moment and a dropped server connection."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from buddy_desk.choices.service.log import log_entries, record_choice, verify_log
from buddy_desk.dossiers.service import save_note
from buddy_desk.models.dossier import ConversationNote
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from tests.integration.sync.conftest import Team, enrol_laptop
from tests.integration.sync.test_two_laptops import T0, _choice

pytestmark = pytest.mark.postgres
SRC = Path(__file__).resolve().parents[3] / "src"


# the laptop process: imports first (slow on a busy machine), says so, then syncs — so the
# kill falls inside the sync's own work (push, pull, apply), not in Python's start-up
_LAPTOP = """
import sys
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
uow = UnitOfWork(open_database(sys.argv[1]))
print("ready", flush=True)
service.sync(uow)
"""


def _sync_process(path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    process = subprocess.Popen(
        [sys.executable, "-c", _LAPTOP, f"sqlite:///{path}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert process.stdout is not None
    assert process.stdout.readline() == b"ready\n"
    return process


@pytest.mark.slow
def test_kill_9_during_sync_loses_nothing_and_applies_nothing_twice(
    team: Team, tmp_path: Path
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    path = Path(str(anna.engine.url.database))
    rng = random.Random(14)
    made: list[str] = []
    kills = finished = 0
    # kill within the time one sync takes on this machine now (its speed drifts a lot), so
    # the kills fall during push, pull and apply alike; the time is measured from "ready"
    # (after the imports) and follows each sync that finished before its kill
    record_choice(anna, team.shared, _choice("keuze vooraf"), team.actor("anna"), now=T0)
    made.append("keuze vooraf")
    anna.engine.dispose()
    process = _sync_process(path)
    started = time.perf_counter()
    assert process.wait() == 0
    one_sync = time.perf_counter() - started
    for round_ in range(150):
        if kills == 30:
            break
        # the buddy keeps working between the (killed) syncs
        value = f"keuze {round_}"
        record_choice(anna, team.shared, _choice(value), team.actor("anna"), now=T0)
        made.append(value)
        anna.engine.dispose()
        process = _sync_process(path)
        started = time.perf_counter()
        time.sleep(rng.uniform(0.1, 0.95) * one_sync)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            kills += 1
        else:
            assert process.returncode == 0
            finished += 1
            one_sync = min(one_sync, time.perf_counter() - started)
        process.wait()
    assert kills >= 30
    server = UnitOfWork(open_database(team.url))
    before = len(log_entries(server, team.shared))
    assert before > 0  # the killed processes did push (the kills fell during real work)
    for _ in range(2):
        service.sync(anna)

    on_server = [e.value for e in log_entries(server, team.shared)]
    assert sorted(on_server) == sorted(made)  # each choice exactly once
    assert verify_log(server).ok and verify_log(anna).ok
    assert [e.entry_hash for e in log_entries(anna, team.shared)] == [
        e.entry_hash for e in log_entries(server, team.shared)
    ]
    assert service.status(anna).queued == 0


def _terminate(team: Team) -> None:
    admin = create_engine(team.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE usename = :login AND pid <> pg_backend_pid()"
            ),
            {"login": f"bd_user_{team.secrets['anna_login']}"},
        )
    admin.dispose()


@pytest.mark.parametrize("step", ["_push", "_pull"])
def test_a_connection_dropped_mid_sync_resumes_on_the_next_sync(
    team: Team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    record_choice(anna, team.shared, _choice("na de storing"), team.actor("anna"), now=T0)
    save_note(anna, team.shared, "aantekening", "anna", base_updated_at=None)
    original: Callable[..., Any] = getattr(service, step)

    def dropped(*args: Any) -> Any:
        _terminate(team)
        return original(*args)

    monkeypatch.setattr(service, step, dropped)
    with pytest.raises(service.SyncError, match="niet bereikbaar"):
        service.sync(anna)
    monkeypatch.setattr(service, step, original)
    report = service.sync(anna)
    assert report.queued == 0
    server = UnitOfWork(open_database(team.url))
    assert [e.value for e in log_entries(server, team.shared)] == ["na de storing"]
    with server:
        note = server.session.scalars(
            select(ConversationNote).where(ConversationNote.dossier_id == team.shared)
        ).one()
        assert note.body == "aantekening"
