"""Record a contact attempt at an address of the proactive list: how, when, what came of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.i18n import tr
from buddy_desk.outreach.rules import ContactChannel, ContactOutcome
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


@dataclass(frozen=True, slots=True)
class ContactChoice:
    channel: ContactChannel
    outcome: ContactOutcome
    on: date
    note: str


class ContactDialog(FittedDialog):
    def __init__(self, address: str, today: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outreachContactDialog")
        self.setWindowTitle(tr("outreach.contact.title", address=address))
        self.setMinimumWidth(text_size.scaled(440))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.channel = QComboBox()
        for c in ContactChannel:
            self.channel.addItem(tr(f"outreach.channel.{c.value}"), c)
        self.channel.setCurrentIndex(self.channel.findData(ContactChannel.PHONE))
        self.outcome = QComboBox()
        self.outcome.setObjectName("outreachOutcome")
        for o in ContactOutcome:
            self.outcome.addItem(tr(f"outreach.outcome.{o.value}"), o)
        self.outcome.setCurrentIndex(self.outcome.findData(ContactOutcome.NO_ANSWER))
        self.on = QDateEdit(QDate(today.year, today.month, today.day))
        self.on.setCalendarPopup(True)
        self.on.setMaximumDate(QDate(today.year, today.month, today.day))
        self.on.setDisplayFormat("dd-MM-yyyy")
        self.note = QLineEdit()
        self.note.setPlaceholderText(tr("outreach.contact.note.placeholder"))
        form.addRow(tr("outreach.contact.channel"), self.channel)
        form.addRow(tr("outreach.contact.outcome"), self.outcome)
        form.addRow(tr("outreach.contact.date"), self.on)
        form.addRow(tr("outreach.contact.note"), self.note)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def value(self) -> ContactChoice:
        d = self.on.date()
        return ContactChoice(
            self.channel.currentData(),
            self.outcome.currentData(),
            date(d.year(), d.month(), d.day()),
            self.note.text(),
        )
