"""The server keeps every laptop's choice-log heads and refuses a laptop whose head moved back.

The attacker has the laptop's file: the guard triggers lifted (as the truncation tests in
tests/integration/choices do), a dossier's chain cut or rewritten so that it is whole again
locally. The next sync is refused — one line, exit 2 on the command line, the status bar
says so — and the server's access log holds one sealed entry for the privacy officer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from buddy_desk.choices.rules import Channel, entry_hash
from buddy_desk.choices.service.log import log_entries, record_choice, verify_log, withdraw_choice
from buddy_desk.cli import main as cli_main
from buddy_desk.persistence.log_guards import guards_lifted
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from buddy_desk.sync.heads import HANDLING_REFUSED
from buddy_desk.sync.one_at_a_time import SyncBusyError, one_sync_at_a_time
from buddy_desk.sync.wipe import database_path
from tests.integration.sync.conftest import Team, enrol_laptop
from tests.integration.sync.test_two_laptops import T0, _choice

pytestmark = pytest.mark.postgres


def _truncate(uow: UnitOfWork, dossier_id: int) -> None:
    """Cut the last entry and copy the previous number and hash into the head."""
    entries = log_entries(uow, dossier_id)
    last, prev = entries[-1], entries[-2]
    with uow.engine.begin() as conn, guards_lifted(conn):
        conn.execute(
            text("DELETE FROM choice_log_entry WHERE dossier_id = :d AND seq = :s"),
            {"d": dossier_id, "s": last.seq},
        )
        conn.execute(
            text("UPDATE choice_log_head SET last_seq = :s, last_hash = :h WHERE dossier_id = :d"),
            {"d": dossier_id, "s": prev.seq, "h": prev.entry_hash},
        )


def _empty(uow: UnitOfWork, dossier_id: int) -> None:
    """Remove the dossier's whole choice log and its head: nothing left to compare locally."""
    with uow.engine.begin() as conn, guards_lifted(conn):
        for table in ("choice_log_entry", "choice_log_head"):
            conn.execute(text(f"DELETE FROM {table} WHERE dossier_id = :d"), {"d": dossier_id})


def _rewrite(uow: UnitOfWork, dossier_id: int) -> None:
    """Change the last entry's value and re-seal it: the local chain is whole again."""
    last = log_entries(uow, dossier_id)[-1]
    changed = replace(last, value="herschreven", entry_hash="")
    digest = entry_hash(changed)
    with uow.engine.begin() as conn, guards_lifted(conn):
        conn.execute(
            text(
                "UPDATE choice_log_entry SET value = 'herschreven', entry_hash = :h "
                "WHERE dossier_id = :d AND seq = :s"
            ),
            {"h": digest, "d": dossier_id, "s": last.seq},
        )
        conn.execute(
            text("UPDATE choice_log_head SET last_hash = :h WHERE dossier_id = :d"),
            {"h": digest, "d": dossier_id},
        )


def _refusals(team: Team) -> list[tuple[str, int]]:
    engine = create_engine(team.url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT gebruiker, dossier_id FROM access_log_entry WHERE handeling_naam = :h "
                "ORDER BY chain_seq"
            ),
            {"h": HANDLING_REFUSED},
        ).all()
    engine.dispose()
    return [(str(u), int(d)) for u, d in rows]


@pytest.mark.parametrize(
    ("tamper", "says"),
    [
        (_truncate, "is op de laptop ingekort"),
        (_empty, "is op de laptop ingekort"),
        (_rewrite, "wijkt af van de server"),
    ],
    ids=["truncated", "emptied", "rewritten"],
)
def test_a_laptop_whose_choice_log_moved_back_is_refused(
    team: Team,
    tmp_path: Path,
    tamper: Callable[[UnitOfWork, int], None],
    says: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    for value in ("eerste", "tweede", "derde"):
        record_choice(anna, team.shared, _choice(value), team.actor("anna"), now=T0)
    service.sync(anna)
    tamper(anna, team.shared)
    # a local edit after the tampering: it is not sent either
    record_choice(anna, team.second, _choice("daarna"), team.actor("anna"), now=T0)

    with pytest.raises(service.LaptopRefusedError, match=says) as refused:
        service.sync(anna)
    assert f"dossier {team.shared}" in str(refused.value)
    assert "\n" not in str(refused.value)
    # the command line: one line, exit 2, no traceback
    capsys.readouterr()
    url = str(anna.engine.url)
    anna.engine.dispose()
    assert cli_main(["sync", "--db", url]) == 2
    err = capsys.readouterr().err.strip()
    assert says in err and len(err.splitlines()) == 1 and "Traceback" not in err

    # the server: its chain untouched, nothing of the later edit applied, one sealed entry
    server = UnitOfWork(open_database(team.url))
    assert [e.value for e in log_entries(server, team.shared)] == ["eerste", "tweede", "derde"]
    assert log_entries(server, team.second) == []
    assert _refusals(team) == [(team.secrets["anna_login"], team.shared)]
    assert verify_log(server).ok


def test_normal_syncs_of_two_laptops_are_never_refused(team: Team, tmp_path: Path) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    bram = enrol_laptop(team, tmp_path, "bram")
    for round_ in range(4):
        # both record offline, sync in changing order, sometimes twice
        record_choice(anna, team.shared, _choice(f"anna {round_}"), team.actor("anna"), now=T0)
        record_choice(bram, team.shared, _choice(f"bram {round_}"), team.actor("bram"), now=T0)
        order = (anna, bram) if round_ % 2 else (bram, anna, bram)
        for laptop in order:
            service.sync(laptop)
    # both withdraw the same choice offline: the second withdrawal is refused by the server
    # (a conflict) and disappears from that laptop at its next pull — still no refusal
    first = log_entries(anna, team.shared)[0]
    withdraw_choice(anna, team.shared, first.seq, team.actor("anna"), channel=Channel.PHONE, now=T0)
    withdraw_choice(bram, team.shared, first.seq, team.actor("bram"), channel=Channel.PHONE, now=T0)
    for laptop in (anna, bram, anna, bram):
        service.sync(laptop)
    assert _refusals(team) == []
    server = UnitOfWork(open_database(team.url))
    hashes = [e.entry_hash for e in log_entries(server, team.shared)]
    for laptop in (anna, bram):
        assert [e.entry_hash for e in log_entries(laptop, team.shared)] == hashes
        assert verify_log(laptop).ok
        listed = service.conflicts(laptop)
        assert [c.reason for c in listed] == ["invalid_entry"]
        assert "deze keuze is al ingetrokken" in (listed[0].mine or "")
        assert listed[0].author == team.secrets["bram_login"]
    kinds = [e.kind.value for e in log_entries(server, team.shared)]
    assert kinds.count("intrekking") == 1


def test_two_syncs_of_one_laptop_never_interleave(team: Team, tmp_path: Path) -> None:
    """A second sync (another process, or the CLI next to the app) waits its turn: it would
    report heads read before the first one applied its pull, which looks like a move back."""
    anna = enrol_laptop(team, tmp_path, "anna")
    record_choice(anna, team.shared, _choice("tussendoor"), team.actor("anna"), now=T0)
    busy = pytest.raises(SyncBusyError, match="loopt al een synchronisatie")
    with one_sync_at_a_time(database_path(anna)), busy:  # the app's sync is running
        service.sync(anna)
    assert service.sync(anna).queued == 0
    assert _refusals(team) == []


def test_a_laptop_cannot_push_without_reporting_its_heads(team: Team) -> None:
    from sqlalchemy.exc import ProgrammingError

    from buddy_desk.persistence.engine import create_db_engine

    url = service._login_url(team.url, team.secrets["anna_login"], team.secrets["anna"])
    engine = create_db_engine(url.render_as_string(hide_password=False))
    try:
        with engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text("SELECT sync.push('[]'::jsonb)"))
        with engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
            conn.execute(text("SELECT sync.check_heads('x', '{}'::jsonb)"))
    finally:
        engine.dispose()
