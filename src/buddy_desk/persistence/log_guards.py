"""The append-only guards of the choice and access logs: database triggers that refuse
UPDATE and DELETE on the entries (and DELETE on the heads; a head may only move forward by
one), on SQLite and PostgreSQL.

The triggers are attached with a listener on *every* ``Table``'s ``after_create`` that picks
out our tables by name. That way both ``metadata.create_all`` and the Alembic migration
(``op.create_table`` builds its own ``Table`` object with the same name and fires the same
event) create them; ``tests/integration/test_choices_log_guard.py`` proves it on both
databases. Core only (no ORM, no models): ``schema.open_database`` checks the guards on every
start, before the window shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Table, event, inspect, text

APPEND_ONLY = ("choice_log_entry", "access_log_entry")
FORWARD_ONLY = ("choice_log_head", "access_log_head")
_HEAD_KEY = {"choice_log_head": "dossier_id", "access_log_head": "id"}
_MESSAGE = "append-only log: {table} rows cannot be changed or removed"


def _sqlite_ddl(table: str) -> list[str]:
    msg = _MESSAGE.format(table=table)
    if table in FORWARD_ONLY:
        key = _HEAD_KEY[table]
        return [
            f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END",
            f"CREATE TRIGGER trg_{table}_forward BEFORE UPDATE ON {table} "
            f"WHEN NEW.last_seq <> OLD.last_seq + 1 OR NEW.{key} <> OLD.{key} "
            f"BEGIN SELECT RAISE(ABORT, '{msg}'); END",
        ]
    return [
        f"CREATE TRIGGER trg_{table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{msg}'); END",
        f"CREATE TRIGGER trg_{table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{msg}'); END",
    ]


def _postgresql_ddl(table: str) -> list[str]:
    msg = _MESSAGE.format(table=table)
    if table in FORWARD_ONLY:
        refuse = f"RAISE EXCEPTION '{msg}' USING ERRCODE = 'insufficient_privilege';"
        body = (
            f"IF TG_OP <> 'UPDATE' THEN {refuse} END IF; "
            f"IF NEW.last_seq <> OLD.last_seq + 1 OR NEW.{_HEAD_KEY[table]} <> "
            f"OLD.{_HEAD_KEY[table]} THEN "
            f"{refuse} END IF; RETURN NEW;"
        )
    else:
        body = f"RAISE EXCEPTION '{msg}' USING ERRCODE = 'insufficient_privilege';"
    return [
        f"CREATE OR REPLACE FUNCTION {table}_guard() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN {body} END $$",
        f"CREATE TRIGGER trg_{table}_guard BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_guard()",
        # TRUNCATE bypasses row triggers on PostgreSQL; refuse it as a statement
        f"CREATE TRIGGER trg_{table}_no_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_guard()",
    ]


def guard_statements(table: str, dialect: str) -> list[str]:
    if dialect == "sqlite":
        return _sqlite_ddl(table)
    if dialect == "postgresql":
        return _postgresql_ddl(table)
    return []


def _drop_statements(table: str, dialect: str) -> list[str]:
    if dialect == "sqlite":
        names = ("no_delete", "forward") if table in FORWARD_ONLY else ("no_update", "no_delete")
        return [f"DROP TRIGGER IF EXISTS trg_{table}_{n}" for n in names]
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS trg_{table}_guard ON {table}",
            f"DROP TRIGGER IF EXISTS trg_{table}_no_truncate ON {table}",
        ]
    return []


def _after_create(target: Table, connection: Connection, **_kw: Any) -> None:
    if target.name in APPEND_ONLY or target.name in FORWARD_ONLY:
        for statement in guard_statements(target.name, connection.dialect.name):
            connection.execute(text(statement))


event.listen(Table, "after_create", _after_create)


def ddl_in_transaction(conn: Connection) -> None:
    """SQLite: start the transaction now, so the DDL that follows is part of it.

    The driver begins a transaction only before INSERT/UPDATE/DELETE; a CREATE or DROP on
    its own would be committed at once, and a crash halfway would leave half a schema (or a
    log without its guards). PostgreSQL's DDL is transactional anyway.
    """
    if conn.dialect.name != "sqlite":
        return
    raw = conn.connection.driver_connection
    if raw is not None and not raw.in_transaction:
        raw.execute("BEGIN")


@contextmanager
def guards_lifted(conn: Connection) -> Iterator[None]:
    """Drop the log guards for the length of ``conn``'s transaction, then restore them.

    Only for wiping a whole database (demo data with ``replace=True``) and for tests that
    play the attacker with file access; the app itself never changes or removes a log row.
    """
    dialect = conn.dialect.name
    tables = (*APPEND_ONLY, *FORWARD_ONLY)
    ddl_in_transaction(conn)  # dropped and restored in one transaction, or not at all
    for table in tables:
        for statement in _drop_statements(table, dialect):
            conn.execute(text(statement))
    try:
        yield
    finally:
        for table in tables:
            for statement in guard_statements(table, dialect):
                conn.execute(text(statement))


def _trigger_name(statement: str) -> str:
    return statement.split()[2]


def _guard_tables(conn: Connection) -> tuple[str, ...]:
    present = set(inspect(conn).get_table_names())
    return tuple(t for t in (*APPEND_ONLY, *FORWARD_ONLY) if t in present)


def missing_guards(conn: Connection) -> list[str]:
    """The guard triggers that are absent, disabled or not ours (empty when all is well)."""
    dialect = conn.dialect.name
    expected = {
        _trigger_name(s): " ".join(s.split())
        for table in _guard_tables(conn)
        for s in guard_statements(table, dialect)
        if s.startswith("CREATE TRIGGER")
    }
    if dialect == "sqlite":
        found = {
            name: " ".join((sql or "").split())
            for name, sql in conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            )
        }
        return sorted(n for n, sql in expected.items() if found.get(n) != sql)
    if dialect == "postgresql":
        enabled = {
            name
            for (name,) in conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' "
                    "AND tgrelid::regclass::text = ANY(:tables)"
                ),
                {"tables": list(_guard_tables(conn))},
            )
        }
        rows = conn.execute(
            text("SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(:names)"),
            {"names": [f"{t}_guard" for t in _guard_tables(conn)]},
        )
        bodies = {str(name): str(src) for name, src in rows}
        missing = [n for n in expected if n not in enabled]
        missing += [
            f"{t}_guard()"
            for t in _guard_tables(conn)
            if "RAISE EXCEPTION" not in str(bodies.get(f"{t}_guard", ""))
        ]
        return sorted(missing)
    return []


def restore_guards(conn: Connection) -> None:
    """Drop whatever stands in the guards' place and create them as this version defines."""
    dialect = conn.dialect.name
    ddl_in_transaction(conn)
    for table in _guard_tables(conn):
        for statement in _drop_statements(table, dialect):
            conn.execute(text(statement))
        for statement in guard_statements(table, dialect):
            conn.execute(text(statement))
