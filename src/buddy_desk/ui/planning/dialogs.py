"""Small dialogs for planning: move (new start, reason, optionally other experts), cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from buddy_desk.core.inspection import VisitKind, qualified_for
from buddy_desk.i18n import tr
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.info import AppointmentInfo, ExpertInfo
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


@dataclass(frozen=True)
class MoveRequest:
    start: datetime
    reason: str
    experts: dict[VisitKind, int]


class _ReasonDialog(FittedDialog):
    """A form that cannot be confirmed without a reason (moves and cancellations are logged)."""

    def __init__(self, title_key: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr(title_key))
        self.form = QFormLayout(self)
        self.reason = QLineEdit()

    def _finish_form(self) -> None:
        self.form.addRow(tr("planning.reason"), self.reason)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318")
        self.form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        self.form.addRow(buttons)

    def _on_buttons_accepted(self) -> None:
        if not self.reason.text().strip():
            self.error.setText(tr("planning.move.reason_needed"))
            return
        self.accept()


class MoveDialog(_ReasonDialog):
    def __init__(
        self, appointment: AppointmentInfo, experts: list[ExpertInfo], parent: QWidget | None
    ) -> None:
        super().__init__("planning.move.title", parent)
        self.appointment = appointment
        form = self.form
        start = appointment.start.astimezone(AMSTERDAM)
        self.when = QDateTimeEdit(
            QDateTime(start.year, start.month, start.day, start.hour, start.minute, 0)
        )
        self.when.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.when.setCalendarPopup(True)
        form.addRow(tr("planning.move.start"), self.when)
        self.expert_boxes: dict[VisitKind, QComboBox] = {}
        for visit in appointment.visits:
            box = QComboBox()
            for e in experts:
                if qualified_for(e.organisation, e.dual_qualified, visit.kind):
                    box.addItem(e.label, e.id)
            box.setCurrentIndex(max(box.findData(visit.expert_id), 0))
            self.expert_boxes[visit.kind] = box
            form.addRow(tr(f"planning.kind_short.{visit.kind.value}").capitalize(), box)
        self.reason.setPlaceholderText(tr("planning.move.reason_hint"))
        self._finish_form()

    def result_value(self) -> MoveRequest:
        q = self.when.dateTime()
        d, t = q.date(), q.time()
        start = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=AMSTERDAM)
        changed = {
            kind: int(box.currentData())
            for kind, box in self.expert_boxes.items()
            if box.currentData() is not None
        }
        originals = {v.kind: v.expert_id for v in self.appointment.visits}
        experts = {k: v for k, v in changed.items() if originals.get(k) != v}
        return MoveRequest(start, self.reason.text().strip(), experts)


class CancelDialog(_ReasonDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__("planning.cancel.title", parent)
        self.form.addRow(QLabel(tr("planning.cancel.text")))
        self._finish_form()


class OverrideDialog(_ReasonDialog):
    """Booking contradicts the resident's recorded choice: book anyway only with a reason,
    which is recorded on the booking and in the dossier's timeline."""

    def __init__(self, conflict: str, parent: QWidget | None) -> None:
        super().__init__("planning.override.title", parent)
        self.setObjectName("overrideDialog")
        text = QLabel(tr("planning.override.ask", conflict=conflict))
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason.setPlaceholderText(tr("planning.override.reason_hint"))
        self._finish_form()
        buttons = self.findChild(QDialogButtonBox)
        assert buttons is not None  # made by _finish_form
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("planning.override.book"))
        self.setMinimumWidth(text_size.scaled(520))


class MoveExistingDialog(FittedDialog):
    """The dossier already has a joint appointment: move it to the chosen option instead."""

    def __init__(self, existing: AppointmentInfo, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("moveExistingDialog")
        self.setWindowTitle(tr("planning.already_booked.move"))
        form = QFormLayout(self)
        when = f"{tr(f'planning.form.{existing.form.value}')}, " + existing.local_start.strftime(
            "%d-%m-%Y %H:%M"
        )
        text = QLabel(tr("planning.already_booked.ask", when=when))
        text.setWordWrap(True)
        form.addRow(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.move_button = buttons.addButton(
            tr("planning.already_booked.move"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class QueueAddDialog(_ReasonDialog):
    """A buddy adds a dossier outside group B to the joint-inspection queue, with a reason."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__("planning.queue_add.title", parent)
        self.setObjectName("queueAddDialog")
        text = QLabel(tr("planning.queue_add.text"))
        text.setWordWrap(True)
        self.form.addRow(text)
        self.reason.setPlaceholderText(tr("planning.queue_add.hint"))
        self._finish_form()
