"""Bestand → Nieuw dossier… (Ctrl+Shift+N): a dossier for an address in neither export."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import MenuAction, UiRegistry


def open_new_dossier_dialog(ctx: AppContext, parent: QWidget) -> None:
    from buddy_desk.ui.dossiers.new_dossier_dialog import NewDossierDialog

    dialog = NewDossierDialog(ctx, parent)
    dialog.exec()


def register(registry: UiRegistry) -> None:
    registry.add_menu_action(
        MenuAction(
            menu="file",
            id="dossier.new",
            text_key="new_dossier.menu",
            handler=open_new_dossier_dialog,
            shortcut="Ctrl+Shift+N",
            order=5,
        )
    )
