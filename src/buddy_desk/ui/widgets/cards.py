"""Small building blocks for calm, consistent layouts: cards, titles, muted labels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QLayout, QVBoxLayout, QWidget

SPACING = 8
DESIGN_POINTS = 9.0
CARD_MARGIN = 14


class Card(QFrame):
    """A white, bordered panel with a vertical layout (``card.body``)."""

    def __init__(self, parent: QWidget | None = None, accent: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        if accent is not None:
            # a coloured top edge tells IMG and NCG apart at a glance
            self.setStyleSheet(f"QFrame#card {{ border-top: 3px solid {accent}; }}")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(CARD_MARGIN, CARD_MARGIN - 2, CARD_MARGIN, CARD_MARGIN)
        self.body.setSpacing(SPACING)


def label(
    text: str = "",
    *,
    muted: bool = False,
    bold: bool = False,
    size: float | None = None,
    wrap: bool = False,
    selectable: bool = False,
    object_name: str | None = None,
) -> QLabel:
    widget = QLabel(text)
    if object_name:
        widget.setObjectName(object_name)
    if muted:
        widget.setProperty("muted", True)
    font = widget.font()
    if bold:
        font.setWeight(font.Weight.DemiBold)
    if size is not None:
        # sizes are designed against a 9 pt body text; a larger system text size (up to 200 %,
        # WCAG 1.4.4) scales headings along, so they never end up smaller than the body
        font.setPointSizeF(size * max(1.0, font.pointSizeF() / DESIGN_POINTS))
    widget.setFont(font)
    widget.setWordWrap(wrap)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    if selectable:
        widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def section_title(text: str) -> QLabel:
    widget = label(text.upper(), object_name="sectionTitle")
    font = widget.font()
    font.setPointSizeF(max(7.5, font.pointSizeF() - 1))
    widget.setFont(font)
    return widget


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every item (used when a section re-renders)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            break
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif (child := item.layout()) is not None:
            clear_layout(child)
            child.deleteLater()
