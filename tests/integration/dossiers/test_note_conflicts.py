"""Two buddies editing the same conversation notes: no save silently overwrites another."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text

from buddy_desk.core.phases import Organisation
from buddy_desk.dossiers.service import get_dossier, save_note
from buddy_desk.errors import NoteConflictError
from buddy_desk.models.base import utcnow
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier, make_supervisor


def test_second_save_from_the_same_version_conflicts_and_writes_nothing(
    uow: UnitOfWork,
) -> None:
    make_supervisor(uow, Organisation.IMG, "Anna de Boer", "adeboer")
    d = make_dossier(uow)
    start = save_note(uow, d, "Gesprek op 3 maart.", "bbewoner", base_updated_at=None)
    anna = get_dossier(uow, d).note
    bert = get_dossier(uow, d).note
    assert anna.updated_at == bert.updated_at == start.updated_at  # round-trips exactly

    first = save_note(
        uow, d, "Gesprek op 3 maart.\nIMG komt mee.", "adeboer", base_updated_at=anna.updated_at
    )
    with pytest.raises(NoteConflictError) as caught:
        save_note(
            uow, d, "Gesprek op 3 maart.\nBel eerst.", "bbewoner", base_updated_at=bert.updated_at
        )
    conflict = caught.value
    assert conflict.body == "Gesprek op 3 maart.\nIMG komt mee."
    assert conflict.updated_by == "adeboer"
    assert conflict.updated_by_name == "Anna de Boer"
    assert conflict.updated_at == first.updated_at
    assert get_dossier(uow, d).note == first

    again = save_note(uow, d, "samengevoegd", "bbewoner", base_updated_at=conflict.updated_at)
    stored = get_dossier(uow, d).note
    assert stored == again
    assert (stored.body, stored.updated_by) == ("samengevoegd", "bbewoner")


def test_saving_after_my_own_save_never_conflicts(uow: UnitOfWork) -> None:
    d = make_dossier(uow)
    info = save_note(uow, d, "een", "anna", base_updated_at=None)
    for body in ("een twee", "een twee drie"):
        info = save_note(uow, d, body, "anna", base_updated_at=info.updated_at)
        reloaded = get_dossier(uow, d).note
        assert reloaded.updated_at == info.updated_at
        info = reloaded  # the editor's base after a refresh: must still match
    assert get_dossier(uow, d).note.body == "een twee drie"


def test_an_unchanged_text_is_not_rewritten(uow: UnitOfWork) -> None:
    d = make_dossier(uow)
    info = save_note(uow, d, "zelfde", "anna", base_updated_at=None)
    same = save_note(uow, d, "zelfde", "bert", base_updated_at=info.updated_at)
    assert same == info
    assert get_dossier(uow, d).note == info


def test_a_note_created_while_i_typed_into_an_empty_one_is_a_conflict(uow: UnitOfWork) -> None:
    d = make_dossier(uow)
    assert get_dossier(uow, d).note.updated_at is None  # both editors start from no note
    save_note(uow, d, "van Anna", "anna", base_updated_at=None)
    with pytest.raises(NoteConflictError) as caught:
        save_note(uow, d, "van Bert", "bert", base_updated_at=None)
    assert (caught.value.body, caught.value.updated_by) == ("van Anna", "anna")
    assert caught.value.updated_by_name is None  # no supervisor with that username
    assert get_dossier(uow, d).note.body == "van Anna"


def test_a_note_created_between_check_and_insert_is_a_conflict(uow: UnitOfWork) -> None:
    d = make_dossier(uow)
    insert = (
        "INSERT INTO conversation_note (dossier_id, body, updated_at, updated_by) "
        "VALUES (:dossier_id, 'gelijktijdig', :at, 'anna')"
    )
    with (
        another_save_just_before(uow, "INSERT INTO conversation_note", insert, d),
        pytest.raises(NoteConflictError) as caught,
    ):
        save_note(uow, d, "van Bert", "bert", base_updated_at=None)
    assert caught.value.body == "gelijktijdig"
    assert get_dossier(uow, d).note.body == "gelijktijdig"


_OTHER_SAVE = (
    "UPDATE conversation_note SET body = 'van Anna', updated_by = 'anna', updated_at = :at "
    "WHERE dossier_id = :dossier_id"
)


def test_a_save_between_check_and_update_is_a_conflict_on_sqlite(uow: UnitOfWork) -> None:
    if uow.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL locks the row instead (see the next test)")
    d = make_dossier(uow)
    base = save_note(uow, d, "start", "bert", base_updated_at=None)
    with (
        another_save_just_before(uow, "UPDATE conversation_note", _OTHER_SAVE, d),
        pytest.raises(NoteConflictError) as caught,
    ):
        save_note(uow, d, "van Bert", "bert", base_updated_at=base.updated_at)
    assert caught.value.body == "van Anna"
    assert get_dossier(uow, d).note.body == "van Anna"


def test_a_save_waiting_for_another_save_is_a_conflict_on_postgresql(uow: UnitOfWork) -> None:
    if uow.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no row locks (see the previous test)")
    d = make_dossier(uow)
    base = save_note(uow, d, "start", "bert", base_updated_at=None)
    outcome: list[BaseException | None] = []

    def bert_saves() -> None:
        try:
            save_note(uow.fresh(), d, "van Bert", "bert", base_updated_at=base.updated_at)
            outcome.append(None)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    with uow.engine.connect() as anna:
        anna.execute(text(_OTHER_SAVE), {"dossier_id": d, "at": utcnow()})  # row locked
        worker = threading.Thread(target=bert_saves)
        worker.start()
        worker.join(0.5)
        assert worker.is_alive()  # waiting for Anna's transaction
        anna.commit()
    worker.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], NoteConflictError)
    assert outcome[0].body == "van Anna"
    assert get_dossier(uow, d).note.body == "van Anna"


@contextmanager
def another_save_just_before(
    uow: UnitOfWork, statement_start: str, other_sql: str, dossier_id: int
) -> Iterator[None]:
    """Another buddy's save (``other_sql``, on its own connection) lands just before this
    session's statement that starts with ``statement_start``."""
    fired: list[bool] = []

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith(statement_start) and not fired:
            fired.append(True)
            with uow.engine.begin() as second:
                second.execute(text(other_sql), {"dossier_id": dossier_id, "at": utcnow()})

    event.listen(uow.engine, "before_cursor_execute", before)
    try:
        yield
    finally:
        event.remove(uow.engine, "before_cursor_execute", before)
    assert fired, f"no statement started with {statement_start!r}"
