"""What the Signalen workspace and the dossier's Signalen tab share: the signals table and the
actions on a selected signal."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.signals.service import SignalInfo, close_signal
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_short_date
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.signals.dialogs import TextDialog

OVERDUE = QColor("#b42318")
DONE = QColor("#667085")


def _cell(text: str, tooltip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tooltip:
        item.setToolTip(tooltip)
    return item


class SignalsTable(QTableWidget):
    """Due date, state, organisation, owner, address and what to do; or, ``compact`` for the
    narrow dossier tab, what to do (wrapped) with due date and state, the rest in a tooltip."""

    def __init__(self, with_address: bool, parent: QWidget | None = None) -> None:
        super().__init__(0, 6 if with_address else 3, parent)
        self.with_address = with_address
        self.compact = not with_address
        self.signals: list[SignalInfo] = []
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.retranslate()

    def retranslate(self) -> None:
        if self.compact:
            self.setHorizontalHeaderLabels(
                [tr("signals.col.title"), tr("signals.col.due"), tr("signals.col.state")]
            )
            self.setWordWrap(True)
            header = self.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
            return
        keys = ["signals.col.due", "signals.col.state", "signals.col.org", "signals.col.owner"]
        if self.with_address:
            keys.append("signals.col.address")
        keys.append("signals.col.title")
        self.setHorizontalHeaderLabels([tr(k) for k in keys])
        header = self.horizontalHeader()
        for i in range(len(keys) - 1):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(keys) - 1, QHeaderView.ResizeMode.Stretch)

    def set_signals(self, signals: list[SignalInfo], today: date) -> None:
        self.signals = signals
        self.setRowCount(len(signals))
        for row, s in enumerate(signals):
            state = tr("signals.state.open") if s.is_open else tr("signals.state.done")
            if s.overdue(today):
                state = tr("signals.state.overdue")
            tip = s.detail or ""
            if s.outcome:
                tip = f"{tip}\n\n{tr('signals.outcome')}: {s.outcome}".strip()
            if self.compact:
                who = f"{s.organisation.value} · {s.owner_name or '—'}"
                cells = [
                    _cell(s.title, f"{who}\n\n{tip}".strip()),
                    _cell(format_short_date(s.due)),
                    _cell(state),
                ]
            else:
                cells = [
                    _cell(format_short_date(s.due)),
                    _cell(state),
                    _cell(s.organisation.value),
                    _cell(s.owner_name or "—"),
                    _cell(s.address),
                    _cell(s.title, tip or None),
                ]
            # overdue: only the date and state in red (a red table reads as an alarm);
            # done: the whole row muted
            overdue = s.overdue(today)
            red = {1, 2} if self.compact else {0, 1}
            for col, item in enumerate(cells):
                if overdue and col in red:
                    item.setForeground(QBrush(OVERDUE))
                elif not s.is_open:
                    item.setForeground(QBrush(DONE))
                self.setItem(row, col, item)
        if self.compact:
            self.resizeRowsToContents()

    def selected(self) -> SignalInfo | None:
        rows = {i.row() for i in self.selectedIndexes()}
        return self.signals[rows.pop()] if len(rows) == 1 else None


def ask_close(ctx: AppContext, signal: SignalInfo, parent: QWidget) -> bool:
    """Ask for the outcome and close the signal; True if it was closed."""
    dialog = TextDialog(
        tr("signals.close.title"), tr("signals.close.label"), tr("signals.close.empty"), parent
    )
    dialog.setWindowTitle(f"{tr('signals.close.title')}: {signal.title[:60]}")
    if dialog.exec() != TextDialog.DialogCode.Accepted:
        return False
    try:
        close_signal(ctx.new_uow(), signal.id, dialog.value(), ctx.user.username)
    except BuddyDeskError as exc:
        show_error(parent, tr("signals.close.title"), str(exc))
        return False
    ctx.events.dossier_changed.emit(signal.dossier_id)
    return True
