"""One organisation's process in the dossier view: phase track, facts, what comes next."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from buddy_desk.choices.rules import DocumentCategory, WithholdReason
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.core.summaries import CaseInfo, DossierDetail
from buddy_desk.dossiers.next_steps import next_img_step, next_ncg_step
from buddy_desk.i18n import tr, trn
from buddy_desk.ui.formatting import format_amount, format_date
from buddy_desk.ui.style import ORG_COLOURS, ORG_TINTS
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.cards import Card, clear_layout, label, section_title
from buddy_desk.ui.widgets.phase_track import PhaseTrack, TrackStep


class ProcessCard(Card):
    def __init__(self, org: Organisation, parent: QWidget | None = None) -> None:
        super().__init__(parent, accent=ORG_COLOURS[org])
        self.org = org
        title_row = QHBoxLayout()
        self.title = label(bold=True, size=12)
        self.title.setStyleSheet(f"color: {ORG_COLOURS[org]};")
        self.case_id = label(muted=True, selectable=True)
        self.case_id.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        title_row.addWidget(self.title)
        title_row.addStretch(1)
        title_row.addWidget(self.case_id)
        self.body.addLayout(title_row)
        self.status = label(bold=True, wrap=True)
        self._status_font = QFont(self.status.font())
        self.body.addWidget(self.status)
        self.track = PhaseTrack(ORG_COLOURS[org])
        self.body.addWidget(self.track)
        self.facts = QVBoxLayout()
        self.facts.setSpacing(3)
        self.body.addLayout(self.facts)
        self.next_box = QFrame()
        self.next_box.setStyleSheet(
            f"QFrame {{ background: {ORG_TINTS[org]}; border-radius: 4px; }}"
        )
        next_layout = QVBoxLayout(self.next_box)
        next_layout.setContentsMargins(10, 8, 10, 8)
        next_layout.setSpacing(3)
        self.next_title = section_title("")
        self.next_text = label(wrap=True)
        next_layout.addWidget(self.next_title)
        next_layout.addWidget(self.next_text)
        self.body.addWidget(self.next_box)
        self.body.addStretch(1)

    def show_detail(self, d: DossierDetail) -> None:
        self.title.setText(tr(f"process.{self.org.value}"))
        self.next_title.setText(tr("ui.dossier.next").upper())
        clear_layout(self.facts)
        mine = [w for w in getattr(d, "withheld", ()) if w.organisation is self.org]
        if mine and DocumentCategory.CASE_DETAILS in mine[0].categories:
            # consent gate (choices.service.consent): a process exists here, details withheld
            reason = mine[0].reason
            text = tr(f"consent.gate.{reason.value}", org=self.org.value)
            if reason in (WithholdReason.NO_CONSENT, WithholdReason.WITHDRAWN):
                text += "\n" + tr("consent.withheld.next")
            self.next_text.setText(text)
            self._show_none("consent.withheld.card")
            return
        if self.org is Organisation.IMG:
            self._show_img(d)
        else:
            self._show_ncg(d)
        if mine:  # some categories are not in the consent: say which, plainly
            labels = ", ".join(tr(f"consent.gate.category.{c.value}") for c in mine[0].categories)
            self._fact(tr("consent.gate.cell"), labels)

    def _fact(self, name: str, value: str) -> None:
        row = QHBoxLayout()
        row.setSpacing(8)
        key = label(name, muted=True)
        key.setMinimumWidth(130)
        key.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        row.addWidget(key)
        val = label(value, wrap=True, selectable=True)
        row.addWidget(val, 1)
        self.facts.addLayout(row)

    def _show_none(self, status_key: str) -> None:
        self.case_id.setText("")
        self.status.setText(tr(status_key))
        self.status.setStyleSheet(
            "color: #5b6573; padding: 14px 0;"
            " border: 1px dashed #c9ced6; border-radius: 4px; qproperty-alignment: AlignCenter;"
        )
        text_size.set_points(self.status, 12, bold=True)
        self.track.hide()

    def _show_img(self, d: DossierDetail) -> None:
        case = d.current_img_case
        decided = case is not None and case.besluitdatum is not None
        step = next_img_step(case.img_phase if case else None, decided=decided)
        self.next_text.setText(tr(step.key))
        if case is None:
            self._show_none("ui.dossier.img.none")
            return
        phase = case.img_phase
        assert phase is not None
        self.status.setStyleSheet("")
        self.status.setFont(self._status_font)
        self.case_id.setText(case.identificatie)
        since = tr("ui.dossier.since", date=format_date(case.status_date))
        self.status.setText(
            tr("ui.dossier.img.settled")
            if not phase.is_running
            else tr("ui.dossier.current_phase", phase=tr(f"img.phase.{phase.value}"))
        )
        self.track.show()
        self.track.set_steps(
            [TrackStep("", tr(f"img.phase.{p.value}")) for p in ImgPhase],
            phase.order,
            finished=not phase.is_running,
            note=since,
        )
        if case.urgent:
            self._fact(tr("ui.dossier.priority"), tr("flag.urgent"))
        if case.startdatum:
            self._fact(tr("ui.dossier.reported_on"), format_date(case.startdatum))
        if case.schadebedrag is not None:
            self._fact(tr("ui.dossier.amount"), format_amount(case.schadebedrag))
        if case.besluitdatum:
            self._fact(tr("ui.dossier.decided_on"), format_date(case.besluitdatum))
        older = d.img_cases[1:]
        if older:
            self.facts.addSpacing(4)
            self.facts.addWidget(
                section_title(
                    trn(
                        "ui.dossier.img.earlier.one",
                        "ui.dossier.img.earlier",
                        len(older),
                        n=len(older),
                    )
                )
            )
            for c in older:
                self.facts.addWidget(label(self._older_line(c), wrap=True, selectable=True))

    @staticmethod
    def _older_line(c: CaseInfo) -> str:
        parts = [c.identificatie, tr(f"img.phase.{c.status}")]
        if c.einddatum or c.status_date:
            parts.append(format_date(c.einddatum or c.status_date))
        if c.schadebedrag is not None:
            parts.append(format_amount(c.schadebedrag))
        return "  ·  ".join(parts)

    def _show_ncg(self, d: DossierDetail) -> None:
        case = d.ncg_case
        status = case.ncg_status if case else None
        self.next_text.setText(tr(next_ncg_step(status).key))
        if case is None or status is None:
            self._show_none("ui.dossier.ncg.none")
            return
        self.status.setStyleSheet("")
        self.status.setFont(self._status_font)
        self.case_id.setText(case.identificatie)
        self.status.setText(
            tr("ui.dossier.ncg.done")
            if not status.is_running
            else tr(
                "ui.dossier.current_status",
                code=status.value,
                status=tr(f"ncg.status.{status.value}"),
            )
        )
        self.track.show()
        self.track.set_steps(
            [TrackStep(s.value, tr(f"ncg.status.{s.value}")) for s in NcgStatus],
            status.order,
            finished=not status.is_running,
            note=tr("ui.dossier.since", date=format_date(case.status_date)),
        )
        if case.startdatum:
            self._fact(tr("ui.dossier.ncg.started"), format_date(case.startdatum))
        if case.advies is not None:
            self._fact(tr("ui.dossier.ncg.advice"), tr(f"advice.{case.advies.value}"))
        if case.bijzondere_situatie:
            self._fact(tr("flag.bijzondere_situatie"), case.bijzondere_situatie)
