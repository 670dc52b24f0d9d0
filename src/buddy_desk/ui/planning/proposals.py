"""Proposals for one dossier: the resident's side, the form, the ranked options compared with
separate inspections, booking, and the note of why a joint inspection was not possible."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.inspection import DayPart, InspectionForm
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.planning.calendar import Proposal
from buddy_desk.planning.formatting import clock
from buddy_desk.planning.info import AppointmentInfo, DossierProposals, PreferenceInfo
from buddy_desk.planning.service import booking as svc
from buddy_desk.planning.slots import PROPOSABLE
from buddy_desk.progress import Progress
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_day, weekday_short
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.operations import show_failure
from buddy_desk.ui.planning.actions import ask_export
from buddy_desk.ui.planning.dialogs import MoveExistingDialog, OverrideDialog
from buddy_desk.ui.widgets import accessible, text_size

log = logging.getLogger(__name__)
PARTS = (DayPart.MORNING, DayPart.AFTERNOON, DayPart.EVENING)


class ProposalPanel(QWidget):
    booked = Signal(int)
    """Appointments were booked for the shown dossier; arg: dossier id."""
    preference_saved = Signal(int)
    """The resident's availability or the no-joint note was saved; arg: dossier id."""
    proposals_shown = Signal()
    """New proposals are on screen (also when there are none)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_id: int | None = None
        self.result: DossierProposals | None = None
        self.last_booked: list[AppointmentInfo] = []
        layout = QVBoxLayout(self)
        self.title = QLabel()
        text_size.set_points(self.title, 11.25, bold=True)
        layout.addWidget(self.title)
        # the resident's side
        box = QGroupBox(tr("planning.resident"))
        grid = QGridLayout(box)
        grid.addWidget(QLabel(tr("planning.days")), 0, 0)
        days_row = QHBoxLayout()
        self.day_boxes = [QCheckBox(weekday_short(d)) for d in range(7)]
        for b in self.day_boxes:
            days_row.addWidget(b)
        days_row.addStretch(1)
        grid.addLayout(days_row, 0, 1)
        grid.addWidget(QLabel(tr("planning.parts")), 1, 0)
        parts_row = QHBoxLayout()
        self.part_boxes = {p: QCheckBox(tr(f"planning.part.{p.value}")) for p in PARTS}
        for b in self.part_boxes.values():
            parts_row.addWidget(b)
        parts_row.addStretch(1)
        grid.addLayout(parts_row, 1, 1)
        grid.addWidget(QLabel(tr("planning.max_people")), 2, 0)
        people_row = QHBoxLayout()
        self.max_people = QSpinBox(minimum=1, maximum=9, value=2)
        people_row.addWidget(self.max_people)
        people_row.addSpacing(16)
        people_row.addWidget(QLabel(tr("planning.chosen_form")))
        self.chosen_form = QComboBox()
        self.chosen_form.addItem("—", None)
        for f in InspectionForm:
            self.chosen_form.addItem(tr(f"planning.form.{f.value}"), f.value)
        people_row.addWidget(self.chosen_form)
        self.form_source = QLabel()
        self.form_source.setProperty("muted", True)
        people_row.addWidget(self.form_source)
        people_row.addStretch(1)
        grid.addLayout(people_row, 2, 1)
        no_joint_label = QLabel(tr("planning.no_joint"))
        grid.addWidget(no_joint_label, 3, 0)
        self.no_joint = QLineEdit()
        no_joint_label.setBuddy(self.no_joint)
        self.no_joint.setPlaceholderText(tr("planning.no_joint_hint"))
        grid.addWidget(self.no_joint, 3, 1)
        self.save_button = QPushButton(tr("planning.save_resident"))
        self.save_button.clicked.connect(self._on_save_clicked)
        grid.addWidget(self.save_button, 4, 1, alignment=Qt.AlignmentFlag.AlignRight)
        layout.addWidget(box)
        # the search
        search_row = QHBoxLayout()
        search_row.addWidget(QLabel(tr("planning.form")))
        self.form = QComboBox()
        for f in PROPOSABLE:
            self.form.addItem(tr(f"planning.form.{f.value}"), f.value)
        search_row.addWidget(self.form)
        self.search_button = QPushButton(tr("planning.search"))
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        search_row.addWidget(self.search_button)
        search_row.addStretch(1)
        layout.addLayout(search_row)
        self.compare = QLabel()
        self.compare.setWordWrap(True)
        layout.addWidget(self.compare)
        self.table = QTableWidget(0, 4)
        accessible.name(self.table, "planning.tab.proposals")
        self.table.setHorizontalHeaderLabels(
            [
                tr("planning.col.when"),
                tr("planning.col.experts"),
                tr("planning.col.wait"),
                tr("planning.col.compare"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # the other headers are never cut off ("Ten opzichte van apart" was, at 1366 px)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.book_selected())
        layout.addWidget(self.table, 1)
        book_row = QHBoxLayout()
        self.status = QLabel()
        self.status.setWordWrap(True)
        book_row.addWidget(self.status, 1)
        self.export_button = QPushButton(tr("planning.export"))
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._on_export_clicked)
        book_row.addWidget(self.export_button)
        self.book_button = QPushButton(tr("planning.book"))
        self.book_button.setEnabled(False)
        self.book_button.clicked.connect(self.book_selected)
        book_row.addWidget(self.book_button)
        layout.addLayout(book_row)
        self.setEnabled(False)

    # -- loading ---------------------------------------------------------------------

    def set_dossier(self, dossier_id: int, title: str) -> None:
        self.dossier_id = dossier_id
        self.title.setText(title)
        self.result = None
        self.last_booked = []
        self.table.setRowCount(0)
        self.compare.clear()
        self.status.clear()
        self.export_button.setEnabled(False)
        self.setEnabled(True)
        try:
            pref = svc.get_preference(self.ctx.new_uow(), dossier_id)
        except BuddyDeskError as exc:
            show_error(self, tr("planning.load_failed"), str(exc))
            return
        self._show_preference(pref)
        if pref.form is not None and pref.form in PROPOSABLE:
            self.form.setCurrentIndex(self.form.findData(pref.form.value))
        self.search()

    def _show_preference(self, pref: PreferenceInfo) -> None:
        for d, b in enumerate(self.day_boxes):
            b.setChecked(d in pref.weekdays)
        for p, b in self.part_boxes.items():
            b.setChecked(p in pref.parts)
        self.max_people.setValue(pref.max_people)
        self.chosen_form.setCurrentIndex(
            max(self.chosen_form.findData(pref.form.value if pref.form else None), 0)
        )
        from_log = pref.form_source == "keuzelog"
        self.chosen_form.setEnabled(not from_log)
        source = tr("planning.from_choice_log") if from_log else ""
        if pref.only_if_no_delay:
            source += " " + tr("planning.only_if_no_delay")
        self.form_source.setText(source.strip())
        self.no_joint.setText(pref.no_joint_reason or "")

    def _on_save_clicked(self) -> None:
        if self.dossier_id is None:
            return
        form_value = self.chosen_form.currentData()
        dossier_id, user = self.dossier_id, self.ctx.user.username
        weekdays = [d for d, b in enumerate(self.day_boxes) if b.isChecked()]
        parts = [p for p, b in self.part_boxes.items() if b.isChecked()]
        max_people, no_joint = self.max_people.value(), self.no_joint.text()
        self.ctx.ops.write(
            lambda uow: svc.save_preference(
                uow,
                dossier_id,
                weekdays=weekdays,
                parts=parts,
                max_people=max_people,
                form=InspectionForm(form_value) if form_value else None,
                no_joint_reason=no_joint,
                user=user,
            ),
            dossiers=[dossier_id],
            on_done=lambda pref: self._on_preference_saved(dossier_id, pref),
            parent=self,
            title=tr("planning.save_failed"),
        )

    def _on_preference_saved(self, dossier_id: int, pref: PreferenceInfo) -> None:
        if dossier_id != self.dossier_id:
            return  # the user moved on to another dossier meanwhile
        self._show_preference(pref)
        self.status.setText(tr("planning.saved"))
        self.preference_saved.emit(dossier_id)
        self.search()

    # -- proposals -------------------------------------------------------------------

    def search(self) -> None:
        if self.dossier_id is None:
            return
        dossier_id = self.dossier_id
        form = InspectionForm(self.form.currentData())
        self.search_button.setEnabled(False)
        self.status.setText(tr("planning.searching"))

        def job(_progress: Progress) -> DossierProposals:
            return svc.propose(self.ctx.new_uow(), dossier_id, form)

        self.ctx.tasks.start(job, on_done=self._on_proposals_done, on_error=self._on_task_failed)

    def _on_task_failed(self, exc: BaseException) -> None:
        self.search_button.setEnabled(True)
        self.status.setText(str(exc) if isinstance(exc, BuddyDeskError) else tr("planning.error"))

    def _on_proposals_done(self, result: DossierProposals) -> None:
        self.search_button.setEnabled(True)
        if result.dossier_id != self.dossier_id:
            return  # the user moved on to another dossier meanwhile
        self.result = result
        found = result.proposals
        d, s = found.separate_damage, found.separate_strengthening
        if d and s:
            self.compare.setText(
                tr(
                    "planning.separate_line",
                    img=format_day(d.day),
                    img_days=found.wait_days(d.day),
                    ncg=format_day(s.day),
                    ncg_days=found.wait_days(s.day),
                )
            )
        else:
            self.compare.setText(tr("planning.compare.none"))
        self.table.setRowCount(len(found.options))
        for row, p in enumerate(found.options):
            when = (
                f"{format_day(p.day)}  {clock(p.start)}–{clock(p.end)}"
                if p.day == p.last_day
                else f"{format_day(p.day)} / {format_day(p.last_day)}"
            )
            experts = ", ".join(
                f"{result.experts[v.expert_id].naam} "
                f"({result.experts[v.expert_id].organisation.value}, {clock(v.start)})"
                for v in p.visits
            )
            ok = found.no_longer_wait(p)
            cells = [
                when,
                experts,
                tr("planning.in_days", days=found.wait_days(p.last_day)),
                tr("planning.no_longer_wait" if ok else "planning.longer_wait"),
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 3:
                    item.setForeground(Qt.GlobalColor.darkGreen if ok else Qt.GlobalColor.darkRed)
                self.table.setItem(row, col, item)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(2)
        self.table.resizeColumnToContents(3)
        if found.options:
            self.table.selectRow(0)
            self.status.setText(tr("planning.found", count=len(found.options)))
        else:
            self.status.setText(found.reason or "")
        self.proposals_shown.emit()

    def _on_table_selection_changed(self) -> None:
        self.book_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    # -- booking ---------------------------------------------------------------------

    def book_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.result is None or self.dossier_id is None:
            return
        self._book(self.dossier_id, self.result.proposals.options[rows[0].row()], None)

    def _book(self, dossier_id: int, proposal: Proposal, override: str | None) -> None:
        user = self.ctx.user.username
        self.book_button.setEnabled(False)  # busy: one booking at a time

        def failed(exc: BaseException) -> None:
            self.book_button.setEnabled(True)
            if isinstance(exc, svc.ChoiceConflictError):
                # the resident chose otherwise: only with a reason that goes into the dossier
                dialog = OverrideDialog(exc.conflict, self)
                if dialog.exec() == QDialog.DialogCode.Accepted:
                    self._book(dossier_id, proposal, dialog.reason.text().strip())
            elif isinstance(exc, svc.AlreadyBookedError):
                self._offer_move(exc.appointment, proposal)
            else:
                show_failure(self, exc, tr("planning.book_failed"))
                self.search()  # the calendars changed: show what is possible now

        self.ctx.ops.write(
            lambda uow: svc.book(uow, dossier_id, proposal, user=user, override_reason=override),
            dossiers=[dossier_id],
            on_done=lambda booked: self._on_booked(dossier_id, proposal, booked),
            on_error=failed,
            parent=self,
        )

    def _on_booked(
        self, dossier_id: int, proposal: Proposal, booked: list[AppointmentInfo]
    ) -> None:
        self.last_booked = booked
        self.export_button.setEnabled(True)
        self.book_button.setEnabled(False)
        self.status.setText(
            tr("planning.booked", when=f"{format_day(proposal.day)} {clock(proposal.start)}")
        )
        self.booked.emit(dossier_id)

    def _offer_move(self, existing: AppointmentInfo, proposal: Proposal) -> None:
        """One joint appointment per dossier: offer to move the existing one here."""
        if MoveExistingDialog(existing, self).exec() != QDialog.DialogCode.Accepted:
            return
        reason, user = tr("planning.already_booked.reason"), self.ctx.user.username
        self.ctx.ops.write(
            lambda uow: svc.move_to_proposal(uow, existing.id, proposal, reason, user=user),
            dossiers=[existing.dossier_id],
            on_done=lambda moved: self._on_moved(existing.dossier_id, proposal, moved),
            parent=self,
            title=tr("planning.move.failed"),
        )

    def _on_moved(self, dossier_id: int, proposal: Proposal, moved: AppointmentInfo) -> None:
        self.last_booked = [moved]
        self.export_button.setEnabled(True)
        self.status.setText(
            tr("planning.booked", when=f"{format_day(proposal.day)} {clock(proposal.start)}")
        )
        self.booked.emit(dossier_id)

    def _on_export_clicked(self) -> None:
        ask_export(self.ctx, [a.id for a in self.last_booked], self)
