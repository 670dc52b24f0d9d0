"""Fast executemany of Core ``insert()`` statements for large, uniform row batches.

``Connection.execute(insert(t), rows)`` re-processes every parameter of every row through
the compiled statement (about two thirds of the demo's run time at full scale). Here the
statement is compiled once per table and each column's own bind processor (the same one
SQLAlchemy would apply: enums to values, UTC timestamps, dates, decimals) is applied directly,
then the driver's executemany runs. Works for positional (SQLite) and named (psycopg)
parameter styles. On SQLite, ``UtcDateTime`` values (which rarely repeat, so the memo misses)
are turned into SQLAlchemy's text in one step (``_sqlite_utc_datetime``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Dialect, Table, insert
from sqlalchemy.dialects.sqlite import DATETIME as SQLITE_DATETIME
from sqlalchemy.types import TypeEngine

from buddy_desk.models.base import UtcDateTime

Row = dict[str, Any]
_MISSING = object()
_Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class _Prepared:
    sql: str
    keys: tuple[str, ...]
    processors: tuple[_Processor, ...]
    positional: bool


_SQLITE_DATETIME_FORMAT = SQLITE_DATETIME._storage_format  # SQLAlchemy's default


def _sqlite_utc_datetime(value: datetime) -> str:
    """``UtcDateTime``'s bind step, then SQLite ``DATETIME``'s, in one (same text, ~4x faster)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime stored; use utcnow()")
    v = value.astimezone(UTC)
    return (
        f"{v.year:04d}-{v.month:02d}-{v.day:02d} "
        f"{v.hour:02d}:{v.minute:02d}:{v.second:02d}.{v.microsecond:06d}"
    )


def _processor(column_type: TypeEngine[Any], dialect: Dialect) -> _Processor:
    impl = column_type.dialect_impl(dialect)
    storage = getattr(impl, "impl_instance", None)  # what a TypeDecorator stores as
    if (
        dialect.name == "sqlite"
        and isinstance(column_type, UtcDateTime)
        and isinstance(storage, SQLITE_DATETIME)
        and storage._storage_format == _SQLITE_DATETIME_FORMAT
    ):
        return _sqlite_utc_datetime
    return impl.bind_processor(dialect)


_MEMO_LIMIT = 20_000
"""Converted values remembered per column, at most (then forgotten and collected anew)."""


class BulkInserter:
    """Insert many rows with identical keys per table, inside the caller's transaction."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._prepared: dict[tuple[str, tuple[str, ...]], _Prepared] = {}
        self._memo: dict[tuple[str, str], dict[Any, Any]] = {}

    def _prepare(self, table: Table, keys: tuple[str, ...]) -> _Prepared:
        dialect = self._conn.dialect
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        positiontup = compiled.positiontup
        order = tuple(positiontup) if positiontup is not None else keys
        processors = tuple(_processor(table.columns[key].type, dialect) for key in order)
        return _Prepared(str(compiled), order, processors, positiontup is not None)

    def insert(self, table: Table, rows: Sequence[Row]) -> None:
        """Insert ``rows`` (dicts with the same keys); their values are converted in place."""
        if not rows:
            return
        keys = tuple(rows[0])
        prepared = self._prepared.get((table.name, keys))
        if prepared is None:
            prepared = self._prepared[(table.name, keys)] = self._prepare(table, keys)
        for key, process in zip(prepared.keys, prepared.processors, strict=True):
            if process is None:
                continue
            if process is _sqlite_utc_datetime:  # timestamps rarely repeat: no memo
                for row in rows:
                    value = row[key]
                    if value is not None:
                        row[key] = process(value)
                continue
            # processors are pure; dates, enums and flags repeat a lot, so remember results
            memo = self._memo.setdefault((table.name, key), {})
            if len(memo) > _MEMO_LIMIT:  # amounts and dates spread with the scale: stay bounded
                memo.clear()
            for row in rows:
                value = row[key]
                if isinstance(value, dict):  # a JSON document: cannot be a memo key
                    row[key] = process(value)
                elif value is not None:
                    converted = memo.get(value, _MISSING)
                    if converted is _MISSING:
                        converted = memo[value] = process(value)
                    row[key] = converted
        if prepared.positional:
            getter = itemgetter(*prepared.keys)
            params: list[Any] = [getter(row) for row in rows]
            if len(prepared.keys) == 1:
                params = [(value,) for value in params]
            self._conn.exec_driver_sql(prepared.sql, params)
        else:
            self._conn.exec_driver_sql(prepared.sql, list(rows))
