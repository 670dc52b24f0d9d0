"""A ``RowTableModel`` over a list the database reads a page at a time (the coordinator
desks at 310,000 dossiers): the first page comes with the load job, the next ones as the
view scrolls (``canFetchMore``/``fetchMore``), each read and prepared off the GUI thread.

Unlike the dossier list's model, which reads its next page on the spot, ``fetchMore`` here
only starts the read: the rows arrive a moment later (``page_arrived``) and Qt asks again as
the view keeps scrolling. A page that arrives after the list was shown anew (another filter, a
reload) is dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.widgets.row_table import Index, PreparedRows, RowTableModel

T = TypeVar("T")

PageJob = Callable[[UnitOfWork], PreparedRows[T]]
"""Reads one page and prepares its texts (runs on a worker)."""
PageLoader = Callable[[int, int], PageJob[T]]
"""(offset, limit) → the job that reads those rows of the list shown now."""
StartRead = Callable[
    [PageJob[T], Callable[[PreparedRows[T]], None], Callable[[BaseException], None]], None
]
"""Starts a job off the GUI thread (``ctx.ops.read``) with its on_done and on_error."""


def reading_through(
    read: Callable[..., object],
    owner: QWidget,
    key: object,
    show_error: Callable[[BaseException], None],
) -> StartRead[T]:
    """A ``StartRead`` over ``read`` (``ctx.ops.read``): each page read belongs to ``owner``,
    a newer read under ``key`` replaces an older one, and a failed read ends the fetching
    and is shown by ``show_error``."""

    def start(
        job: PageJob[T],
        on_done: Callable[[PreparedRows[T]], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        def failed(exc: BaseException) -> None:
            on_error(exc)
            show_error(exc)

        read(job, on_done=on_done, on_error=failed, parent=owner, key=key)

    return start


class PagedRowModel(RowTableModel[T], Generic[T]):
    page_arrived = Signal(int)
    """A further page was added; arg: rows now read."""

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[T], str]]],
        *,
        page_rows: int,
        color: Callable[[T, int], QColor | None] | None = None,
        tooltip: Callable[[T], str | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(columns, color=color, tooltip=tooltip, parent=parent)
        self.page_rows = page_rows
        self._loader: PageLoader[T] | None = None
        self._start: StartRead[T] | None = None
        self._shown = 0  # which showing of the list a page belongs to
        self._more = False
        self._fetching = False

    def show_first(
        self,
        first: PreparedRows[T],
        matching: int,
        loader: PageLoader[T] | None = None,
        start: StartRead[T] | None = None,
    ) -> None:
        """Show the list's first page; ``matching`` rows in all, the rest read by ``loader``
        through ``start`` as the view asks."""
        self._shown += 1
        self._loader, self._start = loader, start
        self._more = loader is not None and start is not None and len(first.rows) < matching
        self._fetching = False
        self.set_prepared(first)

    def clear_rows(self) -> None:
        self.show_first(PreparedRows([], []), 0)

    @property
    def has_more(self) -> bool:
        """Rows the list holds beyond those read so far."""
        return self._more

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and self._more and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        assert self._loader is not None and self._start is not None
        self._fetching = True
        shown, offset = self._shown, len(self.rows)
        self._start(
            self._loader(offset, self.page_rows),
            lambda page: self._on_page(shown, offset, page),
            lambda _exc: self._on_page_failed(shown),
        )

    def _on_page(self, shown: int, offset: int, page: PreparedRows[T]) -> None:
        if shown != self._shown or offset != len(self.rows):
            return  # the list was shown anew meanwhile
        self._fetching = False
        self._more = len(page.rows) == self.page_rows
        if page.rows:
            prepared = self._prepared
            self.beginInsertRows(QModelIndex(), offset, offset + len(page.rows) - 1)
            prepared.rows.extend(page.rows)
            prepared.texts.extend(page.texts)
            if prepared.brushes is not None and page.brushes is not None:
                prepared.brushes.extend(page.brushes)
            if prepared.tips is not None and page.tips is not None:
                prepared.tips.extend(page.tips)
            self.endInsertRows()
        self.page_arrived.emit(len(self.rows))

    def _on_page_failed(self, shown: int) -> None:
        if shown == self._shown:
            self._fetching = False
            self._more = False  # the caller says why; a reload tries again
