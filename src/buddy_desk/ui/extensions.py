"""Extension points: how features put their screens into the main window and dossier view.

Each module in ``buddy_desk.ui`` defines ``register(registry: UiRegistry) -> None``.
They are discovered at start, so a feature never edits main_window.py or dossier_view.py.

- a *workspace* is a top-level page beside the dossier list (Samenloop, Signalen, Planning…);
- a *dossier section* is a tab inside every open dossier (Tijdlijn, Notities, Keuzes…);
- a *dossier action* is a button/shortcut on the dossier view (Keuze vastleggen, Brief…);
- a *menu action* is an entry in a main-window menu (Bestand → Importeren…).

Titles are i18n keys (``buddy_desk.i18n.tr``), so they follow the language switch.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from buddy_desk.ui.context import AppContext


@dataclass(frozen=True)
class Workspace:
    id: str
    title_key: str
    factory: Callable[[AppContext], QWidget]
    order: int = 100
    shortcut: str | None = None
    module: str | None = None
    """The Qt module ``factory`` imports: the app imports it while idle, before a first visit
    (its Qt-free imports belong in ``ui/warmup.WORKSPACE_MODULES``)."""


@dataclass(frozen=True)
class DossierSection:
    id: str
    title_key: str
    factory: Callable[[AppContext, int], QWidget]
    order: int = 100
    module: str | None = None
    """The Qt module ``factory`` imports, imported while idle like a workspace's: the first
    definition of a Qt class after many imports costs PySide tens of milliseconds."""


@dataclass(frozen=True)
class DossierAction:
    id: str
    text_key: str
    handler: Callable[[AppContext, int, QWidget], None]  # (context, dossier id, parent)
    shortcut: str | None = None
    order: int = 100


@dataclass(frozen=True)
class MenuAction:
    menu: str  # "file" | "dossier" | "tools" | "view" | "help"
    id: str
    text_key: str
    handler: Callable[[AppContext, QWidget], None]  # (context, parent window)
    shortcut: str | None = None
    order: int = 100


@dataclass(frozen=True)
class StatusWidget:
    """A permanent widget at the right of the status bar (sync state, …)."""

    id: str
    factory: Callable[[AppContext], QWidget]
    order: int = 100


@dataclass
class UiRegistry:
    workspaces: list[Workspace] = field(default_factory=list)
    dossier_sections: list[DossierSection] = field(default_factory=list)
    dossier_actions: list[DossierAction] = field(default_factory=list)
    menu_actions: list[MenuAction] = field(default_factory=list)
    status_widgets: list[StatusWidget] = field(default_factory=list)

    def add_workspace(self, item: Workspace) -> None:
        self.workspaces.append(item)
        self.workspaces.sort(key=lambda w: w.order)

    def add_dossier_section(self, item: DossierSection) -> None:
        self.dossier_sections.append(item)
        self.dossier_sections.sort(key=lambda s: s.order)

    def add_dossier_action(self, item: DossierAction) -> None:
        self.dossier_actions.append(item)
        self.dossier_actions.sort(key=lambda a: a.order)

    def add_menu_action(self, item: MenuAction) -> None:
        self.menu_actions.append(item)
        self.menu_actions.sort(key=lambda a: a.order)

    def add_status_widget(self, item: StatusWidget) -> None:
        self.status_widgets.append(item)
        self.status_widgets.sort(key=lambda w: w.order)


def discover() -> UiRegistry:
    """Collect every feature's registrations: each ``buddy_desk.ui.<feature>`` package with a
    ``register(registry)`` (the shell's own packages, such as ``widgets``, have none)."""
    import buddy_desk.ui as ui

    registry = UiRegistry()
    for info in sorted(pkgutil.iter_modules(ui.__path__), key=lambda i: i.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{ui.__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register is not None:
            register(registry)
    return registry
