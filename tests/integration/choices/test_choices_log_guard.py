"""The choice log cannot be changed in place, and tampering outside the app is detected.

The database comes from the migration path (``open_database`` runs Alembic), so these tests
also prove the migration creates the triggers — on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import NewChoice, record_choice, verify_log, withdraw_choice
from buddy_desk.cli import main as cli_main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.log_guards import guards_lifted
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

ACTOR = Actor("s.bakker", "S. Bakker", Organisation.IMG, "supervisor")
T0 = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)


def _fill(uow: UnitOfWork) -> tuple[int, int]:
    """Two dossiers; the first with three entries, the second with two."""
    first = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    second = make_dossier(uow, img_phase=ImgPhase.VOORBEREIDING, ncg_status=NcgStatus.S4_1)
    for dossier in (first, second):
        record_choice(
            uow,
            dossier,
            NewChoice(ChoiceType.JOINT_INSPECTION, "gelijktijdig", Channel.KITCHEN_TABLE, T0),
            ACTOR,
        )
        record_choice(
            uow,
            dossier,
            NewChoice(
                ChoiceType.DATA_SHARING,
                "gegeven",
                Channel.KITCHEN_TABLE,
                T0,
                direction=Direction.IMG_TO_NCG,
                purpose="samen afhandelen",
                categories=(DocumentCategory.CASE_DETAILS,),
                method=ConsentMethod.VERBAL,
            ),
            ACTOR,
        )
    withdraw_choice(uow, first, 2, ACTOR, channel=Channel.PHONE)
    return first, second


def _row_id(conn: Connection, dossier: int, seq: int) -> int:
    return int(
        conn.execute(
            text("SELECT id FROM choice_log_entry WHERE dossier_id = :d AND seq = :s"),
            {"d": dossier, "s": seq},
        ).scalar_one()
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE choice_log_entry SET value = 'nee'",
        "DELETE FROM choice_log_entry",
        "UPDATE choice_log_head SET last_seq = 1",
        "DELETE FROM choice_log_head",
    ],
)
def test_database_refuses_changing_the_log(engine: Engine, statement: str) -> None:
    uow = UnitOfWork(engine)
    _fill(uow)
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(statement))
    assert verify_log(uow).ok


def test_postgres_refuses_truncate_too(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    _fill(UnitOfWork(engine))
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("TRUNCATE choice_log_entry CASCADE"))


def _edit(conn: Connection, first: int) -> None:
    conn.execute(
        text("UPDATE choice_log_entry SET value = 'na_elkaar' WHERE id = :i"),
        {"i": _row_id(conn, first, 1)},
    )


def _edit_time(conn: Connection, first: int) -> None:
    conn.execute(
        text("UPDATE choice_log_entry SET made_at = :t WHERE id = :i"),
        {"t": datetime(2026, 9, 1, tzinfo=UTC), "i": _row_id(conn, first, 2)},
    )


def _delete_middle(conn: Connection, first: int) -> None:
    conn.execute(text("DELETE FROM choice_log_entry WHERE id = :i"), {"i": _row_id(conn, first, 2)})


def _delete_last(conn: Connection, first: int) -> None:
    conn.execute(text("DELETE FROM choice_log_entry WHERE id = :i"), {"i": _row_id(conn, first, 3)})


def _reorder(conn: Connection, first: int) -> None:
    # swap the stored order of entries 1 and 2 (contents move, ids stay): what a
    # re-insert in another order or a swap of rows would look like
    one, two = _row_id(conn, first, 1), _row_id(conn, first, 2)
    conn.execute(text("UPDATE choice_log_entry SET seq = -1 WHERE id = :i"), {"i": one})
    conn.execute(text("UPDATE choice_log_entry SET id = -1 WHERE id = :i"), {"i": one})
    conn.execute(text("UPDATE choice_log_entry SET id = :a WHERE id = :b"), {"a": one, "b": two})
    conn.execute(text("UPDATE choice_log_entry SET id = :a, seq = 1 WHERE id = -1"), {"a": two})


@pytest.mark.parametrize(
    ("tamper", "bad_seq"),
    [(_edit, 1), (_edit_time, 2), (_delete_middle, 3), (_delete_last, 3), (_reorder, 2)],
    ids=["edit", "edit-time", "delete-middle", "delete-last", "reorder"],
)
def test_tampering_is_detected_and_named(
    engine: Engine,
    db_url: str,
    tamper: Callable[[Connection, int], None],
    bad_seq: int,
    capsys: pytest.CaptureFixture[str],
) -> None:
    uow = UnitOfWork(engine)
    first, second = _fill(uow)
    assert cli_main(["verify-log", "--db", db_url]) == 0
    with engine.begin() as conn, guards_lifted(conn):  # an attacker with file access
        tamper(conn, first)
    report = verify_log(uow)
    assert [(p.dossier_id, p.seq) for p in report.problems] == [(first, bad_seq)]
    capsys.readouterr()
    assert cli_main(["verify-log", "--db", db_url]) == 1
    out = capsys.readouterr().out
    assert f"dossier {first}, regel {bad_seq}" in out
    assert f"dossier {second}," not in out
    # the guards are back after the attacker's transaction
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM choice_log_entry"))
