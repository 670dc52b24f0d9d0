"""The Samenloop workspace: the numbers as tiles, the list behind each, filters, CSV export.

The tiles are counted in the database and the list is read a page at a time as the view
scrolls (``samenloop.service``: filtered, searched and sorted there, each page through the
consent gate), every read on a worker (``ctx.ops.read``); the CSV export streams the list to
the file on a worker too. A double-click (or Enter) on a row opens the dossier.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.choices.rules import Actor
from buddy_desk.core.phases import NCG_STATUS_LABELS, NcgStatus
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.samenloop.service import (
    MORE_ROWS,
    PAGE_ROWS,
    Cursor,
    ListFilter,
    ListId,
    ListQuery,
    Page,
    SortKey,
    count_rows,
    export_query,
    load_counts,
    places,
    read_page,
)
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.file_dialogs import ask_save_file
from buddy_desk.ui.formatting import format_count
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.samenloop.table_model import COLUMNS, SamenloopTableModel
from buddy_desk.ui.widgets import accessible, text_size
from buddy_desk.ui.widgets.language import follow_language

TILES = (
    (ListId.NCG, 0, 0),
    (ListId.PROACTIVE, 0, 1),
    (ListId.SETTLED, 0, 2),
    (ListId.BOTH, 0, 3),
    (ListId.NCG_DONE, 0, 4),
    (ListId.GROUP_A, 1, 0),
    (ListId.GROUP_B, 1, 1),
    (ListId.GROUP_C, 1, 2),
    (ListId.GROUP_D, 1, 3),
    (ListId.GROUP_E, 1, 4),
    (ListId.GROUP_F, 1, 5),
)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What the load job hands over: the tiles' numbers, the places, the list as shown then."""

    counts: dict[ListId, int]
    places: list[str]
    query: ListQuery
    page: Page
    count: int


@dataclass(frozen=True, slots=True)
class _Counted:
    query: ListQuery
    count: int


def _known_count(query: ListQuery, page: Page, counts: dict[ListId, int] | None) -> int | None:
    """The list's rows as the viewer sees them, where no count is needed: the first page's
    when it holds all, the tile's for a whole list the gate cannot take rows from (a list
    of a category; a group's list leaves out the rows whose group the viewer may not see)."""
    if page.next is None:
        return len(page.rows)
    if counts is not None and query.filter == ListFilter() and query.list_id.group is None:
        return counts[query.list_id]
    return None


def _count_of(
    uow: UnitOfWork, viewer: Actor, query: ListQuery, page: Page, counts: dict[ListId, int]
) -> int:
    known = _known_count(query, page, counts)
    return known if known is not None else count_rows(uow, viewer, query)


class SamenloopWorkspace(QWidget):
    overview_loaded = Signal()
    """The overview was (re)loaded and the tiles show its numbers."""
    list_shown = Signal(str, int)
    """A list is shown and counted; args: list id, number of rows after filtering."""
    exported = Signal(int)
    """The list was written to the CSV file; arg: rows written."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("samenloopWorkspace")
        self.ctx = ctx
        self.counts: dict[ListId, int] | None = None
        self.current = ListId.PROACTIVE
        self.count: int | None = None  # rows of the list shown, once counted
        self._loading = False
        self._more_key = object()  # ops.read keys: only the newest result of each counts
        self._count_key = object()
        self._count_stop: threading.Event | None = None  # set: the count read may stop
        self._export_key = object()
        self._exporting = False  # the button stays off until the export ends
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        text_size.set_points(self.title, 12, bold=True)
        head.addWidget(self.title, 1)
        self.status = QLabel()
        self.status.setProperty("muted", True)
        head.addWidget(self.status)
        self.refresh_button = QPushButton()
        self.refresh_button.clicked.connect(self.reload)
        head.addWidget(self.refresh_button)
        layout.addLayout(head)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.tiles: dict[ListId, QPushButton] = {}
        for list_id, row, col in TILES:
            tile = QPushButton()
            tile.setObjectName(f"tile_{list_id.value}")
            tile.setCheckable(True)
            tile.setMinimumHeight(text_size.scaled(64 if row == 0 else 48))
            tile.setStyleSheet(
                "QPushButton { text-align: left; padding: 6px 10px; border: 1px solid #d0d5dd;"
                " border-radius: 6px; background: #ffffff; }"
                "QPushButton:checked { border: 2px solid #1d4ed8; background: #eef4ff; }"
            )
            text_size.set_points(tile, 10.5 if row == 0 else 9.75)
            tile.clicked.connect(lambda _c=False, lid=list_id: self.show_list(lid))
            grid.addWidget(tile, row, col)
            self.tiles[list_id] = tile
        layout.addLayout(grid)
        filters = QHBoxLayout()
        self.search = QLineEdit()
        accessible.name(self.search, "a11y.samenloop.search")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._refresh_list)
        filters.addWidget(self.search, 2)
        self.gemeente = QComboBox()
        self.gemeente.currentIndexChanged.connect(self._refresh_list)
        filters.addWidget(self.gemeente, 1)
        self.ncg_status = QComboBox()
        self.ncg_status.currentIndexChanged.connect(self._refresh_list)
        filters.addWidget(self.ncg_status, 1)
        self.bijzonder = QCheckBox()
        self.bijzonder.toggled.connect(self._refresh_list)
        filters.addWidget(self.bijzonder)
        self.sort_label = QLabel()
        filters.addWidget(self.sort_label)
        self.sort = QComboBox()
        self.sort.currentIndexChanged.connect(self._refresh_list)
        filters.addWidget(self.sort)
        self.export_button = QPushButton()
        self.export_button.setObjectName("samenloopExport")
        self.export_button.clicked.connect(lambda: self.export())
        filters.addWidget(self.export_button)
        layout.addLayout(filters)
        self.list_title = QLabel()
        self.list_title.setStyleSheet("font-weight: 600")
        layout.addWidget(self.list_title)
        self.model = SamenloopTableModel(self, self._fetch_page)
        self.table = QTableView()
        self.table.setObjectName("samenloopTable")
        self.list_title.setBuddy(self.table)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        text_size.fit_rows(self.table, 24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        widths = ((0, 260), (1, 75), (2, 130), (3, 230), (4, 110), (5, 55), (6, 140), (7, 140))
        text_size.set_column_widths(self.table, dict(widths))
        self.table.activated.connect(self._on_table_activated)
        layout.addWidget(self.table, 1)
        ctx.events.dossiers_reloaded.connect(self.reload)
        follow_language(self, ctx.events.language_changed, self.retranslate)
        self.retranslate()
        self.reload()

    # -- texts ----------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.title.setText(tr("samenloop.title"))
        self.refresh_button.setText(tr("samenloop.refresh"))
        self.search.setPlaceholderText(tr("samenloop.search"))
        self.bijzonder.setText(tr("samenloop.only_bijzonder"))
        self.sort_label.setText(tr("samenloop.sort"))
        self.export_button.setText(tr("samenloop.export"))
        current_sort = self.sort.currentData()
        self.sort.blockSignals(True)
        self.sort.clear()
        for key in SortKey:
            self.sort.addItem(tr(f"samenloop.sort.{key.value}"), key.value)
        if current_sort is not None:
            self.sort.setCurrentIndex(max(0, self.sort.findData(current_sort)))
        self.sort.blockSignals(False)
        current_status = self.ncg_status.currentData()
        self.ncg_status.blockSignals(True)
        self.ncg_status.clear()
        self.ncg_status.addItem(tr("samenloop.all_statuses"), None)
        for s in NcgStatus:
            self.ncg_status.addItem(f"{s.value} {NCG_STATUS_LABELS[s]}", s.value)
        self.ncg_status.setCurrentIndex(max(0, self.ncg_status.findData(current_status)))
        self.ncg_status.blockSignals(False)
        self._fill_tiles()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        if self.model.rowCount():
            self.model.dataChanged.emit(
                self.model.index(0, 0),
                self.model.index(self.model.rowCount() - 1, len(COLUMNS) - 1),
            )
        self._show_title()

    def _fill_tiles(self) -> None:
        counts = self.counts or {}
        total = counts.get(ListId.NCG, 0) or 1
        for list_id, tile in self.tiles.items():
            n = counts.get(list_id)
            number = format_count(n) if n is not None else "…"
            share = ""
            if n is not None and list_id.group is None:
                pct = 100 * n / total
                share = f"  ({pct:.0f}%)" if pct >= 1 or n == 0 else "  (<1%)"
            tile.setText(f"{number}{share}\n{tr(f'samenloop.list.{list_id.value}')}")
            tile.setToolTip(tr(f"samenloop.tip.{list_id.value}"))
            tile.setChecked(list_id is self.current)

    # -- loading --------------------------------------------------------------------------
    def reload(self) -> None:
        """The tiles' numbers, the places and the list as shown now, in one read."""
        if self._loading:
            return
        self._loading = True
        self.status.setText(tr("samenloop.loading"))
        viewer = viewer_of(self.ctx.user)
        query = self.current_query()

        def job(uow: UnitOfWork) -> _Loaded:
            page = read_page(uow, viewer, query, limit=PAGE_ROWS)
            counts = load_counts(uow)
            count = _count_of(uow, viewer, query, page, counts)
            return _Loaded(counts, places(uow), query, page, count)

        self.ctx.ops.read(job, on_done=self._on_loaded, on_error=self._on_load_failed, parent=self)

    def _on_loaded(self, loaded: _Loaded) -> None:
        self._loading = False
        self.counts = loaded.counts
        self.status.setText("")
        gemeente = self.gemeente.currentData()
        self.gemeente.blockSignals(True)
        self.gemeente.clear()
        self.gemeente.addItem(tr("samenloop.all_gemeenten"), None)
        for name in loaded.places:
            self.gemeente.addItem(name, name)
        self.gemeente.setCurrentIndex(max(0, self.gemeente.findData(gemeente)))
        self.gemeente.blockSignals(False)
        self._fill_tiles()
        if self.current_query() == loaded.query:
            self._show_page(loaded.query, loaded.page)
            self._show_count(_Counted(loaded.query, loaded.count))
        else:  # the filter changed while the overview loaded
            self._refresh_list()
        self.overview_loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        self._loading = False
        self.status.setText(tr("samenloop.load_failed"))
        show_error(self, tr("samenloop.title"), tr("samenloop.load_failed"), str(exc))

    # -- the list -------------------------------------------------------------------------
    def show_list(self, list_id: ListId) -> None:
        self.current = list_id
        for lid, tile in self.tiles.items():
            tile.setChecked(lid is list_id)
        self._refresh_list()

    def current_filter(self) -> ListFilter:
        status = self.ncg_status.currentData()
        return ListFilter(
            text=self.search.text(),
            gemeente=self.gemeente.currentData(),
            ncg_status=NcgStatus(status) if status else None,
            only_bijzonder=self.bijzonder.isChecked(),
        )

    def current_query(self) -> ListQuery:
        sort = SortKey(self.sort.currentData() or SortKey.ADDRESS.value)
        return ListQuery(self.current, self.current_filter(), sort)

    def _refresh_list(self) -> None:
        """The first page of the list as filtered and sorted now, then its count (each read
        on a worker; a newer filter overtakes an older one)."""
        if self.counts is None:  # the load job reads the list as it is then
            return
        viewer, query = viewer_of(self.ctx.user), self.current_query()
        self.count = None
        if self._count_stop is not None:
            self._count_stop.set()
        self.ctx.ops.read(
            lambda uow: read_page(uow, viewer, query, limit=PAGE_ROWS),
            on_done=lambda page: self._on_first_page(viewer, query, page),
            on_error=self._on_load_failed,
            parent=self,
            key=self.model,
        )

    def _on_first_page(self, viewer: Actor, query: ListQuery, page: Page) -> None:
        if query != self.current_query():
            return
        self._show_page(query, page)
        known = _known_count(query, page, self.counts)
        if known is not None:
            self._show_count(_Counted(query, known))
            return
        if self._count_stop is not None:  # the count of an older list is of no use now
            self._count_stop.set()
        stop = self._count_stop = threading.Event()
        self.ctx.ops.read(
            lambda uow: _Counted(query, count_rows(uow, viewer, query, stop.is_set)),
            on_done=self._show_count,
            on_error=self._on_load_failed,
            parent=self,
            key=self._count_key,
        )

    def _show_page(self, query: ListQuery, page: Page) -> None:
        self.model.set_page(query, page)
        # columns that are empty by definition in this list
        no_damage = query.list_id is ListId.PROACTIVE
        no_group = query.list_id in (ListId.PROACTIVE, ListId.SETTLED, ListId.NCG_DONE)
        self.table.setColumnHidden(4, no_damage)
        self.table.setColumnHidden(5, no_group)
        self.table.setColumnHidden(8, no_damage)
        self.count = None
        self._show_title()
        self.export_button.setEnabled(bool(page.rows) and not self._exporting)

    def _show_count(self, counted: _Counted) -> None:
        if counted.query != self.model.query:
            return
        self.count = counted.count
        self._show_title()
        self.list_shown.emit(counted.query.list_id.value, counted.count)

    def _show_title(self) -> None:
        list_id = self.model.query.list_id if self.model.query else self.current
        n = format_count(self.count) if self.count is not None else "…"
        name = tr(f"samenloop.list.{list_id.value}")
        self.list_title.setText(tr("samenloop.list_title", name=name, n=n))

    def _fetch_page(self, query: ListQuery, cursor: Cursor) -> None:
        """The model wants the next page (the view scrolled near its end)."""
        viewer = viewer_of(self.ctx.user)
        self.ctx.ops.read(
            lambda uow: read_page(uow, viewer, query, cursor, MORE_ROWS),
            on_done=lambda page: self.model.add_page(query, cursor, page),
            on_error=self._on_page_failed,
            parent=self,
            key=self._more_key,
        )

    def _on_page_failed(self, exc: BaseException) -> None:
        self.model.fetch_failed()
        self._on_load_failed(exc)

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ctx.events.open_dossier_requested.emit(self.model.rows[index.row()].dossier_id)

    def export(self, path: Path | None = None) -> bool:
        """Export the list as shown (filters and order) to CSV, on a worker (``exported``
        says how many rows were written); False when nothing was started."""
        query = self.model.query
        if query is None:
            return False
        if path is None:
            path = ask_save_file(
                self,
                tr("samenloop.export"),
                f"samenloop-{query.list_id.value}.csv",
                "CSV (*.csv)",
            )
            if path is None:
                return False
        target, viewer = path, viewer_of(self.ctx.user)
        self.status.setText(tr("samenloop.exporting"))
        self._exporting = True
        self.export_button.setEnabled(False)
        self.ctx.ops.read(
            lambda uow: export_query(uow, viewer, query, target),
            on_done=lambda n: self._on_exported(target, n),
            on_error=lambda exc: self._on_export_failed(target, exc),
            parent=self,
            key=self._export_key,
        )
        return True

    def _on_exported(self, path: Path, n: int) -> None:
        self._exporting = False
        self.export_button.setEnabled(True)
        self.status.setText(tr("samenloop.exported", n=format_count(n), path=path.name))
        self.exported.emit(n)

    def _on_export_failed(self, path: Path, exc: BaseException) -> None:
        self._exporting = False
        self.export_button.setEnabled(True)
        self.status.setText("")
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        show_error(
            self, tr("samenloop.export"), tr("samenloop.export_failed", path=str(path)), reason
        )
