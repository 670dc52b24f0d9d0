"""The collaboration group (A–F) with its plain-language meaning, and what to do together."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from buddy_desk.choices.rules import NOT_DECIDED, DocumentCategory, options_label
from buddy_desk.core.collaboration import GROUP_MEANINGS
from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import DossierDetail
from buddy_desk.dossiers.next_steps import group_meaning, joint_actions
from buddy_desk.i18n import tr
from buddy_desk.ui.dossiers.decisions import Decisions
from buddy_desk.ui.style import FAINT, group_colour
from buddy_desk.ui.widgets.cards import Card, clear_layout, label, section_title
from buddy_desk.ui.widgets.chips import GroupLetter


class CollaborationCard(Card):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout()
        row.setSpacing(14)
        self.letter = GroupLetter(52)
        row.addWidget(self.letter, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        text.setSpacing(3)
        self.title = label(bold=True, size=12)
        self.title.setObjectName("groupTitle")
        self.pill = label(object_name="potentialPill")
        title_row = QHBoxLayout()
        title_row.setSpacing(10)
        title_row.addWidget(self.title)
        title_row.addWidget(self.pill)
        title_row.addStretch(1)
        self.meaning = label(wrap=True)
        self.meaning.setObjectName("groupMeaning")
        text.addLayout(title_row)
        text.addWidget(self.meaning)
        row.addLayout(text, 1)
        self.body.addLayout(row)
        self.actions_title = section_title("")
        self.body.addWidget(self.actions_title)
        self.steps = QVBoxLayout()
        self.steps.setSpacing(4)
        self.body.addLayout(self.steps)

    def show_detail(self, d: DossierDetail, decisions: Decisions | None = None) -> None:
        group = d.group
        if group is None:
            self.letter.set_group(None, FAINT)
            options = options_label(getattr(d, "group_options", frozenset()))
            if options:  # consent gate: known only as one of these groups
                self.title.setText(tr("group.label", group=options))
            else:
                self.title.setText(tr("ui.dossier.group.none_title"))
            self.title.setStyleSheet("")
            self.pill.hide()
        else:
            colour = group_colour(group)
            self.letter.set_group(group, colour)
            self.title.setText(tr("group.label", group=group.value))
            self.title.setStyleSheet(f"color: {colour};")
            self.pill.setText(
                tr(
                    "ui.dossier.group.potential",
                    potential=tr(f"potential.{GROUP_MEANINGS[group].potential.value}"),
                )
            )
            self.pill.setStyleSheet(f"color: white; background: {colour};")
            self.pill.show()
        img = d.current_img_case
        img_phase = img.img_phase if img else None
        self.meaning.setText(
            " ".join(tr(s.key) for s in group_meaning(group, img_phase))
            if group
            else self._why_no_group(d)
        )
        clear_layout(self.steps)
        steps = joint_actions(
            group,
            img_phase,
            d.ncg_case.ncg_status if d.ncg_case else None,
            frozenset(f.kind for f in d.flags),
            decisions.choices if decisions else NOT_DECIDED,
            decisions.joint_booked_text if decisions else None,
        )
        if _hidden_sides(d):  # consent gate: steps would misread the hidden side
            steps = []
        self.actions_title.setText(tr("ui.dossier.joint").upper())
        self.actions_title.setVisible(bool(steps))
        for step in steps:
            line = QHBoxLayout()
            line.setSpacing(8)
            bullet = label("→", muted=True)
            bullet.setAlignment(Qt.AlignmentFlag.AlignTop)
            line.addWidget(bullet)
            line.addWidget(label(tr(step.key, **step.kwargs()), wrap=True), 1)
            self.steps.addLayout(line)

    @staticmethod
    def _why_no_group(d: DossierDetail) -> str:
        options = options_label(getattr(d, "group_options", frozenset()))
        if options:  # consent gate: only known as one of these groups
            return tr("consent.gate.group_options", groups=options)
        if hidden := _hidden_sides(d):  # consent gate: the other side is hidden
            return tr("consent.withheld.group", org=hidden[0].value)
        img = d.current_img_case
        img_running = img is not None and img.running
        ncg_running = d.ncg_case is not None and d.ncg_case.running
        if not img_running and not ncg_running:
            return tr("ui.dossier.group.why_neither")
        if not img_running:
            return tr("ui.dossier.group.why_no_img")
        return tr("ui.dossier.group.why_no_ncg")


def _hidden_sides(d: DossierDetail) -> list[Organisation]:
    """Organisations whose case the consent gate left out (no *zaakgegevens* shown)."""
    return [
        w.organisation
        for w in getattr(d, "withheld", ())
        if DocumentCategory.CASE_DETAILS in w.categories
    ]
