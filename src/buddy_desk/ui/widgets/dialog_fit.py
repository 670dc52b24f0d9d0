"""Every dialog opens large enough for its contents at the current text size.

Qt sizes a new window to its size hint but at most two thirds of the screen; at 200 % text
that cuts dialogs whose contents fit the screen (a choice form, a checkbox that cannot wrap).
``FittedDialog``, the base of the app's dialogs, widens a dialog on its first show to what it
asks for, up to the available screen area, so no dialog needs code of its own for it.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QDialog

from buddy_desk.ui.widgets.screen_fit import FRAME_MARGIN, available_geometry


def fit_to_contents(dialog: QDialog) -> None:
    """Grow ``dialog`` towards its size hint, never beyond the screen it opens on."""
    hint = dialog.sizeHint()
    area = available_geometry(dialog)
    width = min(max(dialog.width(), hint.width()), area.width() - FRAME_MARGIN // 2)
    height = min(max(dialog.height(), hint.height()), area.height() - FRAME_MARGIN)
    if width > dialog.width() or height > dialog.height():
        dialog.resize(width, height)


class FittedDialog(QDialog):
    """The base of every dialog of the app: on its first show it grows to what its contents
    ask, within the screen (a test checks that every dialog class derives from it).

    A base class rather than an event filter on the application: a Python filter there is
    called for every event of every widget, which doubled the cost of building a workspace.
    """

    _fitted = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        if not self._fitted and self.isWindow():
            self._fitted = True
            fit_to_contents(self)
        super().showEvent(event)
