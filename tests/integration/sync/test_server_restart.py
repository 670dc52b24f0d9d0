"""The team server restarted (``pg_ctl restart``) in the middle of a sync, or down for a
while: the laptop says it is offline in one line, keeps its queue, and the next sync resumes
— nothing lost, nothing applied twice, the chains verify.

This module runs on its own throwaway PostgreSQL server (it restarts it), not the session's.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from buddy_desk.choices.service.log import log_entries, record_choice, verify_log
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from tests.integration.sync.conftest import Team, enrol_laptop
from tests.integration.sync.test_two_laptops import T0, _choice
from tests.pg_server import _as_server_user, find_bin_dir, throwaway_server

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def pg_base_url() -> Iterator[str]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not found")
    with throwaway_server(bin_dir) as url:
        yield url


def _pg_ctl(base: str, action: str) -> None:
    bin_dir = find_bin_dir()
    assert bin_dir is not None
    sock = parse_qs(urlparse(base.replace("postgresql+psycopg", "postgresql")).query)["host"][0]
    root = Path(sock).parent
    command = [str(bin_dir / "pg_ctl"), "-D", str(root / "data"), "-w", "-t", "60"]
    if action != "stop":  # as tests/pg_server.py starts it; the log keeps the pipes free
        opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        command += ["-o", opts, "-l", str(root / "server.log")]
    command += ["-m", "fast", action]
    subprocess.run(
        _as_server_user(command),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.mark.parametrize("step", ["_push", "_pull"])
def test_a_server_restarted_mid_sync_resumes_on_the_next_sync(
    team: Team, tmp_path: Path, pg_base_url: str, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    bram = enrol_laptop(team, tmp_path, "bram")
    record_choice(anna, team.shared, _choice("voor de herstart"), team.actor("anna"), now=T0)
    record_choice(bram, team.shared, _choice("van bram"), team.actor("bram"), now=T0)
    service.sync(bram)  # something to pull for anna
    original: Callable[..., Any] = getattr(service, step)

    def restarted(*args: Any) -> Any:
        _pg_ctl(pg_base_url, "restart")  # the laptop's open connection dies with it
        return original(*args)

    monkeypatch.setattr(service, step, restarted)
    with pytest.raises(service.SyncError, match="niet bereikbaar") as failed:
        service.sync(anna)
    assert "\n" not in str(failed.value)
    monkeypatch.setattr(service, step, original)

    report = service.sync(anna)
    assert report.queued == 0
    service.sync(bram)
    server = UnitOfWork(open_database(team.url))
    values = [e.value for e in log_entries(server, team.shared)]
    assert sorted(values) == ["van bram", "voor de herstart"]  # each once
    hashes = [e.entry_hash for e in log_entries(server, team.shared)]
    for laptop in (anna, bram):
        assert [e.entry_hash for e in log_entries(laptop, team.shared)] == hashes
        assert verify_log(laptop).ok
    assert verify_log(server).ok


def test_a_server_that_is_down_leaves_the_queue_for_later(
    team: Team, tmp_path: Path, pg_base_url: str
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    record_choice(anna, team.shared, _choice("offline gezegd"), team.actor("anna"), now=T0)
    # the choice, its timeline line and the signals the laptop's rules made with it
    queued = service.status(anna).queued
    assert queued >= 2
    _pg_ctl(pg_base_url, "stop")
    try:
        with pytest.raises(service.SyncError, match="werk offline verder"):
            service.sync(anna)
        assert service.status(anna).queued == queued
    finally:
        _pg_ctl(pg_base_url, "start")
    assert service.sync(anna).queued == 0
    server = UnitOfWork(open_database(team.url))
    assert [e.value for e in log_entries(server, team.shared)] == ["offline gezegd"]
