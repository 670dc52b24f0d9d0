"""Open a database: check it, back it up, migrate it to this version's schema.

Every failure becomes a DatabaseError that names the database and says what to do.
"""

from __future__ import annotations

import logging
import os
import re
import stat
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from buddy_desk.core.files import create_private, explain_os_error, fsync_dir
from buddy_desk.core.held_stores import hold, is_held
from buddy_desk.errors import DatabaseError
from buddy_desk.persistence import encryption
from buddy_desk.persistence.encryption import FileKind
from buddy_desk.persistence.engine import (
    SQLITE_COMPANIONS,
    create_db_engine,
    remove_with_companions,
    sqlite_path,
    sqlite_uri,
)
from buddy_desk.persistence.failures import explain
from buddy_desk.persistence.log_guards import ddl_in_transaction, missing_guards, restore_guards

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
SCHEMA_LOCK = 0x42444B31  # "BDK1": the advisory lock around schema changes on PostgreSQL
_REVISION_LINE = re.compile(r"^(down_)?revision(?::[^=]*)?=\s*['\"]?([\w-]+|None)['\"]?", re.M)


@cache
def script_head() -> str:
    """The head revision, read from the version files without importing Alembic.

    Alembic costs most of a second to import; an up-to-date database (the normal start)
    only needs this comparison. ``head_revision`` is the authoritative answer (tests compare).
    """
    revisions: set[str] = set()
    parents: set[str] = set()
    for file in (MIGRATIONS / "versions").glob("*.py"):
        for down, value in _REVISION_LINE.findall(file.read_text(encoding="utf-8")):
            if value != "None":
                (parents if down else revisions).add(value)
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"expected one migration head, found {sorted(heads)}")
    return heads.pop()


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def describe(url: str) -> str:
    """The database as the user knows it: the file path, or the server without password."""
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    return make_url(url).render_as_string(hide_password=True)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class FileState(StrEnum):
    MISSING = "missing"
    EMPTY = "empty"  # zero bytes
    SQLITE = "sqlite"  # plain (unencrypted) SQLite: an older database
    ENCRYPTED = "encrypted"  # SQLCipher, and our key opens it


def open_database(
    url: str, *, create: bool = True, migrate: bool = True, read_only: bool | None = None
) -> Engine:
    """An engine on a database at this version's schema; raises DatabaseError otherwise.

    ``create``: the user asked for a database here, so a missing file, an empty one or one
    left half-created by an interrupted first start is (re)built — in a temporary file
    renamed into place, so a kill leaves either nothing or a whole database. Without it such a
    file is reported, never initialised. ``read_only``: None decides from the file's rights.
    Nothing that changes the file (WAL, guards, migrations) happens before it is known to be
    a Buddy Desk database.
    """
    where = describe(url)
    path = sqlite_path(url)
    immutable = False
    if path is not None:
        state = _check_sqlite_file(path, create=create)
        if state not in (FileState.SQLITE, FileState.ENCRYPTED):
            _build_sqlite(path, replace=state is FileState.EMPTY)
        if read_only is None:
            read_only = not _writable(path)
        immutable = read_only and not _can_share_read(path)
    engine = create_db_engine(url, read_only=bool(read_only), immutable=immutable)
    try:
        if path is not None and _half_created(engine):
            engine.dispose()
            if not create or read_only:
                raise DatabaseError(
                    f"{where} is bij een eerdere start niet afgemaakt (geen gegevens, onvolledig "
                    "schema). Start Buddy Desk of 'buddy-desk demo' met dit bestand om het "
                    "opnieuw op te bouwen."
                )
            log.warning("rebuilding a half-created database")
            _build_sqlite(path, replace=True)
            engine = create_db_engine(url)
        if not _is_at(engine, script_head()):
            _migrate(engine, url, path, migrate=migrate and not read_only)
        if not read_only:
            _settle(engine, path)
        else:
            log.info("database opened read-only")
        if path is not None and state is FileState.SQLITE:
            _warn_plain_once(path)
    except DatabaseError:
        engine.dispose()
        raise
    except (OperationalError, SADatabaseError) as exc:
        engine.dispose()
        raise DatabaseError(_explain(where, exc)) from None
    if path is not None:
        encryption.remember_kind(
            path, FileKind.PLAIN if state is FileState.SQLITE else FileKind.ENCRYPTED
        )
        event.listen(engine, "engine_disposed", _released(hold(path)))
    return engine


def _released(release: Callable[[], None]) -> Callable[[Engine], None]:
    return lambda _engine: release()


def _migrate(engine: Engine, url: str, path: Path | None, *, migrate: bool) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory

    where = describe(url)
    revision = current_revision(engine)
    if revision is None and _has_foreign_tables(engine):
        raise DatabaseError(
            f"{where} is geen Buddy Desk-database (wel tabellen, geen schemaversie). "
            "Kies een ander bestand; dit bestand wordt niet aangeraakt."
        )
    scripts = ScriptDirectory.from_config(_alembic_config())
    if revision is not None and not _known_revision(scripts, revision):
        raise DatabaseError(
            f"{where} is gemaakt door een nieuwere versie van Buddy Desk (schema {revision}). "
            "Werk Buddy Desk bij; de database is niet gewijzigd."
        )
    if revision == scripts.get_current_head():
        return
    if not migrate:
        raise DatabaseError(
            f"{where} heeft een ouder schema; start Buddy Desk (met schrijfrechten) om het "
            "bij te werken. Er is niets gewijzigd."
        )
    if path is not None and revision is not None:
        backup = backup_sqlite(path, revision)
        log.info("backed up database before upgrade to %s", backup.name)
    # one transaction: every revision's DDL and data, all or nothing (see engine.py)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # two laptops starting at once: the second waits, then finds the schema at head
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
        ddl_in_transaction(conn)
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def _settle(engine: Engine, path: Path | None) -> None:
    """Known to be ours and at head: WAL on (SQLite), and the log guards in place."""
    if path is not None:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            mode = cursor.execute("PRAGMA journal_mode").fetchone()
            if mode is None or str(mode[0]).lower() != "wal":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
        finally:
            raw.close()
    with engine.connect() as conn:
        missing = missing_guards(conn)
    if missing:
        log.warning("%d log guard trigger(s) missing or altered; restoring them", len(missing))
        with engine.begin() as conn:
            restore_guards(conn)
            still = missing_guards(conn)
        if still:
            raise DatabaseError(
                f"De beveiliging van de logboeken in {describe(str(engine.url))} ontbreekt en "
                "kon niet worden hersteld. Neem contact op met de beheerder."
            )


def _is_at(engine: Engine, head: str) -> bool:
    """True when the database is reachable and exactly at ``head`` (the fast, normal case)."""
    try:
        with engine.connect() as conn:
            versions = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except (OperationalError, SADatabaseError):
        return False  # no schema yet, or unreachable: the full path explains which
    return [v for (v,) in versions] == [head]


def _known_revision(scripts: ScriptDirectory, revision: str) -> bool:
    from alembic.script.revision import ResolutionError
    from alembic.util import CommandError

    try:
        return scripts.get_revision(revision) is not None
    except (CommandError, ResolutionError):
        return False


def _has_foreign_tables(engine: Engine) -> bool:
    return bool(inspect(engine).get_table_names())


def _check_sqlite_file(path: Path, *, create: bool) -> FileState:
    """What is at ``path``; refuses (with a sentence naming it) what we must not open."""
    if not path.parent.exists():
        raise DatabaseError(f"Map {path.parent} bestaat niet; maak die eerst aan.")
    try:
        info = path.stat()
    except FileNotFoundError:
        if not create:
            raise DatabaseError(f"Databasebestand {path} bestaat niet.") from None
        return FileState.MISSING
    except OSError as exc:
        raise DatabaseError(f"{path} is niet leesbaar ({exc.strerror}).") from None
    if stat.S_ISDIR(info.st_mode):
        raise DatabaseError(f"{path} is een map, geen databasebestand.")
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseError(
            f"{path} is geen gewoon bestand (een apparaat, pipe of socket); kies een "
            "databasebestand."
        )
    if is_held(path):
        # already open in this process, so known to be ours, plain or encrypted as it was
        # then; reading the header would close a descriptor of the file and drop the locks
        # our connections hold (core/held_stores)
        known = encryption.known_kind(path)
        return FileState.SQLITE if known is FileKind.PLAIN else FileState.ENCRYPTED
    if info.st_size == 0:
        if not create:
            raise DatabaseError(
                f"{path} is leeg (0 bytes) en dus geen Buddy Desk-database. Kies een ander "
                "bestand, of maak hier een database met 'buddy-desk demo' of door de app te "
                "starten; het bestand is niet gewijzigd."
            )
        return FileState.EMPTY
    try:
        kind = encryption.file_kind(path)
    except OSError as exc:
        raise DatabaseError(
            f"{path} is niet leesbaar ({exc.strerror}). Controleer de rechten."
        ) from None
    if kind is FileKind.PLAIN:
        return FileState.SQLITE
    if kind is FileKind.ENCRYPTED:
        key = encryption.key_for_file(path)  # raises when there is none
        if key is not None and not encryption.key_opens(sqlite_uri(path, read_only=True), key):
            raise DatabaseError(encryption.wrong_key_message(path, key))
        return FileState.ENCRYPTED
    raise DatabaseError(
        f"{path} is geen SQLite-database of is beschadigd. Zet een back-up terug of "
        "kies een ander bestand; dit bestand wordt niet overschreven."
    )


_warned_plain: set[Path] = set()


def _warn_plain_once(path: Path) -> None:
    if path in _warned_plain:
        return
    _warned_plain.add(path)
    log.warning(
        "%s is niet versleuteld (een oudere database); zet het om met "
        "'buddy-desk db encrypt --db %s'",
        path,
        path,
    )


def _writable(path: Path) -> bool:
    """Can we write the file, and create its -wal/-shm companions if they are missing?"""
    if not os.access(path, os.W_OK):
        return False
    companions = [path.with_name(path.name + s) for s in ("-wal", "-shm")]
    return os.access(path.parent, os.W_OK) or all(os.access(c, os.W_OK) for c in companions)


def _can_share_read(path: Path) -> bool:
    """A read-only WAL file can be read normally if its -shm exists or can be created."""
    shm = path.with_name(path.name + "-shm")
    return shm.exists() or os.access(path.parent, os.W_OK)


def _half_created(engine: Engine) -> bool:
    """No schema version, nothing but our own (empty) tables: an interrupted first start."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names()) - {"sqlite_sequence"}
        if "alembic_version" in tables:
            if conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one():
                return False
            tables.discard("alembic_version")
        elif not tables:
            return _is_empty_file(conn)
        import buddy_desk.models.all_models  # noqa: F401  (our table names)
        from buddy_desk.models.base import Base

        if not tables <= set(Base.metadata.tables):
            return False
        return all(
            not conn.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first() for name in tables
        )


def _is_empty_file(conn: Connection) -> bool:
    """A SQLite file without a single table: ours to fill only when asked to create."""
    return int(conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()) == 0


def _build_sqlite(path: Path, *, replace: bool) -> None:
    """A new database at head, built next to ``path`` and moved into place in one step.

    ``replace``: ``path`` holds an empty or half-created file that the new one replaces.
    Otherwise a file someone else created meanwhile wins and ours is dropped.
    """
    from alembic import command

    for stale in path.parent.glob(f".{path.name}.creating-*"):
        remove_with_companions(stale)
    tmp = path.with_name(f".{path.name}.creating-{os.getpid()}")
    try:
        create_private(tmp)
        engine = create_db_engine(f"sqlite:///{tmp}")
        try:
            with engine.begin() as conn:
                ddl_in_transaction(conn)
                cfg = _alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        finally:
            engine.dispose()
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        for suffix in SQLITE_COMPANIONS:
            # a companion of a file that is gone or being replaced would be applied to ours
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                log.info("database created meanwhile by another process; using that one")
            except OSError:
                os.replace(tmp, path)  # no hard links here (FAT): a plain rename
        fsync_dir(path.parent)
    except OSError as exc:
        raise DatabaseError(explain_os_error(exc, path)) from None
    except (OperationalError, SADatabaseError) as exc:
        raise DatabaseError(_explain(str(path), exc)) from None
    finally:
        remove_with_companions(tmp)


def backup_sqlite(path: Path, revision: str) -> Path:
    """A consistent copy (SQLite backup API, WAL included) next to the file, before upgrading.

    Both connections carry the database's key, so the copy of an encrypted database is
    encrypted with the same key (``encryption.key_owner`` finds it for the backup's name).
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{revision}-{stamp}{path.suffix}")
    create_private(target)
    key = encryption.key_for_file(path)
    src = encryption.connect(sqlite_uri(path, read_only=True), key, uri=True)
    try:
        dst = encryption.connect(target, key)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def _explain(where: str, exc: Exception) -> str:
    return explain(where, exc)
