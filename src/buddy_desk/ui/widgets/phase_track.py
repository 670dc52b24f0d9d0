"""A process drawn as a vertical track of steps: done (checked), current (ringed), future."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from buddy_desk.ui.style import BORDER, FAINT, MUTED, TEXT, qcolor

_DOT_R = 7.0
_DOT_X = 10.0
_CODE_X = 28
_ROW_PAD = 10


@dataclass(frozen=True)
class TrackStep:
    code: str  # "4.1" for NCG, "" for IMG
    label: str


class PhaseTrack(QWidget):
    """Steps of one process. ``current`` is the index of the current step (None: not started)."""

    def __init__(self, accent: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._accent = accent
        self._steps: list[TrackStep] = []
        self._current: int | None = None
        self._finished = False
        self._note = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_steps(
        self, steps: list[TrackStep], current: int | None, *, finished: bool = False, note: str = ""
    ) -> None:
        self._steps = steps
        self._current = current
        self._finished = finished
        self._note = note
        labels = [f"{s.code} {s.label}".strip() for s in steps]
        if current is not None:
            labels[current] += f" — {note}" if note else ""
        self.setAccessibleDescription("; ".join(labels))
        self.updateGeometry()
        self.update()

    # -- state queried by tests and accessibility ---------------------------------------
    def state_of(self, index: int) -> str:
        if self._current is None:
            return "future"
        if index < self._current or (self._finished and index == self._current):
            return "done"
        return "current" if index == self._current else "future"

    # -- geometry ------------------------------------------------------------------------
    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + _ROW_PAD

    def _code_width(self) -> int:
        fm = QFontMetrics(self.font())
        return max((fm.horizontalAdvance(s.code) for s in self._steps if s.code), default=0)

    def _label_x(self) -> int:
        code_w = self._code_width()
        return _CODE_X + (code_w + 8 if code_w else 0)

    def _has_note_row(self) -> bool:
        return bool(self._note) and self._current is not None

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        bold = QFont(self.font())
        bold.setWeight(QFont.Weight.DemiBold)
        fm = QFontMetrics(bold)
        widest = max((fm.horizontalAdvance(s.label) for s in self._steps), default=100)
        widest = max(widest, QFontMetrics(self.font()).horizontalAdvance(self._note))
        height = self._row_height() * len(self._steps)
        if self._has_note_row():
            height += QFontMetrics(self.font()).height()
        return QSize(self._label_x() + widest + 8, height + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        hint = self.sizeHint()
        return QSize(min(hint.width(), 220), hint.height())

    # -- painting ------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        row_h = self._row_height()
        fm = QFontMetrics(self.font())
        note_h = fm.height() if self._has_note_row() else 0
        accent = qcolor(self._accent)
        centres: list[float] = []
        y = 2.0
        for i in range(len(self._steps)):
            centres.append(y + row_h / 2)
            y += row_h + (note_h if i == self._current else 0)
        # connecting lines first, so the dots sit on top
        for i in range(len(centres) - 1):
            done = self.state_of(i + 1) in ("done", "current")
            p.setPen(QPen(accent if done else qcolor(BORDER), 2))
            p.drawLine(
                QPointF(_DOT_X, centres[i] + _DOT_R), QPointF(_DOT_X, centres[i + 1] - _DOT_R)
            )
        label_x = self._label_x()
        for i, (step, cy) in enumerate(zip(self._steps, centres, strict=True)):
            state = self.state_of(i)
            self._paint_dot(p, cy, state)
            font = QFont(self.font())
            if state == "current":
                font.setWeight(QFont.Weight.DemiBold)
            p.setFont(font)
            text_rect = QRectF(_CODE_X, cy - row_h / 2, self.width() - _CODE_X, row_h)
            if step.code:
                p.setPen(qcolor(FAINT if state == "future" else MUTED))
                p.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, step.code)
            colour = {"done": TEXT, "current": self._accent, "future": FAINT}[state]
            p.setPen(qcolor(colour))
            width = self.width() - label_x - 4
            label = QFontMetrics(font).elidedText(step.label, Qt.TextElideMode.ElideRight, width)
            p.drawText(
                QRectF(label_x, cy - row_h / 2, width, row_h), Qt.AlignmentFlag.AlignVCenter, label
            )
            if i == self._current and self._note:
                p.setFont(self.font())
                p.setPen(qcolor(MUTED))
                note = fm.elidedText(self._note, Qt.TextElideMode.ElideRight, width)
                p.drawText(
                    QRectF(label_x, cy + row_h / 2 - 4, width, note_h),
                    Qt.AlignmentFlag.AlignTop,
                    note,
                )
        p.end()

    def _paint_dot(self, p: QPainter, cy: float, state: str) -> None:
        centre = QPointF(_DOT_X, cy)
        accent = qcolor(self._accent)
        if state == "done":
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(accent)
            p.drawEllipse(centre, _DOT_R, _DOT_R)
            pen = QPen(qcolor("#ffffff"), 1.8)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(pen)
            p.drawPolyline(
                [
                    QPointF(_DOT_X - 3.2, cy + 0.2),
                    QPointF(_DOT_X - 0.8, cy + 2.6),
                    QPointF(_DOT_X + 3.4, cy - 2.4),
                ]
            )
        elif state == "current":
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(qcolor(self._accent, 45))
            p.drawEllipse(centre, _DOT_R + 3, _DOT_R + 3)
            p.setPen(QPen(accent, 2.5))
            p.setBrush(qcolor("#ffffff"))
            p.drawEllipse(centre, _DOT_R - 0.5, _DOT_R - 0.5)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(accent)
            p.drawEllipse(centre, 3.0, 3.0)
        else:
            p.setPen(QPen(qcolor(BORDER), 2))
            p.setBrush(qcolor("#ffffff"))
            p.drawEllipse(centre, _DOT_R - 1, _DOT_R - 1)
