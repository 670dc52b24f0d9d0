"""Sizes that follow the text size (WCAG 1.4.4: text resizable to 200 % without loss).

The app's text size is the application font (the system's setting, or
``buddy-desk screenshot --font-scale``). The layout is designed against a 9 pt body text;
a heading given in points, a column width or a minimum width given in pixels grows by the
same factor, so at 200 % nothing is elided that was whole at 100 %. Pixel font sizes in style
sheets (a font size in px or pt) never grow: use ``set_points`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView, QWidget

DESIGN_POINTS = 9.0


def text_scale() -> float:
    """How much larger the app's text is than the design's 9 pt (never below 1)."""
    points = QApplication.font().pointSizeF()
    return max(1.0, points / DESIGN_POINTS) if points > 0 else 1.0


def scaled(pixels: int) -> int:
    """A width or height designed for 9 pt text, at the app's text size."""
    return round(pixels * text_scale())


def points(design_points: float) -> float:
    """A font size designed for 9 pt body text, at the app's text size."""
    return design_points * text_scale()


def set_points(widget: QWidget, design_points: float, *, bold: bool = False) -> None:
    """Give ``widget`` a font of ``design_points`` (at 100 %) that grows with the text size."""
    font = QFont(widget.font())
    font.setPointSizeF(points(design_points))
    if bold:
        font.setWeight(QFont.Weight.DemiBold)
    widget.setFont(font)


def header_width(table: QTableView, column: int, padding: int = 28) -> int:
    """The width the column's header text needs (bold, with the sort arrow's room)."""
    model = table.model()
    header = table.horizontalHeader()
    font = QFont(header.font())
    font.setWeight(QFont.Weight.DemiBold)
    text = str(model.headerData(column, header.orientation()) or "") if model else ""
    return QFontMetrics(font).horizontalAdvance(text) + scaled(padding)


def set_column_widths(table: QTableView, widths: Mapping[int, int]) -> None:
    """Designed widths at the text size, never narrower than the header text."""
    for column, width in widths.items():
        table.setColumnWidth(column, max(scaled(width), header_width(table, column)))


def fit_rows(table: QTableView, design_height: int) -> None:
    """Fixed row height that holds a line of the current text (designed for 9 pt)."""
    header = table.verticalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    design_font = QFont(table.font())
    design_font.setPointSizeF(DESIGN_POINTS)
    padding = max(4, design_height - QFontMetrics(design_font).height())
    header.setDefaultSectionSize(max(design_height, table.fontMetrics().height() + padding))
