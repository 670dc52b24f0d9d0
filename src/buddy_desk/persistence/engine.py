"""Create engines for SQLite files and PostgreSQL servers, with the right settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from buddy_desk.errors import DatabaseError


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a committed choice or note survives a power cut at the kitchen table.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def create_db_engine(url: str, *, must_exist: bool = False) -> Engine:
    """An engine for ``url``; SQLite files get WAL, foreign keys and synchronous=FULL."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"'{url}' is geen geldige database-URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is not None:
            if must_exist and not path.exists():
                raise DatabaseError(f"Databasebestand {path} bestaat niet.")
            if not path.parent.exists():
                raise DatabaseError(
                    f"Map {path.parent} bestaat niet; maak die eerst aan of kies een ander pad."
                )
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, connect_args=_pg_args(parsed.drivername))


def _pg_args(driver: str) -> dict[str, Any]:
    return {"connect_timeout": 5} if driver.startswith("postgresql") else {}
