"""Import, samenloop and signals in the app: Bestand → Importeren…, the Samenloop and
Signalen workspaces, and the dossier's Signalen tab."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import DossierSection, MenuAction, UiRegistry, Workspace


def open_import_dialog(ctx: AppContext, parent: QWidget) -> None:
    from buddy_desk.ui.views.import_dialog import ImportDialog

    dialog = ImportDialog(ctx, parent)
    dialog.exec()


def _samenloop(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.views.samenloop_workspace import SamenloopWorkspace

    return SamenloopWorkspace(ctx)


def _signals(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.views.signals_workspace import SignalsWorkspace

    return SignalsWorkspace(ctx)


def _section(ctx: AppContext, dossier_id: int) -> QWidget:
    from buddy_desk.ui.views.signals_section import SignalsSection

    return SignalsSection(ctx, dossier_id)


def register(registry: UiRegistry) -> None:
    registry.add_menu_action(
        MenuAction(
            menu="file",
            id="import.open",
            text_key="import.menu",
            handler=open_import_dialog,
            shortcut="Ctrl+Shift+I",
            order=10,
        )
    )
    registry.add_workspace(
        Workspace(id="samenloop", title_key="samenloop.workspace", factory=_samenloop, order=30)
    )
    registry.add_workspace(
        Workspace(id="signals", title_key="signals.workspace", factory=_signals, order=40)
    )
    registry.add_dossier_section(
        DossierSection(id="signals", title_key="signals.section", factory=_section, order=45)
    )
