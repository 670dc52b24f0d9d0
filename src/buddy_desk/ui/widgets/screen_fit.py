"""Size a window to what it wants, but never beyond the screen it opens on."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

# room for the title bar and frame the window manager adds around the window
FRAME_MARGIN = 48


def available_geometry(widget: QWidget) -> QRect:
    parent = widget.parentWidget()
    screen = (parent.screen() if parent is not None else None) or widget.screen()
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry()


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to ``width``×``height``, shrunk to fit the available screen area (a 768 px
    laptop screen minus its task bar must show the whole window, buttons included)."""
    area = available_geometry(widget)
    widget.resize(
        max(320, min(width, area.width() - FRAME_MARGIN // 2)),
        max(240, min(height, area.height() - FRAME_MARGIN)),
    )
