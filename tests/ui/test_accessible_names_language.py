"""Accessible names and descriptions follow the language switch (WCAG 2.1: 3.1.2, 4.1.2):
a screen reader user who switches to English hears English names, and Dutch again after
switching back — also for the views that are kept (retranslated) rather than rebuilt."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.i18n import catalog
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import discover
from buddy_desk.ui.main_window import MainWindow
from tests.factories import give_consent, make_dossier
from tests.ui.conftest import make_window


def only_in(language: str, other: str) -> set[str]:
    """Texts of ``language``'s catalog that differ from ``other``'s for the same key."""
    mine, theirs = catalog(language), catalog(other)
    return {text for key, text in mine.items() if theirs.get(key, text) != text}


def spoken(window: MainWindow) -> dict[str, str]:
    """Every accessible name and description in the window (all pages and sections shown)."""
    for _workspace, page in window._workspaces:
        window.show_workspace(page)
        QApplication.processEvents()
    window.tabs.setCurrentIndex(0)
    found: dict[str, str] = {}
    for widget in [window, *window.findChildren(QWidget)]:
        where = widget.objectName() or type(widget).__name__
        for kind, text in (
            ("name", widget.accessibleName()),
            ("description", widget.accessibleDescription()),
        ):
            if text:
                found[f"{where} {kind} #{id(widget)}"] = text
    return found


def wrong_language(window: MainWindow, language: str, other: str) -> list[str]:
    foreign = only_in(other, language)
    return sorted(f"{where}: {text!r}" for where, text in spoken(window).items() if text in foreign)


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    return sqlite_url


def test_accessible_names_follow_the_language_switch_and_back(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    give_consent(uow, d)
    window = make_window(qtbot, ctx, discover())
    view = window.open_dossier(d)
    assert view is not None
    for i in range(view.sections.count()):
        view.sections.setCurrentIndex(i)
    list_view = window.list_view
    assert list_view.search.accessibleName() == catalog("nl")["a11y.list.search"]
    assert list_view.table.accessibleName() == catalog("nl")["a11y.list.table"]
    assert wrong_language(window, "nl", "en") == []
    window.set_language("en")
    try:
        # the accessible names follow in a turn of the event loop of their own
        qtbot.waitUntil(
            lambda: list_view.search.accessibleName() == catalog("en")["a11y.list.search"]
        )
        assert list_view.table.accessibleName() == catalog("en")["a11y.list.table"]
        assert wrong_language(window, "en", "nl") == []
    finally:
        window.set_language("nl")
    qtbot.waitUntil(lambda: list_view.search.accessibleName() == catalog("nl")["a11y.list.search"])
    assert wrong_language(window, "nl", "en") == []
