"""The style a keyboard and low-vision user relies on: contrast, focus ring, disabled look."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.ui.style import STYLE_SHEET, TEXT_PAIRS, contrast_ratio


@pytest.mark.parametrize(("name", "foreground", "background"), TEXT_PAIRS)
def test_text_colours_meet_wcag_aa(name: str, foreground: str, background: str) -> None:
    assert contrast_ratio(foreground, background) >= 4.5, name


def test_contrast_ratio_matches_the_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def _pair(qtbot: QtBot) -> tuple[QWidget, QPushButton, QPushButton]:
    host = QWidget()
    host.setStyleSheet(STYLE_SHEET)
    layout = QVBoxLayout(host)
    first, second = QPushButton("Opslaan"), QPushButton("Opslaan")
    layout.addWidget(QLineEdit())
    layout.addWidget(first)
    layout.addWidget(second)
    qtbot.addWidget(host)
    host.show()
    qtbot.waitExposed(host)
    return host, first, second


def _image(button: QPushButton) -> QImage:
    return button.grab().toImage()


def test_a_disabled_button_looks_different_from_an_enabled_one(qtbot: QtBot) -> None:
    _host, enabled, disabled = _pair(qtbot)
    disabled.setEnabled(False)
    assert _image(enabled) != _image(disabled)


def test_the_focused_button_shows_a_focus_ring(qtbot: QtBot) -> None:
    host, focused, other = _pair(qtbot)
    host.activateWindow()
    focused.setFocus()
    qtbot.waitUntil(focused.hasFocus, timeout=2_000)
    assert _image(focused) != _image(other)
    ring = _image(focused).pixelColor(1, _image(focused).height() // 2)
    assert ring.name() == "#1f5fa8"
