"""Files the app writes and reads: atomic, private, and checked before they are read.

Every file the app writes (letters, exports, calendar files, settings, receipts) goes
through ``atomic_write`` or ``atomic_target``: the bytes land in a temporary file next to the
target, created owner-only (0600 on POSIX), are flushed to disk and renamed over the target
in one step. A failure (a full disk, a cancelled run, a kill) leaves the target as it was
and removes the temporary file. Readers check a file before opening it
(``check_input_file``): a FIFO would block forever, ``/dev/zero`` never ends.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from buddy_desk.core.held_stores import refuse_held
from buddy_desk.errors import BuddyDeskError

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
PRIVATE_UMASK = 0o077
TEMP_MARK = ".part"


class FileError(BuddyDeskError):
    """A file cannot be written or read; the message names it and says why."""


def make_private() -> None:
    """Everything this process creates from now on is owner-only (database, WAL, logs)."""
    if os.name == "posix":
        os.umask(PRIVATE_UMASK)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) owner-only if missing; an existing folder is left as is."""
    if not path.exists():
        path.mkdir(parents=True, mode=PRIVATE_DIR, exist_ok=True)
    return path


def create_private(path: Path) -> None:
    """Create ``path`` empty and owner-only unless it exists (a log file, a database)."""
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        os.close(fd)


def temp_path_for(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}{TEMP_MARK}")


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable (POSIX; elsewhere a no-op)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_target(path: Path) -> Iterator[Path]:
    """A private temporary path to write; renamed over ``path`` when the block succeeds.

    The writer may open the temporary path itself (a PDF library, a process pool); on any
    exception, cancellation included, the temporary file is removed and ``path`` is untouched.
    """
    if not path.parent.is_dir():
        raise FileError(f"De map {path.parent} bestaat niet; kies een bestaande map.")
    refuse_held(path)  # never replace the open database (or its WAL) with a letter or export
    tmp = temp_path_for(path)
    try:
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        os.close(fd)
        yield tmp
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        raise FileError(explain_os_error(exc, path)) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def atomic_write(path: Path, data: bytes | str) -> Path:
    """Write ``data`` (str as UTF-8) to ``path`` atomically and owner-only; returns ``path``."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with atomic_target(path) as tmp, tmp.open("wb") as fh:
        fh.write(raw)
        fh.flush()
    return path


def explain_os_error(exc: OSError, path: Path | str) -> str:
    """One Dutch sentence for a file error: what happened to which file."""
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        return f"De schijf is vol: {path} kon niet worden geschreven. Maak ruimte vrij."
    if code == errno.EFBIG:
        return f"{path} wordt te groot voor dit bestandssysteem of de ingestelde limiet."
    if code == errno.EROFS:
        return f"{path} staat op een alleen-lezen schijf; kies een andere map."
    if code in (errno.EACCES, errno.EPERM):
        return f"Geen toestemming voor {path}. Controleer de rechten."
    if code == errno.ENOENT:
        return f"{path} bestaat niet."
    if code == errno.EISDIR:
        return f"{path} is een map, geen bestand."
    reason = exc.strerror or type(exc).__name__
    return f"{path} kan niet worden gebruikt ({reason})."


def check_input_file(path: Path, *, max_bytes: int, what: str = "bestand") -> int:
    """Check that ``path`` is a regular file of at most ``max_bytes``; returns its size.

    Refuses a FIFO, a device or a socket before anything opens it (opening a FIFO blocks;
    a device such as /dev/zero never ends), and a file beyond ``max_bytes``.
    """
    try:
        info = path.stat()
    except OSError as exc:
        raise FileError(explain_os_error(exc, path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise FileError(f"{path} is een map, geen {what}.")
    if not stat.S_ISREG(info.st_mode):
        raise FileError(
            f"{path} is geen gewoon bestand (een apparaat, pipe of socket); kies een {what}."
        )
    if info.st_size > max_bytes:
        raise FileError(
            f"{path} is te groot ({info.st_size // 1_000_000} MB; hoogstens "
            f"{max_bytes // 1_000_000} MB)."
        )
    return info.st_size


def is_private(path: Path) -> bool:
    """True when no one but the owner may read or write ``path`` (always True off POSIX)."""
    if os.name != "posix":
        return True
    return not (path.stat().st_mode & 0o077)
