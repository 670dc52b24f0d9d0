"""Top of a dossier: the address, the resident(s), the flags and the buddy pair."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import DossierDetail, SupervisorInfo
from buddy_desk.i18n import tr
from buddy_desk.ui.style import ORG_COLOURS, sorted_flags
from buddy_desk.ui.widgets.cards import Card, clear_layout, label, section_title
from buddy_desk.ui.widgets.chips import FlagChipRow


def _contact_line(phone: str | None, email: str | None) -> str:
    return "   ·   ".join(p for p in (phone, email) if p)


class DossierHeader(Card):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.body.addLayout(row)
        self.row = row  # the buddy pair goes below the address when the text is large

        left = QVBoxLayout()
        left.setSpacing(4)
        self.address = label(bold=True, size=16, selectable=True)
        self.address.setObjectName("dossierAddress")
        self.place = label(muted=True, selectable=True)
        self.title_row = QHBoxLayout()
        self.title_row.addWidget(self.address)
        self.title_row.addStretch(1)
        left.addLayout(self.title_row)
        left.addWidget(self.place)
        self.actions_row = QVBoxLayout()
        self.actions_row.setContentsMargins(0, 4, 0, 0)
        left.addLayout(self.actions_row)
        self.residents = QVBoxLayout()
        self.residents.setSpacing(2)
        self.residents.setContentsMargins(0, 6, 0, 0)
        left.addLayout(self.residents)
        self.flags = QVBoxLayout()
        self.flags.setContentsMargins(0, 6, 0, 0)
        left.addLayout(self.flags)
        left.addStretch(1)
        row.addLayout(left, 3)

        self.pair = QGridLayout()
        self.pair.setHorizontalSpacing(18)
        self.pair.setVerticalSpacing(2)
        pair_box = QVBoxLayout()
        pair_box.setSpacing(6)
        self.pair_title = section_title("")
        pair_box.addWidget(self.pair_title)
        pair_box.addLayout(self.pair)
        pair_box.addStretch(1)
        row.addLayout(pair_box, 2)

    def set_narrow(self, narrow: bool) -> None:
        """Buddy pair beside the address (wide) or below it (narrow: large text)."""
        self.row.setDirection(
            QBoxLayout.Direction.TopToBottom if narrow else QBoxLayout.Direction.LeftToRight
        )

    def set_action_bar(self, bar: QWidget) -> None:
        """The dossier's action buttons, on their own line under the address (they wrap)."""
        self.actions_row.addWidget(bar)

    def show_detail(self, d: DossierDetail) -> None:
        self.address.setText(d.address_line)
        place = f"{d.postcode_text}  {d.woonplaats}"
        if d.gemeente and d.gemeente != d.woonplaats:
            place += "   ·   " + tr("ui.dossier.gemeente", gemeente=d.gemeente)
        self.place.setText(place)

        clear_layout(self.residents)
        if not d.residents:
            self.residents.addWidget(label(tr("ui.dossier.no_resident"), muted=True))
        for r in d.residents:
            line = QHBoxLayout()
            line.setSpacing(10)
            line.addWidget(label(r.naam, bold=True, selectable=True))
            role = tr(f"ui.resident.role.{r.roltype}") if r.roltype else ""
            if role:
                line.addWidget(label(role, muted=True))
            contact = _contact_line(r.telefoon, r.email)
            if contact:
                line.addWidget(label(contact, selectable=True))
            line.addStretch(1)
            self.residents.addLayout(line)

        clear_layout(self.flags)
        kinds = sorted_flags({f.kind for f in d.flags})
        if kinds:
            self.flags.addWidget(FlagChipRow(kinds))

        self.pair_title.setText(tr("ui.dossier.buddy_pair").upper())
        clear_layout(self.pair)
        self._supervisor_row(0, Organisation.IMG, d.img_supervisor)
        self._supervisor_row(1, Organisation.NCG, d.ncg_supervisor)

    def _supervisor_row(self, row: int, org: Organisation, sup: SupervisorInfo | None) -> None:
        role = tr("role.zaakbegeleider" if org is Organisation.IMG else "role.bewonersbegeleider")
        tag = label(f"{org.value}", bold=True)
        tag.setStyleSheet(f"color: {ORG_COLOURS[org]};")
        tag.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.pair.addWidget(tag, row, 0)
        box = QVBoxLayout()
        box.setSpacing(0)
        box.setContentsMargins(0, 0, 0, 6)
        if sup is None:
            box.addWidget(
                label(f"{role.capitalize()}: {tr('ui.dossier.no_supervisor')}", muted=True)
            )
        else:
            box.addWidget(label(f"{sup.naam}", bold=True, selectable=True))
            box.addWidget(label(role, muted=True))
            contact = _contact_line(sup.telefoon, sup.email)
            if contact:
                box.addWidget(label(contact, selectable=True))
        self.pair.addLayout(box, row, 1)
        self.pair.setColumnStretch(1, 1)
