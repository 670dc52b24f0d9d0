"""The dossier timeline: events of both organisations, newest first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QScrollArea, QVBoxLayout, QWidget

from buddy_desk.core.summaries import EventInfo
from buddy_desk.i18n import tr
from buddy_desk.ui.formatting import format_short_date
from buddy_desk.ui.style import FAINT, ORG_COLOURS
from buddy_desk.ui.widgets.cards import clear_layout, label

MAX_SHOWN = 200


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

    @property
    def shown_titles(self) -> list[str]:
        return [e.title for e in self._events[:MAX_SHOWN]]

    def show_events(self, events: tuple[EventInfo, ...]) -> None:
        self._events = events
        clear_layout(self.grid)
        if not events:
            self.grid.addWidget(label(tr("ui.timeline.empty"), muted=True), 0, 0, 1, 3)
            return
        top = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
        for row, e in enumerate(events[:MAX_SHOWN]):
            date = label(format_short_date(e.occurred_at), muted=True)
            self.grid.addWidget(date, row, 0, top)
            org = label(e.organisation.value if e.organisation else "—", bold=True)
            org.setStyleSheet(f"color: {ORG_COLOURS[e.organisation] if e.organisation else FAINT};")
            self.grid.addWidget(org, row, 1, top)
            box = QVBoxLayout()
            box.setSpacing(1)
            box.addWidget(label(e.title, wrap=True, selectable=True))
            if e.detail:
                box.addWidget(label(e.detail, muted=True, wrap=True, selectable=True))
            self.grid.addLayout(box, row, 2)
        self.grid.setColumnStretch(2, 1)

    def retranslate(self) -> None:
        self.show_events(self._events)
