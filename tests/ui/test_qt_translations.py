"""Qt's standard buttons speak the user's language too (not 'Cancel' in a Dutch dialog)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from buddy_desk.ui.qt_translations import apply_qt_language


def _cancel_text(qtbot: QtBot) -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    return box.button(QDialogButtonBox.StandardButton.Cancel).text().replace("&", "")


def test_standard_buttons_follow_the_language(qtbot: QtBot) -> None:
    try:
        assert apply_qt_language("nl")
        assert _cancel_text(qtbot) == "Annuleren"
        assert apply_qt_language("en")
        assert _cancel_text(qtbot) == "Cancel"
    finally:
        apply_qt_language("en")
