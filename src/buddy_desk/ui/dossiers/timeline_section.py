"""The dossier timeline: events of both organisations, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from buddy_desk.core.summaries import EventInfo
from buddy_desk.i18n import tr
from buddy_desk.ui.formatting import format_short_date
from buddy_desk.ui.style import FAINT, ORG_COLOURS
from buddy_desk.ui.widgets.cards import label

MAX_SHOWN = 200


@dataclass
class _Row:
    date: QLabel
    org: QLabel
    title: QLabel
    detail: QLabel
    box: QVBoxLayout
    colour: str = ""


class TimelineSection(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        content = QWidget()
        content.setObjectName("timelineContent")
        self.grid = QGridLayout(content)
        self.grid.setContentsMargins(12, 10, 12, 10)
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(8)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll.setWidget(content)
        outer.addWidget(scroll)
        self._events: tuple[EventInfo, ...] = ()
        self._rows: list[_Row] = []
        self._empty: QLabel | None = None

    @property
    def shown_titles(self) -> list[str]:
        return [e.title for e in self._events[:MAX_SHOWN]]

    def show_events(self, events: tuple[EventInfo, ...]) -> None:
        """Show ``events``; rows already on screen get their new texts instead of new labels
        (a refresh or a language switch redoes the timeline, and making, showing and deleting
        four labels per row held the window up)."""
        self._events = events
        shown = events[:MAX_SHOWN]
        if not shown:
            self._drop_rows(0)
            if self._empty is None:
                self._empty = label(muted=True)
                self.grid.addWidget(self._empty, 0, 0, 1, 3)
            self._empty.setText(tr("ui.timeline.empty"))
            return
        if self._empty is not None:
            self.grid.removeWidget(self._empty)
            self._empty.deleteLater()
            self._empty = None
        self._drop_rows(len(shown))
        for row, e in enumerate(shown):
            if row == len(self._rows):
                self._rows.append(self._add_row(row))
            line = self._rows[row]
            line.date.setText(format_short_date(e.occurred_at))
            line.org.setText(e.organisation.value if e.organisation else "—")
            colour = ORG_COLOURS[e.organisation] if e.organisation else FAINT
            if line.colour != colour:
                line.org.setStyleSheet(f"color: {colour};")
                line.colour = colour
            line.title.setText(e.title)
            line.detail.setText(e.detail or "")
            line.detail.setVisible(bool(e.detail))

    def _add_row(self, row: int) -> _Row:
        top = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        line = _Row(
            date=label(muted=True),
            org=label(bold=True),
            title=label(wrap=True, selectable=True),
            detail=label(muted=True, wrap=True, selectable=True),
            box=QVBoxLayout(),
        )
        self.grid.addWidget(line.date, row, 0, top)
        self.grid.addWidget(line.org, row, 1, top)
        line.box.setSpacing(1)
        line.box.addWidget(line.title)
        line.box.addWidget(line.detail)
        self.grid.addLayout(line.box, row, 2)
        self.grid.setColumnStretch(2, 1)
        return line

    def _drop_rows(self, keep: int) -> None:
        """Delete the rows past the first ``keep`` (the grid keeps their empty cells)."""
        for line in self._rows[keep:]:
            for widget in (line.date, line.org, line.title, line.detail):
                widget.setParent(None)
                widget.deleteLater()
            self.grid.removeItem(line.box)
            line.box.deleteLater()
        del self._rows[keep:]

    def retranslate(self) -> None:
        self.show_events(self._events)
