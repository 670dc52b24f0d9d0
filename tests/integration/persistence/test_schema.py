"""Opening databases: migration, backups, and clear refusals of bad files."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, text

import buddy_desk.models.all_models  # noqa: F401
from buddy_desk.errors import DatabaseError
from buddy_desk.models.base import Base
from buddy_desk.persistence.encryption import connect_file
from buddy_desk.persistence.schema import (
    backup_sqlite,
    current_revision,
    head_revision,
    open_database,
    script_head,
)


def test_new_database_is_migrated_to_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()


def test_models_match_the_migrations(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_sqlite_pragmas(tmp_path: Path) -> None:
    eng = open_database(f"sqlite:///{tmp_path / 'p.sqlite'}")
    with eng.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    eng.dispose()


def test_corrupt_file_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite"
    payload = b"this is not a database" * 100
    path.write_bytes(payload)
    with pytest.raises(DatabaseError) as info:
        open_database(f"sqlite:///{path}")
    assert str(path) in str(info.value)
    assert path.read_bytes() == payload


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    with connect_file(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    before = path.read_bytes()
    with pytest.raises(DatabaseError, match="nieuwere versie"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes (id INTEGER)")
    with pytest.raises(DatabaseError, match="geen Buddy Desk"):
        open_database(f"sqlite:///{path}")


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="bestaat niet"):
        open_database(f"sqlite:///{tmp_path / 'nope' / 'x.sqlite'}")


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(DatabaseError, match="niet bereikbaar"):
        open_database("postgresql://nobody@127.0.0.1:1/buddy")


def test_backup_is_a_consistent_copy(tmp_path: Path) -> None:
    path = tmp_path / "live.sqlite"
    eng = open_database(f"sqlite:///{path}")
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE probe (v TEXT)"))
        conn.execute(text("INSERT INTO probe VALUES ('in the WAL')"))
    backup = backup_sqlite(path, head_revision())
    eng.dispose()
    assert backup.name.startswith(f"live.backup-{head_revision()}-")
    assert b"in the WAL" not in backup.read_bytes()  # encrypted with the database's key
    with connect_file(backup) as conn:
        assert conn.execute("SELECT v FROM probe").fetchone() == ("in the WAL",)


def test_fast_head_check_agrees_with_alembic() -> None:
    assert script_head() == head_revision()
