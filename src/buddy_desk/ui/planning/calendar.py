"""A week calendar per expert, custom-painted: one row per expert, one column per day.

Working hours are white on a grey day, visits are coloured by kind (IMG blue, NCG teal,
combined purple), absences hatched; holidays are shaded with their name. Clicking a visit
selects its appointment (all its visits are outlined).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from buddy_desk.core.phases import Organisation
from buddy_desk.i18n import tr
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.info import CalendarItem, WeekView
from buddy_desk.ui.style import BORDER, MUTED, ORG_COLOURS, TEXT

NAME_WIDTH = 190
HEADER = 38
ROW = 30
DAY_START = time(7, 0)
DAY_END = time(19, 0)
KIND_COLOURS = {
    "damage": ORG_COLOURS[Organisation.IMG],
    "strengthening": ORG_COLOURS[Organisation.NCG],
    "combined": "#6a4c9c",
    "absence": "#9aa3ae",
}
WEEKDAY_KEYS = ("ma", "di", "wo", "do", "vr", "za", "zo")


def _minutes(clock: time) -> int:
    return clock.hour * 60 + clock.minute


class WeekCalendar(QWidget):
    appointment_selected = Signal(int)
    """The user clicked a visit; arg: the appointment id."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view: WeekView | None = None
        self.selected: int | None = None
        self.setMouseTracking(True)
        self.setMinimumWidth(NAME_WIDTH + 5 * 110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_view(self, view: WeekView) -> None:
        self.view = view
        self.updateGeometry()
        self.resize(self.width(), self.sizeHint().height())
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        rows = len(self.view.experts) if self.view else 0
        return QSize(NAME_WIDTH + 5 * 150, HEADER + max(rows, 1) * ROW + 1)

    def days(self) -> list[date]:
        if self.view is None:
            return []
        shown = [self.view.first_day + timedelta(days=i) for i in range(7)]
        weekend_used = any(w.day.weekday() >= 5 for w in self.view.work)
        return shown if weekend_used else [d for d in shown if d.weekday() < 5]

    # -- geometry ---------------------------------------------------------------------

    def _day_width(self) -> float:
        return (self.width() - NAME_WIDTH) / max(len(self.days()), 1)

    def _x(self, day_index: int, clock: time) -> float:
        span = _minutes(DAY_END) - _minutes(DAY_START)
        frac = (
            min(max(_minutes(clock), _minutes(DAY_START)), _minutes(DAY_END)) - _minutes(DAY_START)
        ) / span
        return NAME_WIDTH + day_index * self._day_width() + frac * self._day_width()

    def _item_rects(self) -> list[tuple[QRectF, CalendarItem]]:
        if self.view is None:
            return []
        rows = {e.id: n for n, e in enumerate(self.view.experts)}
        index = {d: n for n, d in enumerate(self.days())}
        out: list[tuple[QRectF, CalendarItem]] = []
        for item in self.view.items:
            row = rows.get(item.expert_id)
            if row is None:
                continue
            start = item.start.astimezone(AMSTERDAM)
            end = item.end.astimezone(AMSTERDAM)
            day = start.date()
            while day <= end.date():
                if day in index:
                    a = start.time() if day == start.date() else DAY_START
                    b = end.time() if day == end.date() else DAY_END
                    x1, x2 = self._x(index[day], a), self._x(index[day], b)
                    if x2 > x1:
                        y = HEADER + row * ROW + 4
                        out.append((QRectF(x1, y, x2 - x1, ROW - 8), item))
                day += timedelta(days=1)
        return out

    # -- painting ---------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt API
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("#ffffff"))
        if self.view is None:
            return
        days = self.days()
        width = self._day_width()
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        # header
        for n, day in enumerate(days):
            x = NAME_WIDTH + n * width
            holiday = self.view.holidays.get(day)
            if holiday:
                p.fillRect(QRectF(x, 0, width, self.height()), QColor("#fbeaea"))
            p.setPen(QColor("#b42318") if holiday else QColor(TEXT))
            title = f"{tr('planning.weekday.' + WEEKDAY_KEYS[day.weekday()])} {day:%d-%m}"
            p.drawText(QRectF(x + 6, 2, width - 8, 18), Qt.AlignmentFlag.AlignLeft, title)
            p.setFont(small)
            p.setPen(QColor(MUTED))
            p.drawText(
                QRectF(x + 6, 19, width - 8, 16), Qt.AlignmentFlag.AlignLeft, holiday or "07–19"
            )
            p.setFont(self.font())
        # rows
        work = {(w.expert_id, w.day): w for w in self.view.work}
        for row, expert in enumerate(self.view.experts):
            y = HEADER + row * ROW
            if row % 2:
                p.fillRect(QRectF(0, y, NAME_WIDTH, ROW), QColor("#f7f8fa"))
            p.setPen(QColor(ORG_COLOURS[expert.organisation]))
            p.fillRect(QRectF(0, y + 6, 4, ROW - 12), QColor(ORG_COLOURS[expert.organisation]))
            p.setPen(QColor(TEXT))
            name = expert.naam + (" ★" if expert.dual_qualified else "")
            p.drawText(QRectF(10, y, NAME_WIDTH - 14, ROW), Qt.AlignmentFlag.AlignVCenter, name)
            for n, day in enumerate(days):
                x = NAME_WIDTH + n * width
                cell = QRectF(x, y + 2, width, ROW - 4)
                block = work.get((expert.id, day))
                p.fillRect(cell, QColor("#eceff3"))
                if block is not None and day not in self.view.holidays:
                    x1, x2 = self._x(n, block.start), self._x(n, block.end)
                    p.fillRect(QRectF(x1, y + 3, x2 - x1, ROW - 6), QColor("#ffffff"))
        # grid
        p.setPen(QPen(QColor(BORDER), 1))
        for n in range(len(days) + 1):
            x = NAME_WIDTH + n * width
            p.drawLine(int(x), 0, int(x), self.height())
        for row in range(len(self.view.experts) + 1):
            y = HEADER + row * ROW
            p.drawLine(0, y, self.width(), y)
        # items
        for rect, item in self._item_rects():
            colour = QColor(KIND_COLOURS.get(item.kind, MUTED))
            if item.kind == "absence":
                p.fillRect(rect, QBrush(colour, Qt.BrushStyle.BDiagPattern))
                continue
            p.setBrush(colour)
            chosen = item.appointment_id is not None and item.appointment_id == self.selected
            p.setPen(QPen(QColor("#f5a623"), 3) if chosen else Qt.PenStyle.NoPen)
            p.drawRoundedRect(rect, 3, 3)
            if rect.width() > 40:
                p.setPen(QColor("#ffffff"))
                p.setFont(small)
                text = item.start.astimezone(AMSTERDAM).strftime("%H:%M")
                p.drawText(rect.adjusted(3, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter, text)
                p.setFont(self.font())
        p.end()

    # -- interaction ------------------------------------------------------------------

    def item_at(self, point: QPoint) -> CalendarItem | None:
        for rect, item in self._item_rects():
            if rect.contains(point.toPointF()):
                return item
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt API
        item = self.item_at(event.position().toPoint())
        if item is not None and item.appointment_id is not None:
            self.select(item.appointment_id)
            self.appointment_selected.emit(item.appointment_id)
        super().mousePressEvent(event)

    def select(self, appointment_id: int | None) -> None:
        self.selected = appointment_id
        self.update()

    def event(self, e: object) -> bool:
        if isinstance(e, QHelpEvent) and e.type() == QHelpEvent.Type.ToolTip:
            item = self.item_at(e.pos())
            if item is None:
                QToolTip.hideText()
            else:
                a = item.start.astimezone(AMSTERDAM)
                b = item.end.astimezone(AMSTERDAM)
                kind = tr(f"planning.kind_short.{item.kind}")
                QToolTip.showText(e.globalPos(), f"{a:%H:%M}–{b:%H:%M} {kind}\n{item.label}", self)
            return True
        return super().event(e)  # type: ignore[arg-type]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def now_local() -> datetime:
    return datetime.now(AMSTERDAM)
