"""The main window's actions in one table: id, menu, text, shortcut, handler."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence

if TYPE_CHECKING:
    from buddy_desk.ui.main_window import MainWindow

MENUS: tuple[tuple[str, str], ...] = (
    ("file", "ui.menu.file"),
    ("view", "ui.menu.view"),
    ("dossier", "ui.menu.dossier"),
    ("tools", "ui.menu.tools"),
    ("help", "ui.menu.help"),
)

Shortcut = str | QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionSpec:
    id: str
    menu: str
    text_key: str
    handler: Callable[[MainWindow], None]
    shortcuts: tuple[Shortcut, ...] = ()
    checkable: bool = False
    separator_before: bool = False


def _kitchen_table(window: MainWindow) -> None:
    from buddy_desk.ui.kitchen import open_for_current_dossier

    open_for_current_dossier(window)


ACTIONS: tuple[ActionSpec, ...] = (
    ActionSpec("file.profile", "file", "ui.action.profile", lambda w: w.change_profile()),
    ActionSpec(
        "file.quit",
        "file",
        "ui.action.quit",
        lambda w: w.request_quit(),
        (QKeySequence.StandardKey.Quit, "Ctrl+Q"),
        separator_before=True,
    ),
    ActionSpec("view.search", "view", "ui.action.search", lambda w: w.focus_search(), ("Ctrl+F",)),
    ActionSpec("view.list", "view", "ui.action.list", lambda w: w.show_list(), ("Ctrl+L",)),
    ActionSpec("view.reload", "view", "ui.action.reload", lambda w: w.reload_list(), ("Ctrl+R",)),
    ActionSpec(
        "view.lang.nl",
        "view",
        "ui.lang.nl",
        lambda w: w.set_language("nl"),
        checkable=True,
        separator_before=True,
    ),
    ActionSpec(
        "view.lang.en", "view", "ui.lang.en", lambda w: w.set_language("en"), checkable=True
    ),
    ActionSpec(
        "dossier.notes", "dossier", "ui.action.notes", lambda w: w.focus_notes(), ("Ctrl+N",)
    ),
    ActionSpec(
        "dossier.kitchen",
        "dossier",
        "kitchen.action.open",
        lambda w: _kitchen_table(w),
        ("F11", "Ctrl+Shift+K"),
    ),
    ActionSpec(
        "dossier.close",
        "dossier",
        "ui.action.close_tab",
        lambda w: w.close_current_tab(),
        ("Ctrl+W",),
    ),
    ActionSpec(
        "dossier.next",
        "dossier",
        "ui.action.next_tab",
        lambda w: w.cycle_tabs(1),
        ("Ctrl+Tab", "Ctrl+PgDown"),
        separator_before=True,
    ),
    ActionSpec(
        "dossier.previous",
        "dossier",
        "ui.action.previous_tab",
        lambda w: w.cycle_tabs(-1),
        ("Ctrl+Shift+Tab", "Ctrl+PgUp"),
    ),
    ActionSpec("help.log", "help", "ui.action.show_log", lambda w: w.show_log_location()),
    ActionSpec("help.about", "help", "ui.action.about", lambda w: w.show_about()),
)
