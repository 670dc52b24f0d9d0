"""Rough edges a new user hit in the dossier view and the main window, each fixed."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.dossiers.service import save_note
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import discover
from tests.factories import make_dossier, make_supervisor
from tests.ui.conftest import make_window


def _combination(uow: UnitOfWork) -> int:
    img = make_supervisor(uow, Organisation.IMG, "Ineke Zaak")
    ncg = make_supervisor(uow, Organisation.NCG, "Bert Bewoner")
    return make_dossier(
        uow,
        img_phase=ImgPhase.OPNAME,
        ncg_status=NcgStatus.S2_1,
        img_supervisor_id=img,
        ncg_supervisor_id=ncg,
    )


def test_every_dossier_action_stays_visible_at_1280x720(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    dossier = _combination(uow)
    window = make_window(qtbot, ctx, discover())
    window.resize(1280, 720)
    view = window.open_dossier(dossier)
    assert view is not None
    qtbot.waitUntil(lambda: view.isVisible(), timeout=2_000)
    QApplication.processEvents()
    window_rect = QRect(QPoint(0, 0), window.size())
    texts = []
    for _item, action in view._actions:
        button = view.toolbar.button_for(action)
        assert button is not None, action.text()
        assert button.isVisible(), action.text()
        top_left = button.mapTo(window, QPoint(0, 0))
        assert window_rect.contains(QRect(top_left, button.size())), action.text()
        texts.append(action.text())
    assert {"Opname plannen", "Samenvattingsbrief"} <= set(texts)
    # the header grows to hold a second line of buttons rather than clipping them
    bottom = max(
        view.toolbar.button_for(a).geometry().bottom()  # type: ignore[union-attr]
        for _i, a in view._actions
    )
    assert bottom <= view.toolbar.height()


def test_ctrl_n_puts_the_caret_after_the_note(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    dossier = _combination(uow)
    save_note(
        uow, dossier, "Eerste gesprek gehad.\nBewoner wil bellen.", "tester", base_updated_at=None
    )
    window = make_window(qtbot, ctx, discover())
    view = window.open_dossier(dossier)
    assert view is not None
    window._actions["dossier.notes"][1].trigger()
    editor = view.notes.editor
    assert editor.textCursor().position() == len(editor.toPlainText())
    assert editor.toPlainText().endswith("Bewoner wil bellen.")


def test_workspace_shortcuts_move_the_keyboard_focus(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    window = make_window(qtbot, ctx, discover())
    window.activateWindow()
    window.list_view.focus_search()
    for workspace, page in window._workspaces:
        window._actions[f"workspace.{workspace.id}"][1].trigger()
        focused = QApplication.focusWidget()
        assert focused is not None and page.isAncestorOf(focused), workspace.id
    window._actions["view.list"][1].trigger()
    focused = QApplication.focusWidget()
    assert focused is not None and window.list_view.isAncestorOf(focused)
