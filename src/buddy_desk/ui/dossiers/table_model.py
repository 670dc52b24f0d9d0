"""A thin table model over DossierSummary rows: every dossier once, filtered in memory."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from buddy_desk.choices.rules import options_label
from buddy_desk.core.phases import NCG_STATUS_LABELS, Organisation
from buddy_desk.core.search import DossierFilter, address_sort_key
from buddy_desk.core.summaries import DossierSummary
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
_RESULTS_KEPT = 16
"""Recent filter results kept, so backspacing does not filter all 31,000 rows again."""


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

_SORT_KEYS: dict[Column, Callable[[DossierSummary], Any]] = {
    Column.ADDRESS: address_sort_key,
    Column.POSTCODE: lambda r: (r.postcode, r.huisnummer, r.huisletter or "", r.toevoeging or ""),
    Column.WOONPLAATS: lambda r: (r.woonplaats, *address_sort_key(r)),
    Column.RESIDENT: lambda r: (r.resident.lower(), *address_sort_key(r)),
    Column.IMG: lambda r: (r.img_phase.order if r.img_phase else 99, *address_sort_key(r)),
    Column.NCG: lambda r: (r.ncg_status.order if r.ncg_status else 99, *address_sort_key(r)),
    Column.GROUP: lambda r: (r.group.value if r.group else "~", *address_sort_key(r)),
    Column.FLAGS: lambda r: (-len(r.flags), *address_sort_key(r)),
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


def _only_text(f: DossierFilter) -> bool:
    return not (f.groups or f.flags or f.img_phases or f.ncg_statuses or f.supervisor_id)


def apply_filter(rows: Sequence[DossierSummary], f: DossierFilter) -> list[DossierSummary]:
    """``DossierFilter.matches`` over many rows; text-only queries take a ~5× faster path."""
    if not _only_text(f):
        return [r for r in rows if f.matches(r)]
    tokens = f.tokens
    if not tokens:
        return list(rows)
    if len(tokens) == 1:
        (t,) = tokens
        return [r for r in rows if t in r.search_key]
    first, *rest = tokens
    return [r for r in rows if first in r.search_key and all(t in r.search_key for t in rest)]


def _refines(new: DossierFilter, old: DossierFilter) -> bool:
    """True when every row matching ``new`` also matches ``old`` (so filter old's result)."""
    same_rest = (
        new.groups == old.groups
        and new.flags == old.flags
        and new.img_phases == old.img_phases
        and new.ncg_statuses == old.ncg_statuses
        and new.supervisor_id == old.supervisor_id
    )
    if not same_rest:
        return False
    # a row containing the new token also contains every prefix of it
    return all(any(n.startswith(o) for n in new.tokens) for o in old.tokens)


class DossierTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._all: list[DossierSummary] = []  # every dossier, in the current sort order
        self._visible: list[DossierSummary] = []
        self._filter = DossierFilter()
        self._sort_column = Column.ADDRESS
        self._sort_order = Qt.SortOrder.AscendingOrder
        # display texts per dossier id, one entry per Column, built when a row is first
        # painted; cleared whenever the rows or the language change
        self._texts: dict[int, tuple[str, ...]] = {}
        # recent results over ``_all`` in its current order, least recently used first;
        # cleared whenever the rows or their order change
        self._results: dict[DossierFilter, list[DossierSummary]] = {}
        self._faint = qcolor(FAINT)

    # -- data in --------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[DossierSummary]) -> None:
        self.beginResetModel()
        self._texts.clear()
        self._all = list(rows)
        self._sort_all()
        self._visible = apply_filter(self._all, self._filter)
        self._results = {self._filter: self._visible}
        self.endResetModel()

    def set_filter(self, new: DossierFilter) -> None:
        if new == self._filter:
            return
        visible = self._results.pop(new, None)
        if visible is None:
            visible = apply_filter(self._narrowest_source(new), new)
        self._results[new] = visible
        if len(self._results) > _RESULTS_KEPT:
            del self._results[next(iter(self._results))]
        self.beginResetModel()
        self._filter = new
        self._visible = visible
        self.endResetModel()

    def _narrowest_source(self, new: DossierFilter) -> list[DossierSummary]:
        """The smallest remembered result holding every row ``new`` matches."""
        source = self._all
        for old, rows in self._results.items():
            if len(rows) < len(source) and _refines(new, old):
                source = rows
        return source

    @property
    def current_filter(self) -> DossierFilter:
        return self._filter

    @property
    def total_count(self) -> int:
        return len(self._all)

    @property
    def visible_count(self) -> int:
        return len(self._visible)

    def row_at(self, row: int) -> DossierSummary:
        return self._visible[row]

    def row_of(self, dossier_id: int) -> int | None:
        for i, r in enumerate(self._visible):
            if r.id == dossier_id:
                return i
        return None

    # -- Qt model interface ---------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._visible)

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
        row = self._visible[index.row()]
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
        self.layoutAboutToBeChanged.emit()
        self._sort_column = Column(column)
        self._sort_order = order
        self._sort_all()
        self._visible = apply_filter(self._all, self._filter)
        self._results = {self._filter: self._visible}
        self.layoutChanged.emit()

    def _sort_all(self) -> None:
        self._all.sort(
            key=_SORT_KEYS[self._sort_column],
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )

    def retranslate(self) -> None:
        self._texts.clear()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(Column) - 1)
        if self._visible:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._visible) - 1, len(Column) - 1)
            )
