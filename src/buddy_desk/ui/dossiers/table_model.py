"""A thin, lazy table model over DossierSummary rows: the database filters, sorts and pages."""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from buddy_desk.choices.rules import options_label
from buddy_desk.core.phases import NCG_STATUS_LABELS, Organisation
from buddy_desk.core.search import DossierFilter
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.dossiers.service import ListSort, SortKey, SummaryPage
from buddy_desk.i18n import tr
from buddy_desk.ui.style import FAINT, qcolor, sorted_flags

_Index = QModelIndex | QPersistentModelIndex
RAW_ROLE = Qt.ItemDataRole.UserRole + 1
"""Role for the raw value a delegate paints (flag list, group)."""

# data() runs ~900 times per repaint, so roles are compared as plain ints (Qt passes ints)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_RAW = int(RAW_ROLE)
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _FOREGROUND, _ACCESSIBLE, _RAW})
_EMPTY = "—"
FIRST_PAGE_ROWS = 60
"""Rows read per keystroke: two screenfuls (the fewer, the faster a broad query pages)."""
PAGE_ROWS = 200
"""Rows read as the view scrolls further."""
_SEEN_KEEP = 2_000

PageSource = Callable[[DossierFilter, ListSort, int, int, bool], SummaryPage]
"""(filter, sort, offset, limit, with_counts) → one page of the list (``find_summaries``)."""


class Column(IntEnum):
    ADDRESS = 0
    POSTCODE = 1
    WOONPLAATS = 2
    RESIDENT = 3
    IMG = 4
    NCG = 5
    GROUP = 6
    FLAGS = 7


_COLUMN_COUNT = len(Column)

HEADER_KEYS = {
    Column.ADDRESS: "ui.list.col.address",
    Column.POSTCODE: "ui.list.col.postcode",
    Column.WOONPLAATS: "ui.list.col.woonplaats",
    Column.RESIDENT: "ui.list.col.resident",
    Column.IMG: "process.IMG",
    Column.NCG: "process.NCG",
    Column.GROUP: "ui.list.col.group",
    Column.FLAGS: "ui.list.col.flags",
}

SORT_KEYS: dict[Column, SortKey] = {
    Column.ADDRESS: SortKey.ADDRESS,
    Column.POSTCODE: SortKey.POSTCODE,
    Column.WOONPLAATS: SortKey.WOONPLAATS,
    Column.RESIDENT: SortKey.RESIDENT,
    Column.IMG: SortKey.IMG,
    Column.NCG: SortKey.NCG,
    Column.GROUP: SortKey.GROUP,
    Column.FLAGS: SortKey.FLAGS,
}


def _withheld_reason(row: DossierSummary, org: Organisation) -> str | None:
    return next((reason for o, reason in row.withheld if o is org), None)


def group_options_text(row: DossierSummary) -> str:
    """ "B/C" when the consent gate knows the group only as one of these."""
    return options_label(row.group_options) if row.group is None else ""


def img_text(row: DossierSummary) -> str:
    if _withheld_reason(row, Organisation.IMG):
        return tr("consent.gate.cell")
    return tr(f"img.phase.{row.img_phase.value}") if row.img_phase else _EMPTY


def ncg_text(row: DossierSummary) -> str:
    if _withheld_reason(row, Organisation.NCG):
        return tr("consent.gate.cell")
    if row.ncg_status is None:
        return _EMPTY
    return f"{row.ncg_status.value} {tr(f'ncg.status.{row.ncg_status.value}')}"


class DossierTableModel(QAbstractTableModel):
    """The filtered, sorted dossier list, read from the database a page at a time.

    ``rowCount`` is what has been read; Qt asks for more (``canFetchMore``/``fetchMore``)
    as the view scrolls. ``visible_count`` is how many dossiers match, counted in SQL; a
    large result is counted after its first page shows (``count_wanted`` → ``set_matching``).
    """

    count_wanted = Signal(object)
    """A first page is shown but its filter's matches are not counted yet; arg: the filter."""
    counted = Signal(int)
    """The current filter's matches were counted; arg: how many."""

    def __init__(self, source: PageSource | None = None) -> None:
        super().__init__()
        self._source = source
        self._rows: list[DossierSummary] = []
        self._matching: int | None = 0
        self._more = False  # whether fetchMore may find more rows
        self._total = 0
        self._filter = DossierFilter()
        self._sort = ListSort()
        # display texts per dossier id, one entry per Column, built when a row is first
        # painted; refilled whenever the rows change, cleared when the language changes
        self._texts: dict[int, tuple[str, ...]] = {}
        # the texts of rows shown before, by the row's whole content: typing on and
        # backspacing shows mostly rows seen a keystroke ago (bounded, oldest out first)
        self._seen: dict[DossierSummary, tuple[str, ...]] = {}
        self._faint = qcolor(FAINT)
        self._has_page = False  # nothing is asked of the database before the first page
        self._read = 0  # database rows read so far (the next page's offset)

    # -- data in --------------------------------------------------------------------------
    def set_source(self, source: PageSource) -> None:
        self._source = source

    def set_page(self, page: SummaryPage, f: DossierFilter, sort: ListSort) -> None:
        """Show ``page`` (the first page of ``f`` in ``sort``, with its counts if known)."""
        self.beginResetModel()
        self._has_page = True
        seen = self._seen
        self._texts = {r.id: seen[r] for r in page.rows if r in seen}
        self._filter = f
        self._sort = sort
        self._rows = list(page.rows)
        self._read = len(page.rows) if page.consumed is None else page.consumed
        self._matching = page.matching
        self._more = page.matching is None or len(page.rows) < page.matching
        if page.total is not None:
            self._total = page.total
        self.endResetModel()
        if page.matching is None:
            self.count_wanted.emit(f)

    def set_matching(self, f: DossierFilter, matching: int) -> None:
        """The count of ``f`` arrived (ignored when the filter changed meanwhile)."""
        if f != self._filter or self._matching is not None:
            return
        self._matching = max(matching, len(self._rows))
        self._more = len(self._rows) < self._matching
        self.counted.emit(self._matching)

    def refresh(self) -> None:
        """Read the first page of the current filter and sort again."""
        if self._source is not None:
            self.set_page(self._first_page(self._filter, self._sort), self._filter, self._sort)

    def set_filter(self, new: DossierFilter) -> None:
        if new == self._filter:
            return
        if self._source is None or not self._has_page:
            self._filter = new
            return
        self.set_page(self._first_page(new, self._sort), new, self._sort)

    def _first_page(self, f: DossierFilter, sort: ListSort) -> SummaryPage:
        assert self._source is not None
        return self._source(f, sort, 0, FIRST_PAGE_ROWS, False)

    @property
    def current_filter(self) -> DossierFilter:
        return self._filter

    @property
    def current_sort(self) -> ListSort:
        return self._sort

    @property
    def total_count(self) -> int:
        return self._total

    @property
    def count_known(self) -> bool:
        return self._matching is not None

    @property
    def visible_count(self) -> int:
        """How many dossiers match; until they are counted, those read so far."""
        return self._matching if self._matching is not None else len(self._rows)

    @property
    def loaded_count(self) -> int:
        return len(self._rows)

    def row_at(self, row: int) -> DossierSummary:
        while row >= len(self._rows) and self.canFetchMore():
            self.fetchMore()
        return self._rows[row]

    def row_of(self, dossier_id: int) -> int | None:
        """The row of a dossier among those read so far."""
        for i, r in enumerate(self._rows):
            if r.id == dossier_id:
                return i
        return None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._source is not None and self._more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        assert self._source is not None
        offset = len(self._rows)
        # the database offset: rows the consent gate left out were read all the same
        page = self._source(self._filter, self._sort, self._read, PAGE_ROWS, False)
        self._read += len(page.rows) if page.consumed is None else page.consumed
        self._more = len(page.rows) == PAGE_ROWS and (
            self._matching is None or self._read < self._matching
        )
        if not page.rows:  # fewer than counted: the database changed meanwhile
            if self._matching is not None:
                self._matching = offset
            return
        self.beginInsertRows(QModelIndex(), offset, offset + len(page.rows) - 1)
        self._rows.extend(page.rows)
        self.endInsertRows()

    # -- Qt model interface ---------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(HEADER_KEYS[Column(section)])
        return None

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if role not in _ROLES or not index.isValid():  # most calls ask for unused roles
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (_DISPLAY, _ACCESSIBLE):
            return self.texts(row)[column]
        if role == _FOREGROUND:  # nothing there, or withheld by the consent gate: faint
            faint = self.texts(row)[column] in (_EMPTY, tr("consent.gate.cell"))
            return self._faint if faint else None
        if role == _RAW:
            if column == Column.FLAGS:
                return sorted_flags(row.flags)
            if column == Column.GROUP:
                return row.group or group_options_text(row)
            return None
        return self._tooltip(row, Column(column))

    def texts(self, row: DossierSummary) -> tuple[str, ...]:
        """The row's display text per column, from the cache."""
        texts = self._texts.get(row.id)
        if texts is None:
            texts = self._texts[row.id] = tuple(self._display(row, c) for c in Column)
            self._seen[row] = texts
            if len(self._seen) > _SEEN_KEEP:
                del self._seen[next(iter(self._seen))]
        return texts

    def _display(self, row: DossierSummary, column: Column) -> str:
        match column:
            case Column.ADDRESS:
                return row.address_line
            case Column.POSTCODE:
                return row.postcode_text
            case Column.WOONPLAATS:
                return row.woonplaats
            case Column.RESIDENT:
                return row.resident or _EMPTY
            case Column.IMG:
                return img_text(row)
            case Column.NCG:
                return ncg_text(row)
            case Column.GROUP:
                return row.group.value if row.group else group_options_text(row)
            case Column.FLAGS:
                return ", ".join(tr(f"flag.short.{f.value}") for f in sorted_flags(row.flags))

    def _tooltip(self, row: DossierSummary, column: Column) -> str | None:
        if column is Column.FLAGS and row.flags:
            return "\n".join(tr(f"flag.{f.value}") for f in sorted_flags(row.flags))
        if column is Column.GROUP and row.group:
            return tr("group.label", group=row.group.value)
        if column is Column.GROUP and group_options_text(row):
            return tr("consent.gate.group_options", groups=group_options_text(row))
        for col, org in ((Column.IMG, Organisation.IMG), (Column.NCG, Organisation.NCG)):
            if column is col and (reason := _withheld_reason(row, org)):
                text = tr(f"consent.gate.{reason}", org=org.value)
                return f"{text}\n{tr('consent.gate.cell_tooltip')}"
        if column is Column.NCG and row.ncg_status:
            return f"{row.ncg_status.value} {NCG_STATUS_LABELS[row.ncg_status]}"
        if column is Column.IMG and row.zaaknummers:
            return ", ".join(row.zaaknummers)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        sort = ListSort(SORT_KEYS[Column(column)], order == Qt.SortOrder.DescendingOrder)
        if sort == self._sort:
            return
        if self._source is None or not self._has_page:
            self._sort = sort
            return
        self.set_page(self._first_page(self._filter, sort), self._filter, sort)

    def retranslate(self) -> None:
        self._texts.clear()
        self._seen.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(Column) - 1)
            )
