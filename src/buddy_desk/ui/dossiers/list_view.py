"""The dossier list: instant search, filters, sorting, keyboard first; opens dossier tabs."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.choices.service.list_gate import gated_count, gated_page
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.search import DossierFilter, img_phase_of, ncg_status_of
from buddy_desk.dossiers.service import ListSort, SummaryPage
from buddy_desk.i18n import tr
from buddy_desk.progress import Progress
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.delegates import FlagChipsDelegate, GroupDelegate
from buddy_desk.ui.dossiers.table_model import FIRST_PAGE_ROWS, Column, DossierTableModel
from buddy_desk.ui.formatting import format_count
from buddy_desk.ui.style import CARD, FLAG_ORDER, SELECTION, TEXT
from buddy_desk.ui.widgets import accessible, text_size
from buddy_desk.ui.widgets.flow import FlowLayout

log = logging.getLogger(__name__)
BUSY_AFTER_MS = 150
COUNT_AFTER_MS = 200
_WIDTHS: dict[int, int] = {
    Column.ADDRESS: 230,
    Column.POSTCODE: 80,
    Column.WOONPLAATS: 120,
    Column.RESIDENT: 160,
    Column.IMG: 120,
    Column.NCG: 270,
    Column.GROUP: 60,
}


class DossierListView(QWidget):
    rows_loaded = Signal(int)
    """The dossier rows arrived from the database; arg: how many dossiers there are."""
    filter_applied = Signal(int)
    """The list was filtered (search text or filter changed); arg: how many rows show."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = DossierTableModel(self._page)
        self.model.count_wanted.connect(self._on_model_count_wanted)
        self.model.counted.connect(self._on_model_counted)
        self._loaded = False
        self._load_started = 0.0
        self._build()
        self.retranslate()
        ctx.events.dossiers_reloaded.connect(self.reload)
        ctx.events.language_changed.connect(self._on_events_language_changed)

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        outer.setSpacing(10)

        top = QHBoxLayout()
        top.setSpacing(10)
        self.search = QLineEdit()
        self.search.setObjectName("searchField")
        text_size.set_points(self.search, 11)
        accessible.name(self.search, "a11y.list.search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_search_text_changed)
        self.search.installEventFilter(self)
        top.addWidget(self.search, 1)
        self.count_label = QLabel()
        self.count_label.setProperty("muted", True)
        top.addWidget(self.count_label)
        outer.addLayout(top)

        # the filters wrap onto a second line (a narrow window, text at 200 %) instead of
        # widening the window past the screen
        filter_bar = QWidget()
        filters = FlowLayout(filter_bar, spacing=6)
        self.group_label = QLabel()
        filters.addWidget(self.group_label)
        self.group_buttons: dict[CollaborationGroup, QToolButton] = {}
        for group in CollaborationGroup:
            button = QToolButton()
            button.setObjectName("filterToggle")
            button.setText(group.value)
            button.setCheckable(True)
            button.toggled.connect(self._apply_filter)
            self.group_buttons[group] = button
            filters.addWidget(button)
        self.flags_button = QToolButton()
        self.flags_button.setObjectName("filterToggle")
        self.flags_button.setCheckable(True)
        self.flags_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.flags_menu = QMenu(self.flags_button)
        self.flag_actions: dict[FlagKind, QAction] = {}
        for kind in FLAG_ORDER:
            action = self.flags_menu.addAction("")
            action.setCheckable(True)
            action.toggled.connect(self._apply_filter)
            self.flag_actions[kind] = action
        self.flags_button.setMenu(self.flags_menu)
        filters.addWidget(self.flags_button)
        self.img_combo = QComboBox()
        self.img_combo.currentIndexChanged.connect(self._apply_filter)
        filters.addWidget(self.img_combo)
        self.ncg_combo = QComboBox()
        self.ncg_combo.currentIndexChanged.connect(self._apply_filter)
        filters.addWidget(self.ncg_combo)
        self.mine_check = QCheckBox()
        self.mine_check.toggled.connect(self._apply_filter)
        self.mine_check.setEnabled(self.ctx.user.supervisor_id is not None)
        filters.addWidget(self.mine_check)
        self.clear_button = QPushButton()
        self.clear_button.setFlat(True)
        self.clear_button.clicked.connect(self.clear_filters)
        filters.addWidget(self.clear_button)
        outer.addWidget(filter_bar)

        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(4)
        self.busy.setTextVisible(False)
        self.busy.hide()
        outer.addWidget(self.busy)

        self.table = QTableView()
        accessible.name(self.table, "a11y.list.table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        # colours via the palette, not the style sheet: style-sheet painting of a big table
        # costs about twice as much per keystroke
        palette = self.table.palette()
        palette.setColor(QPalette.ColorRole.Base, QColor(CARD))
        palette.setColor(QPalette.ColorRole.AlternateBase, QColor("#fafbfc"))
        palette.setColor(QPalette.ColorRole.Highlight, QColor(SELECTION))
        palette.setColor(QPalette.ColorRole.HighlightedText, QColor(TEXT))
        self.table.setPalette(palette)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Column.ADDRESS, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        text_size.fit_rows(self.table, 28)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        text_size.set_column_widths(self.table, _WIDTHS)
        header.setStretchLastSection(True)
        self._flag_delegate = FlagChipsDelegate(self.table)
        self._group_delegate = GroupDelegate(self.table)
        self.table.setItemDelegateForColumn(Column.FLAGS, self._flag_delegate)
        self.table.setItemDelegateForColumn(Column.GROUP, self._group_delegate)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.installEventFilter(self)

        self.empty = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setProperty("muted", True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        outer.addWidget(self.stack, 1)

        self._busy_timer = QTimer(self, singleShot=True, interval=BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self.busy.show)
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_AFTER_MS)
        self._count_timer.timeout.connect(self._count_current)

    def retranslate(self) -> None:
        self.search.setPlaceholderText(tr("ui.list.search_placeholder"))
        self.group_label.setText(tr("ui.list.filter.group"))
        for group, button in self.group_buttons.items():
            button.setToolTip(tr("group.label", group=group.value))
        self.flags_button.setText(tr("ui.list.filter.flags"))
        for kind, action in self.flag_actions.items():
            action.setText(tr(f"flag.{kind.value}"))
        self._fill_combo(
            self.img_combo,
            tr("ui.list.filter.img_all"),
            [(tr(f"img.phase.{p.value}"), p) for p in ImgPhase],
        )
        self._fill_combo(
            self.ncg_combo,
            tr("ui.list.filter.ncg_all"),
            [(f"{s.value} {tr(f'ncg.status.{s.value}')}", s) for s in NcgStatus],
        )
        self.mine_check.setText(tr("ui.list.filter.mine"))
        self.mine_check.setToolTip(
            "" if self.mine_check.isEnabled() else tr("ui.list.filter.mine_disabled")
        )
        self.clear_button.setText(tr("ui.list.filter.clear"))
        self.model.retranslate()
        self._update_count()

    @staticmethod
    def _fill_combo(combo: QComboBox, all_text: str, items: list[tuple[str, object]]) -> None:
        current = combo.currentIndex()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(all_text, None)
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(current, 0))
        combo.blockSignals(False)

    # -- loading ----------------------------------------------------------------------------
    def _page(
        self, f: DossierFilter, sort: ListSort, offset: int, limit: int, with_counts: bool
    ) -> SummaryPage:
        """One page of the list from the database (the model asks as the view scrolls), as
        the user may see it (the consent gate)."""
        viewer = viewer_of(self.ctx.user)
        uow = self.ctx.new_uow()
        return gated_page(uow, viewer, f, sort, offset, limit, with_counts=with_counts)

    def reload(self) -> None:
        """Read the first page again in the background; the list stays usable meanwhile."""
        self._load_started = time.perf_counter()
        self._busy_timer.start()
        f = self.current_filter()
        sort = self.model.current_sort
        page_of = self._page

        def job(progress: Progress) -> tuple[SummaryPage, DossierFilter, ListSort]:
            return page_of(f, sort, 0, FIRST_PAGE_ROWS, True), f, sort

        self.ctx.tasks.start(job, on_done=self._on_load_done, on_error=self._on_load_failed)

    def _on_load_done(self, result: tuple[SummaryPage, DossierFilter, ListSort]) -> None:
        page, f, sort = result
        self._busy_timer.stop()
        self.busy.hide()
        if (f, sort) == (self.current_filter(), self.model.current_sort):
            self.model.set_page(page, f, sort)
        else:  # typed or sorted meanwhile: read what the list shows now
            self.model.set_page(page, f, sort)
            self.model.set_filter(self.current_filter())
        self._loaded = True
        log.info(
            "list: %d of %d dossiers, first page in %.0f ms",
            self.model.visible_count,
            self.model.total_count,
            (time.perf_counter() - self._load_started) * 1000,
        )
        self._after_filter()
        self.rows_loaded.emit(self.model.total_count)

    def _on_model_count_wanted(self, _f: DossierFilter) -> None:
        # counted once typing pauses: a count of a broad query takes longer than its page,
        # and one per keystroke would compete with the next keystroke's page
        self._count_timer.start()

    def _count_current(self) -> None:
        f = self.model.current_filter
        if self.model.count_known:
            return
        new_uow = self.ctx.new_uow
        model = self.model
        viewer = viewer_of(self.ctx.user)

        def job(progress: Progress) -> tuple[DossierFilter, int]:
            if f != model.current_filter:
                return f, -1  # typed on meanwhile: that filter's count is wanted instead
            return f, gated_count(new_uow(), viewer, f)  # what the user may see (consent)

        self.ctx.tasks.start(job, on_done=self._on_count_done)

    def _on_count_done(self, result: tuple[DossierFilter, int]) -> None:
        f, matching = result
        if matching >= 0:
            self.model.set_matching(f, matching)

    def _on_model_counted(self, _matching: int) -> None:
        self._update_count()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._busy_timer.stop()
        self.busy.hide()
        self._loaded = True
        self.empty.setText(tr("ui.list.load_failed", error=str(exc)))
        self.stack.setCurrentWidget(self.empty)

    @property
    def loaded(self) -> bool:
        return self._loaded

    # -- filtering --------------------------------------------------------------------------
    def current_filter(self) -> DossierFilter:
        img = img_phase_of(self.img_combo.currentData())
        ncg = ncg_status_of(self.ncg_combo.currentData())
        return DossierFilter(
            text=self.search.text(),
            groups=frozenset(g for g, b in self.group_buttons.items() if b.isChecked()),
            flags=frozenset(k for k, a in self.flag_actions.items() if a.isChecked()),
            img_phases=frozenset({img}) if img is not None else frozenset(),
            ncg_statuses=frozenset({ncg}) if ncg is not None else frozenset(),
            supervisor_id=self.ctx.user.supervisor_id if self.mine_check.isChecked() else None,
        )

    def _on_search_text_changed(self, _text: str) -> None:
        self._apply_filter()

    def _apply_filter(self, *_args: object) -> None:
        self.model.set_filter(self.current_filter())
        self._after_filter()

    def _after_filter(self) -> None:
        n_flags = sum(a.isChecked() for a in self.flag_actions.values())
        self.flags_button.setChecked(n_flags > 0)
        self._update_count()
        visible = self.model.visible_count
        if visible:
            self.stack.setCurrentWidget(self.table)
            if not self.table.currentIndex().isValid():
                self.table.setCurrentIndex(self.model.index(0, 0))
        elif self._loaded:
            self.empty.setText(self._empty_text())
            self.stack.setCurrentWidget(self.empty)
        self.filter_applied.emit(visible)

    def _empty_text(self) -> str:
        if self.model.total_count == 0:
            return tr("ui.list.empty_database")
        if self.search.text().strip():
            return tr("ui.list.no_match_text", text=self.search.text().strip())
        return tr("ui.list.no_match_filters")

    def _update_count(self) -> None:
        if not self._loaded:
            self.count_label.setText(tr("ui.list.loading"))
            return
        self.count_label.setText(
            tr(
                "ui.list.count" if self.model.count_known else "scale.list.count_pending",
                shown=format_count(self.model.visible_count),
                total=format_count(self.model.total_count),
            )
        )

    def clear_filters(self) -> None:
        widgets: list[QObject] = [
            *self.group_buttons.values(),
            *self.flag_actions.values(),
            self.img_combo,
            self.ncg_combo,
            self.mine_check,
        ]
        for w in widgets:
            w.blockSignals(True)
        for button in self.group_buttons.values():
            button.setChecked(False)
        for action in self.flag_actions.values():
            action.setChecked(False)
        self.img_combo.setCurrentIndex(0)
        self.ncg_combo.setCurrentIndex(0)
        self.mine_check.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self._apply_filter()

    # -- keyboard ---------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched == self.search:
                if key == Qt.Key.Key_Down and self.model.visible_count:
                    self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                    self.table.selectRow(max(self.table.currentIndex().row(), 0))
                    return True
                if key == Qt.Key.Key_Escape and self.search.text() != "":
                    self.search.clear()
                    return True
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self._open_row(max(self.table.currentIndex().row(), 0))
                    return True
            elif watched == self.table:
                if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                    self._open_row(self.table.currentIndex().row())
                    return True
                if key == Qt.Key.Key_Escape:
                    self.focus_search()
                    return True
                if key == Qt.Key.Key_Up and self.table.currentIndex().row() <= 0:
                    self.focus_search()
                    return True
        return super().eventFilter(watched, event)

    def _open_row(self, row: int) -> None:
        if 0 <= row < self.model.visible_count:
            self.ctx.events.open_dossier_requested.emit(self.model.row_at(row).id)

    def _on_events_language_changed(self, _language: str) -> None:
        self.retranslate()
