"""Notes saved by the other buddy while I typed: the dialog, and what each choice keeps."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import Organisation
from buddy_desk.dossiers.service import get_dossier, save_note
from buddy_desk.errors import NoteConflictError
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.dossier_view import DossierView
from buddy_desk.ui.dossiers.note_conflict_dialog import (
    NoteChoice,
    NoteConflictDialog,
    NoteResolution,
)
from tests.factories import make_dossier, make_supervisor

SHARED = "Gesprek op 3 maart."
THEIRS = "Gesprek op 3 maart.\nIMG komt mee."
MINE = "Gesprek op 3 maart.\nBewoner wil eerst bellen."


def _conflicting_view(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> tuple[DossierView, int]:
    """A dossier view with my typing on top of a version Anna has since replaced."""
    make_supervisor(uow, Organisation.IMG, "Anna de Boer", "adeboer")
    d = make_dossier(uow)
    shared = save_note(uow, d, SHARED, "tester", base_updated_at=None)
    view = DossierView(ctx, d)
    qtbot.addWidget(view)
    save_note(uow, d, THEIRS, "adeboer", base_updated_at=shared.updated_at)  # not refreshed
    view.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClick(view.notes.editor, Qt.Key.Key_Return)
    QTest.keyClicks(view.notes.editor, "Bewoner wil eerst bellen.")
    assert view.notes.editor.toPlainText() == MINE
    return view, d


def _answer_dialog(button: str | None) -> list[NoteConflictDialog]:
    """Press ``button`` of the conflict dialog once it is open (None: press Escape)."""
    seen: list[NoteConflictDialog] = []

    def press() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:  # the save answers from the thread pool first
            QTimer.singleShot(20, press)
            return
        if not isinstance(dialog, NoteConflictDialog):
            dialog.close()  # never leave a test hanging on an unexpected window
            return
        seen.append(dialog)
        if button is None:
            QTest.keyClick(dialog, Qt.Key.Key_Escape)
        else:
            getattr(dialog, button).click()

    QTimer.singleShot(0, press)
    return seen


@pytest.mark.parametrize(
    ("button", "expected", "author"),
    [
        ("keep_both", None, "tester"),
        ("keep_mine", MINE, "tester"),
        ("take_theirs", THEIRS, "adeboer"),
    ],
)
def test_each_choice_leaves_the_right_text_in_database_and_editor(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    button: str,
    expected: str | None,
    author: str,
) -> None:
    view, d = _conflicting_view(qtbot, ctx, uow)
    seen = _answer_dialog(button)
    assert view.notes.flush()
    assert len(seen) == 1
    dialog = seen[0]
    labels = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "Anna de Boer heeft de notities gewijzigd" in labels
    assert dialog.theirs.isReadOnly() and dialog.theirs.toPlainText() == THEIRS
    assert dialog.mine.toPlainText() == MINE
    assert dialog.keep_both.isDefault() and dialog.keep_both.text() == "Beide bewaren"

    note = get_dossier(uow, d).note
    if expected is None:  # their text, the separator, then only what I added
        lines = note.body.split("\n")
        assert lines[:3] == ["Gesprek op 3 maart.", "IMG komt mee.", ""]
        assert lines[3].startswith("— Mijn aanvulling (Test Gebruiker, ")
        assert lines[3].endswith(") —")
        assert lines[4:] == ["Bewoner wil eerst bellen."]
    else:
        assert note.body == expected
    assert note.updated_by == author
    assert view.notes.editor.toPlainText() == note.body
    assert not view.notes.dirty

    # the editor now works on top of the stored version: the next save just works
    view.notes.resolve_conflict = _no_conflict_expected
    view.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(view.notes.editor, " Later.")
    assert view.notes.flush()
    assert get_dossier(uow, d).note.body == note.body + " Later."


def _no_conflict_expected(conflict: NoteConflictError, mine: str) -> NoteResolution | None:
    raise AssertionError(f"unexpected conflict: {conflict}")


def test_closing_the_dialog_saves_nothing_and_keeps_my_text(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    view, d = _conflicting_view(qtbot, ctx, uow)
    seen = _answer_dialog(None)
    assert not view.notes.flush()
    assert len(seen) == 1
    assert get_dossier(uow, d).note.body == THEIRS
    assert view.notes.editor.toPlainText() == MINE and view.notes.dirty
    assert view.notes.status.text().startswith("Niet opgeslagen: Anna de Boer heeft")
    # deciding later: the next save asks again
    seen = _answer_dialog("keep_mine")
    assert view.notes.flush()
    assert len(seen) == 1 and get_dossier(uow, d).note.body == MINE


def test_a_third_save_during_the_choice_asks_again(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    view, d = _conflicting_view(qtbot, ctx, uow)
    asked: list[str] = []

    def resolver(conflict: NoteConflictError, mine: str) -> NoteResolution | None:
        asked.append(conflict.body)
        if len(asked) == 1:  # someone saves again while I read the dialog
            save_note(uow, d, "derde versie", "adeboer", base_updated_at=conflict.updated_at)
        return NoteResolution(NoteChoice.MINE, mine)

    view.notes.resolve_conflict = resolver
    assert view.notes.flush()
    assert asked == [THEIRS, "derde versie"]
    assert get_dossier(uow, d).note.body == MINE
