"""The Deskundigen tab of the Planning workspace: the experts register (organisation, both
qualifications, municipalities, working pattern, next absence), adding and editing experts,
their absences, and the planning settings.

Adding an absence (or a change that makes booked appointments no longer fit) lists those
appointments under the absences, with "Verzetten…" to move them right away.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.service import register as reg
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import weekday_short
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.operations import failure_text
from buddy_desk.ui.planning.actions import move_appointment
from buddy_desk.ui.planning.calendar import now_local
from buddy_desk.ui.planning.experts_dialogs import (
    ERROR_STYLE,
    ExpertDialog,
    SettingsDialog,
    pydate,
    qdate,
)
from buddy_desk.ui.style import FAINT, ORG_COLOURS
from buddy_desk.ui.widgets import text_size

COLUMNS = ("name", "organisation", "dual", "areas", "pattern", "absence")
REASONS = ("leave", "course", "training", "other")
WARNING_STYLE = "color: #a15c00; font-weight: 600"


class RegisterPanel(QWidget):
    loaded = Signal(int)
    """The register was (re)loaded; arg: number of experts."""
    changed = Signal()
    """An expert, pattern, absence or setting changed: calendars and proposals are stale."""
    absence_added = Signal(object)
    """An absence was recorded; arg: the ``AbsenceResult`` (with the affected appointments)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.experts: list[reg.ExpertDetails] = []
        self.absences: list[reg.AbsenceInfo] = []
        self._loaded_once = False
        layout = QVBoxLayout(self)
        # the toolbar
        top = QHBoxLayout()
        self.title = QLabel(tr("planning.register.title"))
        self.title.setStyleSheet("font-weight: 600")
        top.addWidget(self.title)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("planning.register.filter"))
        self.filter.setMinimumWidth(240)
        self.filter.textChanged.connect(self._show_experts)
        top.addWidget(self.filter)
        top.addStretch(1)
        self.add_button = QPushButton(tr("planning.register.add"))
        self.edit_button = QPushButton(tr("planning.register.edit"))
        self.settings_button = QPushButton(tr("planning.register.settings"))
        self.add_button.clicked.connect(self._on_add_clicked)
        self.edit_button.clicked.connect(self._on_edit_clicked)
        self.settings_button.clicked.connect(self._on_settings_clicked)
        self.edit_button.setEnabled(False)
        for b in (self.add_button, self.edit_button, self.settings_button):
            top.addWidget(b)
        layout.addLayout(top)
        split = QSplitter(Qt.Orientation.Vertical)
        layout.addWidget(split, 1)
        # the experts
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([tr(f"planning.register.col.{c}") for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.table.doubleClicked.connect(lambda _i: self._on_edit_clicked())
        split.addWidget(self.table)
        split.addWidget(self._build_absences())
        split.setSizes([380, 260])
        self.settings_label = QLabel()
        self.settings_label.setProperty("muted", True)
        layout.addWidget(self.settings_label)

    def _build_absences(self) -> QWidget:
        self.absence_box = QGroupBox(tr("planning.register.absences"))
        grid = QGridLayout(self.absence_box)
        # the list and removing
        self.absence_table = QTableWidget(0, 2)
        self.absence_table.setHorizontalHeaderLabels(
            [tr("planning.register.absence.period"), tr("planning.register.absence.reason")]
        )
        self.absence_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.absence_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.absence_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.absence_table.verticalHeader().setVisible(False)
        self.absence_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.absence_table.itemSelectionChanged.connect(self._on_absence_selection_changed)
        grid.addWidget(self.absence_table, 0, 0, 3, 1)
        self.remove_button = QPushButton(tr("planning.register.absence.remove"))
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self._on_remove_absence_clicked)
        grid.addWidget(self.remove_button, 3, 0, alignment=Qt.AlignmentFlag.AlignLeft)
        # adding
        form = QGridLayout()
        today = now_local().date()
        self.absence_from = QDateEdit(qdate(today))
        self.absence_to = QDateEdit(qdate(today))
        for edit in (self.absence_from, self.absence_to):
            edit.setDisplayFormat("dd-MM-yyyy")
            edit.setCalendarPopup(True)
        self.absence_from.dateChanged.connect(self._on_absence_from_changed)
        form.addWidget(QLabel(tr("planning.register.absence.from")), 0, 0)
        form.addWidget(self.absence_from, 0, 1)
        form.addWidget(QLabel(tr("planning.register.absence.to")), 1, 0)
        form.addWidget(self.absence_to, 1, 1)
        form.addWidget(QLabel(tr("planning.register.absence.reason")), 2, 0)
        self.absence_reason = QComboBox()
        self.absence_reason.setEditable(True)
        for key in REASONS:
            self.absence_reason.addItem(tr(f"planning.register.reason.{key}"))
        self.absence_reason.setToolTip(tr("planning.register.absence.reason_hint"))
        form.addWidget(self.absence_reason, 2, 1)
        self.add_absence_button = QPushButton(tr("planning.register.absence.add"))
        self.add_absence_button.setEnabled(False)
        self.add_absence_button.clicked.connect(self.add_absence)
        form.addWidget(self.add_absence_button, 3, 1, alignment=Qt.AlignmentFlag.AlignRight)
        self.absence_error = QLabel()
        self.absence_error.setWordWrap(True)
        self.absence_error.setStyleSheet(ERROR_STYLE)
        form.addWidget(self.absence_error, 4, 0, 1, 2)
        form.setRowStretch(5, 1)
        grid.addLayout(form, 0, 1, 4, 1)
        # appointments that no longer fit
        self.affected_title = QLabel()
        self.affected_title.setWordWrap(True)
        self.affected_title.setStyleSheet(WARNING_STYLE)
        grid.addWidget(self.affected_title, 0, 2)
        self.affected_list = QListWidget()
        self.affected_list.itemSelectionChanged.connect(self._on_affected_selection_changed)
        grid.addWidget(self.affected_list, 1, 2, 2, 1)
        self.move_button = QPushButton(tr("planning.action.move"))
        self.move_button.setEnabled(False)
        self.move_button.clicked.connect(self._on_move_clicked)
        grid.addWidget(self.move_button, 3, 2, alignment=Qt.AlignmentFlag.AlignRight)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setColumnStretch(2, 4)
        self._show_affected([], "")
        return self.absence_box

    # -- loading ---------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt API
        if not self._loaded_once:
            self.reload()
        super().showEvent(event)

    def today(self) -> date:
        return now_local().date()

    def reload(self) -> None:
        """Read the register again (keeps the selected expert)."""
        self._loaded_once = True
        selected = self.selected_expert()
        try:
            self.experts = reg.list_register(self.ctx.new_uow(), today=self.today())
            settings = reg.get_settings(self.ctx.new_uow())
        except BuddyDeskError as exc:
            show_error(self, tr("planning.register.load_failed"), str(exc))
            return
        self.settings_label.setText(
            tr(
                "planning.register.settings.summary",
                damage=settings.damage_minutes,
                strengthening=settings.strengthening_minutes,
                combined=settings.combined_minutes,
                buffer=settings.travel_buffer_minutes,
            )
        )
        self._show_experts()
        if selected is not None:
            self.select_expert(selected.info.id)
        self.loaded.emit(len(self.experts))

    def _show_experts(self) -> None:
        needle = self.filter.text().strip().casefold()
        shown = [
            d
            for d in self.experts
            if not needle or needle in f"{d.info.naam} {' '.join(d.info.municipalities)}".casefold()
        ]
        self.title.setText(tr("planning.register.count", count=len(shown)))
        self.table.setRowCount(len(shown))
        for row, d in enumerate(shown):
            e = d.info
            absence = d.next_absence
            cells = [
                e.naam if e.active else tr("planning.register.inactive", name=e.naam),
                tr(f"planning.register.org.{e.organisation.value}"),
                "✓" if e.dual_qualified else "",
                ", ".join(e.municipalities) or tr("planning.register.all_areas"),
                d.pattern_summary,
                (f"{absence.text}" + (f" ({absence.reason})" if absence.reason else ""))
                if absence
                else "—",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.id)
                if col >= 3:
                    item.setToolTip(text)
                if col == 1:
                    item.setForeground(QColor(ORG_COLOURS[e.organisation]))
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if not e.active:
                    item.setForeground(QColor(FAINT))
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        for col, cap in ((3, 200), (5, 240)):  # long lists and periods: the tooltip has it all
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), text_size.scaled(cap)))
        self._on_table_selection_changed()

    def select_expert(self, expert_id: int) -> None:
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 0)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == expert_id:
                self.table.selectRow(row)
                return

    def selected_expert(self) -> reg.ExpertDetails | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows:
            return None
        cell = self.table.item(rows[0].row(), 0)
        if cell is None:
            return None
        ident = cell.data(Qt.ItemDataRole.UserRole)
        return next((d for d in self.experts if d.info.id == ident), None)

    def _on_table_selection_changed(self) -> None:
        chosen = self.selected_expert()
        self.edit_button.setEnabled(chosen is not None)
        self.add_absence_button.setEnabled(chosen is not None)
        self.absence_error.clear()
        if chosen is None:
            self.absence_box.setTitle(tr("planning.register.absences"))
            self.absences = []
        else:
            self.absence_box.setTitle(tr("planning.register.absences_of", name=chosen.info.naam))
            self.absences = list(chosen.absences)
        self._show_absences()

    def _show_absences(self) -> None:
        self.absence_table.setRowCount(len(self.absences))
        for row, a in enumerate(self.absences):
            for col, text in enumerate((a.text, a.reason or "")):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, a.id)
                self.absence_table.setItem(row, col, item)
        self.absence_table.resizeColumnToContents(0)
        self.remove_button.setEnabled(False)

    def _on_absence_selection_changed(self) -> None:
        self.remove_button.setEnabled(self._selected_absence() is not None)

    def _on_affected_selection_changed(self) -> None:
        self.move_button.setEnabled(bool(self.affected_list.selectedItems()))

    def _selected_absence(self) -> reg.AbsenceInfo | None:
        rows = self.absence_table.selectionModel().selectedRows()
        return self.absences[rows[0].row()] if rows else None

    def _show_affected(self, items: list[reg.AffectedAppointment], title: str) -> None:
        self.affected_list.clear()
        for a in items:
            start, end = a.start.astimezone(AMSTERDAM), a.end.astimezone(AMSTERDAM)
            line = (
                f"{weekday_short(start.weekday())} {start:%d-%m} {start:%H:%M}–{end:%H:%M}"
                f"  {a.address_line} · {tr('planning.register.dossier', id=a.dossier_id)}"
            )
            entry = QListWidgetItem(line)
            entry.setData(Qt.ItemDataRole.UserRole, a.appointment_id)
            entry.setToolTip(a.text)
            self.affected_list.addItem(entry)
        self.affected_title.setText(title)
        self.affected_list.setVisible(bool(items))
        self.affected_title.setVisible(bool(title))
        self.move_button.setVisible(bool(items))
        self.move_button.setEnabled(False)

    # -- absences --------------------------------------------------------------------

    def _on_absence_from_changed(self) -> None:
        if self.absence_to.date() < self.absence_from.date():
            self.absence_to.setDate(self.absence_from.date())

    def set_absence_range(self, first: date, last: date) -> None:
        self.absence_from.setDate(qdate(first))
        self.absence_to.setDate(qdate(last))

    def add_absence(self) -> None:
        """Store the absence off the GUI thread; ``absence_added`` once it landed."""
        chosen = self.selected_expert()
        if chosen is None:
            return
        expert_id, reason = chosen.info.id, self.absence_reason.currentText()
        first, last = pydate(self.absence_from.date()), pydate(self.absence_to.date())
        self.ctx.ops.write(
            lambda uow: reg.add_absence(uow, expert_id, first, last, reason),
            on_done=self._on_absence_added,
            on_error=self._on_absence_refused,
            parent=self,
        )

    def _on_absence_refused(self, exc: BaseException) -> None:
        self.absence_error.setText(failure_text(exc))

    def _on_absence_added(self, result: reg.AbsenceResult) -> None:
        self.reload()
        if result.affected:
            title = tr("planning.register.affected.absence", count=len(result.affected))
        else:
            title = tr("planning.register.affected.none")
        self._show_affected(list(result.affected), title)
        self.absence_added.emit(result)
        self.changed.emit()

    def _on_remove_absence_clicked(self) -> None:
        absence = self._selected_absence()
        if absence is None:
            return
        absence_id = absence.id
        self.ctx.ops.write(
            lambda uow: reg.remove_absence(uow, absence_id),
            on_done=self._on_absence_removed,
            on_error=self._on_absence_refused,
            parent=self,
        )

    def _on_absence_removed(self, _absence: object) -> None:
        self.reload()
        self._show_affected([], "")
        self.changed.emit()

    def _on_move_clicked(self) -> None:
        items = self.affected_list.selectedItems()
        if not items:
            return
        appointment_id = int(items[0].data(Qt.ItemDataRole.UserRole))
        item = items[0]

        def moved() -> None:
            self.affected_list.takeItem(self.affected_list.row(item))
            self.changed.emit()

        move_appointment(self.ctx, appointment_id, self, on_done=moved)

    # -- experts and settings --------------------------------------------------------

    def _dialog(self, details: reg.ExpertDetails | None) -> ExpertDialog:
        try:
            known = reg.known_municipalities(self.ctx.new_uow())
        except BuddyDeskError:
            known = []
        return ExpertDialog(self.ctx, details, known, self.today(), self)

    def _on_add_clicked(self) -> None:
        dialog = self._dialog(None)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.added is None:
            return
        self.reload()
        self.select_expert(dialog.added.info.id)
        self.changed.emit()

    def _on_edit_clicked(self) -> None:
        chosen = self.selected_expert()
        if chosen is None:
            return
        dialog = self._dialog(chosen)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.saved is None:
            return
        self.reload()
        affected = list(dialog.saved.affected)
        title = tr("planning.register.affected.edit", count=len(affected)) if affected else ""
        self._show_affected(affected, title)
        self.changed.emit()

    def _on_settings_clicked(self) -> None:
        try:
            settings = reg.get_settings(self.ctx.new_uow())
        except BuddyDeskError as exc:
            show_error(self, tr("planning.register.load_failed"), str(exc))
            return
        dialog = SettingsDialog(self.ctx, settings, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.reload()
            self.changed.emit()
