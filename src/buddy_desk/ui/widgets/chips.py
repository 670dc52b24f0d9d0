"""Flag chips (AOS red, intervention team orange…) and the collaboration-group badge."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QWidget

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind
from buddy_desk.i18n import tr
from buddy_desk.ui.style import FAINT, FLAG_COLOURS, qcolor


class FlagChip(QLabel):
    """A rounded label: strong colour for AOS, tinted for the rest."""

    def __init__(self, kind: FlagKind, *, short: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        colour = FLAG_COLOURS[kind]
        self.setText(tr(f"flag.short.{kind.value}" if short else f"flag.{kind.value}"))
        self.setToolTip(tr(f"flag.{kind.value}"))
        if kind is FlagKind.AOS:
            style = f"background:{colour}; color:white; border:1px solid {colour};"
        else:
            tint = qcolor(colour, 28).name(qcolor(colour).NameFormat.HexArgb)
            style = f"background:{tint}; color:{colour}; border:1px solid {colour};"
        self.setStyleSheet(
            f"QLabel {{ {style} border-radius: 10px; padding: 2px 9px; font-weight: 600; }}"
        )
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)


class FlagChipRow(QWidget):
    def __init__(self, kinds: list[FlagKind], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        for kind in kinds:
            row.addWidget(FlagChip(kind))
        row.addStretch(1)


class GroupLetter(QWidget):
    """The group letter in a coloured disc; a dashed grey ring when there is no group."""

    def __init__(self, diameter: int = 56, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._group: CollaborationGroup | None = None
        self._colour = "#6b7280"
        self._diameter = diameter
        self.setFixedSize(QSize(diameter, diameter))

    def set_group(self, group: CollaborationGroup | None, colour: str) -> None:
        self._group = group
        self._colour = colour
        self.setAccessibleName(group.value if group else "—")
        self.update()

    @property
    def letter(self) -> str:
        return self._group.value if self._group else "—"

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(2, 2, self._diameter - 4, self._diameter - 4)
        if self._group is None:
            pen = p.pen()
            pen.setColor(qcolor(FAINT))
            pen.setWidthF(2)
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawEllipse(rect)
        else:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(qcolor(self._colour))
            p.drawEllipse(rect)
        font = QFont(self.font())
        font.setPixelSize(int(self._diameter * 0.46))
        font.setWeight(QFont.Weight.Bold)
        p.setFont(font)
        p.setPen(qcolor("#ffffff") if self._group else qcolor(FAINT))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.letter)
        p.end()
