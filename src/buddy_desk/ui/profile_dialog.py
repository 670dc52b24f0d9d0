"""First-start (and Bestand → Profiel) dialog: name, organisation, role, own supervisor record."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import Organisation
from buddy_desk.dossiers.profiles import StaffAccount
from buddy_desk.i18n import tr
from buddy_desk.ui.context import UserProfile
from buddy_desk.ui.profile import ROLES, guest_profile, role_text, slug
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


class ProfileDialog(FittedDialog):
    def __init__(
        self,
        accounts: list[StaffAccount],
        current: UserProfile | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("ui.profile.title"))
        self.setMinimumWidth(text_size.scaled(440))
        self._accounts = accounts
        self._current = current
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        intro = QLabel(tr("ui.profile.intro"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        form.setSpacing(8)
        self.name = QLineEdit()
        self.name.setMaxLength(120)
        self.organisation = QComboBox()
        for org in Organisation:
            self.organisation.addItem(tr(f"org.{org.value}"), org.value)
        self.role = QComboBox()
        self.link = QComboBox()
        form.addRow(tr("ui.profile.name"), self.name)
        form.addRow(tr("ui.profile.organisation"), self.organisation)
        form.addRow(tr("ui.profile.role"), self.role)
        form.addRow(tr("ui.profile.link"), self.link)
        layout.addLayout(form)
        hint = QLabel(tr("ui.profile.link_hint"))
        hint.setWordWrap(True)
        hint.setProperty("muted", True)
        layout.addWidget(hint)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.organisation.currentIndexChanged.connect(self._on_organisation_changed)
        self.link.currentIndexChanged.connect(self._on_link_changed)
        self.name.textChanged.connect(self._update_ok)
        if current is not None:
            self.name.setText(current.display_name if current.organisation else "")
            if current.organisation:
                self.organisation.setCurrentIndex(
                    max(self.organisation.findData(current.organisation), 0)
                )
        self._on_organisation_changed()
        if current is not None:
            self.role.setCurrentIndex(max(self.role.findData(current.role), 0))
            if current.supervisor_id is not None:
                self.link.setCurrentIndex(max(self.link.findData(current.supervisor_id), 0))
        self._update_ok()

    def _on_organisation_changed(self, *_args: object) -> None:
        org = self.organisation.currentData()
        role = self.role.currentData()
        self.role.blockSignals(True)
        self.role.clear()
        for r in ROLES:
            self.role.addItem(role_text(org, r), r)
        self.role.setCurrentIndex(max(self.role.findData(role), 0))
        self.role.blockSignals(False)
        self.link.blockSignals(True)
        self.link.clear()
        self.link.addItem(tr("ui.profile.no_link"), None)
        for account in self._accounts:
            if account.supervisor.organisation.value == org:
                self.link.addItem(account.supervisor.naam, account.supervisor.id)
        self.link.blockSignals(False)

    def _on_link_changed(self, *_args: object) -> None:
        sup_id = self.link.currentData()
        for account in self._accounts:
            if account.supervisor.id == sup_id:
                self.name.setText(account.supervisor.naam)
                role = "coordinator" if account.supervisor.role == "coordinator" else "supervisor"
                self.role.setCurrentIndex(max(self.role.findData(role), 0))

    def _update_ok(self, *_args: object) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.name.text().strip()))

    def result_profile(self) -> UserProfile:
        sup_id = self.link.currentData()
        username = None
        for account in self._accounts:
            if account.supervisor.id == sup_id:
                username = account.username
        if username is None:
            base = self._current.username if self._current else guest_profile().username
            username = base or slug(self.name.text())
        return UserProfile(
            username=username,
            display_name=self.name.text().strip(),
            organisation=self.organisation.currentData(),
            role=self.role.currentData(),
            supervisor_id=sup_id if isinstance(sup_id, int) else None,
        )


def ask_profile(
    accounts: list[StaffAccount], current: UserProfile | None, parent: QWidget | None = None
) -> UserProfile | None:
    """Show the dialog; the chosen profile, or None when cancelled."""
    dialog = ProfileDialog(accounts, current, parent)
    if dialog.exec() == QDialog.DialogCode.Accepted:
        return dialog.result_profile()
    return None
