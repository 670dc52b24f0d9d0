"""F1: help for the screen at hand, in the app and offline (``resources/help/<lang>/*.md``)."""

from __future__ import annotations

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import MenuAction, UiRegistry

TOPIC_PROPERTY = "helpTopic"
DEFAULT_TOPIC = "dossiers"
# the shell's own screens, by class; workspaces are LazyPages named "lazy.<workspace id>"
_BY_CLASS = {"DossierListView": "dossiers", "DossierView": "dossier"}


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
    return _BY_CLASS.get(type(widget).__name__, DEFAULT_TOPIC)


def show_help(topic: str, parent: QWidget | None) -> QWidget:
    from buddy_desk.ui.help.dialog import HelpDialog

    dialog = HelpDialog(topic, parent)
    dialog.show()
    dialog.raise_()
    return dialog


def install_help(widget: QWidget, topic: str) -> QShortcut:
    """F1 in this window (a dialog or the kitchen table) opens its own help."""
    widget.setProperty(TOPIC_PROPERTY, topic)
    shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents), widget)
    shortcut.activated.connect(lambda: show_help(topic, widget))
    return shortcut


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
