"""The machinery of one file's import, shared by the NCG and IMG imports.

``ImportRun`` loads the current addresses, dossiers and supervisors into memory and takes the
file chunk by chunk; ``import_ncg`` / ``import_img`` turn a chunk's rows into changes. New
rows get their ids up front and go in with one ``executemany`` per table per chunk
(``services.bulk_write``), so the next chunk can be parsed on the other core while this one
is written (``importing.parallel``). Updates to rows that were there before are written at
the end. Nothing here commits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, Generic, TypeVar

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from buddy_desk.core.address import spelling_key
from buddy_desk.core.event_texts import render
from buddy_desk.core.phases import FlagKind, Organisation
from buddy_desk.importing.exports import AddressPart, ExportKind, ExportStream, Rejection
from buddy_desk.models import Address, Case, CaseStatus, Dossier, Supervisor, TimelineEvent
from buddy_desk.models.base import utcnow
from buddy_desk.models.importing import AddressVariant
from buddy_desk.persistence.bulk_write import BulkInsert, IdSource, bulk_update, lock_for_writing
from buddy_desk.persistence.listing import (
    FLAG_BITS,
    CaseOrder,
    NewDossier,
    insert_listing,
    refresh_listing,
)
from buddy_desk.progress import Progress
from buddy_desk.signals.service import evaluate_in_session

log = logging.getLogger(__name__)
R = TypeVar("R")


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
    batch_id: int | None = None  # the recorded import run (None for a dry run)
    dry_run: bool = False

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
            "batch_id": self.batch_id,
            "dry_run": self.dry_run,
        }


@dataclass(slots=True)
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


@dataclass(slots=True)
class FreshDossier:
    """A dossier this run made, with all it holds that the list shows: its list row and
    search words are computed from this instead of read back (``listing.insert_listing``)."""

    address: AddressRow
    part: AddressPart
    img: list[CaseOrder] = field(default_factory=list)
    ncg: list[CaseOrder] = field(default_factory=list)
    flag_bits: int = 0

    def entry(self) -> NewDossier:
        a, part = self.address, self.part
        text = (a.straat, part.huisnummer, part.huisletter, part.toevoeging, part.postcode)
        return (a.dossier_id, (*text, a.woonplaats), self.img, self.ncg, self.flag_bits)


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


class ImportRun(Generic[R]):
    """One file's import: the current state in memory, the file's changes written chunk by
    chunk. Subclasses say which case columns they write and what a chunk of rows changes."""

    case_columns: tuple[str, ...]

    def __init__(
        self,
        session: Session,
        kind: ExportKind,
        today: date,
        user: str | None,
        source: str,
        progress: Progress,
        note: str | None = None,
    ) -> None:
        self.session = session
        self.conn = session.connection()
        lock_for_writing(self.conn)
        self.kind = kind
        self.today = today
        self.user = user or "import"
        self.source = source
        # the note on every status entry and event this run adds: an undo finds them by it
        self.note = note or f"Import {source}"
        self.progress = progress
        self.now = utcnow()
        self.counts = _Counts()
        self.touched: set[int] = set()
        # dossiers made by this run and nothing else: listed from memory at the end
        self.fresh: dict[int, FreshDossier] = {}
        self._load_addresses()
        self._load_supervisors()
        ids = IdSource(self.conn)
        # every id handed out is remembered: an undo deletes exactly the rows this run created
        self.created: dict[str, list[int]] = {"address": [], "dossier": [], "org_case": []}
        self.next_address_id = _recording(ids.counter(Address), self.created["address"])
        self.next_dossier_id = _recording(ids.counter(Dossier), self.created["dossier"])
        self.next_case_id = _recording(ids.counter(Case), self.created["org_case"])
        # the values rows that existed before had, where this run updates them
        self.before: dict[str, dict[int, dict[str, Any]]] = {}
        conn = self.conn
        # new rows, written after each chunk in this order (parents first)
        self.addresses = BulkInsert(conn, Address, _ADDRESS_COLUMNS)
        self.dossiers = BulkInsert(conn, Dossier, _DOSSIER_COLUMNS)
        self.cases = BulkInsert(conn, Case, self.case_columns)
        self.statuses = BulkInsert(conn, CaseStatus, ("case_id", "code", "datum", "toelichting"))
        self.events = BulkInsert(conn, TimelineEvent, _EVENT_COLUMNS)
        self.variants = BulkInsert(conn, AddressVariant, _VARIANT_COLUMNS)
        self.inserts = [
            self.addresses,
            self.dossiers,
            self.variants,
            self.cases,
            self.statuses,
            self.events,
        ]
        # addresses and dossiers made in this chunk: written with their values as they are
        # at the chunk's end (a later row may name the buddy or a street)
        self._unwritten: dict[int, tuple[AddressRow, AddressPart]] = {}
        # updates to rows written before, applied at the end
        self.changed_addresses: dict[int, AddressRow] = {}
        self.dossier_updates: dict[int, dict[str, Any]] = {}
        self.case_updates: list[dict[str, Any]] = []

    # --- the file, chunk by chunk --------------------------------------------------------

    def run(self, stream: ExportStream[R], total: int) -> ImportResult:
        rejected: list[Rejection] = []
        done = 0
        for rows, rejections in stream.chunks:
            self.progress.check()
            self.import_rows(rows)
            self._write_chunk()
            rejected += rejections
            done = min(total, done + len(rows) + len(rejections))
            self.progress.report(done, total, f"{done} van {total} regels verwerkt")
        self.progress.check()
        self.progress.report(0, 0, "Opslaan…")
        self._write_updates()
        self.progress.check()
        changed = self.touched | {a.dossier_id for a in self.changed_addresses.values()}
        insert_listing(self.conn, [fresh.entry() for fresh in self.fresh.values()])
        refresh_listing(self.conn, changed - self.fresh.keys())
        self.progress.check()
        self.progress.report(0, 0, "Signalen bijwerken…")
        signals = evaluate_in_session(self.session, self.today, self.touched, self.user)
        self.progress.check()
        c = self.counts
        return ImportResult(
            kind=self.kind,
            source=self.source,
            encoding=stream.table.encoding,
            delimiter=stream.table.delimiter,
            imported=c.imported,
            updated=c.updated,
            unchanged=c.unchanged,
            rejected=tuple(sorted([*rejected, *c.rejected], key=lambda r: r.line)),
            new_dossiers=c.new_dossiers,
            phase_changes=c.phase_changes,
            signals_created=signals.created,
        )

    def import_rows(self, rows: list[R]) -> None:
        raise NotImplementedError

    def _write_chunk(self) -> None:
        now = self.now
        for a, part in self._unwritten.values():
            self.addresses.add(
                (
                    a.id,
                    a.match_key,
                    part.postcode,
                    part.huisnummer,
                    part.huisletter,
                    part.toevoeging,
                    a.straat,
                    a.woonplaats,
                    a.gemeente,
                    a.ncg_address_id,
                )
            )
            self.dossiers.add(
                (a.dossier_id, a.id, a.img_supervisor_id, a.ncg_supervisor_id, now, now)
            )
        self._unwritten.clear()
        for bulk in self.inserts:
            bulk.flush()

    def _remember_before(self, model: Any, updates: list[dict[str, Any]]) -> None:
        created = set(self.created[model.__tablename__])
        rows = [u for u in updates if u["id"] not in created]
        columns = sorted({c for u in rows for c in u if c != "id"})
        if not rows or not columns:
            return
        table = model.__table__
        store = self.before.setdefault(model.__tablename__, {})
        ids = [u["id"] for u in rows]
        for start in range(0, len(ids), 500):
            query = select(table.c.id, *(table.c[c] for c in columns)).where(
                table.c.id.in_(ids[start : start + 500])
            )
            for row in self.conn.execute(query):
                values = row._mapping
                store.setdefault(row.id, {c: values[c] for c in columns})

    def _write_updates(self) -> None:
        address_updates = [
            {
                "id": a.id,
                "straat": a.straat,
                "woonplaats": a.woonplaats,
                "gemeente": a.gemeente,
                "ncg_address_id": a.ncg_address_id,
            }
            for a in self.changed_addresses.values()
        ]
        for values in self.dossier_updates.values():
            values["updated_at"] = self.now
        self._remember_before(Address, address_updates)
        self._remember_before(Dossier, list(self.dossier_updates.values()))
        self._remember_before(Case, self.case_updates)
        bulk_update(self.conn, Address, address_updates)
        bulk_update(self.conn, Dossier, list(self.dossier_updates.values()))
        bulk_update(self.conn, Case, self.case_updates)

    # --- state ---------------------------------------------------------------------------

    def _load_addresses(self) -> None:
        self.by_key: dict[str, AddressRow] = {}
        self.by_ncg_id: dict[str, AddressRow] = {}
        # the driver's cursor: tens of thousands of plain tuples (the columns need no
        # conversion on either database), no Row objects; on a re-import half the time
        raw: Any = self.conn.connection.dbapi_connection
        cursor = raw.cursor()
        try:
            cursor.execute(_CURRENT_ADDRESSES)
            current = cursor.fetchall()
        finally:
            cursor.close()
        for row in current:
            a = AddressRow(*row)
            self.by_key[a.match_key] = a
            if a.ncg_address_id:
                self.by_ncg_id[a.ncg_address_id.upper()] = a
        self.known_keys = frozenset(self.by_key)
        self.known_variants: set[tuple[int, str, str]] = {
            (address_id, column, spelling)
            for address_id, column, spelling in self.conn.execute(
                select(AddressVariant.address_id, AddressVariant.field, AddressVariant.spelling)
            )
        }

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

    def new_address(self, part: AddressPart, ncg_address_id: str | None) -> AddressRow:
        """An address and its dossier, with ids now; written at the end of the chunk."""
        a = AddressRow(
            self.next_address_id(),
            part.match_key,
            ncg_address_id,
            part.straat or "",
            part.woonplaats or "",
            part.gemeente,
            self.next_dossier_id(),
            None,
            None,
        )
        self.by_key[a.match_key] = a
        if ncg_address_id:
            self.by_ncg_id[ncg_address_id.upper()] = a
        self._unwritten[a.id] = (a, part)
        self.fresh[a.dossier_id] = FreshDossier(a, part)
        self.touched.add(a.dossier_id)
        self.counts.new_dossiers += 1
        return a

    def case_made(
        self,
        dossier_id: int,
        org: Organisation,
        case_id: int,
        identificatie: str,
        status: str,
        startdatum: date | None,
    ) -> None:
        """A new case (as written), for its dossier's list row if this run made the dossier."""
        fresh = self.fresh.get(dossier_id)
        if fresh is not None:
            cases = fresh.img if org is Organisation.IMG else fresh.ncg
            cases.append((identificatie, status, startdatum, case_id))

    def flag_made(self, dossier_id: int, kind: FlagKind) -> None:
        """A new active flag, for its dossier's list row if this run made the dossier."""
        fresh = self.fresh.get(dossier_id)
        if fresh is not None:
            fresh.flag_bits |= FLAG_BITS[kind]

    def holds_older_rows(self, dossier_id: int) -> None:
        """A row from before this run moved to ``dossier_id`` (an IMG case to a new
        address): its list row is read back from the database like any changed dossier's."""
        self.fresh.pop(dossier_id, None)

    def is_new(self, a: AddressRow) -> bool:
        """Made by this import (its key was not in the database when the import started)."""
        return a.match_key not in self.known_keys

    def update_address(self, a: AddressRow, part: AddressPart) -> bool:
        """Take the file's street, place and municipality where it is the authority on them;
        whether anything changed.

        NCG's address export is the authority on address text. Another spelling of the same
        text (case, accents, an abbreviation: ``spelling_key``) from a file that is not the
        authority, or a text IMG gives for an address NCG knows, keeps the stored spelling
        and is recorded as a variant, so re-importing unchanged files changes nothing.
        """
        changed = False
        for column in ("straat", "woonplaats", "gemeente"):
            new = getattr(part, column)
            old = getattr(a, column)
            if not new or new == old:
                continue
            authority = self.kind is ExportKind.NCG or (
                not a.ncg_address_id and (not old or spelling_key(new) != spelling_key(old))
            )
            if authority:
                if old:
                    self._variant(a, column, old)
                setattr(a, column, new)
                changed = True
            else:
                self._variant(a, column, new)
        if changed:
            self.address_changed(a)
        return changed

    def _variant(self, a: AddressRow, column: str, spelling: str) -> None:
        key = (a.id, column, spelling[:80])
        if key not in self.known_variants:
            self.known_variants.add(key)
            self.variants.add((a.id, column, spelling[:80], self.source[:200], self.now))

    def address_changed(self, a: AddressRow) -> None:
        if a.id not in self._unwritten:
            self.changed_addresses[a.id] = a

    def set_buddy(self, a: AddressRow, org: Organisation, naam: str | None) -> bool:
        if not naam:
            return False
        sup_id = self.supervisor_id(org, naam)
        if org is Organisation.IMG:
            if a.img_supervisor_id == sup_id:
                return False
            a.img_supervisor_id = sup_id
            column = "img_supervisor_id"
        else:
            if a.ncg_supervisor_id == sup_id:
                return False
            a.ncg_supervisor_id = sup_id
            column = "ncg_supervisor_id"
        if a.id not in self._unwritten:
            self.dossier_updates.setdefault(a.dossier_id, {"id": a.dossier_id})[column] = sup_id
        self.touched.add(a.dossier_id)
        return True

    def event(
        self,
        dossier_id: int,
        org: Organisation,
        kind: str,
        key: str,
        params: dict[str, Any],
        when: datetime | None,
    ) -> None:
        """A timeline event as a key with values (shown in the reader's language)."""
        title = render(key, params, key)[:200]
        self.events.add(
            (dossier_id, when or self.now, org, kind, key, params, title, self.note, self.user)
        )

    def status(self, case_id: int, code: str, day: date) -> None:
        self.statuses.add((case_id, code, day, self.note[:200]))


def _recording(counter: Callable[[], int], sink: list[int]) -> Callable[[], int]:
    def next_id() -> int:
        value = counter()
        sink.append(value)
        return value

    return next_id


_CURRENT_ADDRESSES = """
SELECT a.id, a.match_key, a.ncg_address_id, a.straat, a.woonplaats, a.gemeente,
       d.id, d.img_supervisor_id, d.ncg_supervisor_id
FROM address a JOIN dossier d ON d.address_id = a.id
"""
# the case columns both imports write first (each adds its organisation's own)
CASE_KEY_COLUMNS = (
    "id",
    "dossier_id",
    "organisation",
    "identificatie",
    "status",
    "status_date",
    "startdatum",
)
_ADDRESS_COLUMNS = (
    "id",
    "match_key",
    "postcode",
    "huisnummer",
    "huisletter",
    "huisnummertoevoeging",
    "straat",
    "woonplaats",
    "gemeente",
    "ncg_address_id",
)
_DOSSIER_COLUMNS = (
    "id",
    "address_id",
    "img_supervisor_id",
    "ncg_supervisor_id",
    "created_at",
    "updated_at",
)
_VARIANT_COLUMNS = ("address_id", "field", "spelling", "source", "first_seen")
_EVENT_COLUMNS = (
    "dossier_id",
    "occurred_at",
    "organisation",
    "kind",
    "text_key",
    "params",
    "title",
    "detail",
    "created_by",
)
