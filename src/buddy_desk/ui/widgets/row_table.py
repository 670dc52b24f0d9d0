"""A thin table model over a list of frozen rows, and a view for the coordinator desks.

Columns are (title key, text of a row); titles follow the language switch (``retranslate``).

The GUI thread only paints: a workspace's load job calls ``prepare`` on the worker thread (it
runs the column functions, colours and tooltips for every row, in the current language), and
the GUI thread hands the result to ``set_prepared``: one model reset, and ``data`` does nothing
but index. A filter shown on the GUI thread picks rows of a prepared list by position
(``PreparedRows.subset``) without formatting anything again. ``set_rows`` prepares on the
calling thread: for short lists only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from buddy_desk.i18n import tr
from buddy_desk.ui.widgets import text_size

T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class PreparedRows(Generic[T]):
    """Rows with everything a table shows of them, worked out once (off the GUI thread)."""

    rows: list[T]
    texts: list[tuple[str, ...]]
    brushes: list[tuple[QBrush | None, ...]] | None = None
    tips: list[str | None] | None = None

    def subset(self, positions: Sequence[int]) -> PreparedRows[T]:
        """The rows at ``positions`` (in that order), without formatting them again."""
        rows, texts, brushes, tips = self.rows, self.texts, self.brushes, self.tips
        return PreparedRows(
            [rows[i] for i in positions],
            [texts[i] for i in positions],
            [brushes[i] for i in positions] if brushes is not None else None,
            [tips[i] for i in positions] if tips is not None else None,
        )


def _empty() -> PreparedRows[T]:
    return PreparedRows([], [], None, None)


class RowTableModel(QAbstractTableModel, Generic[T]):
    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[T], str]]],
        *,
        color: Callable[[T, int], QColor | None] | None = None,
        tooltip: Callable[[T], str | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._color = color
        self._tooltip = tooltip
        self._prepared: PreparedRows[T] = _empty()

    @property
    def rows(self) -> list[T]:
        return self._prepared.rows

    def prepare(self, rows: Sequence[T]) -> PreparedRows[T]:
        """Every row's texts, colours and tooltip. Thread-safe: call it in the load job."""
        functions = [text for _key, text in self.columns]
        texts = [tuple([f(row) for f in functions]) for row in rows]
        brushes: list[tuple[QBrush | None, ...]] | None = None
        if self._color is not None:
            color, columns = self._color, range(len(functions))
            cache: dict[int, QBrush] = {}

            def brush(c: QColor | None) -> QBrush | None:
                if c is None:
                    return None
                key = c.rgba()
                if key not in cache:
                    cache[key] = QBrush(c)
                return cache[key]

            brushes = [tuple([brush(color(row, col)) for col in columns]) for row in rows]
        tips = [self._tooltip(row) for row in rows] if self._tooltip is not None else None
        return PreparedRows(list(rows), texts, brushes, tips)

    def set_prepared(self, prepared: PreparedRows[T]) -> None:
        """Show prepared rows: one reset, nothing computed (the GUI thread's part of a load)."""
        self.beginResetModel()
        self._prepared = prepared
        self.endResetModel()

    def set_rows(self, rows: Sequence[T]) -> None:
        """Prepare and show ``rows`` on this thread (short lists; long ones: ``prepare`` in
        the load job, then ``set_prepared``)."""
        self.set_prepared(self.prepare(rows))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._prepared.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        prepared = self._prepared
        if role == Qt.ItemDataRole.DisplayRole:
            return prepared.texts[index.row()][index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and prepared.brushes is not None:
            return prepared.brushes[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and prepared.tips is not None:
            return prepared.tips[index.row()]
        return None

    def headerData(  # noqa: N802 - Qt's name
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(self.columns[section][0])
        return None

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)


class RowTableView(QTableView):
    """Rows selectable as a whole; the last column stretches."""

    def __init__(self, model: RowTableModel[T], *, multi: bool = False) -> None:
        super().__init__()
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(
            QAbstractItemView.SelectionMode.ExtendedSelection
            if multi
            else QAbstractItemView.SelectionMode.SingleSelection
        )
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # size columns from the first screenful, not all rows: each cell is a Python call
        # (200 rows kept the GUI thread busy for ~80 ms on the 17,700-row worklist)
        header.setResizeContentsPrecision(30)
        for column in range(model.columnCount()):  # an empty table still shows whole headers
            self.setColumnWidth(
                column, max(self.columnWidth(column), text_size.header_width(self, column, 14))
            )

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.selectionModel().selectedRows()})
