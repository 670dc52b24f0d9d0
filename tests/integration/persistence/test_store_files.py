"""SQLite files: what is not ours stays untouched, odd files are refused in one line, and
everything the app creates is owner-only."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from buddy_desk.choices.rules import Actor, Channel, ChoiceType
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.cli import main as cli_main
from buddy_desk.core.phases import ImgPhase, Organisation
from buddy_desk.errors import DatabaseError
from buddy_desk.persistence.encryption import connect_file
from buddy_desk.persistence.engine import pragma_outside_transaction
from buddy_desk.persistence.failures import explain
from buddy_desk.persistence.schema import (
    backup_sqlite,
    current_revision,
    head_revision,
    open_database,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX files and permissions")
ACTOR = Actor("t.test", "", Organisation.IMG, "supervisor")


@pytest.fixture(autouse=True)
def _umask_restored() -> Iterator[None]:
    """The CLI makes the process's umask private; give the next test the usual one back."""
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("buddy-desk:")]
    assert len(lines) == 1, err
    return lines[0]


def test_a_zero_byte_file_is_reported_not_initialised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "leeg.sqlite"
    path.touch()
    with pytest.raises(DatabaseError, match="leeg"):
        open_database(f"sqlite:///{path}", create=False)
    assert cli_main(["dossiers", "--db", str(path)]) == 2
    assert "leeg (0 bytes)" in _one_line_error(capsys)
    assert path.stat().st_size == 0
    assert not path.with_name("leeg.sqlite-wal").exists()
    # asked to create a database here: then it is built
    engine = open_database(f"sqlite:///{path}", create=True)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_a_half_created_file_is_recognised_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "half.sqlite"
    with sqlite3.connect(path) as conn:  # an older version killed during its first start
        conn.execute("CREATE TABLE address (id INTEGER PRIMARY KEY)")
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    conn.close()
    with pytest.raises(DatabaseError, match="niet afgemaakt"):
        open_database(f"sqlite:///{path}", create=False)
    engine = open_database(f"sqlite:///{path}", create=True)
    assert current_revision(engine) == head_revision()
    engine.dispose()
    again = open_database(f"sqlite:///{path}", create=False)  # and opens for good
    again.dispose()


def test_another_applications_file_is_not_switched_to_wal(tmp_path: Path) -> None:
    path = tmp_path / "recepten.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="geen Buddy Desk"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before
    assert not path.with_name("recepten.sqlite-wal").exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    conn.close()


@posix
def test_fifos_and_devices_are_refused_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe.sqlite"
    os.mkfifo(fifo)
    assert cli_main(["dossiers", "--db", str(fifo)]) == 2  # would block if it were opened
    assert "geen gewoon bestand" in _one_line_error(capsys)
    assert cli_main(["dossiers", "--db", "/dev/zero"]) == 2
    assert "geen gewoon bestand" in _one_line_error(capsys)
    export = tmp_path / "export.csv"
    os.mkfifo(export)
    db = tmp_path / "db.sqlite"
    assert cli_main(["import", "ncg", str(export), "--db", str(db)]) == 2
    assert "geen gewoon bestand" in _one_line_error(capsys)
    assert cli_main(["import", "ncg", "/dev/zero", "--db", str(db)]) == 2
    assert "geen gewoon bestand" in _one_line_error(capsys)


def test_damaged_pages_are_one_line_naming_the_file_which_is_left_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kapot.sqlite"
    engine = open_database(f"sqlite:///{path}")
    uow = UnitOfWork(engine)
    for n in range(120):
        make_dossier(uow, straat=f"Lange Straat {'x' * 60} {n}", img_phase=ImgPhase.OPNAME)
    with engine.connect() as conn:
        pragma_outside_transaction(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(page * 3, len(data) - page, page * 2):  # every other page from 3 on
        data[offset + 8 : offset + page] = b"\xa5" * (page - 8)
    path.write_bytes(bytes(data))
    damaged = path.read_bytes()
    assert cli_main(["dossiers", "--db", str(path)]) == 2
    line = _one_line_error(capsys)
    assert "beschadigd" in line and str(path) in line
    assert "Lange Straat" not in line  # no data from the failing statement
    assert path.read_bytes() == damaged


def test_a_database_locked_by_another_writer_is_one_line_after_a_wait(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bezet.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    export = tmp_path / "ncg.csv"
    assert cli_main(["demo-exports", "--out", str(tmp_path), "--ncg", "50", "--img", "10"]) == 0
    export = next(tmp_path.glob("*ncg*.csv"))
    capsys.readouterr()
    monkeypatch.setenv("BUDDY_DESK_BUSY_MS", "300")
    holder = connect_file(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program is writing
    try:
        assert cli_main(["import", "ncg", str(export), "--db", str(path)]) == 2
        assert "bezet" in _one_line_error(capsys)
        assert cli_main(["dossiers", "--db", str(path)]) == 0  # reading still works (WAL)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert cli_main(["import", "ncg", str(export), "--db", str(path), "--json"]) == 0


def test_read_only_mode_reads_and_refuses_writes_in_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "archief.sqlite"
    engine = open_database(f"sqlite:///{path}")
    dossier = make_dossier(UnitOfWork(engine), img_phase=ImgPhase.OPNAME)
    engine.dispose()
    before = path.read_bytes()
    ro = open_database(f"sqlite:///{path}", read_only=True)
    try:
        with ro.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM dossier")).scalar_one() == 1
        with pytest.raises(OperationalError) as info:
            record_choice(
                UnitOfWork(ro),
                dossier,
                NewChoice(ChoiceType.JOINT_INSPECTION, "gelijktijdig", Channel.PHONE),
                ACTOR,
            )
        assert "alleen-lezen" in explain(str(path), info.value)
    finally:
        ro.dispose()
    assert path.read_bytes() == before


@posix
@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_a_write_protected_copy_opens_read_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "kopie.sqlite"
    engine = open_database(f"sqlite:///{path}")
    make_dossier(UnitOfWork(engine), img_phase=ImgPhase.OPNAME)
    engine.dispose()
    path.chmod(0o444)
    assert cli_main(["dossiers", "--db", str(path)]) == 0
    assert cli_main(["demo", "--force", "--db", str(path)]) == 2
    assert "alleen-lezen" in _one_line_error(capsys)


@posix
def test_database_wal_and_backup_are_owner_only(tmp_path: Path) -> None:
    os.umask(0o022)  # a permissive default: the files must still be private
    path = tmp_path / "prive.sqlite"
    engine = open_database(f"sqlite:///{path}")
    make_dossier(UnitOfWork(engine), img_phase=ImgPhase.OPNAME)
    wal = path.with_name("prive.sqlite-wal")
    assert wal.exists()
    backup = backup_sqlite(path, head_revision())
    for file in (path, wal, backup):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    engine.dispose()
    assert not list(tmp_path.glob(".prive.sqlite.creating-*"))


def test_terminal_escapes_in_a_file_never_reach_the_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "vreemd.csv"
    export.write_bytes(b"\x1b[2J\x1b]0;pwned\x07kolom;\x1b[31mrood\r\nwaarde;x\r\n")
    db = tmp_path / "db.sqlite"
    assert cli_main(["import", "ncg", str(export), "--db", str(db)]) == 2
    captured = capsys.readouterr()
    assert "\x1b" not in captured.err and "\x07" not in captured.err
    assert "\x1b" not in captured.out
    assert len([line for line in captured.err.splitlines() if line.strip()]) == 1
