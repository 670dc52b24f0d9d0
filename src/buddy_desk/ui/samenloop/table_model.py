"""The samenloop list as a lazy table model: the database filters, sorts and pages.

``rowCount`` is what has been read; as the view scrolls Qt asks for more
(``canFetchMore``/``fetchMore``), and the next page is read on a worker (``fetch``, handed
in by the workspace); it is added when it arrives, if the list is still the one asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget

from buddy_desk.choices.rules import options_label
from buddy_desk.core.phases import NCG_STATUS_LABELS, Organisation
from buddy_desk.i18n import tr
from buddy_desk.samenloop.rules import withheld_text
from buddy_desk.samenloop.service import Cursor, ListQuery, Page, SamenloopRow
from buddy_desk.ui.formatting import format_short_date

_Index = QModelIndex | QPersistentModelIndex

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

PageFetch = Callable[[ListQuery, Cursor], None]
"""(list, cursor) → read that page on a worker and hand it to ``add_page``."""


class SamenloopTableModel(QAbstractTableModel):
    """Thin adapter over the rows of one list read so far."""

    page_added = Signal(int)
    """A further page of the list arrived; arg: rows read so far."""

    def __init__(self, parent: QWidget | None = None, fetch: PageFetch | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SamenloopRow] = []
        self.query: ListQuery | None = None
        self._next: Cursor | None = None
        self._asked: Cursor | None = None  # the page being read now
        self._fetch = fetch

    def set_page(self, query: ListQuery, page: Page) -> None:
        """Show the first page of ``query`` (the rows read before are dropped)."""
        self.beginResetModel()
        self.query = query
        self.rows = list(page.rows)
        self._next = page.next
        self._asked = None
        self.endResetModel()

    def clear(self) -> None:
        self.set_page(ListQuery(), Page((), None))
        self.query = None

    def add_page(self, query: ListQuery, cursor: Cursor, page: Page) -> None:
        """A further page arrived; ignored unless it is the one asked for of this list."""
        if query != self.query or cursor != self._asked:
            return
        self._asked = None
        self._next = page.next
        if page.rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self.page_added.emit(len(self.rows))

    def fetch_failed(self) -> None:
        """The page could not be read: another scroll asks again."""
        self._asked = None

    @property
    def complete(self) -> bool:
        """Every row of the list has been read."""
        return self.query is not None and self._next is None

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return (
            not parent.isValid()
            and self._fetch is not None
            and self.query is not None
            and self._next is not None
            and self._asked is None
        )

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        assert self._fetch is not None and self.query is not None and self._next is not None
        self._asked = self._next
        self._fetch(self.query, self._next)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return tr(COLUMNS[section])
        return None

    def data(self, index: _Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(r, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (3, 4) and r.withheld:
            org = Organisation.NCG if index.column() == 3 else Organisation.IMG
            return withheld_text(r, org) or None
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3 and r.ncg_status_date:
            return tr("samenloop.since", date=format_short_date(r.ncg_status_date))
        return None


def _display(r: SamenloopRow, column: int) -> str | None:
    match column:
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
    return None
