"""What went wrong with the database, in one Dutch sentence that names it.

A driver's error text can carry the SQL and its parameters (a street, a postcode); only its
first line, and only for the kinds recognised here, reaches the user — never the statement.
"""

from __future__ import annotations

import errno
from enum import StrEnum

from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from buddy_desk.errors import DatabaseError


class Failure(StrEnum):
    LOCKED = "locked"
    READ_ONLY = "read_only"
    CORRUPT = "corrupt"
    DISK_FULL = "disk_full"
    TOO_LARGE = "too_large"
    IO = "io"
    UNREACHABLE = "unreachable"
    CONFLICT = "conflict"
    OTHER = "other"


_PG_CODES = {
    "53100": Failure.DISK_FULL,
    "25006": Failure.READ_ONLY,
    "55P03": Failure.LOCKED,
    "40001": Failure.CONFLICT,
    "40P01": Failure.CONFLICT,
    "XX001": Failure.CORRUPT,
    "XX002": Failure.CORRUPT,
}


def _driver_text(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(orig).__name__


def classify(exc: BaseException) -> Failure:
    """The kind of failure behind a driver or SQLAlchemy error."""
    orig = getattr(exc, "orig", None)
    code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if isinstance(code, str) and code in _PG_CODES:
        return _PG_CODES[code]
    if isinstance(exc, IntegrityError):
        return Failure.CONFLICT
    low = _driver_text(exc).lower()
    if "locked" in low or "busy" in low:
        return Failure.LOCKED
    if "readonly" in low or "read-only" in low or "read only" in low:
        return Failure.READ_ONLY
    if "malformed" in low or "not a database" in low or "corrupt" in low:
        return Failure.CORRUPT
    if "disk is full" in low or "no space" in low:
        return Failure.DISK_FULL
    if "too large" in low or "too big" in low:
        return Failure.TOO_LARGE
    if "disk i/o" in low or "i/o error" in low:
        return Failure.IO
    if "unable to open" in low:
        return Failure.READ_ONLY if "readonly" in low else Failure.IO
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return Failure.UNREACHABLE
    for word in ("connection", "could not connect", "timeout", "refused", "server closed"):
        if word in low:
            return Failure.UNREACHABLE
    return Failure.OTHER


def explain(where: str, exc: BaseException) -> str:
    """One sentence for the user: what happened to which database and what to do."""
    kind = classify(exc)
    text = _driver_text(exc)
    if kind is Failure.LOCKED:
        return (
            f"{where} is bezet: een ander programma of een collega schrijft er nu in. "
            "Probeer het over een ogenblik opnieuw."
        )
    if kind is Failure.READ_ONLY:
        return (
            f"{where} is alleen-lezen: bekijken kan, wijzigen niet. Kopieer het bestand naar een "
            "map waarin u mag schrijven om het te wijzigen."
        )
    if kind is Failure.CORRUPT:
        return (
            f"{where} is beschadigd of geen SQLite-database. Zet een back-up terug; "
            "het bestand is niet overschreven."
        )
    if kind is Failure.DISK_FULL:
        return f"De schijf is vol: {where} kon niet worden bijgewerkt. Maak ruimte vrij."
    if kind is Failure.TOO_LARGE:
        return f"{where} wordt te groot voor de schijf of de ingestelde bestandslimiet."
    if kind is Failure.IO:
        return (
            f"Lezen of schrijven van {where} mislukte (schijffout, volle schijf of limiet). "
            "Controleer de schijf; er is niets half opgeslagen."
        )
    if kind is Failure.UNREACHABLE:
        return (
            f"De databaseserver {where} is niet bereikbaar. Controleer de netwerkverbinding en "
            "het adres, of werk offline met een lokaal bestand (--db PAD)."
        )
    if kind is Failure.CONFLICT:
        return (
            f"Een collega wijzigde tegelijk hetzelfde in {where}; er is niets opgeslagen. "
            "Probeer het opnieuw."
        )
    if isinstance(exc, DBAPIError):
        return f"Database {where} kan niet worden gebruikt ({type(exc.orig).__name__})."
    return f"Database {where} kan niet worden gebruikt: {text}"


def as_database_error(where: str, exc: SQLAlchemyError | OSError) -> DatabaseError:
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return DatabaseError(f"De schijf is vol: {where} kon niet worden bijgewerkt.")
        if exc.errno == errno.EFBIG:
            return DatabaseError(f"{where} wordt te groot voor de ingestelde bestandslimiet.")
        return DatabaseError(f"{where} kan niet worden gebruikt ({exc.strerror}).")
    return DatabaseError(explain(where, exc))
