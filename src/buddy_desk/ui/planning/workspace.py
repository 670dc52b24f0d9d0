"""The Planning workspace: the queue, proposals for the selected dossier, the experts' week
calendar, and the week auto-plan."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.formatting import clock
from buddy_desk.planning.info import PlanOutcome, QueueEntry, WeekView
from buddy_desk.planning.service.queue import queue
from buddy_desk.planning.service.week import auto_plan_week, week_view
from buddy_desk.progress import Progress
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_day
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.planning.actions import ask_export, cancel_appointment, move_appointment
from buddy_desk.ui.planning.calendar import WeekCalendar, monday_of, now_local
from buddy_desk.ui.planning.proposals import ProposalPanel
from buddy_desk.ui.widgets import accessible, text_size
from buddy_desk.ui.widgets.lazy_page import LazyPage

if TYPE_CHECKING:
    from buddy_desk.ui.planning.experts import RegisterPanel


class PlanningWorkspace(QWidget):
    queue_loaded = Signal(int)
    """The queue was (re)loaded; arg: number of dossiers."""
    week_loaded = Signal()
    """The week calendar shows fresh data."""
    autoplan_done = Signal(int)
    """A week auto-plan finished; arg: number of dossiers planned."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: list[QueueEntry] = []
        self.week_start = monday_of(now_local().date() + timedelta(days=7))
        self.outcomes: list[PlanOutcome] = []
        layout = QHBoxLayout(self)
        split = QSplitter(Qt.Orientation.Horizontal)
        layout.addWidget(split)
        # queue
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        self.queue_title = QLabel(tr("planning.queue"))
        self.queue_title.setStyleSheet("font-weight: 600")
        lv.addWidget(self.queue_title)
        self.filter = QLineEdit()
        accessible.name(self.filter, "planning.queue.filter")
        self.filter.setPlaceholderText(tr("planning.queue.filter"))
        self.filter.textChanged.connect(self._show_queue)
        lv.addWidget(self.filter)
        self.queue_table = QTableWidget(0, 4)
        accessible.name(self.queue_table, "planning.queue")
        self.queue_table.setHorizontalHeaderLabels(
            ["", tr("planning.col.address"), tr("planning.col.place"), tr("planning.col.group")]
        )
        self.queue_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_table.verticalHeader().setVisible(False)
        self.queue_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.queue_table.itemSelectionChanged.connect(self._on_queue_selection_changed)
        lv.addWidget(self.queue_table, 1)
        split.addWidget(left)
        # tabs
        self.tabs = QTabWidget()
        # every tab is built when first shown (the proposals in the turn after the workspace
        # has painted): building all four at once kept the GUI thread busy for most of a
        # second on the workspace's first visit, the first one with it still over 50 ms
        self.proposals_page = LazyPage("planning.proposals", self._build_proposals)
        self.tabs.addTab(self.proposals_page, tr("planning.tab.proposals"))
        self.week_page = LazyPage("planning.week", self._build_week_tab)
        self.tabs.addTab(self.week_page, tr("planning.tab.week"))
        self.autoplan_page = LazyPage("planning.autoplan", self._build_autoplan_tab)
        self.tabs.addTab(self.autoplan_page, tr("planning.tab.autoplan"))
        self.register_page = LazyPage("planning.register", self._build_register_panel)
        self.tabs.addTab(self.register_page, tr("planning.register.tab"))
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        split.addWidget(self.tabs)
        split.setSizes([text_size.scaled(380), text_size.scaled(900)])
        self.reload_queue()

    # -- the queue -------------------------------------------------------------------

    def reload_queue(self) -> None:
        viewer = viewer_of(self.ctx.user)  # the consent gate: what the planner may see
        self.ctx.tasks.start(
            lambda _p: queue(self.ctx.new_uow(), viewer),
            on_done=self._on_queue_loaded,
            on_error=self._on_task_failed,
        )

    def _on_task_failed(self, exc: BaseException) -> None:
        show_error(self, tr("planning.error"), str(exc))

    def _on_queue_loaded(self, entries: list[QueueEntry]) -> None:
        self.entries = entries
        self._show_queue()
        self.queue_loaded.emit(len(entries))

    def _show_queue(self) -> None:
        needle = self.filter.text().strip().lower()
        shown = [
            e
            for e in self.entries
            if not needle
            or needle in f"{e.address_line} {e.woonplaats} {' '.join(e.zaaknummers)}".lower()
        ]
        self.queue_title.setText(tr("planning.queue.count", count=len(shown)))
        # a reload must not leave a row selected that the proposals panel does not show (after
        # booking, the next dossier slid into the booked one's row): keep the panel's dossier
        # selected if it is still queued, else select nothing
        panel = self.proposals if self.proposals_page.built else None
        shown_id = panel.dossier_id if panel is not None and panel.isEnabled() else None
        blocker = QSignalBlocker(self.queue_table)
        self.queue_table.clearSelection()
        self.queue_table.setRowCount(len(shown))
        for row, e in enumerate(shown):
            mark = "!" if e.priority else ""
            cells = [mark, e.address_line, e.woonplaats, e.group_text]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, e.dossier_id)
                if e.queue_reason:
                    # a buddy added it outside group B: say why
                    item.setToolTip(f"{tr('planning.col.queue_reason')}: {e.queue_reason}")
                if e.withheld and col == 3:
                    item.setToolTip("\n".join(e.withheld))
                if e.priority:
                    item.setToolTip(tr("planning.queue.priority"))
                    if col == 0:
                        item.setForeground(Qt.GlobalColor.darkRed)
                self.queue_table.setItem(row, col, item)
            if e.dossier_id == shown_id:
                self.queue_table.selectRow(row)
        blocker.unblock()
        for column in (0, 2, 3):  # the address column stretches; place and group are short
            self.queue_table.resizeColumnToContents(column)

    def selected_queue_dossier(self) -> int | None:
        rows = self.queue_table.selectionModel().selectedRows()
        cell = self.queue_table.item(rows[0].row(), 1) if rows else None
        return int(cell.data(Qt.ItemDataRole.UserRole)) if cell is not None else None

    def _on_queue_selection_changed(self) -> None:
        rows = self.queue_table.selectionModel().selectedRows()
        if not rows:
            return
        cell = self.queue_table.item(rows[0].row(), 1)
        if cell is None:
            return
        dossier_id = int(cell.data(Qt.ItemDataRole.UserRole))
        entry = next(e for e in self.entries if e.dossier_id == dossier_id)
        self.tabs.setCurrentWidget(self.proposals_page)
        self.proposals.set_dossier(
            dossier_id, f"{entry.address_line}, {entry.woonplaats} — dossier {dossier_id}"
        )

    def _on_proposals_booked(self, _dossier_id: int) -> None:
        self.reload_queue()

    @property
    def proposals(self) -> ProposalPanel:
        """The proposals for the dossier chosen in the queue (built now if not shown yet)."""
        self.proposals_page.content()
        return self._proposals

    def _build_proposals(self) -> QWidget:
        self._proposals = ProposalPanel(self.ctx)
        self._proposals.booked.connect(self._on_proposals_booked)
        self._proposals.preference_saved.connect(lambda _d: self.reload_queue())
        return self._proposals

    @property
    def register_panel(self) -> RegisterPanel:
        """The experts' register (built now if its tab was not shown yet)."""
        self.register_page.content()
        return self._register_panel

    def _build_register_panel(self) -> QWidget:
        from buddy_desk.ui.planning.experts import RegisterPanel

        self._register_panel = RegisterPanel(self.ctx)
        self._register_panel.changed.connect(self._on_register_changed)
        return self._register_panel

    def _on_register_changed(self) -> None:
        if self.week_page.built:  # experts, absences or durations changed: reload when shown
            self.calendar.view = None

    # -- the week calendar -----------------------------------------------------------

    def _build_week_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        nav = QHBoxLayout()
        prev_button = QPushButton("◀")
        prev_button.clicked.connect(lambda: self.show_week(self.week_start - timedelta(days=7)))
        next_button = QPushButton("▶")
        next_button.clicked.connect(lambda: self.show_week(self.week_start + timedelta(days=7)))
        today_button = QPushButton(tr("planning.this_week"))
        today_button.clicked.connect(lambda: self.show_week(monday_of(now_local().date())))
        self.week_label = QLabel()
        self.week_label.setStyleSheet("font-weight: 600")
        for w in (prev_button, today_button, next_button, self.week_label):
            nav.addWidget(w)
        nav.addStretch(1)
        self.move_button = QPushButton(tr("planning.action.move"))
        self.cancel_button = QPushButton(tr("planning.action.cancel"))
        self.export_week_button = QPushButton(tr("planning.export"))
        for b in (self.move_button, self.cancel_button, self.export_week_button):
            b.setEnabled(False)
            nav.addWidget(b)
        self.move_button.clicked.connect(self._on_move_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.export_week_button.clicked.connect(self._on_export_week_clicked)
        v.addLayout(nav)
        self.calendar = WeekCalendar()
        self.calendar.appointment_selected.connect(self._on_calendar_appointment_selected)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.calendar)
        v.addWidget(scroll, 1)
        legend = QLabel(tr("planning.legend"))
        legend.setProperty("muted", True)
        v.addWidget(legend)
        return page

    def _on_tabs_current_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.week_page and self.calendar.view is None:
            self.show_week(self.week_start)

    def show_week(self, first: date) -> None:
        self.week_page.content()
        self.week_start = first
        self.week_label.setText(tr("planning.week_of", day=format_day(first)))
        self.ctx.tasks.start(
            lambda _p: week_view(self.ctx.new_uow(), first),
            on_done=self._on_week_loaded,
            on_error=self._on_task_failed,
        )

    def _on_week_loaded(self, view: WeekView) -> None:
        if view.first_day != self.week_start:
            return
        self.calendar.set_view(view)
        self.calendar.select(None)
        for b in (self.move_button, self.cancel_button, self.export_week_button):
            b.setEnabled(False)
        self.week_loaded.emit()

    def _on_calendar_appointment_selected(self, _appointment_id: int) -> None:
        for b in (self.move_button, self.cancel_button, self.export_week_button):
            b.setEnabled(True)

    def _on_move_clicked(self) -> None:
        if self.calendar.selected is not None:
            move_appointment(
                self.ctx,
                self.calendar.selected,
                self,
                on_done=lambda: self.show_week(self.week_start),
            )

    def _on_cancel_clicked(self) -> None:
        if self.calendar.selected is not None:
            cancel_appointment(self.ctx, self.calendar.selected, self, on_done=self._after_cancel)

    def _after_cancel(self) -> None:
        self.show_week(self.week_start)
        self.reload_queue()

    def _on_export_week_clicked(self) -> None:
        if self.calendar.selected is not None:
            ask_export(self.ctx, [self.calendar.selected], self)

    # -- the week auto-plan ----------------------------------------------------------

    def _build_autoplan_tab(self) -> QWidget:
        page = QWidget()
        v = QVBoxLayout(page)
        intro = QLabel(tr("planning.autoplan.intro"))
        intro.setWordWrap(True)
        v.addWidget(intro)
        row = QHBoxLayout()
        self.autoplan_button = QPushButton(tr("planning.autoplan.run"))
        self.autoplan_button.clicked.connect(lambda: self.run_autoplan(apply=False))
        self.apply_button = QPushButton(tr("planning.autoplan.apply"))
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(lambda: self.run_autoplan(apply=True))
        self.autoplan_status = QLabel()
        row.addWidget(self.autoplan_button)
        row.addWidget(self.apply_button)
        row.addWidget(self.autoplan_status, 1)
        v.addLayout(row)
        self.autoplan_table = QTableWidget(0, 4)
        accessible.name(self.autoplan_table, "planning.tab.autoplan")
        self.autoplan_table.setHorizontalHeaderLabels(
            [
                tr("planning.col.address"),
                tr("planning.col.when"),
                tr("planning.form"),
                tr("planning.col.reason"),
            ]
        )
        self.autoplan_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.autoplan_table.verticalHeader().setVisible(False)
        self.autoplan_table.horizontalHeader().setSectionResizeMode(
            3, QHeaderView.ResizeMode.Stretch
        )
        v.addWidget(self.autoplan_table, 1)
        return page

    def run_autoplan(self, *, apply: bool) -> None:
        first = self.week_start
        self.autoplan_button.setEnabled(False)
        self.apply_button.setEnabled(False)
        self.autoplan_status.setText(tr("planning.autoplan.busy", day=format_day(first)))

        def job(progress: Progress) -> list[PlanOutcome]:
            return auto_plan_week(
                self.ctx.new_uow(),
                first,
                apply=apply,
                user=self.ctx.user.username,
                progress=progress,
            )

        self.ctx.tasks.start(
            job,
            on_done=lambda result: self._on_autoplan_done(result, apply),
            on_error=self._on_autoplan_failed,
            on_progress=lambda done, total, _t: self.autoplan_status.setText(
                tr("planning.autoplan.progress", done=done, total=total)
            ),
        )

    def _on_autoplan_failed(self, exc: BaseException) -> None:
        self.autoplan_button.setEnabled(True)
        text = str(exc) if isinstance(exc, BuddyDeskError) else tr("planning.error")
        self.autoplan_status.setText(text)

    def _on_autoplan_done(self, outcomes: list[PlanOutcome], applied: bool) -> None:
        self.outcomes = outcomes
        self.autoplan_button.setEnabled(True)
        planned = [o for o in outcomes if o.start is not None]
        self.apply_button.setEnabled(bool(planned) and not applied)
        key = "planning.autoplan.applied" if applied else "planning.autoplan.result"
        self.autoplan_status.setText(tr(key, planned=len(planned), total=len(outcomes)))
        self.autoplan_table.setRowCount(len(outcomes))
        for row, o in enumerate(outcomes):
            when = (
                f"{format_day(o.start.astimezone(AMSTERDAM).date())} {clock(o.start)}"
                if o.start
                else "—"
            )
            form = tr(f"planning.form.{o.form.value}") if o.form else "—"
            for col, text in enumerate([o.address_line, when, form, o.reason or ""]):
                self.autoplan_table.setItem(row, col, QTableWidgetItem(text))
        self.autoplan_table.resizeColumnsToContents()
        if applied:
            self.reload_queue()
            if self.week_page.built:
                self.calendar.view = None
        self.autoplan_done.emit(len(planned))
