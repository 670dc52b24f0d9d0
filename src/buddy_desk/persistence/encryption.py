"""Encryption at rest: every SQLite file the app creates is a SQLCipher database.

A database is opened with a RAW 256-bit key (``PRAGMA key = "x'…'"``): no key derivation
per connection, so opening stays as fast as plain SQLite. The key of a database comes from:

1. ``BUDDY_DESK_KEY`` (64 hex characters) when set: tests, CI, a scripted installation;
2. the OS keyring (``keyring``; service ``BuddyDesk``, one random key per database path),
   created together with the database;
3. where no keyring backend works (a headless Linux without a Secret Service), a key file
   per database, owner-only, in ``<config dir>/keys/``. Weaker: whoever can read the user's
   home folder reads the key too (docs/sync.md says what it protects against and what not).

A key is looked up in the order 1, 3, 2 (``find_key``): a key file exists only where the
keyring did not work when the database was made, and reading it costs nothing, while the
keyring costs an import of all its backends.

A backup (``NAME.backup-REV-STAMP.sqlite``) and the temporary files a new or converted
database is built in use the key of their database (``key_owner``). Files that begin with the
plain SQLite header are older, unencrypted databases: they still open without a key (see
``schema.open_database``, which warns once) and ``buddy-desk db encrypt`` converts them.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import secrets
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlcipher3.dbapi2 as sqlcipher

from buddy_desk.config import config_dir
from buddy_desk.core.files import PRIVATE_FILE, private_dir
from buddy_desk.core.held_stores import is_held
from buddy_desk.errors import DatabaseError

log = logging.getLogger(__name__)
driver = sqlcipher  # the DB-API module, for SQLAlchemy and for catching its errors

KEY_ENV = "BUDDY_DESK_KEY"
KEYRING_SERVICE = "BuddyDesk"
SQLITE_HEADER = b"SQLite format 3\x00"
_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")
# NAME.backup-REVISION-YYYYMMDD-HHMMSS.EXT, .NAME.creating-PID, .NAME.encrypting-PID
_BACKUP = re.compile(r"^(?P<stem>.+)\.backup-.+-\d{8}-\d{6}(?P<suffix>\.[^.]+)?$")
_WORK_FILE = re.compile(r"^\.(?P<name>.+)\.(?:creating|encrypting)-\d+$")


class KeyStore(StrEnum):
    ENV = "BUDDY_DESK_KEY"
    KEYRING = "keyring"
    FILE = "key file"


class FileKind(StrEnum):
    EMPTY = "empty"
    PLAIN = "plain"  # a SQLite file that is not encrypted
    ENCRYPTED = "encrypted"  # whole pages of random-looking bytes: a SQLCipher file
    OTHER = "other"  # neither: another kind of file, or a damaged one


@dataclass(frozen=True)
class DatabaseKey:
    hex: str
    store: KeyStore

    def pragma(self, schema: str | None = None) -> str:
        target = f"{schema}." if schema else ""
        return f"PRAGMA {target}key = \"x'{self.hex}'\""

    def where(self) -> str:
        """Where the key came from, for a message (never the key itself)."""
        if self.store is KeyStore.ENV:
            return "BUDDY_DESK_KEY"
        if self.store is KeyStore.KEYRING:
            return "de sleutelbos van het besturingssysteem"
        return f"het sleutelbestand in {keys_dir()}"


def keys_dir() -> Path:
    return config_dir() / "keys"


def key_owner(path: Path) -> Path:
    """The database whose key ``path`` uses: a backup or a work file uses its database's."""
    path = path.absolute()
    work = _WORK_FILE.match(path.name)
    if work:
        return path.with_name(work["name"])
    backup = _BACKUP.match(path.name)
    if backup:
        return path.with_name(backup["stem"] + (backup["suffix"] or ""))
    return path


def file_kind(path: Path) -> FileKind:
    """What ``path`` holds, judged from its size and first page (nothing is written)."""
    size = path.stat().st_size
    if size == 0:
        return FileKind.EMPTY
    with path.open("rb") as fh:
        page = fh.read(4096)
    if page[:16] == SQLITE_HEADER:
        return FileKind.PLAIN
    # SQLCipher: 16 bytes of salt, then ciphertext; the file is whole pages (512…65536 bytes).
    # Ciphertext uses nearly every byte value; text and most file formats do not.
    if size % 512 == 0 and len(page) >= 1024 and len(set(page[16:])) >= 200:
        return FileKind.ENCRYPTED
    return FileKind.OTHER


def is_plain_sqlite(path: Path) -> bool:
    """An older, unencrypted database (``buddy-desk db encrypt`` converts it)."""
    try:
        return file_kind(path) is FileKind.PLAIN
    except OSError:
        return False


def _env_key() -> DatabaseKey | None:
    raw = os.environ.get(KEY_ENV, "").strip()
    if not raw:
        return None
    if not _HEX_KEY.fullmatch(raw):
        raise DatabaseError(
            f"{KEY_ENV} moet precies 64 hexadecimale tekens zijn (een sleutel van 256 bits); "
            "er is niets geopend."
        )
    return DatabaseKey(raw.lower(), KeyStore.ENV)


def find_key(path: Path) -> DatabaseKey | None:
    """The key of the database at ``path`` (or of the database a backup belongs to)."""
    env = _env_key()
    if env is not None:
        return env
    owner = str(key_owner(path))
    # The key file before the keyring: a key file is only written where no keyring worked,
    # and then it is the key of the database (an existing key is never replaced, so the
    # keyring never holds a newer one for the path; if it holds an older one, from before a
    # keyring outage, the file's is the current). Asking the keyring first cost every start
    # on a keyring-less laptop ~0.1–0.2 s: importing ``keyring`` loads all its backends.
    stored = _file_get(owner)
    if stored is not None:
        return DatabaseKey(stored, KeyStore.FILE)
    stored = _keyring_get(owner)
    if stored is not None:
        return DatabaseKey(stored, KeyStore.KEYRING)
    return None


def key_for_new_database(path: Path) -> DatabaseKey:
    """The key a database created at ``path`` gets: the stored one, else a new random one.

    An existing key is kept (backups of an earlier database at this path still need it).
    """
    found = find_key(path)
    if found is not None:
        return found
    owner = str(key_owner(path))
    new = secrets.token_hex(32)
    if _keyring_set(owner, new):
        return DatabaseKey(_keyring_get(owner) or new, KeyStore.KEYRING)
    log.warning("no usable OS keyring; the database key is kept in an owner-only key file")
    return DatabaseKey(_file_create(owner, new), KeyStore.FILE)


_opened_as: dict[str, FileKind] = {}


def remember_kind(path: Path, kind: FileKind) -> None:
    """What a file this process opened turned out to be (plain or encrypted)."""
    _opened_as[os.path.realpath(path)] = kind


def known_kind(path: Path) -> FileKind | None:
    """What ``path`` was when this process opened it, if it still holds it open: reading
    its header again would close a descriptor of the file and drop the locks our
    connections hold (``core/held_stores``)."""
    return _opened_as.get(os.path.realpath(path)) if is_held(path) else None


def key_for_file(path: Path) -> DatabaseKey | None:
    """The key to open ``path`` with: None for a plain SQLite file; a new key for an empty
    file, since whoever writes into it creates a database; raises when an encrypted file's
    key is missing."""
    known = known_kind(path)
    if known is FileKind.PLAIN:
        return None
    if known is FileKind.ENCRYPTED:
        key = find_key(path)
        if key is None:
            raise DatabaseError(missing_key_message(path))
        return key
    try:
        kind = file_kind(path)
    except FileNotFoundError:
        return find_key(path)  # opening it fails (never created here); file no key for it
    except OSError:
        kind = FileKind.ENCRYPTED  # unreadable: opening it reports why
    if kind is FileKind.PLAIN:
        return None
    if kind is FileKind.EMPTY:
        return key_for_new_database(path)
    key = find_key(path)
    if key is None and kind is FileKind.ENCRYPTED:
        raise DatabaseError(missing_key_message(path))
    return key  # another kind of file: opening it reports it as damaged


def missing_key_message(path: Path) -> str:
    return (
        f"{path} is versleuteld, maar de sleutel ontbreekt: niet in de sleutelbos of de "
        f"sleutelbestanden ({keys_dir()}) van deze gebruiker, en {KEY_ENV} is niet gezet. "
        "Open het op de laptop (en als de gebruiker) die het maakte, of zet "
        f"{KEY_ENV}; het bestand is niet gewijzigd."
    )


def wrong_key_message(path: Path, key: DatabaseKey) -> str:
    return (
        f"{path} is versleuteld en opent niet met de sleutel uit {key.where()}: een andere "
        "sleutel (of een beschadigde eerste pagina). Gebruik de juiste sleutel; het bestand "
        "is niet gewijzigd."
    )


@cache
def _quiet() -> None:
    """SQLCipher writes its own lines to stderr on a wrong key; the user gets ours only."""
    conn = sqlcipher.connect(":memory:")
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
    finally:
        conn.close()


def connect(
    target: str | Path,
    key: DatabaseKey | None,
    *,
    uri: bool = False,
    timeout: float = 5.0,
    check_same_thread: bool = True,
    isolation_level: str | None = "",
) -> Any:
    """A driver connection (``sqlcipher3``) with the key sent before anything is read."""
    _quiet()
    conn = sqlcipher.connect(
        str(target),
        uri=uri,
        timeout=timeout,
        check_same_thread=check_same_thread,
        isolation_level=isolation_level,
    )
    if key is not None:
        conn.execute(key.pragma())
    return conn


def sqlite_uri_ro(path: Path) -> str:
    return f"file:{quote(str(path.absolute()))}?mode=ro"


def connect_file(path: Path, *, read_only: bool = False, **options: Any) -> Any:
    """A driver connection to a database file with its key (none for a plain file): for
    tools and tests that look at the file beside the app."""
    if read_only:
        return connect(sqlite_uri_ro(path), key_for_file(path), uri=True, **options)
    return connect(path, key_for_file(path), **options)


def key_opens(uri: str, key: DatabaseKey) -> bool:
    """Does ``key`` decrypt the file? Read-only; only a clear "not a database" says no."""
    try:
        conn = connect(uri, key, uri=True)
    except sqlcipher.Error:
        return True  # cannot even open it: the engine reports why, in its own words
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        return "not a database" not in str(exc).lower()
    finally:
        conn.close()
    return True


# --- the OS keyring -------------------------------------------------------------------


@cache
def _keyring() -> Any | None:
    """The keyring backend, or None where none works (headless, or a fail/null backend)."""
    try:
        import keyring
        from keyring.backends import fail, null

        backend = keyring.get_keyring()
        if isinstance(backend, fail.Keyring | null.Keyring):
            return None
        backend.get_password(KEYRING_SERVICE, "probe")  # a locked-out Secret Service fails here
        return backend
    except Exception as exc:  # any backend error means "no keyring" (types only in the log)
        log.info("OS keyring not usable (%s)", type(exc).__name__)
        return None


def _keyring_get(owner: str) -> str | None:
    backend = _keyring()
    if backend is None:
        return None
    try:
        value = backend.get_password(KEYRING_SERVICE, owner)
    except Exception as exc:
        log.warning("reading the OS keyring failed (%s)", type(exc).__name__)
        return None
    return value if isinstance(value, str) and _HEX_KEY.fullmatch(value) else None


def _keyring_set(owner: str, value: str) -> bool:
    backend = _keyring()
    if backend is None:
        return False
    try:
        backend.set_password(KEYRING_SERVICE, owner, value)
    except Exception as exc:
        log.warning("writing to the OS keyring failed (%s)", type(exc).__name__)
        return False
    return True


# --- the key-file fallback --------------------------------------------------------------


def _key_file(owner: str) -> Path:
    return keys_dir() / f"{hashlib.sha256(owner.encode('utf-8')).hexdigest()[:32]}.key"


def _file_get(owner: str) -> str | None:
    path = _key_file(owner)
    try:
        first = path.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return None
    return first[0].lower() if first and _HEX_KEY.fullmatch(first[0]) else None


def _file_create(owner: str, value: str) -> str:
    """Store ``value`` unless a key is there already (another process won): that one counts."""
    path = _key_file(owner)
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            # the path is there for a person looking at the folder; the hash names the file
            fh.write(f"{value}\n# {owner}\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # never replaces: two first starts agree on one key
        except FileExistsError:
            pass
        except OSError:  # no hard links on this file system
            if not path.exists():
                os.replace(tmp, path)
    except OSError as exc:
        raise DatabaseError(
            f"De sleutel voor de database kon niet worden bewaard in {path.parent} "
            f"({exc.strerror}); er is geen database gemaakt."
        ) from None
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return _file_get(owner) or value
