"""Import in the app: Bestand → Importeren…."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import MenuAction, UiRegistry


def open_import_dialog(ctx: AppContext, parent: QWidget) -> None:
    from buddy_desk.ui.importing.dialog import ImportDialog

    dialog = ImportDialog(ctx, parent)
    dialog.exec()


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
