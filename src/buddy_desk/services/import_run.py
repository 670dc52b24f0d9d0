"""The machinery of one file's import, shared by the NCG and IMG imports.

``ImportRun`` loads the current addresses, dossiers and supervisors into memory, collects the
changes row by row (``import_ncg`` / ``import_img`` in their own modules), and writes them in
Core ``executemany`` batches on the unit of work's connection: tens of thousands of rows must
import in seconds (benchmarks/bench_import.py). Nothing here commits.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from enum import Enum
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from buddy_desk.domain.phases import Organisation
from buddy_desk.importing.exports import AddressPart, ExportKind, ParsedExport, Rejection
from buddy_desk.models import Address, Case, CaseStatus, Dossier, Supervisor, TimelineEvent
from buddy_desk.models.base import utcnow
from buddy_desk.progress import Progress
from buddy_desk.services.signals import evaluate_in_session

log = logging.getLogger(__name__)
_REPORT_EVERY = 2000


@dataclass(frozen=True)
class ImportResult:
    kind: ExportKind
    source: str
    encoding: str
    delimiter: str
    imported: int
    updated: int
    unchanged: int
    rejected: tuple[Rejection, ...]
    new_dossiers: int
    phase_changes: int
    signals_created: int

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "file": self.source,
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": [
                {"line": r.line, "field": r.field, "reason": r.reason} for r in self.rejected
            ],
            "new_dossiers": self.new_dossiers,
            "phase_changes": self.phase_changes,
            "signals_created": self.signals_created,
        }


@dataclass
class AddressRow:
    id: int
    match_key: str
    ncg_address_id: str | None
    straat: str
    woonplaats: str
    gemeente: str | None
    dossier_id: int
    img_supervisor_id: int | None
    ncg_supervisor_id: int | None


@dataclass
class _Counts:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    new_dossiers: int = 0
    phase_changes: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def at_noon(day: date | None) -> datetime | None:
    return datetime.combine(day, time(12), UTC) if day else None


class ImportRun:
    """One file's import: the current state in memory, the changes collected, then written."""

    def __init__(
        self,
        session: Session,
        kind: ExportKind,
        today: date,
        user: str | None,
        source: str,
        progress: Progress,
    ) -> None:
        self.session = session
        self.conn: Connection = session.connection()
        self.kind = kind
        self.today = today
        self.user = user or "import"
        self.source = source
        self.progress = progress
        self.now = utcnow()
        self.counts = _Counts()
        self.touched: set[int] = set()
        self._load_addresses()
        self._load_supervisors()
        # pending writes
        self.new_addresses: list[dict[str, Any]] = []
        self.new_buddies: dict[str, tuple[int | None, int | None]] = {}  # key → (IMG, NCG)
        self.address_updates: list[dict[str, Any]] = []
        self.dossier_updates: dict[int, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.statuses: list[dict[str, Any]] = []

    # --- state ---------------------------------------------------------------------------

    def _load_addresses(self) -> None:
        self.by_key: dict[str, AddressRow] = {}
        self.by_ncg_id: dict[str, AddressRow] = {}
        stmt = select(
            Address.id,
            Address.match_key,
            Address.ncg_address_id,
            Address.straat,
            Address.woonplaats,
            Address.gemeente,
            Dossier.id,
            Dossier.img_supervisor_id,
            Dossier.ncg_supervisor_id,
        ).join(Dossier, Dossier.address_id == Address.id)
        for row in self.conn.execute(stmt).all():
            a = AddressRow(*row)
            self.by_key[a.match_key] = a
            if a.ncg_address_id:
                self.by_ncg_id[a.ncg_address_id.upper()] = a

    def _load_supervisors(self) -> None:
        self._by_exact_name: dict[tuple[Organisation, str], int] = {}
        self.supervisors: dict[tuple[Organisation, str], int] = {}
        for sup_id, org, naam in self.conn.execute(
            select(Supervisor.id, Supervisor.organisation, Supervisor.naam).order_by(Supervisor.id)
        ):
            self.supervisors.setdefault((org, naam.casefold()), sup_id)

    def supervisor_id(self, org: Organisation, naam: str) -> int:
        found = self._by_exact_name.get((org, naam))
        if found is not None:
            return found
        key = (org, naam.casefold())
        found = self.supervisors.get(key)
        if found is None:
            role = "zaakbegeleider" if org is Organisation.IMG else "bewonersbegeleider"
            found = self.conn.execute(
                insert(Supervisor).returning(Supervisor.id),
                {"organisation": org, "role": role, "naam": naam, "active": True},
            ).scalar_one()
            self.supervisors[key] = found
        self._by_exact_name[(org, naam)] = found
        return found

    # --- addresses and dossiers ----------------------------------------------------------

    def _address_changes(self, a: AddressRow, part: AddressPart) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        if part.straat and part.straat != a.straat:
            changes["straat"] = a.straat = part.straat
        if part.woonplaats and part.woonplaats != a.woonplaats:
            changes["woonplaats"] = a.woonplaats = part.woonplaats
        if part.gemeente and part.gemeente != a.gemeente:
            changes["gemeente"] = a.gemeente = part.gemeente
        return changes

    def _new_address(self, part: AddressPart, ncg_address_id: str | None) -> dict[str, Any]:
        k = part.key
        row = {
            "match_key": part.match_key,
            "postcode": k.postcode,
            "huisnummer": k.huisnummer,
            "huisletter": k.huisletter,
            "huisnummertoevoeging": k.toevoeging,
            "straat": part.straat or "",
            "woonplaats": part.woonplaats or "",
            "gemeente": part.gemeente,
            "ncg_address_id": ncg_address_id,
        }
        self.new_addresses.append(row)
        return row

    def _write_new_addresses(self) -> None:
        """Insert the queued addresses and a dossier for each."""
        if not self.new_addresses:
            return
        # plain executemany and a read-back: RETURNING in parameter order would make SQLite
        # insert one row per statement
        fast_insert(self.conn, Address, self.new_addresses)
        address_ids = _pairs(self.conn, Address, "match_key", "id")  # match_key is unique
        ids = [address_ids[row["match_key"]] for row in self.new_addresses]
        buddies = self.new_buddies
        fast_insert(
            self.conn,
            Dossier,
            [
                {
                    "address_id": a_id,
                    "img_supervisor_id": buddies.get(row["match_key"], (None, None))[0],
                    "ncg_supervisor_id": buddies.get(row["match_key"], (None, None))[1],
                    "created_at": self.now,
                    "updated_at": self.now,
                }
                for a_id, row in zip(ids, self.new_addresses, strict=True)
            ],
        )
        by_address = _pairs(self.conn, Dossier, "address_id", "id")  # address_id is unique
        dossier_ids = [by_address[a_id] for a_id in ids]
        self.counts.new_dossiers += len(dossier_ids)
        for row, a_id, d_id in zip(self.new_addresses, ids, dossier_ids, strict=True):
            a = AddressRow(
                a_id,
                row["match_key"],
                row["ncg_address_id"],
                row["straat"],
                row["woonplaats"],
                row["gemeente"],
                d_id,
                *buddies.get(row["match_key"], (None, None)),
            )
            self.by_key[a.match_key] = a
            if a.ncg_address_id:
                self.by_ncg_id[a.ncg_address_id.upper()] = a
        self.touched.update(dossier_ids)
        self.new_addresses = []
        self.new_buddies = {}

    def _set_buddy(self, a: AddressRow, org: Organisation, naam: str | None) -> bool:
        if not naam:
            return False
        sup_id = self.supervisor_id(org, naam)
        column = "img_supervisor_id" if org is Organisation.IMG else "ncg_supervisor_id"
        if getattr(a, column) == sup_id:
            return False
        setattr(a, column, sup_id)
        self.dossier_updates.setdefault(a.dossier_id, {"id": a.dossier_id})[column] = sup_id
        self.touched.add(a.dossier_id)
        return True

    def _event(
        self, dossier_id: int, org: Organisation, kind: str, title: str, when: datetime | None
    ) -> None:
        self.events.append(
            {
                "dossier_id": dossier_id,
                "occurred_at": when or self.now,
                "organisation": org,
                "kind": kind,
                "title": title,
                "detail": f"Import {self.source}",
                "created_by": self.user,
            }
        )

    def _tick(self, done: int, total: int) -> None:
        if done % _REPORT_EVERY == 0:
            self.progress.check()
            self.progress.report(done, total, f"{done} van {total} regels verwerkt")

    def _flush_common(self) -> None:
        self.progress.check()
        self.progress.report(0, 0, "Opslaan…")
        bulk_update(self.conn, Address, self.address_updates)
        for values in self.dossier_updates.values():
            values["updated_at"] = self.now
        bulk_update(self.conn, Dossier, list(self.dossier_updates.values()))
        if self.statuses:
            fast_insert(self.conn, CaseStatus, self.statuses)
        if self.events:
            fast_insert(self.conn, TimelineEvent, self.events)

    def _finish(self, parsed: ParsedExport[Any]) -> ImportResult:
        self.progress.check()
        self.progress.report(0, 0, "Signalen bijwerken…")
        signals = evaluate_in_session(self.session, self.today, self.touched, self.user)
        self.progress.check()
        c = self.counts
        rejected = sorted([*parsed.rejections, *c.rejected], key=lambda r: r.line)
        return ImportResult(
            kind=self.kind,
            source=self.source,
            encoding=parsed.table.encoding,
            delimiter=parsed.table.delimiter,
            imported=c.imported,
            updated=c.updated,
            unchanged=c.unchanged,
            rejected=tuple(rejected),
            new_dossiers=c.new_dossiers,
            phase_changes=c.phase_changes,
            signals_created=signals.created,
        )

    # --- NCG -----------------------------------------------------------------------------

    def _insert_cases(self, rows: list[dict[str, Any]]) -> list[int]:
        """Insert cases; their ids in the same order (read back by identificatie)."""
        fast_insert(self.conn, Case, rows)
        org = rows[0]["organisation"]
        wanted = {row["identificatie"] for row in rows}
        found = {
            ident: case_id
            for case_id, ident in self.conn.execute(
                select(Case.id, Case.identificatie).where(Case.organisation == org)
            ).all()
            if ident in wanted
        }
        return [found[row["identificatie"]] for row in rows]


def address_values(a: AddressRow) -> dict[str, Any]:
    return {
        "straat": a.straat,
        "woonplaats": a.woonplaats,
        "gemeente": a.gemeente,
        "ncg_address_id": a.ncg_address_id,
    }


@contextmanager
def big_page_cache(session: Session) -> Iterator[None]:
    """SQLite: a 128 MB page cache while tens of thousands of rows go into indexed tables
    (as the demo generator does), back to SQLite's default afterwards."""
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
                session.connection().exec_driver_sql("PRAGMA cache_size=-2000")


def fast_insert(conn: Connection, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """INSERT many rows with the column types' own bind processing but without SQLAlchemy's
    per-row statement machinery (a third of an import's time otherwise).

    Every row must carry the same keys; column defaults do not apply, so callers give every
    NOT NULL value themselves.
    """
    if not rows:
        return
    table = model.__table__
    names = list(rows[0])
    dialect = conn.dialect
    processors = [table.c[n].type.bind_processor(dialect) for n in names]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    preparer = dialect.identifier_preparer
    sql = (
        f"INSERT INTO {preparer.format_table(table)} "
        f"({', '.join(preparer.quote(n) for n in names)}) "
        f"VALUES ({', '.join(mark for _ in names)})"
    )
    sqlite = dialect.name == "sqlite" and dialect.driver == "pysqlite"
    # column by column with map(): C-level loops instead of a generator per row
    columns = []
    for n, proc in zip(names, processors, strict=True):
        values = list(map(itemgetter(n), rows))
        kinds = set(map(type, values))
        kinds.discard(type(None))
        kind = kinds.pop() if len(kinds) == 1 else None
        if kind is date or (kind is datetime and proc is not None):
            # dates and timestamps repeat (one import time, a few thousand days): convert
            # each distinct value once, to exactly what the column type and driver make of it
            # (timestamps only through a processor: equal instants in other zones print
            # differently)
            to_text = _date_converter(proc, sqlite)
            memo = {v: to_text(v) for v in set(values)}
            columns.append(list(map(memo.__getitem__, values)))
        elif proc is None:
            columns.append(values)
        elif kind is not None and issubclass(kind, (bool, Enum)):
            # flags and enum members repeat: process each distinct value once
            memo = {v: None if v is None else proc(v) for v in set(values)}
            columns.append(list(map(memo.__getitem__, values)))
        else:
            columns.append(list(map(proc, values)))
    conn.exec_driver_sql(sql, list(zip(*columns, strict=True)))


def _date_converter(proc: Callable[[Any], Any] | None, sqlite: bool) -> Callable[[Any], Any]:
    """The column's bind processor, then (SQLite) the sqlite3 adapter the driver would apply
    to the date or datetime it returns (e.g. ``datetime.isoformat(" ")``)."""

    def convert(value: Any) -> Any:
        if value is None:
            return None
        if proc is not None:
            value = proc(value)
        if sqlite:
            adapt = sqlite3.adapters.get((type(value), sqlite3.PrepareProtocol))
            if adapt is not None:
                return adapt(value)
        return value

    return convert


def _pairs(conn: Connection, model: type[Any], key: str, value: str) -> dict[Any, Any]:
    """``{key: value}`` over the whole table, straight from the driver's cursor: two plain
    columns (integers, text) need none of SQLAlchemy's row processing, and tens of thousands
    of rows are read back after an insert."""
    table = model.__table__
    preparer = conn.dialect.identifier_preparer
    sql = (
        f"SELECT {preparer.quote(table.c[key].name)}, {preparer.quote(table.c[value].name)} "
        f"FROM {preparer.format_table(table)}"
    )
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        return dict(cursor.fetchall())
    finally:
        cursor.close()


def bulk_update(conn: Connection, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """UPDATE … WHERE id = :id in executemany batches, grouped by the set of columns."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    table = model.__table__
    for columns, batch in groups.items():
        stmt = (
            update(table)
            .where(table.c.id == bindparam("_id"))
            .values({c: bindparam(c) for c in columns if c != "id"})
        )
        conn.execute(
            stmt, [{**{k: v for k, v in r.items() if k != "id"}, "_id": r["id"]} for r in batch]
        )
