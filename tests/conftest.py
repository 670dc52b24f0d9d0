"""Shared fixtures: a fresh database per test, on SQLite and (when available) PostgreSQL."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from buddy_desk.i18n import set_language
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.pg_server import find_bin_dir, throwaway_server

_db_counter = itertools.count()
# Every SQLite file the suite makes is encrypted (SQLCipher), with this key; no test may
# reach the real OS keyring (the fail backend makes the key-file fallback the one in use).
TEST_KEY = "5eed" * 16
NO_KEYRING = "keyring.backends.fail.Keyring"
# for the whole session too: module- and session-scoped fixtures (a demo database built once
# per module) run before the per-test fixture below
os.environ["BUDDY_DESK_KEY"] = TEST_KEY
os.environ["PYTHON_KEYRING_BACKEND"] = NO_KEYRING


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the real user's data, settings, logs or keyring; always start in Dutch;
    every database encrypted."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.delenv("BUDDY_DESK_DB", raising=False)
    monkeypatch.setenv("BUDDY_DESK_KEY", TEST_KEY)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", NO_KEYRING)
    set_language("nl")


@pytest.fixture(scope="session")
def pg_base_url() -> Iterator[str]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL server binaries not found, and CI=true requires them")
        pytest.skip("PostgreSQL server binaries not found (/usr/lib/postgresql/*/bin)")
    with throwaway_server(bin_dir) as url:
        yield url


def _new_pg_database(base: str) -> str:
    name = f"t{os.getpid()}_{next(_db_counter)}"
    admin = create_engine(base.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.format(db=name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL, once for SQLite and once for PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    base: str = request.getfixturevalue("pg_base_url")
    return _new_pg_database(base)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite'}"


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = open_database(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def uow(engine: Engine) -> UnitOfWork:
    return UnitOfWork(engine)
