"""The Proactieve aanpak workspace: the NCG addresses without a damage report as a worklist,
phased (damage seen by NCG, NCG plans its inspection, assessment/planning, other), filtered by
municipality and NCG status; contact attempts per address and the letter run for the list
shown (on a worker, with progress and cancel).

The list is read a page at a time as it scrolls, filtered and ordered by the database; its
counts and places come from one GROUP BY over the worklist, so a filter's count shows with
its first page. The letter run covers every address the filter shows, read in batches on the
worker, not the rows the view has read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import NCG_STATUS_LABELS, NcgStatus, Organisation
from buddy_desk.i18n import tr
from buddy_desk.outreach.rules import OutreachPhase, sees_worklist
from buddy_desk.outreach.service import (
    PAGE_ROWS,
    OutreachRow,
    RunResult,
    WorklistFilter,
    WorklistSummary,
    record_contact,
    run_letters,
    worklist_letters,
    worklist_page,
    worklist_summary,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import Cancelled, Progress
from buddy_desk.ui import messages
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.file_dialogs import ask_save_file
from buddy_desk.ui.formatting import format_count, format_short_date
from buddy_desk.ui.outreach.contact_dialog import ContactChoice, ContactDialog
from buddy_desk.ui.tasks import TaskHandle
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.language import follow_language
from buddy_desk.ui.widgets.paged_rows import PagedRowModel, PageJob, reading_through
from buddy_desk.ui.widgets.row_table import PreparedRows, RowTableView

DONE = QColor("#667085")


def _last(r: OutreachRow) -> str:
    if r.last is None:
        return "—"
    return (
        f"{format_short_date(r.last.attempted_on)} {tr(f'outreach.outcome.{r.last.outcome.value}')}"
    )


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The worklist's counts and (for NCG) the first page of a filter, texts worked out."""

    summary: WorklistSummary | None  # None: a filter's first page only (the counts known)
    shown_for: WorklistFilter
    first: PreparedRows[OutreachRow]


class OutreachWorkspace(QWidget):
    worklist_loaded = Signal(int)
    """The worklist was (re)loaded; arg: number of addresses shown."""
    letters_written = Signal(int)
    """A letter run finished; arg: number of letters."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("outreachWorkspace")
        self.ctx = ctx
        self.today = date.today()
        org = ctx.user.organisation
        self.full = sees_worklist(Organisation(org) if org in ("IMG", "NCG") else None)
        self._counts = WorklistSummary(())
        self._shown_for = WorklistFilter()
        self._counts_wanted = True
        self._sized = False
        self._message = ""
        self.handle: TaskHandle[RunResult] | None = None
        layout = QVBoxLayout(self)
        # the title on its own line: beside the filters (which size to their contents) it was
        # cut off at 1280 pixels wide
        self.title = QLabel()
        text_size.set_points(self.title, 12, bold=True)
        layout.addWidget(self.title)
        head = QHBoxLayout()
        self.phase = QComboBox()
        self.phase.setObjectName("outreachPhase")
        self.gemeente = QComboBox()
        self.gemeente.setObjectName("outreachGemeente")
        self.status = QComboBox()
        self.status.setObjectName("outreachStatus")
        self.closed = QCheckBox()
        self.closed.setObjectName("outreachClosed")
        for w in (self.phase, self.gemeente, self.status):
            w.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            w.currentIndexChanged.connect(self._on_filter_changed)
            head.addWidget(w)
        self.closed.toggled.connect(self._on_filter_changed)
        head.addWidget(self.closed)
        head.addStretch(1)
        layout.addLayout(head)
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.explain.setProperty("muted", True)
        layout.addWidget(self.explain)
        self.summary = QLabel()
        layout.addWidget(self.summary)
        self.model: PagedRowModel[OutreachRow] = PagedRowModel(
            [
                ("outreach.col.phase", lambda r: tr(f"outreach.phase.{int(r.phase)}")),
                ("outreach.col.ncg", lambda r: r.ncg_status.value),
                ("outreach.col.address", lambda r: r.address_line),
                ("outreach.col.postcode", lambda r: f"{r.postcode[:4]} {r.postcode[4:]}"),
                ("outreach.col.woonplaats", lambda r: r.woonplaats),
                ("outreach.col.seen", lambda r: format_short_date(r.damage_seen)),
                ("outreach.col.attempts", lambda r: str(r.attempts)),
                ("outreach.col.last", _last),
            ],
            page_rows=PAGE_ROWS,
            color=lambda r, _c: None if r.open else DONE,
            tooltip=lambda r: r.last.note if r.last and r.last.note else None,
        )
        self.table = RowTableView(self.model)
        self.table.setObjectName("outreachTable")
        self.table.setVisible(self.full)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.contact_button = QPushButton()
        self.contact_button.setObjectName("outreachContact")
        self.contact_button.clicked.connect(self.record_selected)
        self.letters_button = QPushButton()
        self.letters_button.setObjectName("outreachLetters")
        self.letters_button.clicked.connect(self.ask_letters)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_selected)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton()
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel_run)
        for b in (self.contact_button, self.letters_button, self.open_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.progress)
        buttons.addWidget(self.cancel_button)
        layout.addLayout(buttons)
        ctx.events.dossiers_reloaded.connect(self.reload)
        follow_language(self, ctx.events.language_changed, self.retranslate)
        self.retranslate()

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(tr("outreach.workspace.title"))
        self.explain.setText(tr("outreach.explain") if self.full else tr("outreach.counts_only"))
        self.closed.setText(tr("outreach.closed"))
        self.contact_button.setText(tr("outreach.contact.button"))
        self.letters_button.setText(tr("outreach.letters.button"))
        self.open_button.setText(tr("signals.open_dossier"))
        self.table.setAccessibleName(tr("a11y.outreach.table"))
        self.cancel_button.setText(tr("outreach.letters.cancel"))
        self._fill(
            self.phase,
            [(tr("outreach.phase.all"), None)]
            + [(tr(f"outreach.phase.{int(p)}"), p) for p in OutreachPhase],
        )
        self._fill(
            self.status,
            [(tr("outreach.status.all"), None)]
            + [(f"{s.value} {NCG_STATUS_LABELS[s]}", s) for s in NcgStatus],
        )
        self.model.retranslate()
        self.reload()

    def _fill(self, combo: QComboBox, items: list[tuple[str, object]]) -> None:
        data = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(0, combo.findData(data)) if data is not None else 0)
        combo.blockSignals(False)

    # -- loading and filtering ------------------------------------------------------------
    def reload(self) -> None:
        """Count the worklist and (for NCG) read the first page of the filter shown, with its
        texts, off the GUI thread."""
        self._counts_wanted = True
        self._read_first(self.current_filter())

    def apply_filter(self) -> None:
        """Show the rows the filter accepts: its count at once, its first page once read."""
        f = self.current_filter()
        if not self.full:  # not NCG: only the counts (the rows are NCG's case data)
            self._show(f)
            return
        self._read_first(f)

    def _read_first(self, f: WorklistFilter) -> None:
        # a newer read replaces one on its way (one key): it counts too until counts arrived
        full, prepare, with_counts = self.full, self.model.prepare, self._counts_wanted

        def job(uow: UnitOfWork) -> _Loaded:
            summary = worklist_summary(uow) if with_counts else None
            first = prepare(worklist_page(uow, f, 0, PAGE_ROWS)) if full else prepare([])
            return _Loaded(summary, f, first)

        self.ctx.ops.read(
            job, on_done=self._on_load_done, on_error=self._on_task_error, parent=self, key=self
        )

    def _on_load_done(self, loaded: _Loaded) -> None:
        if loaded.summary is not None:
            self._counts, self._counts_wanted = loaded.summary, False
            self._fill(
                self.gemeente,
                [(tr("outreach.gemeente.all"), None)] + [(g, g) for g in loaded.summary.places()],
            )
        f = self.current_filter()
        if f != loaded.shown_for:  # the filter changed while this was read (or its places)
            self.apply_filter()
            return
        if self.full:
            self.model.show_first(
                loaded.first,
                self._counts.count(f),
                self._page_job,
                reading_through(self.ctx.ops.read, self, self.model, self._on_page_error),
            )
        self._show(f)

    def _page_job(self, offset: int, limit: int) -> PageJob[OutreachRow]:
        f, prepare = self._shown_for, self.model.prepare
        return lambda uow: prepare(worklist_page(uow, f, offset, limit))

    def current_filter(self) -> WorklistFilter:
        # Qt hands enum data back as plain int/str
        phase, status = self.phase.currentData(), self.status.currentData()
        return WorklistFilter(
            phases=frozenset({OutreachPhase(phase)}) if phase is not None else frozenset(),
            gemeente=self.gemeente.currentData(),
            ncg_status=NcgStatus(status) if status is not None else None,
            include_closed=self.closed.isChecked(),
        )

    def _on_filter_changed(self, *_args: object) -> None:
        self.apply_filter()

    @property
    def shown_count(self) -> int:
        """How many addresses the filter shown holds (NCG), counted in the database."""
        return self._counts.count(self._shown_for) if self.full else 0

    def _show(self, f: WorklistFilter) -> None:
        """The summary line and buttons for ``f``, whose rows (if any) the model shows."""
        self._shown_for = f
        rows = self.model.rows
        if not self._sized and rows:
            # once, from the first rows (the full worklist holds 17,700 addresses)
            self.table.resizeColumnsToContents()
            self._sized = True
        self._show_summary()
        self._update_buttons()
        self.worklist_loaded.emit(self.shown_count)

    def _show_summary(self) -> None:
        counts = self._counts.phase_counts()  # the open addresses of the whole worklist
        summary = tr(
            "outreach.summary",
            n=format_count(self.shown_count),
            p1=format_count(counts[OutreachPhase.DAMAGE_SEEN]),
            p2=format_count(counts[OutreachPhase.INSPECTION_AHEAD]),
            p3=format_count(counts[OutreachPhase.PLAN_AHEAD]),
            p4=format_count(counts[OutreachPhase.OTHER]),
        )
        if self._message:
            summary = f"{self._message} {summary}"
            self._message = ""
        self.summary.setText(summary)

    def _on_page_error(self, exc: BaseException) -> None:
        """A page of the list could not be read: said, and a letter run goes on."""
        messages.show_error(self, tr("outreach.workspace.title"), str(exc))

    def _on_task_error(self, exc: BaseException) -> None:
        self._end_run()
        if isinstance(exc, Cancelled):
            self._message = tr("outreach.letters.cancelled")
            self._show_summary()
            return
        messages.show_error(self, tr("outreach.workspace.title"), str(exc))

    # -- actions --------------------------------------------------------------------------
    def selected(self) -> OutreachRow | None:
        rows = self.table.selected_rows()
        return self.model.rows[rows[0]] if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        running = self.handle is not None
        self.contact_button.setEnabled(self.selected() is not None)
        self.open_button.setEnabled(self.selected() is not None)
        self.letters_button.setEnabled(self.full and not running and self.shown_count > 0)

    def open_selected(self) -> None:
        if (row := self.selected()) is not None:
            self.ctx.events.open_dossier_requested.emit(row.dossier_id)

    def record_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        dialog = ContactDialog(row.address_line, self.today, self)
        if dialog.exec() == ContactDialog.DialogCode.Accepted:
            self.record(row, dialog.value())

    def record(self, row: OutreachRow, choice: ContactChoice) -> None:
        """Record the contact attempt off the GUI thread, then show the worklist anew."""
        user, today = self.ctx.user.username, self.today
        self.ctx.ops.write(
            lambda uow: record_contact(
                uow,
                row.dossier_id,
                choice.outcome,
                channel=choice.channel,
                on=choice.on,
                note=choice.note,
                user=user,
                today=today,
            ),
            dossiers=[row.dossier_id],
            on_done=lambda _info: self.reload(),
            parent=self,
            title=tr("outreach.contact.button"),
        )

    def ask_letters(self) -> None:
        chosen = ask_save_file(
            self, tr("outreach.letters.button"), "proactieve-aanpak.pdf", "PDF (*.pdf)"
        )
        if chosen is not None:
            self.start_letters(chosen)

    def start_letters(self, combined: Path) -> None:
        """The letter run for every address the filter shows (read in batches on the
        worker, not only the rows read so far), into one PDF for the printer. NCG staff
        only: the others see the worklist's counts, not its addresses."""
        if not self.full:
            return
        f = self._shown_for
        uow = self.ctx.new_uow()
        user = self.ctx.user.username
        today = self.today

        def job(progress: Progress) -> RunResult:
            batch = worklist_letters(uow, f, today)
            return run_letters(uow, batch, combined=combined, user=user, progress=progress)

        self.progress.setRange(0, self.shown_count)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.handle = self.ctx.tasks.start(
            job,
            on_done=self._on_letters_done,
            on_error=self._on_task_error,
            on_progress=self._on_task_progress,
        )
        self._update_buttons()

    def _on_task_progress(self, done: int, total: int, _text: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def cancel_run(self) -> None:
        if self.handle is not None:
            self.handle.cancel()

    def _end_run(self) -> None:
        self.handle = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self._update_buttons()

    def _on_letters_done(self, result: RunResult) -> None:
        self._end_run()
        one = result.letters == 1
        self._message = tr(
            "outreach.letters.done.one" if one else "outreach.letters.done",
            n=format_count(result.letters),
            file=str(result.combined),
        )
        if result.skipped:
            self._message += " " + tr(
                "outreach.letters.skipped", n=format_count(len(result.skipped))
            )
        self.reload()  # the message shows with the reloaded list
        self.letters_written.emit(result.letters)
