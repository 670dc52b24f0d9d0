"""One sync at a time per laptop database: the app's background sync and a ``buddy-desk sync``
run in another process must not interleave — the second would report heads read before the
first applied its pull, and the server would see a head move back.

An advisory ``flock`` on a separate file next to the database (``<name>.sync-lock``), never
on the database file itself: closing any descriptor of a file drops a process's POSIX locks
on it, so SQLite's own locks must not share a file with ours.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from buddy_desk.errors import BuddyDeskError

try:
    import fcntl
except ImportError:  # not POSIX: the app's own sync never overlaps itself anyway
    fcntl = None  # type: ignore[assignment]


class SyncBusyError(BuddyDeskError):
    """Another sync of this laptop database is running."""


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".sync-lock")


@contextlib.contextmanager
def one_sync_at_a_time(database: Path | None) -> Iterator[None]:
    if database is None or fcntl is None:
        yield
        return
    fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusyError(
                "Er loopt al een synchronisatie van deze laptopdatabase (in de app of een "
                "ander venster); probeer het zo opnieuw."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
