"""Small dialogs for signals: add one by hand, close one with its outcome, log an information
request or its answer, record what NCG saw. Each returns typed values and holds no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import Organisation
from buddy_desk.i18n import tr
from buddy_desk.signals.rules import ObservationKind, RequestKind
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class _Form(FittedDialog):
    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(text_size.scaled(480))
        self.layout_ = QVBoxLayout(self)
        self.form = QFormLayout()
        self.layout_.addLayout(self.form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b42318")
        self.error.hide()
        self.layout_.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.layout_.addWidget(self.buttons)

    def problem(self) -> str | None:
        return None

    def _on_buttons_accepted(self) -> None:
        text = self.problem()
        if text:
            self.error.setText(text)
            self.error.show()
            return
        self.accept()


@dataclass(frozen=True)
class NewSignal:
    title: str
    detail: str | None
    organisation: Organisation
    due: date | None


class AddSignalDialog(_Form):
    def __init__(
        self, default_org: Organisation | None, today: date, parent: QWidget | None = None
    ) -> None:
        super().__init__(tr("signals.add.title"), parent)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(200)
        self.form.addRow(tr("signals.add.what"), self.title_edit)
        self.detail = QPlainTextEdit()
        self.detail.setFixedHeight(text_size.scaled(80))
        self.form.addRow(tr("signals.add.detail"), self.detail)
        self.org = QComboBox()
        for org in Organisation:
            self.org.addItem(tr(f"org.{org.value}"), org.value)
        if default_org is not None:
            self.org.setCurrentIndex(self.org.findData(default_org.value))
        self.form.addRow(tr("signals.add.org"), self.org)
        self.has_due = QCheckBox(tr("signals.add.has_due"))
        self.has_due.setChecked(True)
        self.due = QDateEdit(_qdate(today + timedelta(days=14)))
        self.due.setCalendarPopup(True)
        self.due.setAccessibleName(tr("signals.add.has_due"))
        self.due.setDisplayFormat("dd-MM-yyyy")
        self.has_due.toggled.connect(self.due.setEnabled)
        self.form.addRow(self.has_due, self.due)
        self._problem_text = tr("signals.add.empty")

    def problem(self) -> str | None:
        return self._problem_text if not self.title_edit.text().strip() else None

    def value(self) -> NewSignal:
        return NewSignal(
            self.title_edit.text().strip(),
            self.detail.toPlainText().strip() or None,
            Organisation(self.org.currentData()),
            _pydate(self.due.date()) if self.has_due.isChecked() else None,
        )


class TextDialog(_Form):
    """One required text: the outcome of a signal, or the answer to a request."""

    def __init__(self, title: str, label: str, empty: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.text = QPlainTextEdit()
        self.text.setFixedHeight(text_size.scaled(110))
        self.form.addRow(label, self.text)
        self._empty = empty

    def problem(self) -> str | None:
        return self._empty if not self.text.toPlainText().strip() else None

    def value(self) -> str:
        return self.text.toPlainText().strip()


@dataclass(frozen=True)
class NewRequest:
    kind: RequestKind
    from_organisation: Organisation
    question: str


class RequestDialog(_Form):
    def __init__(self, default_org: Organisation | None, parent: QWidget | None = None) -> None:
        super().__init__(tr("requests.add.title"), parent)
        self.kind = QComboBox()
        for kind in RequestKind:
            self.kind.addItem(tr(f"requests.kind.{kind.value}"), kind.value)
        self.form.addRow(tr("requests.add.kind"), self.kind)
        self.org = QComboBox()
        for org in Organisation:
            self.org.addItem(
                tr("requests.direction", src=org.value, dst=org.other.value), org.value
            )
        if default_org is not None:
            self.org.setCurrentIndex(self.org.findData(default_org.value))
        self.form.addRow(tr("requests.add.from"), self.org)
        self.question = QPlainTextEdit()
        self.question.setFixedHeight(text_size.scaled(90))
        self.form.addRow(tr("requests.add.question"), self.question)
        self._empty = tr("requests.add.empty")

    def problem(self) -> str | None:
        return self._empty if not self.question.toPlainText().strip() else None

    def value(self) -> NewRequest:
        return NewRequest(
            RequestKind(self.kind.currentData()),
            Organisation(self.org.currentData()),
            self.question.toPlainText().strip(),
        )


@dataclass(frozen=True)
class NewObservation:
    kind: ObservationKind
    datum: date
    bedrag: Decimal | None
    note: str | None


class ObservationDialog(_Form):
    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(tr("observation.title"), parent)
        self.kind = QComboBox()
        for kind in ObservationKind:
            self.kind.addItem(tr(f"observation.kind.{kind.value}"), kind.value)
        self.form.addRow(tr("observation.kind"), self.kind)
        self.datum = QDateEdit(_qdate(today))
        self.datum.setCalendarPopup(True)
        self.datum.setDisplayFormat("dd-MM-yyyy")
        self.form.addRow(tr("observation.date"), self.datum)
        self.bedrag = QDoubleSpinBox()
        self.bedrag.setRange(0, 1_000_000)
        self.bedrag.setDecimals(2)
        self.bedrag.setPrefix("€ ")
        self.bedrag.setGroupSeparatorShown(True)
        self.form.addRow(tr("observation.amount"), self.bedrag)
        self.note = QLineEdit()
        self.form.addRow(tr("observation.note"), self.note)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self._on_kind_changed()

    def _on_kind_changed(self) -> None:
        self.bedrag.setEnabled(self.kind.currentData() == ObservationKind.HIDDEN_DAMAGE.value)

    def value(self) -> NewObservation:
        kind = ObservationKind(self.kind.currentData())
        amount = (
            Decimal(str(round(self.bedrag.value(), 2)))
            if kind is ObservationKind.HIDDEN_DAMAGE
            else None
        )
        return NewObservation(kind, _pydate(self.datum.date()), amount, self.note.text() or None)
