"""Sync use cases: the team server's administration, and a laptop's enrol, sync and take.

Server side (a PostgreSQL URL with an administrator's login):
- ``init_server(url)`` — the app's schema (migrations), then the ``sync`` schema, change-log
  triggers, roles and functions (``server_sql``); idempotent.
- ``add_user(url, username, organisation, role)`` → the enrolment secret (the password of
  the user's own login role; shown once, stored by PostgreSQL only as a SCRAM hash).

Laptop side (a ``UnitOfWork`` on the laptop's SQLite database):
- ``enrol(uow, server, username, secret)`` — remember the server, install the outbox
  triggers, pull the scope.
- ``sync(uow)`` → ``SyncReport``: push the outbox, then pull (only when nothing of ours is
  unacknowledged), each in its own transaction; safe to kill at any moment.
- ``conflicts(uow)``, ``status(uow)``, ``take(uow, dossier_ids)``.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import Connection, Table, delete, select, text, update
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.types import TypeDecorator

from buddy_desk.choices.service.anchoring import anchor_values, append_access, row_values
from buddy_desk.core.ids import new_uuid
from buddy_desk.errors import BuddyDeskError
from buddy_desk.models import Address, Dossier, Person, Supervisor
from buddy_desk.models.access_log import AccessLogEntry, AccessLogHead
from buddy_desk.models.base import Base, utcnow
from buddy_desk.models.case import Case
from buddy_desk.models.choices import ChoiceLogEntry, ChoiceLogHead
from buddy_desk.models.dossier import (
    ConversationNote,
    DossierFlag,
    DossierResident,
    TimelineEvent,
)
from buddy_desk.models.sync import SyncConflict, SyncOutbox, SyncState, SyncVersion
from buddy_desk.persistence.engine import create_db_engine
from buddy_desk.persistence.log_guards import guards_lifted
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import heads, rows_sql, server_sql, validate_sql
from buddy_desk.sync import rows as synced_rows
from buddy_desk.sync.laptop_sql import outbox_triggers
from buddy_desk.sync.one_at_a_time import SyncBusyError as SyncBusyError
from buddy_desk.sync.one_at_a_time import one_sync_at_a_time
from buddy_desk.sync.wipe import database_path, wipe_laptop

log = logging.getLogger(__name__)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,39}$")
ORGANISATIONS = ("IMG", "NCG")
PUSH_BATCH = 500


class SyncError(BuddyDeskError):
    """Sync could not do its work (not enrolled, server unreachable, login refused)."""


@dataclass(frozen=True, slots=True)
class SyncReport:
    pushed: int
    pulled: int  # dossiers received
    removed: int  # dossiers that left the scope
    conflicts: int  # open conflicts after this sync
    queued: int  # changes still waiting (a pull was skipped or a push failed)


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    uuid: str
    dossier_id: int
    table_name: str
    reason: str
    mine: str | None
    author: str | None
    created_at: datetime
    address: str  # "Straat 12a", "" when the dossier is no longer on this laptop
    field: str | None = None  # a per-field conflict: which field
    theirs: str | None = None  # … and the value the server kept
    alternatives: tuple[str, ...] = ()  # a refused booking: slots free now


@dataclass(frozen=True, slots=True)
class SyncStatus:
    enrolled: bool
    username: str | None
    server: str | None
    last_sync_at: datetime | None
    queued: int
    conflicts: int


# --- the team server -------------------------------------------------------------------------


def _require_postgres(url: str) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        raise SyncError(f"De teamserver is een PostgreSQL-database; '{url}' is dat niet.")


def init_server(url: str) -> None:
    _require_postgres(url)
    engine = open_database(url)
    try:
        with engine.begin() as conn:
            cursor = conn.connection.cursor()  # no parameters: '%' in PL/pgSQL stays itself
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext('buddy-desk-sync'))")
            for statement in (
                server_sql.SCHEMA,
                server_sql.FUNCTIONS,
                validate_sql.SQL,
                heads.SQL,
                *server_sql.triggers(),
                rows_sql.SERVER,
                *rows_sql.server_triggers(),
                *server_sql.roles(),
                *heads.grants(),
            ):
                cursor.execute(statement)
    finally:
        engine.dispose()
    log.info("team server initialised")


def add_user(url: str, username: str, organisation: str, role: str) -> str:
    """Create the user's login role; returns the enrolment secret (shown once)."""
    _require_postgres(url)
    if not USERNAME.match(username):
        raise SyncError(
            f"Gebruikersnaam '{username}' is ongeldig: kleine letters, cijfers, . _ - "
            "(hoogstens 40 tekens)."
        )
    if organisation not in ORGANISATIONS:
        raise SyncError(f"Organisatie '{organisation}' is onbekend; kies IMG of NCG.")
    if role not in server_sql.ROLES:
        raise SyncError(f"Rol '{role}' is onbekend; kies {', '.join(server_sql.ROLES)}.")
    secret = secrets.token_urlsafe(18)
    login = server_sql.login_role(username)
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            if conn.scalar(text("SELECT to_regclass('sync.user')")) is None:
                raise SyncError("De server is nog niet ingericht: voer eerst 'server init' uit.")
            if conn.scalar(text("SELECT 1 FROM sync.user WHERE username = :u"), {"u": username}):
                raise SyncError(f"Gebruiker '{username}' bestaat al op de server.")
            supervisor = conn.scalar(select(Supervisor.id).where(Supervisor.username == username))
            quoted = conn.dialect.identifier_preparer.quote(login)
            literal = secret.replace("'", "''")  # token_urlsafe has no quotes; belt and braces
            conn.exec_driver_sql(
                f"CREATE ROLE {quoted} LOGIN PASSWORD '{literal}' "
                f"IN ROLE {server_sql.group_role(role)}"
            )
            conn.execute(
                text(
                    "INSERT INTO sync.user (username, login, organisation, role, supervisor_id) "
                    "VALUES (:u, :l, :o, :r, :s)"
                ),
                {"u": username, "l": login, "o": organisation, "r": role, "s": supervisor},
            )
    finally:
        engine.dispose()
    return secret


def revoke_user(url: str, username: str) -> None:
    _require_postgres(url)
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            login = conn.scalar(
                text("UPDATE sync.user SET revoked = true WHERE username = :u RETURNING login"),
                {"u": username},
            )
            if login is None:
                raise SyncError(f"Gebruiker '{username}' bestaat niet op de server.")
            quoted = conn.dialect.identifier_preparer.quote(login)
            conn.exec_driver_sql(f"ALTER ROLE {quoted} NOLOGIN")
    finally:
        engine.dispose()


def take_on_server(url: str, username: str, dossier_ids: Sequence[int]) -> None:
    """A coordinator hands dossiers to a user's laptop scope ("meenemen")."""
    engine = create_db_engine(url)
    try:
        with engine.begin() as conn:
            for dossier_id in dossier_ids:
                conn.execute(
                    text("INSERT INTO sync.take VALUES (:u, :d) ON CONFLICT DO NOTHING"),
                    {"u": username, "d": dossier_id},
                )
    finally:
        engine.dispose()


# --- the laptop ------------------------------------------------------------------------------


def _login_url(server: str, username: str, secret: str) -> URL:
    url = make_url(server)
    if url.get_backend_name() != "postgresql":
        raise SyncError(f"De teamserver is een PostgreSQL-adres (postgresql://…), niet '{server}'.")
    return url.set(
        drivername="postgresql+psycopg",
        username=server_sql.login_role(username),
        password=secret,
    )


@dataclass(frozen=True, slots=True)
class _Login:
    server: str
    username: str
    secret: str


def _login(uow: UnitOfWork) -> _Login:
    state = _state(uow)
    return _Login(state.server, state.username, state.secret)


@contextmanager
def _server(state: _Login) -> Iterator[Connection]:
    url = _login_url(state.server, state.username, state.secret)
    engine = create_db_engine(url.render_as_string(hide_password=False))
    try:
        try:
            conn = engine.connect()
        except (OperationalError, DBAPIError) as exc:
            if _refused(exc):
                raise _RefusedError from None
            raise SyncError(_unreachable(state.server, exc)) from None
        try:
            yield conn
        finally:
            conn.close()
    finally:
        engine.dispose()


class _RefusedError(Exception):
    """The server no longer accepts this laptop's login."""


def _unreachable(server: str, exc: Exception) -> str:
    reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else repr(exc)
    shown = make_url(server).render_as_string(hide_password=True)
    if "buddy-desk: " in reason:  # the server's own refusal, in words for the user
        return reason.split("buddy-desk: ", 1)[1]
    if "password authentication failed" in reason or "not permitted to log in" in reason:
        return f"De teamserver {shown} weigert deze laptop (ingetrokken of verkeerd geheim)."
    return f"De teamserver {shown} is niet bereikbaar ({reason}); werk offline verder."


def _state(uow: UnitOfWork) -> SyncState:
    state = uow.session.get(SyncState, 1)
    if state is None:
        raise SyncError(
            "Deze database is niet aangemeld bij een teamserver: gebruik eerst 'buddy-desk enrol'."
        )
    return state


def install_triggers(conn: Connection) -> None:
    for statement in (*outbox_triggers(), *rows_sql.laptop_triggers()):
        conn.exec_driver_sql(statement)


def enrol(uow: UnitOfWork, server: str, username: str, secret: str) -> SyncReport:
    if uow.engine.dialect.name != "sqlite":
        raise SyncError("Alleen een laptopdatabase (SQLite-bestand) kan worden aangemeld.")
    shown = make_url(server).set(password=None)
    with uow:
        if uow.session.get(SyncState, 1) is not None:
            raise SyncError("Deze laptopdatabase is al aangemeld bij een teamserver.")
        if uow.session.scalars(select(Dossier.id).limit(1)).first() is not None:
            raise SyncError(
                "Deze database bevat al dossiers; meld een nieuwe, lege laptopdatabase aan "
                "(de teamserver vult hem met het werkpakket)."
            )
        state = SyncState(
            id=1,
            laptop_id=str(uuid.uuid4()),
            username=username,
            server=shown.render_as_string(hide_password=False),
            secret=secret,
            watermark=None,
            applying=False,
        )
        with _server(_Login(state.server, username, secret)) as conn:
            who = conn.scalar(text("SELECT sync.whoami()"))
            conn.commit()
        state.organisation = who["organisation"]
        state.role = who["role"]
        uow.session.add(state)
        uow.session.flush()
        install_triggers(uow.session.connection())
        uow.commit()
    return sync(uow)


class RevokedError(SyncError):
    """The server refused this laptop for good; its local data has been wiped."""


def _refused(exc: Exception) -> bool:
    reason = str(getattr(exc, "orig", exc))
    return "not permitted to log in" in reason or "not enrolled or was revoked" in reason


def sync(uow: UnitOfWork) -> SyncReport:
    with one_sync_at_a_time(database_path(uow)):
        return _sync(uow)


def _sync(uow: UnitOfWork) -> SyncReport:
    with uow:
        state = _login(uow)
        install_triggers(uow.session.connection())
        uow.commit()
    try:
        with _server(state) as server:
            try:
                server.scalar(text("SELECT sync.whoami()"))
                server.commit()
            except DBAPIError as exc:
                if _refused(exc):
                    raise _RefusedError from None
                raise SyncError(_unreachable(state.server, exc)) from None
            _report_heads(uow, server)
            pushed = _push(uow, server)
            pulled, removed = _pull(uow, server)
            _report_heads(uow, server)
    except heads.HeadsRefused as refused:
        log.info("sync refused by the server: a choice-log head moved back")
        raise LaptopRefusedError(
            f"De teamserver weigert deze laptop: {refused}. Neem contact op met de "
            "privacyfunctionaris en meld een nieuwe laptopdatabase aan."
        ) from None
    except _RefusedError:
        wiped = wipe(uow)
        raise RevokedError(
            f"De teamserver heeft deze laptop ingetrokken; {wiped} dossier(s) zijn van deze "
            "laptop verwijderd."
        ) from None
    with uow:
        queued = _queued(uow)
        open_conflicts = len(uow.session.scalars(select(SyncConflict.uuid)).all())
    log.info("sync: pushed=%d pulled=%d removed=%d queued=%d", pushed, pulled, removed, queued)
    return SyncReport(pushed, pulled, removed, open_conflicts, queued)


def wipe(uow: UnitOfWork) -> int:
    """Remove every dossier and the enrolment from this laptop (a revoked laptop); see
    ``sync.wipe``: the access log closed with a sealed record, WAL and backups emptied."""
    return wipe_laptop(uow)


class LaptopRefusedError(SyncError):
    """The server refused this laptop's push: a choice-log head it reported moved back."""


def _laptop_report(uow: UnitOfWork) -> tuple[str, dict[str, Any]]:
    with uow:
        return _state(uow).laptop_id, heads.local_heads(uow.session.connection())


def _push_batch(uow: UnitOfWork, server: Connection, batch: list[dict[str, Any]]) -> Any:
    """One batch through ``sync.push_from``: the heads this laptop holds, then the changes."""
    laptop_id, report = _laptop_report(uow)
    results = heads.push_from(server, laptop_id, report, batch)
    server.commit()
    return results


def _report_heads(uow: UnitOfWork, server: Connection) -> None:
    """Report the heads without changes (before pushing, and after a pull was applied)."""
    try:
        _push_batch(uow, server, [])
    except (OperationalError, ProgrammingError, DBAPIError) as exc:
        server.rollback()
        raise SyncError(_unreachable(str(server.engine.url), exc)) from None


def _queued(uow: UnitOfWork) -> int:
    return len(uow.session.scalars(select(SyncOutbox.id).where(SyncOutbox.outcome.is_(None))).all())


def pushed_change(row: SyncOutbox) -> dict[str, Any]:
    """An outbox entry as ``sync.push_from`` receives it."""
    return {
        "uuid": row.uuid,
        "table": row.table_name,
        "row_key": row.row_key,
        "dossier_id": row.dossier_id,
        "payload": row.payload,
        "base_version": row.base_version,
        "base_change": row.base_change,
        "author": row.author,
    }


def _push(uow: UnitOfWork, server: Connection) -> int:
    pushed = 0
    synced_rows.fold_booking_events(uow)
    while True:
        with uow:
            rows = uow.session.scalars(
                select(SyncOutbox)
                .where(SyncOutbox.outcome.is_(None))
                .order_by(SyncOutbox.id)
                .limit(PUSH_BATCH)
            ).all()
            if not rows:
                return pushed
            # marked before sending: an answer may be lost, so a later edit of the same
            # note must build on this entry rather than be folded into it
            for row in rows:
                row.sent = True
            uow.commit()
            batch = [pushed_change(r) for r in rows]
        try:
            results = _push_batch(uow, server, batch)
        except (OperationalError, ProgrammingError, DBAPIError) as exc:
            server.rollback()
            raise SyncError(_unreachable(str(server.engine.url), exc)) from None
        with uow:
            s = uow.session
            for result in results:
                s.execute(
                    update(SyncOutbox)
                    .where(SyncOutbox.uuid == result["uuid"])
                    .values(outcome=result["outcome"])
                )
                row = next(r for r in rows if r.uuid == result["uuid"])
                if row.table_name == "conversation_note" and result["outcome"] != "conflict":
                    _set_version(uow, "conversation_note", row.row_key, result["new_version"])
                synced_rows.after_push(uow, row.table_name, row.row_key, result)
            uow.commit()
        pushed += len(results)


def _set_version(uow: UnitOfWork, table: str, key: str, version: int) -> None:
    s = uow.session
    row = s.get(SyncVersion, (table, key))
    if row is None:
        s.add(SyncVersion(table_name=table, row_key=key, version=version))
    else:
        row.version = version


def _pull(uow: UnitOfWork, server: Connection) -> tuple[int, int]:
    with uow:
        if _queued(uow):
            return 0, 0  # something of ours is unanswered: never overwrite it with older state
        state = _state(uow)
        held = list(uow.session.scalars(select(Dossier.id)))
        # a laptop enrolled before signals and bookings synced pulls its whole scope once
        watermark = state.watermark if synced_rows.rows_pulled(uow) else None
    try:
        batch = server.scalar(
            text("SELECT sync.pull(:after, CAST(:held AS integer[]))"),
            {"after": watermark, "held": held},
        )
        server.commit()
    except (OperationalError, ProgrammingError, DBAPIError) as exc:
        server.rollback()
        raise SyncError(_unreachable(str(server.engine.url), exc)) from None
    applied = _apply(uow, batch)
    synced_rows.after_pull(uow, batch)
    return applied


def _apply(uow: UnitOfWork, batch: dict[str, Any]) -> tuple[int, int]:
    """One local transaction: the pulled dossiers, removals, conflicts and the watermark."""
    with uow:
        s = uow.session
        if _queued(uow):
            return 0, 0  # an edit came in while we were pulling; the next sync pulls again
        conn = s.connection()
        scope = set(batch["scope"])
        held = set(s.scalars(select(Dossier.id)))
        conn.execute(update(SyncState).values(applying=True))
        with guards_lifted(conn):
            for dossier_id in sorted(held - scope):
                _remove_dossier(conn, dossier_id)
            _upsert(conn, _table("supervisor"), batch["supervisor"])
            synced_rows.apply_reference(conn, batch.get("reference"), _convert)
            for snapshot in batch["dossiers"]:
                _replace_dossier(conn, snapshot)
            if batch["dossiers"] or held - scope:
                _reseal_access_log(uow, {snap["id"] for snap in batch["dossiers"]})
        conn.execute(delete(SyncConflict))
        for conflict in batch["conflicts"]:
            conn.execute(
                SyncConflict.__table__.insert().values(  # type: ignore[attr-defined]
                    uuid=conflict["uuid"],
                    dossier_id=conflict["dossier_id"],
                    table_name=conflict["table_name"],
                    reason=conflict["reason"],
                    mine=conflict["mine"],
                    author=conflict["author"],
                    created_at=_to_datetime(conflict["created_at"]),
                    detail=conflict.get("detail"),
                )
            )
        conn.execute(delete(SyncOutbox))  # every entry was answered and is in this state
        conn.execute(
            update(SyncState).values(
                applying=False, watermark=batch["watermark"], last_sync_at=utcnow()
            )
        )
        uow.commit()
    return len(batch["dossiers"]), len(held - scope)


def _reseal_access_log(uow: UnitOfWork, replaced: set[int]) -> None:
    """Rebuild the laptop's access-log chain after a pull (inside ``_apply``'s transaction).

    The pulled dossiers' choice logs are now the server's (re-sealed there in acceptance
    order), so this laptop's own anchors of them name heads that are gone, and a dossier that
    left the scope took its rows along. Every local row is on the server already (a pull is
    only applied with an empty outbox) and the server's access log is the one of record, so
    the laptop re-seals its copy: the other rows in their order, then one anchor per pulled
    dossier for the server's head — ``verify-log`` passes on the laptop as on the server.
    """
    s = uow.session
    rows = [row_values(r) for r in s.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))]
    for obj in list(s.identity_map.values()):
        if isinstance(obj, AccessLogEntry | AccessLogHead):
            s.expunge(obj)
    conn = s.connection()
    conn.execute(delete(AccessLogEntry))
    conn.execute(delete(AccessLogHead))
    for values in rows:
        if values["anchor_seq"] is None or values["dossier_id"] not in replaced:
            append_access(uow, values)
    state = s.get(SyncState, 1)
    for dossier_id in sorted(replaced):
        head = conn.execute(
            select(ChoiceLogHead.last_seq, ChoiceLogHead.last_hash).where(
                ChoiceLogHead.dossier_id == dossier_id
            )
        ).first()
        if head is None:
            continue
        append_access(
            uow,
            anchor_values(
                dossier_id,
                head.last_seq,
                head.last_hash,
                at=utcnow(),
                user=state.username if state else "sync",
                organisation=state.organisation if state else None,
                system="Buddy Desk sync",
            ),
        )


_CHILDREN: tuple[type[Any], ...] = (
    ChoiceLogEntry,
    ChoiceLogHead,
    TimelineEvent,
    ConversationNote,
    DossierFlag,
    Case,  # case_status and damage_report go with it (ON DELETE CASCADE)
    DossierResident,
)


def _remove_dossier(conn: Connection, dossier_id: int) -> None:
    address = conn.scalar(select(Dossier.address_id).where(Dossier.id == dossier_id))
    models: tuple[type[Any], ...] = (*_CHILDREN, AccessLogEntry)
    for model in models:
        conn.execute(delete(model).where(model.dossier_id == dossier_id))
    synced_rows.remove_rows(conn, dossier_id)
    conn.execute(delete(Dossier).where(Dossier.id == dossier_id))
    conn.execute(delete(Address).where(Address.id == address))
    conn.execute(delete(Person).where(~Person.id.in_(select(DossierResident.person_id))))
    conn.execute(
        delete(SyncVersion).where(
            SyncVersion.table_name == "conversation_note", SyncVersion.row_key == str(dossier_id)
        )
    )


def _replace_dossier(conn: Connection, snap: dict[str, Any]) -> None:
    dossier_id = snap["id"]
    for model in _CHILDREN:
        conn.execute(delete(model).where(model.dossier_id == dossier_id))
    _upsert(conn, _table("address"), [snap["address"]])
    _upsert(conn, _table("person"), snap["person"])
    _upsert(conn, _table("dossier"), [snap["dossier"]])
    # only a case's id is referred to (by its statuses and reports); the other rows get local
    # ids, so they never collide with rows this laptop made itself
    _insert(conn, _table("org_case"), snap["org_case"])
    for name in ("dossier_resident", "dossier_flag", "case_status", "damage_report"):
        _insert(conn, _table(name), snap[name], keep_id=False)
    _insert(conn, _table("timeline_event"), snap["timeline_event"], keep_id=False)
    if snap["conversation_note"]:
        _insert(conn, _table("conversation_note"), [snap["conversation_note"]], keep_id=False)
        key = str(dossier_id)
        version = snap["note_version"] or 0
        conn.execute(
            sqlite_insert(SyncVersion.__table__)  # type: ignore[arg-type]
            .values(table_name="conversation_note", row_key=key, version=version)
            .on_conflict_do_update(
                index_elements=["table_name", "row_key"], set_={"version": version}
            )
        )
    _insert(conn, _table("choice_log_entry"), snap["choice_log_entry"], keep_id=False)
    if snap["choice_log_head"]:
        _insert(conn, _table("choice_log_head"), [snap["choice_log_head"]])
    synced_rows.replace_rows(conn, snap, _convert)


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _insert(
    conn: Connection, table: Table, rows: list[dict[str, Any]], *, keep_id: bool = True
) -> None:
    values = [_convert(table, row, keep_id=keep_id) for row in rows]
    if values:
        conn.execute(table.insert(), values)


def _upsert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        values = _convert(table, row, keep_id=True)
        conn.execute(_upsert_statement(table.name, tuple(values)), values)


@functools.cache
def _upsert_statement(table_name: str, columns: tuple[str, ...]) -> Any:
    """One statement per table and column set: built and compiled once, not per row (an
    enrolment upserts some 900 rows; building ``excluded`` each time cost a third of it)."""
    statement = sqlite_insert(_table(table_name))
    return statement.on_conflict_do_update(
        index_elements=["id"], set_={k: statement.excluded[k] for k in columns if k != "id"}
    )


def _convert(table: Table, row: dict[str, Any], *, keep_id: bool) -> dict[str, Any]:
    """A row from the server's JSON, in the laptop's column types."""
    out: dict[str, Any] = {}
    for column in table.columns:
        if column.name not in row or (column.name == "id" and not keep_id):
            continue
        value = row[column.name]
        if value is not None:
            value = _typed(column.type, value)
        out[column.name] = value
    return out


def _typed(kind: Any, value: Any) -> Any:
    if isinstance(kind, SAEnum) and kind.enum_class is not None:
        enum_class: type[Enum] = kind.enum_class
        return enum_class(value)
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        python = kind.python_type
    except NotImplementedError:
        return value
    if python is datetime:
        return _to_datetime(value)
    if python is date:
        return date.fromisoformat(value)
    if python is time:  # an expert's working hours
        return time.fromisoformat(value)
    if python is Decimal:
        return Decimal(str(value))
    if python is bool:
        return bool(value)
    return value


def _to_datetime(value: str) -> datetime:
    return datetime.fromisoformat(value)


def conflicts(uow: UnitOfWork) -> list[ConflictInfo]:
    with uow:
        _state(uow)
        s = uow.session
        rows = s.scalars(select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.uuid))
        names: dict[int, str] = dict(s.execute(select(Supervisor.id, Supervisor.naam)).all())
        addresses = {
            dossier_id: f"{straat} {nr}{letter or ''}"
            for dossier_id, straat, nr, letter in s.execute(
                select(Dossier.id, Address.straat, Address.huisnummer, Address.huisletter).join(
                    Address, Address.id == Dossier.address_id
                )
            )
        }
        return [
            ConflictInfo(
                uuid=r.uuid,
                dossier_id=r.dossier_id,
                table_name=r.table_name,
                reason=r.reason,
                author=r.author,
                created_at=r.created_at,
                address=addresses.get(r.dossier_id, ""),
                **synced_rows.conflict_details(r.table_name, r.mine, r.detail, names),
            )
            for r in rows
        ]


@dataclass(frozen=True, slots=True)
class NoteVersion:
    body: str
    updated_at: datetime
    updated_by: str | None


def current_note(uow: UnitOfWork, dossier_id: int) -> NoteVersion | None:
    """The note as this laptop holds it (the version in force on the server, once pulled)."""
    with uow:
        note = uow.session.scalars(
            select(ConversationNote).where(ConversationNote.dossier_id == dossier_id)
        ).one_or_none()
        return NoteVersion(note.body, note.updated_at, note.updated_by) if note else None


def resolve_conflict(
    uow: UnitOfWork, conflict_uuid: str, *, note_body: str | None, user: str | None
) -> None:
    """Close a conflict: optionally store the note as the buddy chose to keep it, and queue
    the resolution so the server closes it too — one transaction, works offline."""
    with uow:
        s = uow.session
        _state(uow)
        conflict = s.get(SyncConflict, conflict_uuid)
        if conflict is None:
            raise SyncError("Dit conflict is al opgelost.")
        if note_body is not None:
            note = s.scalars(
                select(ConversationNote).where(ConversationNote.dossier_id == conflict.dossier_id)
            ).one_or_none()
            if note is None:
                s.add(
                    ConversationNote(
                        dossier_id=conflict.dossier_id,
                        body=note_body,
                        updated_by=user,
                        updated_at=utcnow(),
                    )
                )
            else:
                note.body = note_body
                note.updated_by = user
                note.updated_at = utcnow()
        s.add(
            SyncOutbox(
                uuid=new_uuid(),
                table_name="sync_conflict",
                row_key=conflict.uuid,
                dossier_id=conflict.dossier_id,
                payload="{}",
                author=user,
                created_at=utcnow().isoformat(),
                sent=False,
            )
        )
        s.delete(conflict)
        uow.commit()


def status(uow: UnitOfWork) -> SyncStatus:
    """The laptop's sync state; also re-checks the outbox triggers (a migration that rebuilt
    a synced table dropped them), which is why the app asks for it when it starts."""
    with uow:
        state = uow.session.get(SyncState, 1)
        if state is not None and uow.engine.dialect.name == "sqlite":
            install_triggers(uow.session.connection())
            uow.commit()
            state = uow.session.get(SyncState, 1)
        queued = _queued(uow) if state else 0
        open_conflicts = len(uow.session.scalars(select(SyncConflict.uuid)).all())
        return SyncStatus(
            enrolled=state is not None,
            username=state.username if state else None,
            server=state.server if state else None,
            last_sync_at=state.last_sync_at if state else None,
            queued=queued,
            conflicts=open_conflicts,
        )


def take(uow: UnitOfWork, dossier_ids: Sequence[int]) -> SyncReport:
    """Take dossiers along for a field day: the server adds them to this user's scope (it
    refuses dossiers without a case of the user's organisation), then a sync pulls them."""
    with uow:
        state = _login(uow)
    with _server(state) as server:
        try:
            server.execute(
                text("SELECT sync.take(CAST(:ids AS integer[]))"), {"ids": list(dossier_ids)}
            )
            server.commit()
        except (ProgrammingError, DBAPIError) as exc:
            server.rollback()
            raise SyncError(_unreachable(state.server, exc)) from None
    return sync(uow)
