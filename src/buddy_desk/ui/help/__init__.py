"""F1: help for the screen at hand, in the app and offline (``resources/help/<lang>/*.md``)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QWindow
from PySide6.QtWidgets import QApplication, QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import MenuAction, UiRegistry

TOPIC_PROPERTY = "helpTopic"
DEFAULT_TOPIC = "dossiers"
# the shell's own screens, by class; workspaces are LazyPages named "lazy.<workspace id>"
_BY_CLASS = {"DossierListView": "dossiers", "DossierView": "dossier"}
# a dialog of a feature with its own help page (ui/<package>/…) opens that page; the others
# (choices, documents, contact moments, the profile) the help of the window that opened them
_BY_PACKAGE = {
    "dossiers": "dossiers",  # Nieuw dossier (the notes' conflict dialog names its own)
    "importing": "import",
    "kitchen": "kitchen",
    "letters": "letters",
    "outreach": "outreach",
    "pairs": "pairs",
    "planning": "planning",
    "samenloop": "samenloop",
    "signals": "signals",
    "svip": "svip",
}


def topic_of(widget: QWidget | None) -> str:
    """The help topic for a window or page: its ``helpTopic`` property, else by what it is."""
    if widget is None:
        return DEFAULT_TOPIC
    value = widget.property(TOPIC_PROPERTY)
    if isinstance(value, str) and value:
        return value
    name = widget.objectName()
    if name.startswith("lazy."):
        return name.removeprefix("lazy.")
    tabs = getattr(widget, "tabs", None)  # the main window: the tab in front
    current = tabs.currentWidget() if tabs is not None else None
    if current is not None and current is not widget:
        return topic_of(current)
    if (by_class := _BY_CLASS.get(type(widget).__name__)) is not None:
        return by_class
    if widget.isWindow():
        package = type(widget).__module__.removeprefix("buddy_desk.ui.").split(".")[0]
        if package in _BY_PACKAGE:
            return _BY_PACKAGE[package]
        opener = widget.parentWidget()
        if opener is not None:
            return topic_of(opener.window())
    return DEFAULT_TOPIC


def show_help(topic: str, parent: QWidget | None) -> QWidget:
    from buddy_desk.ui.help.dialog import HelpDialog

    dialog = HelpDialog(topic, parent)
    dialog.show()
    dialog.raise_()
    return dialog


def install_help(widget: QWidget, topic: str) -> None:
    """This window (a dialog or the kitchen table) has its own help page (F1: HelpKey)."""
    widget.setProperty(TOPIC_PROPERTY, topic)


class HelpKey(QObject):
    """F1 in any window of the app — every dialog, modal or not — opens that window's help.

    One filter for every window instead of a shortcut per dialog: a modal dialog blocks the
    main window's F1 action, and a dialog added later needs no code of its own. The filter
    sits on each top-level window as it gets the keyboard focus (``install_help_key``), not
    on the application: a Python filter there is called for every event of every widget and
    doubled the cost of building a workspace. A key the focused widget does not take travels
    up to its window, where this filter sees it. The main window keeps its menu action (F1
    as a shortcut there never reaches this filter).
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if not isinstance(event, QKeyEvent) or not _is_help_key(event):
            return False
        if event.type() == QEvent.Type.KeyPress:
            return True  # the help opened on the override below
        if event.type() != QEvent.Type.ShortcutOverride or not isinstance(watched, QWidget):
            return False
        # the override comes first and travels up to the window even when the focused
        # widget takes every key press (the file dialog's name field does); accepting it
        # also keeps a window's own F1 action from opening a second help
        event.accept()
        from buddy_desk.ui.help.dialog import HelpDialog

        window = watched.window()
        if not isinstance(window, HelpDialog):  # F1 in the help itself: no second window
            show_help(topic_of(window), window)
        return True


def _is_help_key(event: QKeyEvent) -> bool:
    return event.matches(QKeySequence.StandardKey.HelpContents) or (
        event.key() == Qt.Key.Key_F1 and not event.modifiers()
    )


_WATCHED = "helpKeyWatched"


def _watch(key: HelpKey, window: QWidget) -> None:
    if not window.property(_WATCHED):
        window.setProperty(_WATCHED, True)
        window.installEventFilter(key)


def install_help_key(app: QApplication) -> None:
    """Give every window F1 as it gets the focus (ensure_application calls this once)."""
    if app.findChild(HelpKey, "helpKey") is not None:
        return
    key = HelpKey(app)
    key.setObjectName("helpKey")

    def on_focus_window(window: QWindow | None) -> None:
        if window is not None:
            for widget in app.topLevelWidgets():
                if widget.windowHandle() == window:
                    _watch(key, widget)

    app.focusWindowChanged.connect(on_focus_window)
    for widget in app.topLevelWidgets():  # windows that were open before
        _watch(key, widget)


def _help_for_screen(_ctx: AppContext, parent: QWidget) -> None:
    active = QApplication.activeWindow()
    window = active if active is not None and active is not parent else parent
    show_help(topic_of(window), window)


def register(registry: UiRegistry) -> None:
    registry.add_menu_action(
        MenuAction(
            menu="help",
            id="help.screen",
            text_key="help.action",
            handler=_help_for_screen,
            shortcut="F1",
            order=0,
        )
    )
