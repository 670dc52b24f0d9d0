"""Open a database: check it, back it up, migrate it to this version's schema.

Every failure becomes a DatabaseError that names the database and says what to do.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import OperationalError

from buddy_desk.errors import DatabaseError
from buddy_desk.persistence.engine import create_db_engine, sqlite_path

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).with_name("migrations")
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


def open_database(url: str, *, create: bool = True, migrate: bool = True) -> Engine:
    """An engine on a database at this version's schema; raises DatabaseError otherwise."""
    where = describe(url)
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path, create=create)
    engine = create_db_engine(url)
    if _is_at(engine, script_head()):
        return engine
    from alembic import command
    from alembic.script import ScriptDirectory

    try:
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
        if revision != scripts.get_current_head():
            if not migrate:
                raise DatabaseError(
                    f"{where} heeft een ouder schema; start Buddy Desk om bij te werken."
                )
            if path is not None and revision is not None:
                backup = backup_sqlite(path, revision)
                log.info("backed up database before upgrade to %s", backup.name)
            with engine.begin() as conn:
                cfg = _alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    except DatabaseError:
        engine.dispose()
        raise
    except (OperationalError, SADatabaseError) as exc:
        engine.dispose()
        raise DatabaseError(_explain(where, exc)) from None
    return engine


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


def _check_sqlite_file(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise DatabaseError(f"{path} is een map, geen databasebestand.")
    if not path.exists():
        if not create:
            raise DatabaseError(f"Databasebestand {path} bestaat niet.")
        if not path.parent.exists():
            raise DatabaseError(f"Map {path.parent} bestaat niet; maak die eerst aan.")
        return
    try:
        with path.open("rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise DatabaseError(
            f"{path} is niet leesbaar ({exc.strerror}). Controleer de rechten."
        ) from None
    if header and header != b"SQLite format 3\x00":
        raise DatabaseError(
            f"{path} is geen SQLite-database of is beschadigd. Zet een back-up terug of "
            "kies een ander bestand; dit bestand wordt niet overschreven."
        )


def backup_sqlite(path: Path, revision: str) -> Path:
    """A consistent copy (SQLite backup API, WAL included) next to the file, before upgrading."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.backup-{revision}-{stamp}{path.suffix}")
    src = sqlite3.connect(path)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def _explain(where: str, exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
    low = text.lower()
    if "file is not a database" in low or "malformed" in low:
        return (
            f"{where} is beschadigd of geen SQLite-database ({text}). "
            "Zet een back-up terug; het bestand is niet overschreven."
        )
    if "unable to open" in low or "readonly" in low or "permission" in low:
        return f"{where} kan niet worden geopend ({text}). Controleer pad en rechten."
    if "connection" in low or "could not" in low or "timeout" in low or "refused" in low:
        return (
            f"De databaseserver {where} is niet bereikbaar ({text}). Controleer de netwerk"
            "verbinding en het adres, of werk offline met een lokaal bestand (--db PAD)."
        )
    return f"Database {where} kan niet worden gebruikt: {text}"
