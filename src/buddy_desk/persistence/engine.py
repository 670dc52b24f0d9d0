"""Create engines for SQLite files and PostgreSQL servers, with the right settings.

SQLite: the driver starts its own transaction only before INSERT/UPDATE/DELETE, so DDL on
its own runs outside any transaction (a kill during a migration left half a schema). Schema
work therefore starts the transaction explicitly first (``models.choices.ddl_in_transaction``),
which makes a migration, a first creation and ``guards_lifted`` all or nothing. A unit of
work that is going to write asks for ``BEGIN IMMEDIATE`` (``WRITE_OPTIONS``,
``UnitOfWork.for_writing``): it takes the write lock up front and waits for it, instead of
failing when someone else wrote meanwhile. The connection settings change nothing in the
file: WAL is switched on by ``schema.open_database`` only once the file is known to be ours.

Every SQLite file is opened through SQLCipher (``sqlcipher3``, ``persistence/encryption.py``):
the creator sends the database's key before anything is read, so the file, its WAL and its
backups are encrypted; ``temp_store=MEMORY`` keeps temporary tables and sort files off the
disk. A file with the plain SQLite header (an older database) opens without a key.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from buddy_desk.core.held_stores import COMPANION_SUFFIXES
from buddy_desk.errors import DatabaseError
from buddy_desk.persistence import encryption

BUSY_ENV = "BUDDY_DESK_BUSY_MS"
BUSY_DEFAULT_MS = 5000
SQLITE_BEGIN = "buddy_desk_sqlite_begin"
PAGE_CACHE_KB = 65_536
"""SQLite's page cache per connection, filled as pages are read: at 310,000 dossiers a
surname's first page took 70 ms with SQLite's default 2 MB and 10 ms with 64 MB (at
31,000: 11 ms and 2 ms)."""
WRITE_OPTIONS = {SQLITE_BEGIN: "IMMEDIATE"}


def busy_timeout_ms() -> int:
    """How long a statement waits for another writer's lock before it reports "bezet"."""
    try:
        return max(0, int(os.environ.get(BUSY_ENV, BUSY_DEFAULT_MS)))
    except ValueError:
        return BUSY_DEFAULT_MS


def _connection_settings(read_only: bool) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # FULL: a committed choice or note survives a power cut at the kitchen table.
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
        # sorts, indexes being built and temporary tables: in memory, never in a plain temp file
        cursor.execute("PRAGMA temp_store=MEMORY")
        # the list's pages read the dossiers they show by key, all over the file: with
        # SQLite's 2 MB page cache each read decrypted its pages again (SQLCipher)
        cursor.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")
        if read_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    return on_connect


def _begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get(SQLITE_BEGIN)
    if mode:  # otherwise the driver begins before the first write, as it always did
        conn.exec_driver_sql(f"BEGIN {mode}")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def sqlite_uri(path: Path, *, read_only: bool = False, immutable: bool = False) -> str:
    """A ``file:`` URI that never creates the file (``mode=rw``) or only reads (``mode=ro``)."""
    mode = "ro" if read_only else "rw"
    suffix = "&immutable=1" if immutable else ""
    return f"file:{quote(str(path.absolute()))}?mode={mode}{suffix}"


def create_db_engine(
    url: str, *, must_exist: bool = False, read_only: bool = False, immutable: bool = False
) -> Engine:
    """An engine for ``url``; a SQLite file is opened as it is (never created here)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"'{url}' is geen geldige database-URL: {exc}") from None
    if parsed.get_backend_name() == "sqlite":
        path = sqlite_path(url)
        if path is None:  # in memory
            engine = create_engine(url)
        else:
            if must_exist and not path.exists():
                raise DatabaseError(f"Databasebestand {path} bestaat niet.")
            if not path.parent.exists():
                raise DatabaseError(
                    f"Map {path.parent} bestaat niet; maak die eerst aan of kies een ander pad."
                )
            uri = sqlite_uri(path, read_only=read_only, immutable=immutable)
            timeout = busy_timeout_ms() / 1000
            key = encryption.key_for_file(path)

            def connect() -> Any:
                return encryption.connect(
                    uri, key, uri=True, timeout=timeout, check_same_thread=False
                )

            # the URL keeps the file-database pool (QueuePool); the creator decides how to
            # open, and ``module`` makes SQLAlchemy recognise (and wrap) SQLCipher's errors
            # LIFO: the GUI thread's next read gets the connection it just used, whose page
            # cache holds what it read (FIFO would rotate through every pooled one)
            engine = create_engine(
                f"sqlite:///{path}", creator=connect, module=encryption.driver, pool_use_lifo=True
            )
        event.listen(engine, "connect", _connection_settings(read_only))
        event.listen(engine, "begin", _begin)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return create_engine(parsed, pool_pre_ping=True, connect_args=_pg_args(parsed.drivername))


def _pg_args(driver: str) -> dict[str, Any]:
    return {"connect_timeout": 5} if driver.startswith("postgresql") else {}


LIST_WORDS = "dossier_search_word"


def update_planner_statistics(conn: Connection) -> None:
    """After a bulk load into PostgreSQL: ``ANALYZE``, so the planner knows the new tables'
    sizes and spread at once, and ``VACUUM`` of the search words, so their index is read
    without visiting the table (an index-only scan checks the table for every entry on a
    page not yet marked all-visible). Autovacuum gets there a minute or more later; until
    then the list's queries are planned blind (a broad token's first page took 17 ms instead
    of 2–3 at 31,000 dossiers) and read the words' table as well (at 310,000 dossiers
    `9726 b` 12 → 10 ms, `akkerakker 1` 8.5 → 2.5 ms). SQLite is left as it is: its list
    plans were measured without statistics."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
        # outside a transaction (the connection is reset when it goes back to the pool)
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(f"VACUUM {LIST_WORDS}")


def pragma_outside_transaction(conn: Connection, statement: str) -> Any:
    """Run a SQLite PRAGMA that must not be inside a transaction (synchronous, journal_mode).

    It goes to the driver connection directly, past the engine's BEGIN; ``conn`` must not
    be in a transaction. Returns the first column of the first row, if any.
    """
    if conn.in_transaction():
        raise RuntimeError("PRAGMA outside a transaction asked for inside one")
    raw = conn.connection.driver_connection
    assert raw is not None
    row = raw.execute(statement).fetchone()
    return row[0] if row else None


SQLITE_COMPANIONS = COMPANION_SUFFIXES


def remove_with_companions(path: Path) -> None:
    """Delete a SQLite file and its -wal, -shm and -journal files, whatever is there."""
    for suffix in ("", *SQLITE_COMPANIONS):
        with contextlib.suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
