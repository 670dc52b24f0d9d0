"""The Samenloop workspace: the numbers as tiles, the list behind each, filters, CSV export.

The overview loads on a worker (``ctx.tasks``); filtering and sorting are in memory. A
double-click (or Enter) on a row opens the dossier.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
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

from buddy_desk.choices.rules import options_label
from buddy_desk.core.phases import NCG_STATUS_LABELS, NcgStatus, Organisation
from buddy_desk.i18n import tr
from buddy_desk.progress import Progress
from buddy_desk.samenloop.service import (
    ListFilter,
    ListId,
    SamenloopOverview,
    SamenloopRow,
    SortKey,
    export_list,
    filter_rows,
    load_overview,
    sort_rows,
)
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.file_dialogs import ask_save_file
from buddy_desk.ui.formatting import format_count, format_short_date
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.widgets import accessible, text_size
from buddy_desk.ui.widgets.language import follow_language

COLUMNS = (
    "samenloop.col.address",
    "samenloop.col.postcode",
    "samenloop.col.gemeente",
    "samenloop.col.ncg",
    "samenloop.col.img",
    "samenloop.col.group",
    "samenloop.col.bijzonder",
    "samenloop.col.bb",
    "samenloop.col.zb",
)
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


def _shown(
    overview: SamenloopOverview, list_id: ListId, f: ListFilter, key: SortKey
) -> list[SamenloopRow]:
    """The rows of a list as shown: filtered, then sorted."""
    return sort_rows(filter_rows(overview.rows_for(list_id), f), key)


@dataclass(frozen=True, slots=True)
class _Loaded:
    """What the load job hands over: the overview, its places and the list as shown then."""

    overview: SamenloopOverview
    places: list[str]
    state: tuple[ListId, ListFilter, SortKey]
    shown: list[SamenloopRow]


class SamenloopTableModel(QAbstractTableModel):
    """Thin adapter over a list of SamenloopRow."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SamenloopRow] = []

    def set_rows(self, rows: list[SamenloopRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            match index.column():
                case 0:
                    return f"{r.address_line}, {r.woonplaats}"
                case 1:
                    return r.postcode_text
                case 2:
                    return r.gemeente
                case 3:
                    if r.ncg_status is None:
                        return tr("consent.gate.cell")
                    return f"{r.ncg_status.value} {NCG_STATUS_LABELS[r.ncg_status]}"
                case 4:
                    if r.img_phase is None:
                        withheld = any(o is Organisation.IMG for o, _ in r.withheld)
                        return tr("consent.gate.cell") if withheld else "—"
                    extra = f" (+{r.img_cases - 1})" if r.img_cases > 1 else ""
                    return f"{tr(f'img.phase.{r.img_phase.value}')}{extra}"
                case 5:
                    return r.group.value if r.group else options_label(r.group_options)
                case 6:
                    return r.bijzondere_situatie or ""
                case 7:
                    return r.bewonersbegeleider or ""
                case 8:
                    return r.zaakbegeleider or ""
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (3, 4) and r.withheld:
            org = Organisation.NCG if index.column() == 3 else Organisation.IMG
            reason = next((why for o, why in r.withheld if o is org), None)
            return tr(f"consent.gate.{reason}", org=org.value) if reason else None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3 and r.ncg_status_date:
            return tr("samenloop.since", date=format_short_date(r.ncg_status_date))
        return None


class SamenloopWorkspace(QWidget):
    overview_loaded = Signal()
    """The overview was (re)loaded and the tiles show its numbers."""
    list_shown = Signal(str, int)
    """A list is shown; args: list id, number of rows after filtering."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("samenloopWorkspace")
        self.ctx = ctx
        self.overview: SamenloopOverview | None = None
        self.current = ListId.PROACTIVE
        self.shown: list[SamenloopRow] = []
        self._loading = False
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
        self.model = SamenloopTableModel(self)
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
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(COLUMNS) - 1)
        self._fill_tiles()
        if self.overview is None:
            self._refresh_list()
        else:  # the same rows in the same order, in the new language
            self._show_list(self.shown)

    def _fill_tiles(self) -> None:
        counts = self.overview.counts if self.overview else {}
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
        if self._loading:
            return
        self._loading = True
        self.status.setText(tr("samenloop.loading"))
        uow = self.ctx.new_uow()
        viewer = viewer_of(self.ctx.user)

        state = self._list_state()

        def job(progress: Progress) -> _Loaded:
            # the lists, the places and the list shown are worked out here, not on the GUI thread
            overview = load_overview(uow, viewer)
            return _Loaded(
                overview=overview,
                places=sorted({r.gemeente for r in overview.rows}),
                state=state,
                shown=_shown(overview, *state),
            )

        self.ctx.tasks.start(job, on_done=self._on_task_done, on_error=self._on_task_error)

    def _on_task_done(self, loaded: _Loaded) -> None:
        self._loading = False
        self.overview = loaded.overview
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
        if self._list_state() == loaded.state:
            self._show_list(loaded.shown)
        else:  # the filter changed while the lists loaded
            self._refresh_list()
        self.overview_loaded.emit()

    def _on_task_error(self, exc: BaseException) -> None:
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

    def _list_state(self) -> tuple[ListId, ListFilter, SortKey]:
        return (
            self.current,
            self.current_filter(),
            SortKey(self.sort.currentData() or SortKey.ADDRESS.value),
        )

    def _refresh_list(self) -> None:
        """Filter and sort the list off the GUI thread (17,000 rows take ~100 ms); a newer
        filter overtakes an older one (``list_shown`` says when it is on screen)."""
        if self.overview is None:
            self.model.set_rows([])
            self.list_title.setText(tr(f"samenloop.list.{self.current.value}"))
            return
        overview, state = self.overview, self._list_state()
        self.ctx.ops.read(
            lambda _uow: _shown(overview, *state),
            on_done=self._show_list,
            on_error=self._on_task_error,
            parent=self,
            key=self.model,
        )

    def _show_list(self, shown: list[SamenloopRow]) -> None:
        self.shown = shown
        self.model.set_rows(self.shown)
        # columns that are empty by definition in this list
        no_damage = self.current is ListId.PROACTIVE
        no_group = self.current in (ListId.PROACTIVE, ListId.SETTLED, ListId.NCG_DONE)
        self.table.setColumnHidden(4, no_damage)
        self.table.setColumnHidden(5, no_group)
        self.table.setColumnHidden(8, no_damage)
        self.list_title.setText(
            tr(
                "samenloop.list_title",
                name=tr(f"samenloop.list.{self.current.value}"),
                n=format_count(len(self.shown)),
            )
        )
        self.export_button.setEnabled(bool(self.shown))
        self.list_shown.emit(self.current.value, len(self.shown))

    def _on_table_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.ctx.events.open_dossier_requested.emit(self.shown[index.row()].dossier_id)

    def export(self, path: Path | None = None) -> int:
        """Export the list as shown (filters and order) to CSV; returns rows written."""
        if self.overview is None:
            return 0
        if path is None:
            path = ask_save_file(
                self,
                tr("samenloop.export"),
                f"samenloop-{self.current.value}.csv",
                "CSV (*.csv)",
            )
            if path is None:
                return 0
        try:
            n = export_list(
                self.ctx.new_uow(), viewer_of(self.ctx.user), self.overview, path, self.shown
            )
        except OSError as exc:
            show_error(
                self,
                tr("samenloop.export"),
                tr("samenloop.export_failed", path=str(path)),
                exc.strerror,
            )
            return 0
        self.status.setText(tr("samenloop.exported", n=format_count(n), path=path.name))
        return n
