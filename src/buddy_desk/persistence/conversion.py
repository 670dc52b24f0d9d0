"""Turn an older, plain SQLite database of ours into an encrypted one, in place and atomically.

The plain file is exported (``sqlcipher_export``) into a new file next to it, encrypted with
the database's key; the copy is checked (``quick_check``, every table's row count) and then
renamed over the original in one step, so a kill leaves either the plain or the encrypted
database, never half of one. The plain migration backups next to it are converted the same
way (with the same key), so no plain copy of the data stays in the folder.

Only our own files are touched: a file that is not plain SQLite, or has no schema version
(another program's database, a half-created one), is refused before anything is written.
The conversion needs the file to itself: switching it out of WAL mode succeeds only when no
other connection (the app, a second command) has it open, and that is checked first.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from buddy_desk.core.files import create_private, fsync_dir
from buddy_desk.errors import DatabaseError
from buddy_desk.persistence import encryption
from buddy_desk.persistence.encryption import DatabaseKey, FileKind
from buddy_desk.persistence.encryption import driver as sqlcipher
from buddy_desk.persistence.engine import (
    SQLITE_COMPANIONS,
    busy_timeout_ms,
    remove_with_companions,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Encrypted:
    database: Path
    backups: list[Path]
    key: DatabaseKey
    already: bool = False  # it was encrypted before: nothing was changed


def encrypt_database(path: Path) -> Encrypted:
    """Encrypt the plain database at ``path`` and its plain backups; see the module text."""
    path = path.absolute()
    kind = _kind(path)
    if kind is FileKind.ENCRYPTED:
        key = encryption.key_for_file(path)
        assert key is not None
        if not encryption.key_opens(encryption.sqlite_uri_ro(path), key):
            raise DatabaseError(encryption.wrong_key_message(path, key))
        return Encrypted(path, [], key, already=True)
    if kind is not FileKind.PLAIN:
        raise DatabaseError(
            f"{path} is geen SQLite-database (of is leeg of beschadigd); er is niets gewijzigd."
        )
    _require_ours(path)
    key = encryption.key_for_new_database(path)
    _convert(path, key)
    backups = [
        backup
        for backup in sorted(path.parent.glob(f"{path.stem}.backup-*{path.suffix}"))
        if encryption.key_owner(backup) == path and _kind(backup) is FileKind.PLAIN
    ]
    for backup in backups:
        _convert(backup, key)
    log.info("database encrypted in place, with %d backup(s)", len(backups))
    return Encrypted(path, backups, key)


def _kind(path: Path) -> FileKind:
    try:
        return encryption.file_kind(path)
    except FileNotFoundError:
        raise DatabaseError(f"Databasebestand {path} bestaat niet.") from None
    except OSError as exc:
        raise DatabaseError(f"{path} is niet leesbaar ({exc.strerror}).") from None


def _require_ours(path: Path) -> None:
    """A schema version must be there; read-only, so another program's file stays as it is."""
    conn = encryption.connect_file(path, read_only=True)
    try:
        row = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        version = (
            conn.execute("SELECT version_num FROM alembic_version").fetchone() if row else None
        )
    except sqlcipher.DatabaseError:
        version = None
    finally:
        conn.close()
    if version is None:
        raise DatabaseError(
            f"{path} is geen (volledige) Buddy Desk-database; het wordt niet omgezet en niet "
            "gewijzigd."
        )


def _convert(path: Path, key: DatabaseKey) -> None:
    tmp = path.with_name(f".{path.name}.encrypting-{os.getpid()}")
    remove_with_companions(tmp)
    source = encryption.connect(path, None, timeout=busy_timeout_ms() / 1000, isolation_level=None)
    try:
        _leave_wal(source, path)
        create_private(tmp)
        source.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex}'\"", (str(tmp),))
        source.execute("BEGIN EXCLUSIVE")
        source.execute("SELECT sqlcipher_export('encrypted')")
        (user_version,) = source.execute("PRAGMA main.user_version").fetchone()
        source.execute(f"PRAGMA encrypted.user_version = {int(user_version)}")
        source.execute("COMMIT")
        source.execute("DETACH DATABASE encrypted")
        # hold the plain file until the encrypted one has replaced it
        source.execute("BEGIN EXCLUSIVE")
        counts = _row_counts(source)
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        _check_copy(tmp, key, counts)
        for suffix in SQLITE_COMPANIONS:  # a plain WAL must never be applied to the new file
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        os.replace(tmp, path)
        fsync_dir(path.parent)
        source.execute("ROLLBACK")
    except sqlcipher.Error as exc:
        raise DatabaseError(
            f"{path} kon niet worden versleuteld ({type(exc).__name__}); het bestand is "
            "niet gewijzigd."
        ) from None
    finally:
        source.close()
        remove_with_companions(tmp)


def _leave_wal(source: Any, path: Path) -> None:
    """Out of WAL mode (its content folded into the file): only possible with no one else in."""
    try:
        (mode,) = source.execute("PRAGMA journal_mode").fetchone()
        if str(mode).lower() == "wal":
            source.execute("PRAGMA journal_mode=DELETE")
            (mode,) = source.execute("PRAGMA journal_mode").fetchone()
    except sqlcipher.OperationalError:
        mode = "wal"
    if str(mode).lower() == "wal":
        raise DatabaseError(
            f"{path} is in gebruik (Buddy Desk of een ander programma heeft het open). Sluit "
            "dat eerst en probeer het opnieuw; er is niets gewijzigd."
        )


def _row_counts(conn: Any) -> dict[str, int]:
    names = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        )
    ]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}


def _check_copy(tmp: Path, key: DatabaseKey, expected: dict[str, int]) -> None:
    conn = encryption.connect(tmp, key)
    try:
        (result,) = conn.execute("PRAGMA quick_check").fetchone()
        counts = _row_counts(conn)
    finally:
        conn.close()
    if result != "ok" or counts != expected:
        raise DatabaseError(
            f"De versleutelde kopie van {tmp.name} klopt niet met het origineel; het origineel "
            "is niet gewijzigd."
        )
