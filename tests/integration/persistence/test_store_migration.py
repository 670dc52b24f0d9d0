"""Migrations are all or nothing, and revision 0005 chains an existing access log.

A database saved at revision 0004 (with choice logs and access-log rows) upgrades to one
that verifies like a new one; a migration that fails halfway leaves the old schema whole.
On SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, column, inspect, table, text

from buddy_desk.choices.rules import GENESIS_HASH, Channel, ChoiceEntry, ChoiceType, EntryKind, seal
from buddy_desk.choices.service.log import verify_log
from buddy_desk.core.phases import ImgPhase
from buddy_desk.errors import DatabaseError
from buddy_desk.models.choices import to_row_values
from buddy_desk.persistence import listing, schema
from buddy_desk.persistence.engine import create_db_engine, sqlite_path
from buddy_desk.persistence.log_guards import missing_guards
from buddy_desk.persistence.schema import current_revision, head_revision, open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

T0 = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
OLD = "0004"  # the revision before the access log became a chain (0005)
OLD_ACCESS_COLUMNS = (
    "actie_id",
    "actie_naam",
    "handeling_naam",
    "verwerking_naam",
    "verwerking_id",
    "verwerkingsactiviteit_id",
    "vertrouwelijkheid",
    "bewaartermijn",
    "uitvoerder",
    "systeem",
    "gebruiker",
    "gebruiker_rol",
    "gegevensbron",
    "doel",
    "tijdstip",
    "tijdstip_registratie",
    "dossier_id",
    "objecttype",
    "soorten_gegevens",
    "consent_seq",
)


def _at_old(db_url: str) -> Engine:
    path = sqlite_path(db_url)
    if path is not None:
        path.touch()
    engine = create_db_engine(db_url)
    with engine.begin() as conn:
        cfg = schema._alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, OLD)
    return engine


def _fill_old(engine: Engine) -> int:
    """A dossier with a two-entry choice log and one access-log row, as 0004 stored them."""
    with pytest.MonkeyPatch.context() as m:
        # no list rows yet at 0004 (0007 adds them and fills them from the dossiers)
        m.setattr(listing, "track_listing_changes", lambda _factory: None)
        dossier = make_dossier(UnitOfWork(engine), img_phase=ImgPhase.OPNAME)
    prev, rows = GENESIS_HASH, []
    for seq, value in ((1, "gelijktijdig"), (2, "na_elkaar")):
        entry = seal(
            ChoiceEntry(
                dossier_id=dossier,
                seq=seq,
                kind=EntryKind.RECORD,
                choice_type=ChoiceType.JOINT_INSPECTION,
                value=value,
                made_at=T0,
                recorded_at=T0,
                recorded_by="oud",
                recorded_by_org="IMG",
                channel=Channel.PHONE,
            ),
            prev,
        )
        rows.append(to_row_values(entry))
        prev = entry.entry_hash
    access = table("access_log_entry", *(column(c) for c in OLD_ACCESS_COLUMNS))
    entries = table("choice_log_entry", *(column(c) for c in rows[0]))
    with engine.begin() as conn:
        conn.execute(entries.insert(), rows)
        conn.execute(
            text(
                "INSERT INTO choice_log_head (dossier_id, last_seq, last_hash) VALUES (:d, 2, :h)"
            ),
            {"d": dossier, "h": prev},
        )
        conn.execute(
            access.insert().values(
                dict.fromkeys(OLD_ACCESS_COLUMNS, "x")
                | {
                    "actie_id": str(uuid.uuid4()),
                    "tijdstip": T0,
                    "tijdstip_registratie": T0,
                    "dossier_id": dossier,
                    "consent_seq": 1,
                    "gebruiker_rol": None,
                }
            )
        )
    return dossier


def test_an_old_database_upgrades_to_one_that_verifies(db_url: str) -> None:
    old = _at_old(db_url)
    _fill_old(old)
    old.dispose()
    engine = open_database(db_url)
    try:
        assert current_revision(engine) == head_revision()
        report = verify_log(UnitOfWork(engine))
        assert report.ok, (report.problems, report.access_problems)
        assert report.access_rows == 2  # the old view, then the anchor of the old head
        with engine.connect() as conn:
            assert missing_guards(conn) == []
    finally:
        engine.dispose()


def test_a_migration_that_fails_halfway_leaves_the_old_schema_whole(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = _at_old(db_url)
    _fill_old(old)
    old.dispose()
    from buddy_desk.choices import anchors

    def broken(*_a: object, **_k: object) -> object:
        raise RuntimeError("power cut")  # after the new table and columns were made

    with monkeypatch.context() as patch:  # (undo() would drop the fixtures' key as well)
        patch.setattr(anchors, "seal_access", broken)
        with pytest.raises(RuntimeError, match="power cut"):
            open_database(db_url)
    check = create_db_engine(db_url)
    try:
        assert current_revision(check) == OLD
        names = inspect(check).get_table_names()
        assert "access_log_head" not in names
        columns = {c["name"] for c in inspect(check).get_columns("access_log_entry")}
        assert "chain_seq" not in columns
    finally:
        check.dispose()
    engine = open_database(db_url)  # and the next start upgrades it
    assert verify_log(UnitOfWork(engine)).ok
    engine.dispose()


def test_a_newer_or_foreign_schema_is_still_refused_after_the_checks(db_url: str) -> None:
    engine = open_database(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(DatabaseError, match="nieuwere versie"):
        open_database(db_url)
