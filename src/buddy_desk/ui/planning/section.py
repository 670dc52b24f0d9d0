"""The dossier's Afspraken tab: its inspection appointments, with move, cancel and output."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.inspection import AppointmentState
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.formatting import clock
from buddy_desk.planning.info import AppointmentInfo, PreferenceInfo
from buddy_desk.planning.service import booking as svc
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_day
from buddy_desk.ui.operations import failure_text
from buddy_desk.ui.planning.actions import ask_export, cancel_appointment, move_appointment
from buddy_desk.ui.style import MUTED
from buddy_desk.ui.widgets import accessible
from buddy_desk.ui.widgets.flow import FlowLayout
from buddy_desk.ui.widgets.language import follow_language

STATE_COLUMN = 1


class AppointmentsSection(QWidget):
    loaded = Signal(int)
    """The appointments were (re)loaded; arg: how many."""

    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_id = dossier_id
        self.appointments: list[AppointmentInfo] = []
        layout = QVBoxLayout(self)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        # the state sits beside the date: in the narrow dossier pane the last columns scroll
        # out of sight, and whether an appointment still stands is what a buddy looks for
        self.table = QTableWidget(0, 5)
        accessible.name(self.table, "kitchen.a11y.appointments")
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        layout.addWidget(self.table, 1)
        # the buttons wrap onto a second line in a narrow pane instead of being cut off
        buttons = QWidget()
        row = FlowLayout(buttons)
        self.queue_button = QPushButton()
        self.queue_button.clicked.connect(self._on_queue_button_clicked)
        row.addWidget(self.queue_button)
        self.move_button = QPushButton()
        self.cancel_button = QPushButton()
        self.export_button = QPushButton()
        for b in (self.move_button, self.cancel_button, self.export_button):
            b.setEnabled(False)
            row.addWidget(b)
        self.move_button.clicked.connect(self._on_move_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        layout.addWidget(buttons)
        ctx.events.dossier_changed.connect(self._on_dossier_changed)
        self._preference: PreferenceInfo | None = None
        self._failure: str | None = None
        # redone from what was read: a switch must not rebuild the tab or read it again
        follow_language(self, ctx.events.language_changed, self.retranslate)
        self._retranslate_fixed()
        self.reload()

    def retranslate(self) -> None:
        self._retranslate_fixed()
        self._show()

    def _retranslate_fixed(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                tr("planning.col.when"),
                tr("planning.col.state"),
                tr("planning.form"),
                tr("planning.col.experts"),
                tr("planning.col.history"),
            ]
        )
        self.queue_button.setText(tr("planning.queue_add.action"))
        self.queue_button.setToolTip(tr("planning.queue_add.text"))
        self.move_button.setText(tr("planning.action.move"))
        self.cancel_button.setText(tr("planning.action.cancel"))
        self.export_button.setText(tr("planning.export"))

    def _on_queue_button_clicked(self) -> None:
        """A buddy adds this dossier (outside group B) to the joint-inspection queue."""
        from buddy_desk.ui.planning.dialogs import QueueAddDialog

        dialog = QueueAddDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        dossier_id, reason, user = self.dossier_id, dialog.reason.text(), self.ctx.user.username
        self.ctx.ops.write(
            lambda uow: svc.add_to_queue(uow, dossier_id, reason, user=user),
            dossiers=[dossier_id],
            parent=self,
            title=tr("planning.queue_add.title"),
        )

    def _on_dossier_changed(self, dossier_id: int) -> None:
        if dossier_id == self.dossier_id:
            self.reload()

    def reload(self) -> None:
        """Read the appointments anew off the GUI thread (of a burst, the newest is shown)."""
        dossier_id, new_uow = self.dossier_id, self.ctx.new_uow

        def read(uow: UnitOfWork) -> tuple[list[AppointmentInfo], PreferenceInfo]:
            appointments = svc.dossier_appointments(uow, dossier_id)
            return appointments, svc.get_preference(new_uow(), dossier_id)

        self.ctx.ops.read(
            read,
            on_done=self._on_read,
            on_error=self._on_read_failed,
            parent=self,
            key=self,
            quick=True,
        )

    def _on_read(self, read: tuple[list[AppointmentInfo], PreferenceInfo]) -> None:
        self.appointments, self._preference = read
        self._failure = None
        self._show()
        self.loaded.emit(len(self.appointments))

    def _on_read_failed(self, exc: BaseException) -> None:
        self._failure = failure_text(exc)
        self._show()

    def _show(self) -> None:
        pref = self._preference
        if self._failure is not None or pref is None:
            self.note.setText(self._failure or "")
            return
        parts = []
        if pref.form:
            parts.append(tr("planning.section.form", form=tr(f"planning.form.{pref.form.value}")))
        if pref.no_joint_reason:
            parts.append(tr("planning.section.no_joint", reason=pref.no_joint_reason))
        if not self.appointments:
            parts.append(tr("planning.section.none"))
        self.note.setText("\n".join(parts))
        self.table.setRowCount(len(self.appointments))
        for r, a in enumerate(self.appointments):
            start = a.local_start
            history = "; ".join(
                f"{tr('planning.change.' + c.action)}" + (f": {c.reason}" if c.reason else "")
                for c in a.changes
            )
            cells = [
                f"{format_day(start.date())} {clock(a.start)}–{clock(a.end)}",
                tr(f"planning.state.{a.state.value}"),
                tr(f"planning.form.{a.form.value}"),
                ", ".join(v.expert_name for v in a.visits),
                history,
            ]
            active = a.state is AppointmentState.BOOKED
            cancelled = a.state is AppointmentState.CANCELLED
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not active:
                    # a cancelled (or past) appointment must not look like one that stands
                    font = item.font()
                    font.setStrikeOut(cancelled and c != STATE_COLUMN)
                    font.setItalic(cancelled)
                    item.setFont(font)
                    item.setForeground(QColor(MUTED))
                elif c == STATE_COLUMN:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()
        self._on_table_selection_changed()

    def selected(self) -> AppointmentInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.appointments[rows[0].row()] if rows else None

    def _on_table_selection_changed(self) -> None:
        a = self.selected()
        booked = a is not None and a.state is AppointmentState.BOOKED
        self.move_button.setEnabled(booked)
        self.cancel_button.setEnabled(booked)
        self.export_button.setEnabled(a is not None)

    def _on_move_clicked(self) -> None:
        a = self.selected()
        if a is not None:
            move_appointment(self.ctx, a.id, self)

    def _on_cancel_clicked(self) -> None:
        a = self.selected()
        if a is not None:
            cancel_appointment(self.ctx, a.id, self)

    def _on_export_clicked(self) -> None:
        a = self.selected()
        if a is not None:
            ask_export(self.ctx, [a.id], self)
