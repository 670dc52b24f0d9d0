"""Answer an information request from the SVIP queue: the answer, or "no data shared" when
the resident gave no consent towards the asker, or IMG's decision on a speed-up request."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import Organisation
from buddy_desk.i18n import tr
from buddy_desk.signals.rules import RequestKind
from buddy_desk.signals.service import RequestInfo
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


@dataclass(frozen=True, slots=True)
class AnswerChoice:
    answer: str
    without_data: bool
    prioritise: bool | None


class AnswerDialog(FittedDialog):
    def __init__(self, request: RequestInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("svipAnswerDialog")
        self.setWindowTitle(tr("svip.answer.title", id=request.id))
        self.setMinimumWidth(text_size.scaled(480))
        layout = QVBoxLayout(self)
        question = QLabel(
            tr(
                "svip.answer.question",
                asker=request.from_organisation.value,
                kind=tr(f"svip.kind.{request.kind.value}"),
                question=request.question,
            )
        )
        question.setWordWrap(True)
        layout.addWidget(question)
        self.priority = QComboBox()
        self.priority.setObjectName("svipPriority")
        self.priority.addItem(tr("svip.priority.none"), None)
        self.priority.addItem(tr("svip.priority.yes"), True)
        self.priority.addItem(tr("svip.priority.no"), False)
        speed_up_to_img = (
            request.kind is RequestKind.SPEED_UP and request.to_organisation is Organisation.IMG
        )
        self.priority.setVisible(speed_up_to_img)
        layout.addWidget(self.priority)
        self.text = QPlainTextEdit()
        self.text.setObjectName("svipAnswerText")
        self.text.setPlaceholderText(tr("svip.answer.placeholder"))
        layout.addWidget(self.text, 1)
        self.without_data = QCheckBox(tr("svip.answer.without_data"))
        self.without_data.setObjectName("svipWithoutData")
        layout.addWidget(self.without_data)
        hint = QLabel(tr("svip.answer.consent_hint"))
        hint.setWordWrap(True)
        hint.setProperty("muted", True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.text.textChanged.connect(self._update)
        self.without_data.toggled.connect(self._update)
        self.priority.currentIndexChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        without = self.without_data.isChecked()
        self.text.setEnabled(not without)
        decided = self.priority.currentData() is not None
        if decided:
            self.without_data.setChecked(False)
        self.without_data.setEnabled(not decided)
        self.ok.setEnabled(without or decided or bool(self.text.toPlainText().strip()))

    def value(self) -> AnswerChoice:
        return AnswerChoice(
            "" if self.without_data.isChecked() else self.text.toPlainText().strip(),
            self.without_data.isChecked(),
            self.priority.currentData(),
        )
