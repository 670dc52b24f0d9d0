"""Postcode and house-number fields refuse bad input at the field, with a Dutch reason."""

from __future__ import annotations

from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from buddy_desk.ui.widgets.validators import (
    attach_huisnummer_validation,
    attach_postcode_validation,
    huisnummer_problem,
    postcode_problem,
)


def test_rules() -> None:
    assert postcode_problem("9712 ab") is None
    assert postcode_problem("9712AB") is None
    assert postcode_problem("") is None
    assert "geen geldige postcode" in (postcode_problem("0712 AB") or "")
    assert "SA" in (postcode_problem("9712 SA") or "")
    assert huisnummer_problem("12") is None
    assert "tussen 1 en 99999" in (huisnummer_problem("0") or "")
    assert "geen huisnummer" in (huisnummer_problem("twaalf") or "")


def test_field_marks_invalid_postcode_and_shows_reason(qtbot: QtBot) -> None:
    edit = QLineEdit()
    message = QLabel()
    qtbot.addWidget(edit)
    check = attach_postcode_validation(edit, message)
    QTest.keyClicks(edit, "9712 SA")
    assert not edit.hasAcceptableInput()
    assert check.check() is False
    assert edit.property("invalid") is True
    assert "SA" in message.text()
    edit.clear()
    QTest.keyClicks(edit, "9712 AB")
    assert edit.hasAcceptableInput()
    assert edit.property("invalid") is False


def test_field_refuses_overlong_house_number(qtbot: QtBot) -> None:
    edit = QLineEdit()
    qtbot.addWidget(edit)
    check = attach_huisnummer_validation(edit)
    QTest.keyClicks(edit, "1234567")
    assert len(edit.text()) <= 5
    edit.setText("0")
    assert check.check() is False
