"""Painting for the dossier list: flag chips and the group letter in a small disc."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind
from buddy_desk.i18n import tr
from buddy_desk.ui.dossiers.table_model import RAW_ROLE
from buddy_desk.ui.style import FLAG_COLOURS, group_colour, qcolor

_Index = QModelIndex | QPersistentModelIndex


def _background(painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
    opt = QStyleOptionViewItem(option)
    opt.text = ""
    style = opt.widget.style() if opt.widget else None
    if style is not None:
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)


class FlagChipsDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        _background(painter, option, index)
        # enums cross the Qt variant boundary as plain strings
        kinds = [FlagKind(k) for k in index.data(RAW_ROLE) or []]
        if not kinds:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(option.font)
        font.setPointSizeF(max(7.0, font.pointSizeF() - 1))
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        fm = QFontMetrics(font)
        rect = option.rect
        x = rect.left() + 4
        h = fm.height() + 4
        y = rect.top() + (rect.height() - h) / 2
        for kind in kinds:
            text = tr(f"flag.short.{kind.value}")
            w = fm.horizontalAdvance(text) + 12
            if x + w > rect.right() - 2:
                painter.setPen(qcolor("#5b6573"))
                painter.drawText(
                    QRectF(x, y, rect.right() - x, h), Qt.AlignmentFlag.AlignVCenter, "…"
                )
                break
            chip = QRectF(x, y, w, h)
            colour = FLAG_COLOURS[kind]
            if kind is FlagKind.AOS:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(qcolor(colour))
                painter.drawRoundedRect(chip, h / 2, h / 2)
                painter.setPen(qcolor("#ffffff"))
            else:
                painter.setPen(qcolor(colour))
                painter.setBrush(qcolor(colour, 28))
                painter.drawRoundedRect(chip.adjusted(0.5, 0.5, -0.5, -0.5), h / 2, h / 2)
                painter.setPen(qcolor(colour))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, text)
            x += w + 4
        painter.restore()


class GroupDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        _background(painter, option, index)
        raw = index.data(RAW_ROLE)
        if not raw:
            return
        if raw not in CollaborationGroup.__members__:  # consent gate: "B/C", one of these
            painter.save()
            painter.setPen(option.palette.placeholderText().color())
            text_rect = option.rect.adjusted(6, 0, 0, 0)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, str(raw))
            painter.restore()
            return
        group = CollaborationGroup(raw)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = option.rect
        d = min(rect.height() - 8, 20)
        disc = QRectF(rect.left() + 6, rect.top() + (rect.height() - d) / 2, d, d)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(qcolor(group_colour(group)))
        painter.drawEllipse(disc)
        font = QFont(option.font)
        font.setWeight(QFont.Weight.Bold)
        painter.setFont(font)
        painter.setPen(qcolor("#ffffff"))
        painter.drawText(disc, Qt.AlignmentFlag.AlignCenter, group.value)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        return QSize(48, 26)
