"""Import batches: what one committed import created and changed, and undoing it whole.

An import records itself as an ``ImportBatch``: the addresses, dossiers and cases it created
(by id), and the earlier values of the rows it updated. Its status entries and timeline events
carry the batch's note. Undo, in one transaction, deletes what the batch created (with their
residents, status entries, events and signals, which hang off them) and writes the earlier
values back. It refuses, with the reason, when that would lose someone's work.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.orm import Session

from buddy_desk.errors import BuddyDeskError, NotFoundError
from buddy_desk.importing.run import ImportResult, ImportRun
from buddy_desk.models import Address, Case, CaseStatus, Dossier, DossierFlag, TimelineEvent
from buddy_desk.models.access_log import AccessLogEntry
from buddy_desk.models.base import utcnow
from buddy_desk.models.importing import ImportBatch, ImportBatchItem
from buddy_desk.models.signals import Signal
from buddy_desk.persistence.bulk_write import BulkInsert
from buddy_desk.signals.rules import SignalState

TABLES: dict[str, Any] = {"address": Address, "dossier": Dossier, "org_case": Case}
CHUNK = 500


class UndoRefusedError(BuddyDeskError):
    """The import cannot be undone (any more); the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class BatchInfo:
    id: int
    kind: str
    source: str
    imported_by: str
    imported_at: datetime
    new_dossiers: int
    imported: int
    updated: int
    undone_at: datetime | None


@dataclass(frozen=True, slots=True)
class UndoResult:
    batch_id: int
    dossiers_removed: int
    cases_removed: int
    addresses_removed: int
    rows_restored: int
    status_entries_removed: int
    events_removed: int


def start_batch(session: Session, kind: str, source: str, user: str | None) -> ImportBatch:
    batch = ImportBatch(
        kind=kind,
        source=source[:255],
        note="",
        imported_by=(user or "import")[:120],
        imported_at=utcnow(),
        new_dossiers=0,
        imported=0,
        updated=0,
    )
    session.add(batch)
    session.flush()
    batch.note = f"Import {source} (run {batch.id})"[:200]
    session.flush()
    # signals the run raises get ids above this (the signal rules run inside the import)
    session.info["import_signal_floor"] = session.scalar(select(func.max(Signal.id))) or 0
    return batch


def _jsonable(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def finish_batch(
    session: Session, batch: ImportBatch, run: ImportRun[Any], result: ImportResult
) -> None:
    batch.new_dossiers = result.new_dossiers
    batch.imported = result.imported
    batch.updated = result.updated
    items = BulkInsert(session.connection(), ImportBatchItem, _ITEM_COLUMNS)
    for table, ids in run.created.items():
        for first, last in _runs(ids):
            items.add((batch.id, table, first, last, "created", None))
    floor = int(session.info.pop("import_signal_floor", 0))
    # the signals this run raised: above the floor (taken under the import lock), on a
    # dossier it touched; one query, filtered here (an IN list per 500 dossiers was slow)
    touched = run.touched
    for row_id, dossier_id in session.execute(
        select(Signal.id, Signal.dossier_id).where(Signal.id > floor)
    ):
        if dossier_id in touched:
            items.add((batch.id, "signal", row_id, None, "created", None))
    for table, rows in run.before.items():
        for row_id, values in rows.items():
            before = json.dumps({k: _jsonable(v) for k, v in values.items()}, default=str)
            items.add((batch.id, table, row_id, None, "updated", before))
    items.flush()
    session.flush()


_ITEM_COLUMNS = ("batch_id", "table_name", "row_id", "last_row_id", "action", "before")


def _runs(ids: list[int]) -> Iterator[tuple[int, int]]:
    """The ids as runs of consecutive values, (first, last) each."""
    if not ids:
        return
    ordered = sorted(ids)
    first = last = ordered[0]
    for row_id in ordered[1:]:
        if row_id != last + 1:
            yield first, last
            first = row_id
        last = row_id
    yield first, last


def _info(b: ImportBatch) -> BatchInfo:
    return BatchInfo(
        b.id,
        b.kind,
        b.source,
        b.imported_by,
        b.imported_at,
        b.new_dossiers,
        b.imported,
        b.updated,
        b.undone_at,
    )


def list_batches(session: Session) -> list[BatchInfo]:
    return [_info(b) for b in session.scalars(select(ImportBatch).order_by(ImportBatch.id.desc()))]


def _ids(session: Session, batch_id: int, table: str, action: str) -> list[int]:
    ids: list[int] = []
    for first, last in session.execute(
        select(ImportBatchItem.row_id, ImportBatchItem.last_row_id).where(
            ImportBatchItem.batch_id == batch_id,
            ImportBatchItem.table_name == table,
            ImportBatchItem.action == action,
        )
    ):
        ids.extend(range(first, (first if last is None else last) + 1))
    return ids


def _work_on(session: Session, dossier_ids: list[int]) -> int:
    """How many of these dossiers hold work done after the import (lost by an undo)."""
    from buddy_desk.models import ConversationNote
    from buddy_desk.models.attachments import DossierDocument
    from buddy_desk.models.choices import ChoiceLogEntry
    from buddy_desk.models.journal import ContactMoment
    from buddy_desk.models.planning import InspectionAppointment

    busy: set[int] = set()
    for model in (
        ChoiceLogEntry,
        AccessLogEntry,
        ConversationNote,
        InspectionAppointment,
        ContactMoment,
        DossierDocument,
    ):
        column = model.__table__.c.dossier_id
        for start in range(0, len(dossier_ids), CHUNK):
            chunk = dossier_ids[start : start + CHUNK]
            busy.update(session.scalars(select(column).where(column.in_(chunk)).distinct()))
    return len(busy)


def _parse(column: Any, value: object) -> object:
    """A JSON-stored earlier value back in the column's Python type."""
    if value is None:
        return None
    column_type = column.type
    # a TypeDecorator (UtcDateTime) answers ``object``: ask the type it decorates
    column_type = getattr(column_type, "impl_instance", column_type)
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        python_type = None
    if python_type in (date, datetime) and isinstance(value, str):
        return python_type.fromisoformat(value)
    if python_type is Decimal:
        return Decimal(str(value))
    if isinstance(python_type, type) and issubclass(python_type, Enum):
        return python_type(value)
    return value


def _run(session: Session, statement: Any) -> int:
    """Execute a DELETE/UPDATE; how many rows it touched."""
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)


def undo_batch(session: Session, batch_id: int, user: str | None) -> UndoResult:
    """Undo one import; nothing is written when it is refused (the caller rolls back)."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFoundError(f"Importrun {batch_id} bestaat niet.")
    if batch.undone_at is not None:
        raise UndoRefusedError(f"Importrun {batch_id} is al ongedaan gemaakt.")
    later = session.scalars(
        select(ImportBatch.id).where(ImportBatch.id > batch_id, ImportBatch.undone_at.is_(None))
    ).all()
    if later:
        raise UndoRefusedError(
            f"Na importrun {batch_id} is nog geïmporteerd (run {', '.join(map(str, later))}). "
            "Maak eerst die ongedaan, de laatste eerst."
        )
    dossiers = _ids(session, batch_id, "dossier", "created")
    busy = _work_on(session, dossiers)
    if busy:
        raise UndoRefusedError(
            f"Importrun {batch_id} kan niet meer ongedaan worden gemaakt: in {busy} van de "
            "dossiers die hij aanmaakte is sindsdien gewerkt (notities, keuzes, afspraken, "
            "contactmomenten of documenten). Die gaan niet verloren."
        )
    # earlier values first: a case the import moved to a dossier it created goes back to its
    # own dossier before that new dossier (and whatever still hangs off it) is deleted
    restored = 0
    for item in session.scalars(
        select(ImportBatchItem).where(
            ImportBatchItem.batch_id == batch_id, ImportBatchItem.action == "updated"
        )
    ):
        model = TABLES[item.table_name]
        before = json.loads(item.before or "{}")
        table = model.__table__
        values = {k: _parse(table.c[k], v) for k, v in before.items()}
        restored += _run(session, update(model).where(model.id == item.row_id).values(**values))
    note = batch.note
    # signals it raised that nobody has picked up yet (handled ones are someone's work: kept)
    signals = _ids(session, batch_id, "signal", "created")
    for start in range(0, len(signals), CHUNK):
        _run(
            session,
            delete(Signal).where(
                Signal.id.in_(signals[start : start + CHUNK]), Signal.state == SignalState.OPEN
            ),
        )
    events = _run(session, delete(TimelineEvent).where(TimelineEvent.detail == note))
    _run(session, delete(DossierFlag).where(DossierFlag.note == note))
    statuses = _run(session, delete(CaseStatus).where(CaseStatus.toelichting == note[:200]))
    removed: dict[str, int] = {}
    for table in ("org_case", "dossier", "address"):  # children first
        model = TABLES[table]
        ids = _ids(session, batch_id, table, "created")
        count = 0
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            count += _run(session, delete(model).where(model.id.in_(chunk)))
        removed[table] = count
    batch.undone_at = utcnow()
    batch.undone_by = (user or "onbekend")[:120]
    session.flush()
    return UndoResult(
        batch_id,
        removed["dossier"],
        removed["org_case"],
        removed["address"],
        restored,
        statuses,
        events,
    )


def count_dossiers(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Dossier)) or 0)
