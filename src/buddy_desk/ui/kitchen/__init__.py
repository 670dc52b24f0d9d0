"""The kitchen-table view (F11 or Ctrl+Shift+K on an open dossier) and its header button."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import DossierAction, UiRegistry

if TYPE_CHECKING:
    from buddy_desk.ui.kitchen.view import KitchenTableWindow
    from buddy_desk.ui.main_window import MainWindow

# open windows, so they are not garbage-collected while shown
_OPEN: dict[int, KitchenTableWindow] = {}


def open_kitchen_table(ctx: AppContext, dossier_id: int, parent: QWidget) -> KitchenTableWindow:
    from buddy_desk.ui.kitchen.view import KitchenTableWindow
    from buddy_desk.ui.widgets.screen_fit import fit_to_screen

    window = _OPEN.get(dossier_id)
    if window is None or not window.isVisible():
        window = KitchenTableWindow(ctx, dossier_id, parent)
        fit_to_screen(window, 1280, 800)
        window.destroyed.connect(lambda _o=None, d=dossier_id: _OPEN.pop(d, None))
        _OPEN[dossier_id] = window
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def open_for_current_dossier(window: MainWindow) -> None:
    """The main-window action: the kitchen table for the dossier tab in front."""
    dossier_id = window.current_dossier_id()
    if dossier_id is None:
        window.statusBar().showMessage(tr("kitchen.no_dossier"), 6000)
        return
    try:
        open_kitchen_table(window.ctx, dossier_id, window)
    except BuddyDeskError as exc:
        from buddy_desk.ui.messages import show_error

        show_error(window, tr("kitchen.error.title"), str(exc))


def _open_from_dossier(ctx: AppContext, dossier_id: int, parent: QWidget) -> None:
    open_kitchen_table(ctx, dossier_id, parent)


def register(registry: UiRegistry) -> None:
    registry.add_dossier_action(
        DossierAction(
            id="kitchen.open",
            text_key="kitchen.action.open",
            handler=_open_from_dossier,
            order=90,
        )
    )
