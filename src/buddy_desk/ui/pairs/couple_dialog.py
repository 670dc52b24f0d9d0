"""Couple or re-couple: choose the zaakbegeleider and/or bewonersbegeleider and say why."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import SupervisorInfo
from buddy_desk.i18n import tr
from buddy_desk.pairs.rules import COORDINATOR_ROLE, clean_reason
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


@dataclass(frozen=True, slots=True)
class CoupleChoice:
    img_id: int | None  # None: keep each dossier's zaakbegeleider
    ncg_id: int | None
    reason: str


class CoupleDialog(FittedDialog):
    def __init__(
        self,
        supervisors: list[SupervisorInfo],
        dossiers: int,
        *,
        img_id: int | None = None,
        ncg_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("coupleDialog")
        self.setWindowTitle(tr("pairs.couple.title"))
        self.setMinimumWidth(text_size.scaled(460))
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr("pairs.couple.intro.one") if dossiers == 1 else tr("pairs.couple.intro", n=dossiers)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.img = self._combo(supervisors, Organisation.IMG, img_id)
        self.ncg = self._combo(supervisors, Organisation.NCG, ncg_id)
        self.reason = QLineEdit()
        self.reason.setObjectName("coupleReason")
        self.reason.setPlaceholderText(tr("pairs.couple.reason.placeholder"))
        form.addRow(tr("role.zaakbegeleider").capitalize(), self.img)
        form.addRow(tr("role.bewonersbegeleider").capitalize(), self.ncg)
        form.addRow(tr("pairs.couple.reason"), self.reason)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("pairs.couple.ok"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for combo in (self.img, self.ncg):
            combo.currentIndexChanged.connect(self._update)
        self.reason.textChanged.connect(self._update)
        self._update()

    def _combo(
        self, supervisors: list[SupervisorInfo], org: Organisation, current: int | None
    ) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"couple{org.value}")
        combo.addItem(tr("pairs.couple.keep"), None)
        for s in supervisors:
            if s.organisation is org and s.role != COORDINATOR_ROLE:
                combo.addItem(s.naam, s.id)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        return combo

    def _update(self) -> None:
        chosen = self.img.currentData() is not None or self.ncg.currentData() is not None
        self.ok.setEnabled(chosen and clean_reason(self.reason.text()) is not None)

    def value(self) -> CoupleChoice:
        return CoupleChoice(
            self.img.currentData(), self.ncg.currentData(), clean_reason(self.reason.text()) or ""
        )
