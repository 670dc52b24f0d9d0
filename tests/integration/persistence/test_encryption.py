"""Encrypted at rest: no resident's name or street readable in any file the app writes on the
laptop; a wrong or missing key is one line; an older, plain database still opens and
``buddy-desk db encrypt`` converts it with its data intact."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from buddy_desk.config import config_dir, data_dir, log_dir
from buddy_desk.errors import DatabaseError
from buddy_desk.persistence import encryption
from buddy_desk.persistence.encryption import SQLITE_HEADER, connect_file
from buddy_desk.persistence.schema import backup_sqlite, open_database
from tests.conftest import TEST_KEY
from tests.plain_files import plain_copy

ROOT = Path(__file__).resolve().parents[3]
OTHER_KEY = "0badc0de" * 8


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "buddy_desk", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def _ok(*args: str) -> str:
    done = _cli(*args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _error_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def _resident(db: Path) -> tuple[int, str, str]:
    """A dossier of the demo with its resident's surname and its street."""
    with connect_file(db, read_only=True) as conn:
        row = conn.execute(
            "SELECT d.id, p.achternaam, a.straat FROM dossier d"
            " JOIN address a ON a.id = d.address_id"
            " JOIN dossier_resident r ON r.dossier_id = d.id"
            " JOIN person p ON p.id = r.person_id"
            " WHERE length(p.achternaam) >= 6 AND length(a.straat) >= 8"
            " ORDER BY d.id LIMIT 1"
        ).fetchone()
    assert row is not None
    return int(row[0]), str(row[1]), str(row[2])


def _username(db: Path, organisation: str) -> str:
    with connect_file(db, read_only=True) as conn:
        (user,) = conn.execute(
            "SELECT username FROM supervisor WHERE organisation = ? AND username IS NOT NULL"
            " ORDER BY id LIMIT 1",
            (organisation,),
        ).fetchone()
    return str(user)


def _files_under(*folders: Path) -> Iterator[Path]:
    for folder in folders:
        if folder.exists():
            yield from (p for p in folder.rglob("*") if p.is_file())


def _holding(files: list[Path], *needles: str) -> list[str]:
    found = []
    for file in files:
        data = file.read_bytes().lower()
        for needle in needles:
            for encoded in (needle.lower().encode("utf-8"), needle.lower().encode("utf-16-le")):
                if encoded in data:
                    found.append(f"{file.name}: {needle}")
    return found


@pytest.mark.slow
def test_no_resident_name_or_street_is_readable_in_any_file_the_app_writes(
    tmp_path: Path,
) -> None:
    db = data_dir() / "demo.sqlite"
    _ok("demo", "--scale", "0.01", "--db", str(db))
    dossier, surname, street = _resident(db)
    ncg = _username(db, "NCG")
    # writes: a journal line and a choice naming the resident, a migration backup, and a
    # session of the app (offscreen) on the dossier: every file it leaves in the folders
    _ok("journal", "add", str(dossier), "--kind", "telefoon", "--text",
        f"Gebeld met mevrouw {surname} over {street}", "--user", ncg, "--db", str(db))  # fmt: skip
    _ok("--user", ncg, "choices", "record", str(dossier), "--type", "vrije_keuze",
        "--value", f"Familie {surname} wil eerst de keukentafel", "--db", str(db))  # fmt: skip
    backup = backup_sqlite(db, "0007")
    outside = tmp_path / "users-own-files"
    outside.mkdir()
    _ok("screenshot", "--db", str(db), "--dossier", str(dossier), "--out",
        str(outside / "dossier.png"))  # fmt: skip
    engine = open_database(f"sqlite:///{db}")  # held open: its WAL is on disk while we look
    try:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE person SET voornaam = :v WHERE achternaam = :s"),
                {"v": f"Notitie {surname} {street}", "s": surname},
            )
        wal = db.with_name(db.name + "-wal")
        assert wal.exists() and wal.stat().st_size > 0
        files = list(_files_under(data_dir(), config_dir(), log_dir()))
        names = {f.name for f in files}
        assert {db.name, wal.name, backup.name, "buddy-desk.log"} <= names, names
        assert not _holding(files, surname, street)
    finally:
        engine.dispose()
    # the check can fail: the same data, unencrypted, gives both words away
    plain = tmp_path / "plain.sqlite"
    plain_copy(db, plain)
    assert len(_holding([plain], surname, street)) >= 2


def test_a_wrong_or_missing_key_is_one_line_and_leaves_the_file_alone(tmp_path: Path) -> None:
    db = tmp_path / "laptop.sqlite"
    open_database(f"sqlite:///{db}").dispose()
    before = db.read_bytes()
    wrong = _error_line(_cli("dossiers", "--db", str(db), env={"BUDDY_DESK_KEY": OTHER_KEY}))
    assert str(db) in wrong and "andere sleutel" in wrong and "BUDDY_DESK_KEY" in wrong
    missing = _error_line(_cli("dossiers", "--db", str(db), env={"BUDDY_DESK_KEY": ""}))
    assert str(db) in missing and "sleutel ontbreekt" in missing
    bad = _error_line(_cli("dossiers", "--db", str(db), env={"BUDDY_DESK_KEY": "geheim"}))
    assert "64 hexadecimale tekens" in bad
    assert db.read_bytes() == before
    assert not db.with_name(db.name + "-wal").exists()
    assert _cli("dossiers", "--db", str(db)).returncode == 0  # the right key opens it


def test_damaged_or_foreign_files_are_not_called_a_wrong_key(tmp_path: Path) -> None:
    text_file = tmp_path / "notities.sqlite"
    text_file.write_text("boodschappen: melk, brood\n" * 400, encoding="utf-8")
    line = _error_line(_cli("dossiers", "--db", str(text_file)))
    assert "geen SQLite-database of is beschadigd" in line and "sleutel" not in line
    damaged = tmp_path / "kapot.sqlite"
    damaged.write_bytes(SQLITE_HEADER + b"\x00" * 8000)
    line = _error_line(_cli("dossiers", "--db", str(damaged)))
    assert "beschadigd" in line and "sleutel" not in line


def test_connections_keep_temporary_data_in_memory_and_are_keyed(tmp_path: Path) -> None:
    engine = open_database(f"sqlite:///{tmp_path / 'p.sqlite'}")
    try:
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA temp_store")).scalar() == 2  # MEMORY
            assert conn.execute(text("PRAGMA cipher_version")).scalar()
    finally:
        engine.dispose()
    assert (tmp_path / "p.sqlite").read_bytes()[:16] != SQLITE_HEADER


def test_a_plain_database_opens_with_a_warning_and_db_encrypt_converts_it(
    tmp_path: Path,
) -> None:
    source = tmp_path / "bron.sqlite"
    _ok("demo", "--scale", "0.01", "--db", str(source))
    db = tmp_path / "oud.sqlite"
    plain_copy(source, db)
    backup = tmp_path / "oud.backup-0007-20260101-120000.sqlite"
    shutil.copyfile(db, backup)
    ncg = _username(db, "NCG")
    dossier, surname, street = _resident(db)

    # read and write the plain file as before; the warning comes once per run
    listed = _cli("dossiers", "--db", str(db), "--json", "--user", ncg)
    assert listed.returncode == 0, listed.stderr
    assert listed.stderr.count("niet versleuteld") == 1
    assert "db encrypt" in listed.stderr
    _ok("journal", "add", str(dossier), "--kind", "telefoon", "--text", "Teruggebeld",
        "--user", ncg, "--db", str(db))  # fmt: skip
    journal_before = _ok("journal", str(dossier), "--json", "--user", ncg, "--db", str(db))
    assert db.read_bytes()[:16] == SQLITE_HEADER  # opening it changed nothing of that

    # in use by another program: refused, nothing changed
    holder = connect_file(db)
    holder.execute("SELECT count(*) FROM dossier").fetchone()
    try:
        busy = _error_line(
            _cli("db", "encrypt", "--db", str(db), env={"BUDDY_DESK_BUSY_MS": "200"})
        )
        assert "in gebruik" in busy
    finally:
        holder.close()
    assert db.read_bytes()[:16] == SQLITE_HEADER

    out = _ok("db", "encrypt", "--db", str(db))
    assert "versleuteld" in out and "1 back-up" in out
    for file in (db, backup):
        assert file.read_bytes()[:16] != SQLITE_HEADER
        assert not _holding([file], surname, street)
        if os.name == "posix":
            assert stat.S_IMODE(file.stat().st_mode) == 0o600
    assert not list(tmp_path.glob(".oud.sqlite.encrypting-*"))
    # data intact: the same list, the same journal, every chain and guard still in place
    after = _cli("dossiers", "--db", str(db), "--json", "--user", ncg)
    assert after.returncode == 0 and "niet versleuteld" not in after.stderr
    assert json.loads(after.stdout) == json.loads(listed.stdout)
    assert _ok("journal", str(dossier), "--json", "--user", ncg, "--db", str(db)) == journal_before
    assert _cli("verify-log", "--db", str(db)).returncode == 0
    with connect_file(backup, read_only=True) as conn:  # the backup opens with the same key
        assert conn.execute("SELECT count(*) FROM dossier").fetchone()[0] > 0
    assert "al versleuteld" in _ok("db", "encrypt", "--db", str(db))


def test_db_encrypt_never_touches_another_programs_file(tmp_path: Path) -> None:
    path = tmp_path / "recepten.sqlite"
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("CREATE TABLE recipes (id INTEGER)")
    before = path.read_bytes()
    line = _error_line(_cli("db", "encrypt", "--db", str(path)))
    assert "geen (volledige) Buddy Desk-database" in line
    assert path.read_bytes() == before
    assert not path.with_name(path.name + "-wal").exists()


class _MemoryKeyring:
    """An OS keyring stand-in (keyring's backend interface, as far as we use it)."""

    def __init__(self) -> None:
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, user: str) -> str | None:
        return self.items.get((service, user))

    def set_password(self, service: str, user: str, value: str) -> None:
        self.items[(service, user)] = value


@pytest.fixture
def no_env_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("BUDDY_DESK_KEY")
    encryption._keyring.cache_clear()
    yield
    encryption._keyring.cache_clear()


@pytest.mark.usefixtures("no_env_key")
def test_without_a_keyring_the_key_is_an_owner_only_file_per_database(tmp_path: Path) -> None:
    first, second = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    for path in (first, second):
        open_database(f"sqlite:///{path}").dispose()
        assert path.read_bytes()[:16] != SQLITE_HEADER
    keys = sorted((config_dir() / "keys").glob("*.key"))
    assert len(keys) == 2
    hexes = {k.read_text().split()[0] for k in keys}
    assert len(hexes) == 2 and TEST_KEY not in hexes  # one random key per database
    if os.name == "posix":
        assert all(stat.S_IMODE(k.stat().st_mode) == 0o600 for k in keys)
        assert stat.S_IMODE((config_dir() / "keys").stat().st_mode) == 0o700
    open_database(f"sqlite:///{first}").dispose()  # found again at the next start
    for key in keys:
        key.unlink()
    with pytest.raises(DatabaseError, match="sleutel ontbreekt"):
        open_database(f"sqlite:///{first}")


@pytest.mark.usefixtures("no_env_key")
def test_with_a_keyring_the_key_lives_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keyring

    ring = _MemoryKeyring()

    def backend() -> Any:
        return ring

    monkeypatch.setattr(keyring, "get_keyring", backend)
    path = tmp_path / "laptop.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    assert list(ring.items) == [(encryption.KEYRING_SERVICE, str(path))]
    assert not (config_dir() / "keys").exists()
    backup = backup_sqlite(path, "0007")  # a backup uses its database's key
    with connect_file(backup, read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM alembic_version").fetchone() == (1,)
    ring.items.clear()
    with pytest.raises(DatabaseError, match="sleutel ontbreekt"):
        open_database(f"sqlite:///{path}")


@pytest.mark.usefixtures("no_env_key")
def test_a_key_file_opens_its_database_without_asking_the_keyring(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database made while no keyring worked keeps its key in a file. When a keyring works
    later, the file still answers, unasked (importing ``keyring`` cost every start ~0.1–0.2
    s), even when the keyring holds an older key for the path (a database that was there
    before the outage)."""
    import keyring

    path = tmp_path / "laptop.sqlite"
    open_database(f"sqlite:///{path}").dispose()  # the fail backend: a key file
    assert len(list((config_dir() / "keys").glob("*.key"))) == 1

    class AskedKeyring(_MemoryKeyring):
        def __init__(self) -> None:
            super().__init__()
            self.asked: list[str] = []

        def get_password(self, service: str, user: str) -> str | None:
            self.asked.append(user)
            return super().get_password(service, user)

    ring = AskedKeyring()
    ring.items[(encryption.KEYRING_SERVICE, str(path))] = "ab" * 32  # an older database's

    def backend() -> Any:
        return ring

    monkeypatch.setattr(keyring, "get_keyring", backend)
    encryption._keyring.cache_clear()
    engine = open_database(f"sqlite:///{path}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM alembic_version").scalar() == 1
    engine.dispose()
    assert ring.asked == []
    other = tmp_path / "other.sqlite"  # no key file: the keyring is asked, and keeps the key
    open_database(f"sqlite:///{other}").dispose()
    assert (encryption.KEYRING_SERVICE, str(other)) in ring.items
    assert len(list((config_dir() / "keys").glob("*.key"))) == 1
