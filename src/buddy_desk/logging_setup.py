"""Logging, configured once. Logs hold ids and counts, never names, addresses or contents.

Exception messages are the one place where data slips in unnoticed (a database error carries
the SQL parameters of the row it failed on: a street, a postcode). So a logged exception keeps
its traceback (file, line, function) and its type, never its message; the log file is
owner-only.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import traceback
from pathlib import Path
from types import TracebackType

from buddy_desk.config import log_dir

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _chain(exc: BaseException | None) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return list(reversed(seen))


class RedactingFormatter(logging.Formatter):
    """Tracebacks with the exception types but without their messages (which may hold data)."""

    def formatException(self, ei: object) -> str:  # noqa: N802 (logging's name)
        exc = ei[1] if isinstance(ei, tuple) and len(ei) == 3 else None
        if not isinstance(exc, BaseException):
            return "(exception)"
        parts: list[str] = []
        for link in _chain(exc):
            frames = traceback.format_tb(link.__traceback__)
            parts.append("Traceback (most recent call last):\n" + "".join(frames))
            parts.append(f"{type(link).__module__}.{type(link).__qualname__} (message withheld)")
        return "\n".join(parts)

    def formatStack(self, stack_info: str) -> str:  # noqa: N802
        return stack_info

    def format(self, record: logging.LogRecord) -> str:
        # another handler may have cached the full text (with the message) on the record
        saved = record.exc_text
        record.exc_text = None
        try:
            return super().format(record)
        finally:
            record.exc_text = saved


class OneLineFormatter(RedactingFormatter):
    """The terminal gets the message only: no traceback on stderr, ever (it is in the file)."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


def configure_logging(verbose: bool = False, directory: Path | None = None) -> Path | None:
    root = logging.getLogger()
    if getattr(root, "_buddy_desk_configured", False):
        # the app started from the command line asks again: the log it already has (the
        # crash dialog names it; None here made it say there was none)
        configured: Path | None = getattr(root, "_buddy_desk_log_path", None)
        return configured
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(OneLineFormatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(stderr)
    path: Path | None = None
    try:
        folder = directory or log_dir()
        if not folder.exists():
            folder.mkdir(parents=True, mode=0o700)
        path = folder / "buddy-desk.log"
        _create_private(path)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)  # a log left world-readable by an older version
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(RedactingFormatter(FORMAT))
        root.addHandler(handler)
    except OSError:
        path = None  # a read-only home must not stop the program
    root._buddy_desk_configured = True  # type: ignore[attr-defined]
    root._buddy_desk_log_path = path  # type: ignore[attr-defined]
    return path


def _create_private(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(fd)
