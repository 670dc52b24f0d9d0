"""Helpers shared by every command-line module: exit codes, the database, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from buddy_desk.config import resolve_db_url
from buddy_desk.core.files import explain_os_error
from buddy_desk.persistence.failures import explain
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork

EXIT_OK = 0
EXIT_FAILED = 1  # a check found a problem
EXIT_ERROR = 2  # the command could not do its work


def db_url(args: argparse.Namespace) -> str:
    return resolve_db_url(getattr(args, "db", None))


def acting_username(args: argparse.Namespace) -> str | None:
    """The global ``--user USERNAME`` (before or after the command), or None."""
    user: str | None = getattr(args, "user", None)
    return user.strip() or None if user else None


def open_engine(args: argparse.Namespace, *, create: bool = False) -> Engine:
    """Open (and migrate) the database named by --db; a missing file is an error by default."""
    return open_database(db_url(args), create=create)


def open_uow(args: argparse.Namespace, *, create: bool = False) -> UnitOfWork:
    return UnitOfWork(open_engine(args, create=create))


Render = Callable[[], None]
"""Prints a command's result as text for people (the part of ``emit`` without --json)."""


def emit(args: argparse.Namespace, data: Any, render: Render | str, *, code: int = EXIT_OK) -> int:
    """The one way a command prints its result, and its exit code.

    With ``--json``: exactly one JSON document (``data``) on stdout and no text for people;
    without: ``render()`` (or the line ``render``). A command that fails raises a
    ``BuddyDeskError`` before calling this, so stdout stays empty and the exit code is 2.
    """
    if getattr(args, "json", False):
        print_json(data)
    elif isinstance(render, str):
        print(render)
    else:
        render()
    return code


def print_json(data: Any) -> None:
    """One JSON document on stdout; escaped to ASCII if the console cannot encode the text
    (a Windows console in cp1252 would otherwise fail halfway, with half a document out)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(data, ensure_ascii=True, indent=2, default=str)
    sys.stdout.write(text + "\n")


def user_message(exc: SQLAlchemyError | OSError, where: str) -> str:
    """The one sentence for a database or file failure (the CLI and the GUI show the same)."""
    if isinstance(exc, OSError):
        name = exc.filename if isinstance(exc.filename, str) else where
        return explain_os_error(exc, Path(name) if name else where)
    return explain(where, exc)


def one_line(message: str) -> str:
    """No control characters (a file's header could hold terminal escapes), one line."""
    cleaned = "".join(ch if ch.isprintable() else " " for ch in message)
    return " ".join(cleaned.split())
