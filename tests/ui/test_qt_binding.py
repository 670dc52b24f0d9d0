"""The Qt binding must not corrupt Python's reference counts (a long session would abort).

PySide6 6.12.0 released a reference to None on every call returning nothing; on Python 3.11
that ends the process with "Fatal Python error: none_dealloc" after enough clicks. This
guards the version pin in pyproject.toml.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


def test_void_calls_keep_none_and_bools_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    none_before = sys.getrefcount(None)
    true_before = sys.getrefcount(True)
    for _ in range(500):
        label.setText("x")
        label.setVisible(False)
    assert sys.getrefcount(None) >= none_before - 5
    assert sys.getrefcount(True) >= true_before - 5
