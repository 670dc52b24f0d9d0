"""Importing NCG's address export and IMG's case export: one transaction per file.

Rows are upserted on their key (Adres-ID for NCG, Zaaknummer for IMG). Addresses are matched
on ``AddressKey.match_key``: an IMG case at an address already in the NCG file joins that
dossier, otherwise it gets a dossier of its own. A phase change on re-import becomes a
``CaseStatus`` row and a timeline event; an unchanged row writes nothing. Supervisors named in
the export become the dossier's buddy on that side (created if unknown). After the rows, the
signal rules run for the dossiers the import touched, in the same transaction.

Writes go through Core ``executemany`` batches on the unit of work's connection: tens of
thousands of rows must import in seconds (benchmarks/bench_import.py).
"""

from __future__ import annotations

import logging
import stat
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from buddy_desk.core.gc_pause import no_cyclic_gc
from buddy_desk.core.held_stores import is_held
from buddy_desk.importing.batches import (
    BatchInfo,
    UndoRefusedError,
    UndoResult,
    finish_batch,
    list_batches,
    start_batch,
    undo_batch,
)
from buddy_desk.importing.batches import (
    count_dossiers as dossier_count,
)
from buddy_desk.importing.exports import ExportKind, detect_kind
from buddy_desk.importing.img import ImgRun
from buddy_desk.importing.ncg import NcgRun
from buddy_desk.importing.parallel import open_export
from buddy_desk.importing.run import ImportResult, ImportRun
from buddy_desk.importing.table import ExportRefused
from buddy_desk.persistence.bulk_write import big_page_cache, lock_for_writing
from buddy_desk.persistence.engine import update_planner_statistics
from buddy_desk.persistence.unit_of_work import IMPORT_LOCK, UnitOfWork
from buddy_desk.progress import NO_PROGRESS, Progress

__all__ = [
    "BatchInfo",
    "ImportResult",
    "UndoRefusedError",
    "UndoResult",
    "count_dossiers",
    "import_batches",
    "import_export",
    "import_file",
    "preview_import",
    "read_export_file",
    "undo_import",
]

log = logging.getLogger(__name__)
MAX_FILE_BYTES = 200 * 1024 * 1024


def read_export_file(path: Path) -> bytes:
    """The file's bytes; a missing, unreadable, huge or not-regular file is refused by name.

    A FIFO would block the read forever and a device (``/dev/zero``) never ends: only a
    regular file is opened, and never more than the limit is read (a file growing meanwhile).
    """
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ExportRefused(str(path), "dit is een map, geen bestand.")
        if not stat.S_ISREG(info.st_mode):
            raise ExportRefused(
                str(path), "dit is geen gewoon bestand (een apparaat, pipe of socket)."
            )
        if info.st_size > MAX_FILE_BYTES:
            raise ExportRefused(
                str(path), f"het bestand is te groot ({info.st_size // (1024 * 1024)} MB)."
            )
        if is_held(path):  # reading the open database would drop its locks (core/held_stores)
            raise ExportRefused(str(path), "dit is de database van Buddy Desk, geen export.")
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ExportRefused(str(path), "het bestand is te groot.")
        return data
    except FileNotFoundError:
        raise ExportRefused(str(path), "het bestand bestaat niet.") from None
    except IsADirectoryError:
        raise ExportRefused(str(path), "dit is een map, geen bestand.") from None
    except OSError as exc:
        raise ExportRefused(str(path), f"het bestand is niet leesbaar ({exc.strerror}).") from None


def import_file(
    uow: UnitOfWork,
    kind: ExportKind,
    path: Path,
    *,
    progress: Progress = NO_PROGRESS,
    user: str | None = None,
    today: date | None = None,
) -> ImportResult:
    return import_export(
        uow, kind, read_export_file(path), path.name, progress=progress, user=user, today=today
    )


ANALYZE_AFTER = 1_000
"""New dossiers from one import after which PostgreSQL's statistics are brought up to date at
once (autovacuum gets there a minute or more later; until then the list is planned blind)."""


def import_export(
    uow: UnitOfWork,
    kind: ExportKind,
    data: bytes,
    source: str,
    *,
    progress: Progress = NO_PROGRESS,
    user: str | None = None,
    today: date | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import one export file in one transaction; a cancel or error leaves nothing behind.

    ``dry_run``: do all of it, report what it would do (new, updated, unchanged, rejected),
    then roll back: the database is left as it was. A real import is recorded as a batch
    (``result.batch_id``) that ``undo_import`` can take back."""
    with no_cyclic_gc():
        return _import_export(uow, kind, data, source, progress, user, today, dry_run)


def preview_import(
    uow: UnitOfWork,
    kind: ExportKind,
    data: bytes,
    source: str,
    *,
    progress: Progress = NO_PROGRESS,
    today: date | None = None,
) -> ImportResult:
    """What importing this file would do, without keeping any of it."""
    return import_export(uow, kind, data, source, progress=progress, today=today, dry_run=True)


def import_batches(uow: UnitOfWork) -> list[BatchInfo]:
    """The recorded imports, newest first."""
    with uow:
        return list_batches(uow.session)


def count_dossiers(uow: UnitOfWork) -> int:
    """How many dossiers the database holds (an import into a filled one asks first)."""
    with uow:
        return dossier_count(uow.session)


def undo_import(uow: UnitOfWork, batch_id: int, user: str | None = None) -> UndoResult:
    """Undo a whole import in one transaction; refused (nothing changed) with the reason."""
    with uow:
        lock_for_writing(uow.session.connection())
        result = undo_batch(uow.session, batch_id, user)
        uow.commit()
    log.info(
        "import run %d undone: %d dossiers removed, %d rows restored",
        batch_id,
        result.dossiers_removed,
        result.rows_restored,
    )
    return result


def _import_export(
    uow: UnitOfWork,
    kind: ExportKind,
    data: bytes,
    source: str,
    progress: Progress,
    user: str | None,
    today: date | None,
    dry_run: bool = False,
) -> ImportResult:
    progress.report(0, 0, "Bestand lezen…")
    today = today or date.today()
    run_class: type[ImportRun[Any]] = NcgRun if kind is ExportKind.NCG else ImgRun
    # data lines: a fair total for the progress bar (a quoted cell may span lines)
    total = max(1, data.count(b"\n") - data.endswith(b"\n"))
    # a big file is read by a second process, which starts now and reads while the current
    # state is loaded and while each chunk is written
    try:
        with open_export(kind, data, source) as stream, uow:
            uow.for_writing(IMPORT_LOCK)  # before the current state is read: imports take turns
            with big_page_cache(uow.session):
                run = run_class(uow.session, kind, today, user, source, progress)
                batch = start_batch(uow.session, kind.value, source, user)
                run.note = batch.note
                result = run.run(stream, total)
                finish_batch(uow.session, batch, run, result)
                if dry_run:
                    uow.session.rollback()
                    result = replace(result, dry_run=True)
                else:
                    uow.commit()
                    result = replace(result, batch_id=batch.id)
    except ExportRefused:
        _refuse_other_kind(kind, data, source)
        raise
    if not dry_run and result.imported >= ANALYZE_AFTER:
        with uow.engine.connect() as conn:
            update_planner_statistics(conn)  # PostgreSQL: the list plans for what came in
    log.info(
        "import %s%s: %d imported, %d updated, %d unchanged, %d rejected",
        kind.value,
        " (dry run)" if dry_run else "",
        result.imported,
        result.updated,
        result.unchanged,
        len(result.rejected),
    )
    return result


def _refuse_other_kind(kind: ExportKind, data: bytes, source: str) -> None:
    """An IMG file offered as NCG (or the other way round) gets a message that says so,
    instead of the missing columns."""
    other = ExportKind.IMG if kind is ExportKind.NCG else ExportKind.NCG
    if detect_kind(data, source) is other:
        raise ExportRefused(
            source,
            f"dit is een {other.label}, geen {kind.label}. Kies 'import {other.value}' "
            "of het juiste bestand.",
        ) from None
