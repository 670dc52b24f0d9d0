"""The wrapping layout of filter bars and action bars: a short item sits on the middle of
its line (a label beside taller buttons), not on the line's top."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.ui.widgets.flow import FlowLayout


def test_a_label_is_centred_on_the_buttons_beside_it(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    flow = FlowLayout(holder, spacing=6)
    label = QLabel("Groep")
    button = QPushButton("A")
    button.setMinimumHeight(label.sizeHint().height() + 20)
    flow.addWidget(label)
    flow.addWidget(button)
    holder.resize(400, 80)
    holder.show()
    qtbot.waitExposed(holder)
    assert label.geometry().center().y() == button.geometry().center().y()
    assert label.geometry().top() > button.geometry().top()


def test_items_that_do_not_fit_go_to_the_next_line(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    flow = FlowLayout(holder, spacing=6)
    buttons = [QPushButton(f"knop {i}") for i in range(6)]
    for b in buttons:
        flow.addWidget(b)
    width = buttons[0].sizeHint().width() * 2 + 20
    holder.resize(width, flow.heightForWidth(width))
    holder.show()
    qtbot.waitExposed(holder)
    tops = sorted({b.geometry().top() for b in buttons})
    assert len(tops) == 3  # two per line
    assert all(b.geometry().right() <= width for b in buttons)
