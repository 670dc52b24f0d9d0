"""What the Signalen workspace and the dossier's Signalen tab share: the signals table and the
actions on a selected signal."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from buddy_desk.i18n import tr
from buddy_desk.signals.service import SignalInfo, close_signal
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_short_date
from buddy_desk.ui.signals.dialogs import TextDialog

OVERDUE = QColor("#b42318")
DONE = QColor("#667085")
SIZE_SAMPLE = 200  # rows looked at to size wrapped rows
COLUMN_SAMPLE = 50  # rows looked at to size a column (each cell asks the model ~5 times)
_ROOT = QModelIndex()


class SignalsModel(QAbstractTableModel):
    """The signals as rows; texts are made when a row is painted, so thousands of signals
    load in one step (a table of items would build every cell up front)."""

    def __init__(self, compact: bool, with_address: bool) -> None:
        super().__init__()
        self.compact = compact
        self.with_address = with_address
        self.signals: list[SignalInfo] = []
        self.today = date.today()
        self.headers: list[str] = []
        # a row's texts, made once: sizing the columns asks for each cell again and again
        self._texts_of: dict[int, list[str]] = {}

    def set_signals(self, signals: list[SignalInfo], today: date) -> None:
        self.beginResetModel()
        self.signals = signals
        self.today = today
        self._texts_of.clear()
        self.endResetModel()

    def set_headers(self, headers: list[str]) -> None:
        """New column titles: the language changed, so every text is made again."""
        self.headers = headers
        self._texts_of.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, max(0, len(headers) - 1))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.signals)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section] if section < len(self.headers) else None
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if not index.isValid():
            return None
        s = self.signals[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            texts = self._texts_of.get(index.row())
            if texts is None:
                texts = self._texts_of[index.row()] = self._texts(s)
            return texts[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(s, col)
        if role == Qt.ItemDataRole.ForegroundRole:
            # overdue: only the date and state in red (a red table reads as an alarm);
            # done: the whole row muted
            red = {1, 2} if self.compact else {0, 1}
            if s.overdue(self.today) and col in red:
                return QBrush(OVERDUE)
            if not s.is_open:
                return QBrush(DONE)
        return None

    def _state(self, s: SignalInfo) -> str:
        if s.overdue(self.today):
            return tr("signals.state.overdue")
        return tr("signals.state.open") if s.is_open else tr("signals.state.done")

    def _texts(self, s: SignalInfo) -> list[str]:
        if self.compact:
            return [s.title, format_short_date(s.due), self._state(s)]
        texts = [
            format_short_date(s.due),
            self._state(s),
            s.organisation.value,
            s.owner_name or "—",
        ]
        if self.with_address:
            texts.append(s.address)
        texts.append(s.title)
        return texts

    def _tooltip(self, s: SignalInfo, col: int) -> str | None:
        tip = s.detail or ""
        if s.outcome:
            tip = f"{tip}\n\n{tr('signals.outcome')}: {s.outcome}".strip()
        if self.compact and col == 0:
            who = f"{s.organisation.value} · {s.owner_name or '—'}"
            return f"{who}\n\n{tip}".strip()
        if not self.compact and col == self.columnCount() - 1:
            return tip or None
        return None


class SignalsTable(QTableView):
    """Due date, state, organisation, owner, address and what to do; or, ``compact`` for the
    narrow dossier tab, what to do (wrapped) with due date and state, the rest in a tooltip."""

    itemSelectionChanged = Signal()  # noqa: N815 - the QTableWidget names callers know
    """The selected signal changed."""
    itemActivated = Signal(object)  # noqa: N815
    """A row was activated (double-click, Enter); arg: its index."""

    def __init__(self, with_address: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.with_address = with_address
        self.compact = not with_address
        self.signals_model = SignalsModel(self.compact, with_address)
        self.setModel(self.signals_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.setWordWrap(self.compact)
        # sizing columns to their contents looks at a sample, not at every signal
        self.horizontalHeader().setResizeContentsPrecision(COLUMN_SAMPLE)
        self.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.activated.connect(self.itemActivated.emit)
        self.retranslate()

    @property
    def signals(self) -> list[SignalInfo]:
        return self.signals_model.signals

    def rowCount(self) -> int:  # noqa: N802 - as QTableWidget, for callers and tests
        return self.signals_model.rowCount()

    def cell_text(self, row: int, column: int) -> str:
        return str(self.signals_model.index(row, column).data() or "")

    def retranslate(self) -> None:
        if self.compact:
            keys = ["signals.col.title", "signals.col.due", "signals.col.state"]
        else:
            keys = ["signals.col.due", "signals.col.state", "signals.col.org", "signals.col.owner"]
            if self.with_address:
                keys.append("signals.col.address")
            keys.append("signals.col.title")
        first = self.signals_model.columnCount() == 0
        self.signals_model.set_headers([tr(k) for k in keys])
        if first:  # each change of a resize mode sizes the columns again: set them once
            self._set_resize_modes(len(keys))
        self.viewport().update()  # the rows' texts in the new language

    def _set_resize_modes(self, columns: int) -> None:
        header = self.horizontalHeader()
        stretch = 0 if self.compact else columns - 1  # what to do takes the room left
        for i in range(columns):
            mode = QHeaderView.ResizeMode
            header.setSectionResizeMode(i, mode.Stretch if i == stretch else mode.ResizeToContents)

    def set_signals(self, signals: list[SignalInfo], today: date) -> None:
        self.signals_model.set_signals(signals, today)
        if self.compact and len(signals) <= SIZE_SAMPLE:
            self.resizeRowsToContents()
        self.itemSelectionChanged.emit()

    def selected(self) -> SignalInfo | None:
        rows = {i.row() for i in self.selectionModel().selectedRows()}
        return self.signals[rows.pop()] if len(rows) == 1 else None

    def _on_selection_changed(self, *_args: object) -> None:
        self.itemSelectionChanged.emit()


def ask_close(
    ctx: AppContext,
    signal: SignalInfo,
    parent: QWidget,
    on_done: Callable[[], None] | None = None,
) -> bool:
    """Ask for the outcome and close the signal (off the GUI thread, then ``on_done``);
    True if the user asked for it."""
    dialog = TextDialog(
        tr("signals.close.title"), tr("signals.close.label"), tr("signals.close.empty"), parent
    )
    dialog.setWindowTitle(f"{tr('signals.close.title')}: {signal.title[:60]}")
    if dialog.exec() != TextDialog.DialogCode.Accepted:
        return False
    outcome, user = dialog.value(), ctx.user.username
    ctx.ops.write(
        lambda uow: close_signal(uow, signal.id, outcome, user),
        dossiers=[signal.dossier_id],
        on_done=lambda _info: on_done() if on_done is not None else None,
        parent=parent,
        title=tr("signals.close.title"),
    )
    return True
