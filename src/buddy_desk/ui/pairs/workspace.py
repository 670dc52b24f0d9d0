"""The Buddyparen workspace: the dossiers with their pair (filter: all, without a full pair,
per group, per buddy), bulk coupling for a selection, the selected dossier's pair history,
and the workload per buddy and per group."""

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
    BuddyLoad,
    BulkResult,
    PairChangeInfo,
    PairRow,
    Workload,
    accept_proposals,
    couple_many,
    is_coordinator,
    list_pairs,
    pair_history,
    workload,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui import messages
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_count, format_short_date, format_time
from buddy_desk.ui.pairs.couple_dialog import CoupleChoice, CoupleDialog
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.language import follow_language
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
    """The pairs list and the workload as the load job hands them over, texts worked out."""

    pairs: PreparedRows[PairRow]
    unpaired: int
    load: Workload
    buddies: PreparedRows[BuddyLoad]
    coordinator: bool


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
        self.model: RowTableModel[PairRow] = RowTableModel(
            [
                ("pairs.col.dossier", lambda r: str(r.dossier_id)),
                ("pairs.col.group", lambda r: r.group.value if r.group else "—"),
                ("pairs.col.address", lambda r: r.address),
                ("pairs.col.img", lambda r: _name(r.img)),
                ("pairs.col.ncg", lambda r: _name(r.ncg)),
                ("pairs.col.signals", lambda r: str(r.open_signals)),
                ("pairs.col.proposal", _proposal),
            ],
            color=lambda r, col: MUTED if col in (3, 4) and not r.paired else None,
        )
        self.table = RowTableView(self.model, multi=True)
        self.table.setObjectName("pairsTable")
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
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
    def reload(self) -> None:
        """Load the pairs and the workload and work out their texts off the GUI thread."""
        key = self.filter.currentData() or "all"
        group = CollaborationGroup(key[-1]) if key.startswith("group_") else None
        unpaired = key == "unpaired"
        prepare_pairs, prepare_load = self.model.prepare, self.load_model.prepare
        username = self.ctx.user.username

        def job(uow: UnitOfWork) -> _Loaded:
            rows = list_pairs(uow, only_unpaired=unpaired, group=group)
            load = workload(uow)
            return _Loaded(
                pairs=prepare_pairs(rows),
                unpaired=sum(1 for r in rows if not r.paired),
                load=load,
                buddies=prepare_load(load.buddies),
                coordinator=is_coordinator(uow, username),
            )

        self.ctx.ops.read(
            job, on_done=self._on_load_done, on_error=self._on_task_error, parent=self, key=self
        )

    def _on_load_done(self, loaded: _Loaded) -> None:
        self.coordinator, self._role_known = loaded.coordinator, True
        self._show_notice()
        self.model.set_prepared(loaded.pairs)
        self.table.resizeColumnsToContents()
        rows, load = loaded.pairs.rows, loaded.load
        summary = tr(
            "pairs.summary", n=format_count(len(rows)), unpaired=format_count(loaded.unpaired)
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
        self.pairs_loaded.emit(len(rows))

    def _on_task_error(self, exc: BaseException) -> None:
        self._update_buttons()
        messages.show_error(self, tr("pairs.workspace.title"), str(exc))

    # -- selection ------------------------------------------------------------------------
    def selected(self) -> list[PairRow]:
        return [self.model.rows[i] for i in self.table.selected_rows()]

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
        self.accept_button.setEnabled(
            self.coordinator and bool(rows) and all(r.proposal for r in rows)
        )
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
            list_supervisors(self.ctx.new_uow()), len(rows), img_id=img, ncg_id=ncg, parent=self
        )

    def couple_selected(self) -> None:
        rows = self.selected()
        if not rows or not self.coordinator:
            return
        dialog = self.couple_dialog(rows)
        if dialog.exec() != CoupleDialog.DialogCode.Accepted:
            return
        self.start_coupling([r.dossier_id for r in rows], dialog.value())

    def start_coupling(self, dossier_ids: list[int], choice: CoupleChoice) -> None:
        self.couple_button.setEnabled(False)
        user = self.ctx.user.username
        today = date.today()

        def job(uow: UnitOfWork) -> BulkResult:
            return couple_many(
                uow,
                dossier_ids,
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
        self._write(lambda uow: accept_proposals(uow, ids, by_username=user, today=today))

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
