"""A revoked laptop wipes itself: no resident's data left in the database, its WAL or backups.

What a privacy officer expects of a laptop the team server no longer accepts:

- every table of the app is emptied (dossiers, residents, addresses, choice logs, notes,
  signals, documents, reference data, the outbox with its queued payloads, the conflicts
  with their text) — one transaction, with the logs' guards lifted for it;
- the access log goes too (its rows name dossiers that are gone; the team server's access
  log is the one of record), but not silently: a sealed record of the wipe takes its place
  (``choices.service.anchoring.close_access_log``) — when, whose laptop, how many dossiers
  and log rows, and the end of the removed chain — so ``verify-log`` passes on the wiped
  database and says that and when it was wiped;
- the freed pages are really gone: ``VACUUM`` rewrites the file, then a ``TRUNCATE``
  checkpoint empties the WAL; the migration backups next to the file
  (``<name>.backup-<revision>-<moment><suffix>``, ``persistence.schema.backup_sqlite``)
  and leftover ``.part``/``.tmp`` copies are deleted.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path

from sqlalchemy import delete, inspect, select, update

from buddy_desk.choices.service.anchoring import close_access_log
from buddy_desk.models import Dossier
from buddy_desk.models.base import Base, utcnow
from buddy_desk.models.sync import SyncState
from buddy_desk.persistence.log_guards import guards_lifted
from buddy_desk.persistence.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
REASON_REVOKED = "revoked"
# kept: the wipe's own record; the access log is closed by close_access_log
_KEEP = {"access_log_wipe", "access_log_entry", "access_log_head", "sync_state"}


def wipe_laptop(uow: UnitOfWork, reason: str = REASON_REVOKED) -> int:
    """Remove every dossier, the enrolment and the access log; returns the dossiers removed."""
    with uow:
        s = uow.session
        conn = s.connection()
        held = len(s.scalars(select(Dossier.id)).all())
        state = s.get(SyncState, 1)
        username = state.username if state else "-"
        laptop_id = state.laptop_id if state else None
        if state is not None:
            conn.execute(update(SyncState).values(applying=True))  # no outbox rows now
        s.expunge_all()
        with guards_lifted(conn):
            close_access_log(
                uow,
                reason=reason,
                username=username,
                laptop_id=laptop_id,
                dossiers=held,
                at=utcnow(),
            )
            present = set(inspect(conn).get_table_names())
            for table in reversed(Base.metadata.sorted_tables):
                if table.name in present and table.name not in _KEEP:
                    conn.execute(delete(table))
        conn.execute(delete(SyncState))
        uow.commit()
    _compact(uow)
    removed = _remove_copies(uow)
    log.warning("laptop wiped (%s): %d dossier(s), %d copy file(s) removed", reason, held, removed)
    return held


def _compact(uow: UnitOfWork) -> None:
    """Rewrite the file without the freed pages and empty the WAL (SQLite only)."""
    if uow.engine.dialect.name != "sqlite":
        return
    uow.engine.dispose()  # no pooled connection may hold a read snapshot
    with uow.engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    uow.engine.dispose()


def database_path(uow: UnitOfWork) -> Path | None:
    name = uow.engine.url.database
    if uow.engine.dialect.name != "sqlite" or not name or name == ":memory:":
        return None
    return Path(name)


def copies_of(path: Path) -> list[Path]:
    """The backups and half-written copies of the database at ``path``."""
    patterns = (
        f"{path.stem}.backup-*{path.suffix}",
        f"{path.name}.part",
        f"{path.name}.tmp",
        f"{path.name}.*.tmp",
        f"{path.stem}.backup-*{path.suffix}-wal",
        f"{path.stem}.backup-*{path.suffix}-shm",
        f"{path.name}.sync-lock",
    )
    found: set[Path] = set()
    for pattern in patterns:
        found.update(p for p in path.parent.glob(pattern) if p.is_file())
    return sorted(found)


def _remove_copies(uow: UnitOfWork) -> int:
    path = database_path(uow)
    if path is None:
        return 0
    removed = 0
    for copy in copies_of(path):
        with contextlib.suppress(OSError):
            copy.unlink()
            removed += 1
    return removed


def wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0
