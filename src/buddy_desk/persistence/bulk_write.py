"""Writing tens of thousands of rows in one transaction, fast (benchmarks/bench_import.py).

``IdSource`` hands out primary keys before the rows go in, so parents and children (address,
dossier, case, status) can be written together without reading ids back. ``BulkInsert``
collects rows as tuples and writes them with one driver ``executemany`` (PostgreSQL:
``COPY``), with the column types' own bind processing but without SQLAlchemy's per-row
statement machinery.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import JSON, Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from buddy_desk.persistence.engine import PAGE_CACHE_KB

_PG_ID_BLOCK = 1000


def lock_for_writing(conn: Connection) -> None:
    """SQLite: take the write lock now (``BEGIN IMMEDIATE``), so that what is read next —
    the current rows, the highest ids — stays true until the commit. PostgreSQL needs none:
    its ids come from sequences."""
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.dbapi_connection
    if raw is not None and not raw.in_transaction:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


class IdSource:
    """Primary keys for new rows, one table at a time.

    SQLite (under ``lock_for_writing``): the table's highest id, counted on. PostgreSQL: the
    table's own sequence, a block at a time; ids a block leaves unused are gaps, as after a
    rollback.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def counter(self, model: type[Any]) -> Callable[[], int]:
        """A function that returns the next free id of ``model``'s table at each call."""
        table = model.__table__
        if self.conn.dialect.name == "postgresql":
            return self._pg_ids(table.name).__next__
        name = self.conn.dialect.identifier_preparer.format_table(table)
        highest = self.conn.exec_driver_sql(f"SELECT coalesce(max(id), 0) FROM {name}").scalar()
        return itertools.count(int(highest or 0) + 1).__next__

    def _pg_ids(self, table_name: str) -> Iterator[int]:
        sequence = self.conn.exec_driver_sql(
            "SELECT pg_get_serial_sequence(%s, 'id')", (table_name,)
        ).scalar()
        while True:
            block = self.conn.exec_driver_sql(
                "SELECT nextval(%s) FROM generate_series(1, %s)", (sequence, _PG_ID_BLOCK)
            ).all()
            for (value,) in block:
                yield int(value)


class _Memo(dict[Any, Any]):
    """Each distinct value converted once: dates, timestamps, flags, enum members and
    amounts repeat across tens of thousands of rows."""

    def __init__(self, convert: Callable[[Any], Any]) -> None:
        super().__init__()
        self[None] = None
        self._convert = convert

    def __missing__(self, value: Any) -> Any:
        converted = self[value] = self._convert(value)
        return converted


class BulkInsert:
    """Rows for one table as tuples in ``columns`` order; ``flush`` writes them.

    Column defaults do not apply: every NOT NULL value must be in the tuple.
    """

    def __init__(self, conn: Connection, model: type[Any], columns: Sequence[str]) -> None:
        table = model.__table__
        dialect = conn.dialect
        preparer = dialect.identifier_preparer
        mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.conn = conn
        self.rows: list[tuple[Any, ...]] = []
        self.add = self.rows.append
        self._sql = (
            f"INSERT INTO {preparer.format_table(table)} "
            f"({', '.join(preparer.quote(c) for c in columns)}) "
            f"VALUES ({', '.join(mark for _ in columns)})"
        )
        # PostgreSQL gets the rows by COPY: psycopg's executemany sends and plans every row
        # on its own, several times slower than the rows themselves (bench_import)
        self._copy = (
            f"COPY {preparer.format_table(table)} "
            f"({', '.join(preparer.quote(c) for c in columns)}) FROM STDIN"
            if dialect.name == "postgresql" and dialect.driver == "psycopg"
            else None
        )
        sqlite = dialect.name == "sqlite" and dialect.driver == "pysqlite"
        self._converters = [_converter(table.c[c].type, conn, sqlite) for c in columns]
        self._convert = any(memo is not None for memo in self._converters)

    def flush(self) -> int:
        """Write the collected rows; how many there were."""
        rows = self.rows
        if not rows:
            return 0
        values: Iterable[tuple[Any, ...]] = rows
        if self._convert:
            columns: list[Any] = list(zip(*rows, strict=True))
            for i, memo in enumerate(self._converters):
                if memo is not None:
                    columns[i] = map(memo.__getitem__, columns[i])
            values = zip(*columns, strict=True)
        if self._copy is None:
            self.conn.exec_driver_sql(self._sql, values if values is rows else list(values))
        else:
            raw: Any = self.conn.connection.dbapi_connection
            with raw.cursor() as cursor, cursor.copy(self._copy) as copy:
                for row in values:
                    copy.write_row(row)
        count = len(rows)
        rows.clear()
        return count


class _Direct(_Memo):
    """For values that cannot be dictionary keys (JSON documents): convert every time."""

    def __getitem__(self, value: Any) -> Any:
        return None if value is None else self._convert(value)


def _converter(type_: TypeEngine[Any], conn: Connection, sqlite: bool) -> _Memo | None:
    """What the column type and the driver make of a value, or None when they leave it as
    it is. For SQLite that includes the sqlite3 adapter the driver would apply to the date
    or datetime a processor returns (e.g. ``datetime.isoformat(" ")``)."""
    # the dialect's own type (SQLite's DATE writes text), as statement execution uses it
    process = type_.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    if process is None:
        return None
    # the driver's own adapters: sqlcipher3 keeps its registry apart from sqlite3's
    driver = conn.dialect.dbapi or sqlite3

    def convert(value: Any) -> Any:
        value = process(value)
        if sqlite:
            adapt = driver.adapters.get((type(value), driver.PrepareProtocol))
            if adapt is not None:
                return adapt(value)
        return value

    return _Direct(convert) if isinstance(type_, JSON) else _Memo(convert)


def bulk_update(conn: Connection, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """UPDATE … WHERE id = ? with one driver ``executemany`` per set of columns, the values
    converted as ``BulkInsert`` does (thousands of rows on an import)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(c for c in row if c != "id")), []).append(row)
    table = model.__table__
    dialect = conn.dialect
    preparer = dialect.identifier_preparer
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sqlite = dialect.name == "sqlite" and dialect.driver == "pysqlite"
    for columns, batch in groups.items():
        sql = (
            f"UPDATE {preparer.format_table(table)} "
            f"SET {', '.join(f'{preparer.quote(c)} = {mark}' for c in columns)} "
            f"WHERE {preparer.quote('id')} = {mark}"
        )
        converters = [_converter(table.c[c].type, conn, sqlite) for c in columns]
        params = [
            (
                *(
                    row[c] if memo is None else memo[row[c]]
                    for c, memo in zip(columns, converters, strict=True)
                ),
                row["id"],
            )
            for row in batch
        ]
        conn.exec_driver_sql(sql, params)


@contextmanager
def big_page_cache(session: Session) -> Iterator[None]:
    """SQLite: a 128 MB page cache while tens of thousands of rows go into indexed tables
    (as the demo generator does), back to the engine's own size afterwards."""
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        conn.exec_driver_sql("PRAGMA cache_size=-131072")
    try:
        yield
    finally:
        if sqlite:
            # after a failed statement the session wants a rollback first; then the pooled
            # connection merely keeps a bigger cache, which must not hide the real error
            with suppress(SQLAlchemyError):
                session.connection().exec_driver_sql(f"PRAGMA cache_size=-{PAGE_CACHE_KB}")
