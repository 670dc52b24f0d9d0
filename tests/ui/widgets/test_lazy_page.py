"""A workspace page is built the first time it is shown, after the tab switch has painted,
and not at all when the user has moved on before that (issue 10: the GUI thread only paints)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.ui.widgets.lazy_page import LazyPage


def _tabs(qtbot: QtBot) -> tuple[QTabWidget, LazyPage, list[str]]:
    built: list[str] = []

    def factory() -> QWidget:
        built.append("page")
        return QLabel("werkruimte")

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel("lijst"), "Lijst")
    page = LazyPage("test", factory)
    tabs.addTab(page, "Werkruimte")
    tabs.show()
    qtbot.waitExposed(tabs)
    return tabs, page, built


def test_a_page_is_built_once_its_tab_has_been_shown(qtbot: QtBot) -> None:
    tabs, page, built = _tabs(qtbot)
    assert built == []
    tabs.setCurrentWidget(page)
    assert built == []  # the switch paints first
    qtbot.waitUntil(lambda: page.built)
    assert built == ["page"]
    tabs.setCurrentIndex(0)
    tabs.setCurrentWidget(page)
    qtbot.wait(50)
    assert built == ["page"]  # once


def test_a_page_left_before_it_was_built_is_not_built(qtbot: QtBot) -> None:
    tabs, page, built = _tabs(qtbot)
    tabs.setCurrentWidget(page)
    tabs.setCurrentIndex(0)
    qtbot.wait(50)
    assert built == [] and not page.built
    assert isinstance(page.content(), QLabel)  # asked for directly: built at once
    assert built == ["page"]


def test_a_page_that_cannot_retranslate_is_built_anew_after_a_switch_when_shown(
    qtbot: QtBot,
) -> None:
    tabs, page, built = _tabs(qtbot)
    first = page.content()
    page.follow_language()  # hidden: nothing happens at the switch itself
    assert page.built and built == ["page"]
    tabs.setCurrentWidget(page)
    qtbot.waitUntil(lambda: built == ["page", "page"])
    assert page.content() is not first
