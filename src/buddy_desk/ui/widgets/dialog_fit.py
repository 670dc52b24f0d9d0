"""Every dialog opens large enough for its contents at the current text size.

Qt sizes a new window to its size hint but at most two thirds of the screen; at 200 % text
that cuts dialogs whose contents fit the screen (a choice form, a checkbox that cannot wrap).
One event filter on the application widens a dialog on its first show to what it asks for,
up to the available screen area, so no dialog needs code of its own for it.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QDialog

from buddy_desk.ui.widgets.screen_fit import FRAME_MARGIN, available_geometry

FITTED = "fittedToContents"


def fit_to_contents(dialog: QDialog) -> None:
    """Grow ``dialog`` towards its size hint, never beyond the screen it opens on."""
    hint = dialog.sizeHint()
    area = available_geometry(dialog)
    width = min(max(dialog.width(), hint.width()), area.width() - FRAME_MARGIN // 2)
    height = min(max(dialog.height(), hint.height()), area.height() - FRAME_MARGIN)
    if width > dialog.width() or height > dialog.height():
        dialog.resize(width, height)


class DialogFit(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (
            event.type() == QEvent.Type.Show
            and isinstance(watched, QDialog)
            and watched.isWindow()
            and not watched.property(FITTED)
        ):
            watched.setProperty(FITTED, True)
            fit_to_contents(watched)
        return False


def install_dialog_fit(app: QApplication) -> None:
    if app.findChild(DialogFit, "dialogFit") is None:
        fit = DialogFit(app)
        fit.setObjectName("dialogFit")
        app.installEventFilter(fit)
