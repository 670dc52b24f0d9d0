"""Database files this process holds SQLite locks on, so nothing else in it opens them.

SQLite's locks on Linux are POSIX record locks, and POSIX drops *all* of a process's locks on
a file when the process closes *any* descriptor of that file — even one opened only to read a
header, sniff a MIME type or draw an icon. The app then still believes it holds its shared
lock; the next command-line run takes the exclusive lock, checkpoints and deletes the WAL,
and the app's later writes are invisible to other processes until it closes.

So the store registers its file here when it opens it (``hold``), and every file dialog,
input check and output path of the app asks ``is_held`` / ``refuse_held`` first. The check
uses ``stat`` only (device and inode for the database, the name for its ``-wal``, ``-shm``
and ``-journal`` companions), never ``open``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from buddy_desk.errors import BuddyDeskError

COMPANION_SUFFIXES = ("-wal", "-shm", "-journal")

_lock = threading.Lock()
_held: dict[tuple[int, int], tuple[Path, int]] = {}  # identity → (path, engines holding it)


class HeldStoreError(BuddyDeskError):
    """A file the app's open database consists of was chosen as input or output."""


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def hold(path: Path) -> Callable[[], None]:
    """Remember that this process keeps SQLite connections (and locks) on ``path``.

    Returns the release to call when those connections are gone (the engine disposed).
    """
    key = _identity(path)
    if key is None:
        return lambda: None
    with _lock:
        _, count = _held.get(key, (path, 0))
        _held[key] = (path.absolute(), count + 1)
    released = False

    def release() -> None:
        nonlocal released
        with _lock:
            if released or key not in _held:
                return
            released = True
            held, count = _held[key]
            if count > 1:
                _held[key] = (held, count - 1)
            else:
                del _held[key]

    return release


def held_paths() -> list[Path]:
    """The database files held, as they were opened (for hiding them in file dialogs)."""
    with _lock:
        return [held for held, _ in _held.values()]


def store_of(path: Path) -> Path | None:
    """The held database ``path`` is, or is a companion of; None for any other file."""
    name = path.name
    for suffix in COMPANION_SUFFIXES:
        if name.endswith(suffix):
            base = store_of(path.with_name(name.removesuffix(suffix)))
            if base is not None:
                return base
    key = _identity(path)
    if key is None:
        return None
    with _lock:
        entry = _held.get(key)
    return entry[0] if entry is not None else None


def is_held(path: Path) -> bool:
    return store_of(path) is not None


def refuse_held(path: Path) -> None:
    """Raise when ``path`` is the open database or one of its companions (never opens it)."""
    store = store_of(path)
    if store is not None:
        raise HeldStoreError(
            f"{path} hoort bij de database die Buddy Desk nu gebruikt ({store.name}); kies "
            "een ander bestand. Het databasebestand wordt niet geopend of overschreven."
        )
