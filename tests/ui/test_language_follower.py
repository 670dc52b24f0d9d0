"""A view follows a language switch in the event loop's next turn when it is on screen, else
when it is next shown (ui/widgets/language.py): the switch redoes only what the user sees."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.i18n import in_language, tr
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.widgets.language import follow_language
from tests.ui.conftest import make_window


class _Events(QObject):
    language_changed = Signal(str)


def test_a_visible_view_follows_in_the_next_turn_a_hidden_one_when_shown(qtbot: QtBot) -> None:
    events = _Events()
    shown, hidden = QWidget(), QWidget()
    for w in (shown, hidden):
        qtbot.addWidget(w)
    calls: list[str] = []
    follow_language(shown, events.language_changed, lambda: calls.append("shown"))
    follower = follow_language(hidden, events.language_changed, lambda: calls.append("hidden"))
    shown.show()
    events.language_changed.emit("en")
    assert calls == []  # the window paints what the switch changed first
    qtbot.waitUntil(lambda: calls == ["shown"])
    hidden.show()
    assert calls == ["shown", "hidden"]
    hidden.hide()
    events.language_changed.emit("nl")
    events.language_changed.emit("en")  # two switches: one retranslation each time it shows
    follower.catch_up()  # someone reads its texts while hidden
    hidden.show()
    qtbot.waitUntil(lambda: calls == ["shown", "hidden", "hidden", "shown"])
    qtbot.wait(20)
    assert calls == ["shown", "hidden", "hidden", "shown"]


def test_a_workspace_in_the_background_speaks_the_new_language_when_visited(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from buddy_desk.ui.extensions import discover
    from buddy_desk.ui.signals.workspace import SignalsWorkspace

    window = make_window(qtbot, ctx, discover())
    page = next(p for w, p in window._workspaces if w.id == "signals")
    window.tabs.setCurrentWidget(page)
    workspace = page.content()
    assert isinstance(workspace, SignalsWorkspace)
    window.show_list()
    window.set_language("en")
    try:
        window.tabs.setCurrentWidget(page)
        with in_language("en"):
            expected = tr("signals.col.due")
        assert workspace.table.signals_model.headers[0] == expected
    finally:
        window.set_language("nl")
