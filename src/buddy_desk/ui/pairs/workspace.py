"""The Buddyparen workspace: the dossiers with their pair (filter: all, without a full pair,
per group, per buddy), bulk coupling for a selection, the selected dossier's pair history,
and the workload per buddy and per group.

The list is read a page at a time as it scrolls and counted in the database; "select all"
(Ctrl+A) selects the whole list, read pages or not, and a coupling of it reads the ids of
every dossier the filter shows on the worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.dossiers.service import list_supervisors
from buddy_desk.i18n import tr
from buddy_desk.pairs.service import (
    PAGE_ROWS,
    BuddyLoad,
    BulkResult,
    PairChangeInfo,
    PairCount,
    PairFilter,
    PairRow,
    Workload,
    accept_proposals,
    count_pairs,
    couple_many,
    is_coordinator,
    pair_history,
    pair_ids,
    pairs_page,
    workload,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui import messages
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_count, format_short_date, format_time
from buddy_desk.ui.pairs.couple_dialog import CoupleChoice, CoupleDialog
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.language import follow_language
from buddy_desk.ui.widgets.paged_rows import PagedRowModel, PageJob, reading_through
from buddy_desk.ui.widgets.row_table import PreparedRows, RowTableModel, RowTableView

MUTED = QColor("#b42318")
FILTERS = ("all", "unpaired", *(f"group_{g.value}" for g in CollaborationGroup))


def _name(b: object) -> str:
    return getattr(b, "naam", None) or "—"


def _groups_text(by_group: dict[str, int]) -> str:
    """'A: 3  B: 4 · zonder groep: 56' (dossiers outside the matrix last)."""
    groups = "  ".join(f"{g}: {n}" for g, n in by_group.items() if g != "-")
    rest = by_group.get("-")
    other = tr("pairs.group.none", n=rest) if rest else ""
    return " · ".join(p for p in (groups, other) if p)


def _proposal(r: PairRow) -> str:
    if r.proposal is None:
        return ""
    return f"{_name(r.proposal[0])} / {_name(r.proposal[1])}"


@dataclass(frozen=True, slots=True)
class _Loaded:
    """The pairs list's first page and counts and the workload as the load job hands them
    over, texts worked out."""

    shown_for: PairFilter
    pairs: PreparedRows[PairRow]
    count: PairCount
    load: Workload
    buddies: PreparedRows[BuddyLoad]
    coordinator: bool


class _PairsTable(RowTableView):
    """The pairs table; "select all" means the whole list, also the rows not read yet."""

    whole_list_selected = Signal(bool)
    """The selection became the whole list (True), or something else (False)."""

    def __init__(self, model: PagedRowModel[PairRow]) -> None:
        super().__init__(model, multi=True)
        self.whole = False
        model.page_arrived.connect(self._on_model_page_arrived)
        model.modelReset.connect(lambda: self._set_whole(False))
        self.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self._selecting_all = False

    def selectAll(self) -> None:  # noqa: N802 - Qt's name (Ctrl+A lands here)
        self._selecting_all = True
        try:
            super().selectAll()
        finally:
            self._selecting_all = False
        self._set_whole(self.model().rowCount() > 0)

    def _on_selection_changed(self, *_args: object) -> None:
        if not self._selecting_all:
            self._set_whole(False)

    def _on_model_page_arrived(self, _rows: int) -> None:
        if self.whole:  # the rows read later are part of the selection too
            self.selectAll()

    def _set_whole(self, whole: bool) -> None:
        if whole != self.whole:
            self.whole = whole
            self.whole_list_selected.emit(whole)


class PairsWorkspace(QWidget):
    pairs_loaded = Signal(int)
    """The pairs list was (re)loaded; arg: number of dossiers shown."""
    coupled = Signal(int)
    """A (bulk) coupling was saved; arg: number of dossiers whose pair changed."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pairsWorkspace")
        self.ctx = ctx
        self.coordinator = False  # asked with the first load, off the GUI thread
        self._role_known = False  # until then no notice that coupling is for coordinators
        self._message = ""
        self._shown_for = PairFilter()
        self._count = PairCount(0, 0, 0)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        text_size.set_points(self.title, 12, bold=True)
        head.addWidget(self.title, 1)
        self.filter = QComboBox()
        self.filter.setObjectName("pairsFilter")
        self.filter.currentIndexChanged.connect(self.reload)
        head.addWidget(self.filter)
        layout.addLayout(head)
        self.notice = QLabel()
        self.notice.setProperty("muted", True)
        self.notice.setWordWrap(True)
        layout.addWidget(self.notice)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)

        # pairs tab
        pairs_page = QWidget()
        pairs_layout = QVBoxLayout(pairs_page)
        self.summary = QLabel()
        pairs_layout.addWidget(self.summary)
        self.model: PagedRowModel[PairRow] = PagedRowModel(
            [
                ("pairs.col.dossier", lambda r: str(r.dossier_id)),
                ("pairs.col.group", lambda r: r.group.value if r.group else "—"),
                ("pairs.col.address", lambda r: r.address),
                ("pairs.col.img", lambda r: _name(r.img)),
                ("pairs.col.ncg", lambda r: _name(r.ncg)),
                ("pairs.col.signals", lambda r: str(r.open_signals)),
                ("pairs.col.proposal", _proposal),
            ],
            page_rows=PAGE_ROWS,
            color=lambda r, col: MUTED if col in (3, 4) and not r.paired else None,
        )
        self.table = _PairsTable(self.model)
        self.table.setObjectName("pairsTable")
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.table.whole_list_selected.connect(lambda _whole: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        split = QSplitter()
        split.addWidget(self.table)
        self.history = QPlainTextEdit()
        self.history.setObjectName("pairsHistory")
        self.history.setReadOnly(True)
        self.history.setPlainText(tr("pairs.history.select"))
        split.addWidget(self.history)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        pairs_layout.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.couple_button = QPushButton()
        self.couple_button.setObjectName("pairsCouple")
        self.couple_button.clicked.connect(self.couple_selected)
        self.accept_button = QPushButton()
        self.accept_button.setObjectName("pairsAccept")
        self.accept_button.clicked.connect(self.accept_selected)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_selected)
        buttons.addWidget(self.couple_button)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        pairs_layout.addLayout(buttons)
        self.tabs.addTab(pairs_page, "")

        # workload tab
        load_page = QWidget()
        load_layout = QVBoxLayout(load_page)
        self.load_summary = QLabel()
        self.load_summary.setWordWrap(True)
        load_layout.addWidget(self.load_summary)
        self.load_model: RowTableModel[BuddyLoad] = RowTableModel(
            [
                ("pairs.col.org", lambda b: b.buddy.organisation.value),
                ("pairs.col.buddy", lambda b: b.buddy.naam),
                ("pairs.col.dossiers", lambda b: str(b.dossiers)),
                ("pairs.col.signals", lambda b: str(b.open_signals)),
                ("pairs.col.groups", lambda b: _groups_text(b.by_group)),
            ]
        )
        self.load_table = RowTableView(self.load_model)
        self.load_table.setObjectName("pairsWorkload")
        load_layout.addWidget(self.load_table, 1)
        self.tabs.addTab(load_page, "")

        ctx.events.dossiers_reloaded.connect(self.reload)
        follow_language(self, ctx.events.language_changed, self.retranslate)
        self.retranslate()

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(tr("pairs.workspace.title"))
        self.tabs.setTabText(0, tr("pairs.tab.pairs"))
        self.tabs.setTabText(1, tr("pairs.tab.workload"))
        self.couple_button.setText(tr("pairs.couple.button"))
        self.accept_button.setText(tr("pairs.accept.button"))
        self.open_button.setText(tr("signals.open_dossier"))
        self.table.setAccessibleName(tr("a11y.pairs.table"))
        self.history.setAccessibleName(tr("a11y.pairs.history"))
        self.load_table.setAccessibleName(tr("a11y.pairs.workload"))
        self._show_notice()
        index = max(0, self.filter.currentIndex())
        self.filter.blockSignals(True)
        self.filter.clear()
        for key in FILTERS:
            if key.startswith("group_"):
                self.filter.addItem(tr("pairs.filter.group", group=key[-1]), key)
            else:
                self.filter.addItem(tr(f"pairs.filter.{key}"), key)
        self.filter.setCurrentIndex(index)
        self.filter.blockSignals(False)
        self.model.retranslate()
        self.load_model.retranslate()
        self.reload()

    def _show_notice(self) -> None:
        self.notice.setText("" if self.coordinator else tr("pairs.only_coordinator"))
        self.notice.setVisible(self._role_known and not self.coordinator)

    # -- loading --------------------------------------------------------------------------
    def current_filter(self) -> PairFilter:
        key = self.filter.currentData() or "all"
        group = CollaborationGroup(key[-1]) if key.startswith("group_") else None
        return PairFilter(only_unpaired=key == "unpaired", group=group)

    def reload(self) -> None:
        """Load the list's first page and counts and the workload, and work out their texts,
        off the GUI thread."""
        f = self.current_filter()
        prepare_pairs, prepare_load = self.model.prepare, self.load_model.prepare
        username = self.ctx.user.username

        def job(uow: UnitOfWork) -> _Loaded:
            load = workload(uow)
            return _Loaded(
                shown_for=f,
                pairs=prepare_pairs(pairs_page(uow, f, 0, PAGE_ROWS)),
                count=count_pairs(uow, f),
                load=load,
                buddies=prepare_load(load.buddies),
                coordinator=is_coordinator(uow, username),
            )

        self.ctx.ops.read(
            job, on_done=self._on_load_done, on_error=self._on_task_error, parent=self, key=self
        )

    def _page_job(self, offset: int, limit: int) -> PageJob[PairRow]:
        f, prepare = self._shown_for, self.model.prepare
        return lambda uow: prepare(pairs_page(uow, f, offset, limit))

    def _on_load_done(self, loaded: _Loaded) -> None:
        self.coordinator, self._role_known = loaded.coordinator, True
        self._show_notice()
        self._shown_for, self._count = loaded.shown_for, loaded.count
        self.model.show_first(
            loaded.pairs,
            loaded.count.dossiers,
            self._page_job,
            reading_through(self.ctx.ops.read, self, self.model, self._on_task_error),
        )
        self.table.resizeColumnsToContents()
        count, load = loaded.count, loaded.load
        summary = tr(
            "pairs.summary",
            n=format_count(count.dossiers),
            unpaired=format_count(count.unpaired),
        )
        if self._message:
            summary = f"{self._message} {summary}"
            self._message = ""
        self.summary.setText(summary)
        self.load_model.set_prepared(loaded.buddies)
        self.load_table.resizeColumnsToContents()
        groups = "  ".join(f"{g}: {format_count(n)}" for g, n in load.by_group.items() if g != "-")
        self.load_summary.setText(
            tr("pairs.workload.summary", groups=groups, unpaired=format_count(load.unpaired))
        )
        self._update_buttons()
        self.pairs_loaded.emit(count.dossiers)

    def _on_task_error(self, exc: BaseException) -> None:
        self._update_buttons()
        messages.show_error(self, tr("pairs.workspace.title"), str(exc))

    # -- selection ------------------------------------------------------------------------
    def selected(self) -> list[PairRow]:
        """The selected rows among those read (the whole list may hold more: ``whole``)."""
        return [self.model.rows[i] for i in self.table.selected_rows()]

    @property
    def whole(self) -> bool:
        """The whole list is selected, rows not read yet included."""
        return self.table.whole and self.model.has_more

    def selected_count(self) -> int:
        return self._count.dossiers if self.whole else len(self.table.selected_rows())

    def _on_table_selection_changed(self, *_args: object) -> None:
        self._update_buttons()
        rows = self.selected()
        if len(rows) != 1:
            self.history.setPlainText(tr("pairs.history.select"))
            return
        dossier_id = rows[0].dossier_id
        self.ctx.ops.read(
            lambda uow: pair_history(uow, dossier_id),
            on_done=self._show_history,
            on_error=self._on_task_error,
            parent=self,
            key=self.history,  # a quick click on through the list shows the last one only
        )

    def _show_history(self, changes: list[PairChangeInfo]) -> None:
        rows = self.selected()
        if len(rows) != 1 or any(c.dossier_id != rows[0].dossier_id for c in changes):
            return  # the selection moved on while the history loaded
        lines = []
        for c in changes:
            who = c.changed_by_name or c.changed_by or "—"
            when = f"{format_short_date(c.changed_at)} {format_time(c.changed_at)}"
            lines.append(
                f"{when} · {tr(f'pairs.kind.{c.kind.value}')} · {who}\n"
                f"  {tr('role.zaakbegeleider')}: {_name(c.img_after)}\n"
                f"  {tr('role.bewonersbegeleider')}: {_name(c.ncg_after)}\n"
                f"  {c.reason}"
            )
        self.history.setPlainText("\n\n".join(lines) or tr("pairs.history.none"))

    def _update_buttons(self) -> None:
        rows = self.selected()
        self.couple_button.setEnabled(self.coordinator and bool(rows))
        self.couple_button.setToolTip("" if self.coordinator else tr("pairs.only_coordinator"))
        if self.whole:  # rows not read yet too: the count says whether each has a proposal
            proposals = self._count.proposals == self._count.dossiers
        else:
            proposals = all(r.proposal for r in rows)
        self.accept_button.setEnabled(self.coordinator and bool(rows) and proposals)
        self.open_button.setEnabled(len(rows) == 1)

    def open_selected(self) -> None:
        rows = self.selected()
        if len(rows) == 1:
            self.ctx.events.open_dossier_requested.emit(rows[0].dossier_id)

    # -- coupling -------------------------------------------------------------------------
    def couple_dialog(self, rows: list[PairRow]) -> CoupleDialog:
        first = rows[0] if len(rows) == 1 else None
        img = ncg = None
        if first is not None:
            img = (
                first.img.id
                if first.img
                else (first.proposal[0].id if first.proposal and first.proposal[0] else None)
            )
            ncg = (
                first.ncg.id
                if first.ncg
                else (first.proposal[1].id if first.proposal and first.proposal[1] else None)
            )
        return CoupleDialog(
            list_supervisors(self.ctx.new_uow()),
            self.selected_count(),
            img_id=img,
            ncg_id=ncg,
            parent=self,
        )

    def couple_selected(self) -> None:
        rows = self.selected()
        if not rows or not self.coordinator:
            return
        whole = self._shown_for if self.whole else None
        dialog = self.couple_dialog(rows if whole is None else [])
        if dialog.exec() != CoupleDialog.DialogCode.Accepted:
            return
        self.start_coupling([r.dossier_id for r in rows], dialog.value(), whole=whole)

    def start_coupling(
        self, dossier_ids: list[int], choice: CoupleChoice, *, whole: PairFilter | None = None
    ) -> None:
        """Couple ``dossier_ids``, or (``whole``) every dossier that filter shows: their ids
        are read on the worker, not taken from the rows read so far."""
        self.couple_button.setEnabled(False)
        user = self.ctx.user.username
        today = date.today()

        def job(uow: UnitOfWork) -> BulkResult:
            return couple_many(
                uow,
                dossier_ids if whole is None else pair_ids(uow, whole),
                img_id=choice.img_id,
                ncg_id=choice.ncg_id,
                reason=choice.reason,
                by_username=user,
                today=today,
            )

        self._write(job)

    def accept_selected(self) -> None:
        """Couple each selected dossier with its own proposed pair (on a worker)."""
        rows = self.selected()
        if not rows or not self.coordinator:
            return
        self.accept_button.setEnabled(False)
        user = self.ctx.user.username
        today = date.today()
        ids = [r.dossier_id for r in rows]
        whole = self._shown_for if self.whole else None

        def job(uow: UnitOfWork) -> BulkResult:
            chosen = ids if whole is None else pair_ids(uow, whole)
            return accept_proposals(uow, chosen, by_username=user, today=today)

        self._write(job)

    def _write(self, job: Callable[[UnitOfWork], BulkResult]) -> None:
        """Couple off the GUI thread; ops.write announces each dossier that changed."""
        self.ctx.ops.write(
            job,
            dossiers=lambda result: [c.dossier_id for c in result.changed],
            on_done=self._on_couple_done,
            on_error=self._on_task_error,
            parent=self,
        )

    def _on_couple_done(self, result: BulkResult) -> None:
        changed, same = len(result.changed), len(result.unchanged)
        text = tr("pairs.coupled.one") if changed == 1 else tr("pairs.coupled", n=changed)
        if same:
            text += " " + (
                tr("pairs.unchanged.one") if same == 1 else tr("pairs.unchanged", n=same)
            )
        self._message = text  # shown with the reloaded list
        self.reload()
        self.coupled.emit(len(result.changed))
