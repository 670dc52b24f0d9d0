"""The notes autosave writes through ctx.ops.write: off the GUI thread, dossier_changed once
(from operations, not from the view), and the tab says it was saved; a close waits for it."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from buddy_desk.core.summaries import NoteInfo
from buddy_desk.dossiers import service as dossier_service
from buddy_desk.dossiers.service import get_dossier
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.dossier_view import DossierView
from tests.factories import make_dossier


def test_the_autosave_lands_off_the_gui_thread_and_says_so(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[int] = []

    def save_noting_thread(*args: Any, **kwargs: Any) -> NoteInfo:
        threads.append(threading.get_ident())
        return dossier_service.save_note(*args, **kwargs)

    monkeypatch.setattr("buddy_desk.ui.dossiers.notes_section.save_note", save_noting_thread)
    d = make_dossier(uow)
    view = DossierView(ctx, d)
    qtbot.addWidget(view)
    changed: list[int] = []
    ctx.events.dossier_changed.connect(changed.append)
    QTest.keyClicks(view.notes.editor, "Bewoner belt terug.")
    assert view.notes.dirty
    with qtbot.waitSignal(view.notes.saved, timeout=10_000):  # the autosave after a pause
        pass
    assert threads and threads != [threading.get_ident()]
    assert changed == [d]
    assert get_dossier(uow, d).note.body == "Bewoner belt terug."
    assert not view.notes.dirty
    assert view.notes.status.text().startswith("Opgeslagen")


def test_a_close_waits_for_the_save_and_reports_it(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow)
    view = DossierView(ctx, d)
    qtbot.addWidget(view)
    QTest.keyClicks(view.notes.editor, "Kort gesprek.")
    assert view.flush_notes()  # before the autosave: the close saves and waits for it
    assert get_dossier(uow, d).note.body == "Kort gesprek."
    assert not view.notes.dirty
