"""Small dialogs for planning: move (new start, reason, optionally other experts), cancel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from buddy_desk.domain.inspection import VisitKind
from buddy_desk.domain.phases import Organisation
from buddy_desk.i18n import tr
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.info import AppointmentInfo, ExpertInfo


@dataclass(frozen=True)
class MoveRequest:
    start: datetime
    reason: str
    experts: dict[VisitKind, int]


class MoveDialog(QDialog):
    def __init__(
        self, appointment: AppointmentInfo, experts: list[ExpertInfo], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("planning.move.title"))
        self.appointment = appointment
        form = QFormLayout(self)
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
                if _fits(e, visit.kind):
                    box.addItem(e.label, e.id)
            box.setCurrentIndex(max(box.findData(visit.expert_id), 0))
            self.expert_boxes[visit.kind] = box
            form.addRow(tr(f"planning.kind_short.{visit.kind.value}").capitalize(), box)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(tr("planning.move.reason_hint"))
        form.addRow(tr("planning.reason"), self.reason)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_buttons_accepted(self) -> None:
        if not self.reason.text().strip():
            self.error.setText(tr("planning.move.reason_needed"))
            return
        self.accept()

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


def _fits(expert: ExpertInfo, kind: VisitKind) -> bool:
    if kind is VisitKind.COMBINED:
        return expert.dual_qualified
    wanted = Organisation.IMG if kind is VisitKind.DAMAGE else Organisation.NCG
    return expert.organisation is wanted


class CancelDialog(QDialog):
    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("planning.cancel.title"))
        form = QFormLayout(self)
        form.addRow(QLabel(tr("planning.cancel.text")))
        self.reason = QLineEdit()
        form.addRow(tr("planning.reason"), self.reason)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318")
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _on_buttons_accepted(self) -> None:
        if not self.reason.text().strip():
            self.error.setText(tr("planning.move.reason_needed"))
            return
        self.accept()
