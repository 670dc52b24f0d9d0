"""Field validation for addresses: refuse a bad postcode or house number at the field.

``attach_postcode_validation(line_edit)`` / ``attach_huisnummer_validation(line_edit)`` mark
the field red and show the Dutch reason under it (or as tooltip) while the input is wrong.
The rules themselves are ``buddy_desk.core.address``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QValidator
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from buddy_desk.core.address import normalise_postcode, validate_huisnummer
from buddy_desk.errors import ValidationError


def postcode_problem(text: str) -> str | None:
    """None when the postcode is valid (or empty), else the reason in Dutch."""
    if not text.strip():
        return None
    try:
        normalise_postcode(text)
    except ValidationError as exc:
        return exc.reason
    return None


def huisnummer_problem(text: str) -> str | None:
    if not text.strip():
        return None
    try:
        validate_huisnummer(text)
    except ValidationError as exc:
        return exc.reason
    return None


class _RuleValidator(QValidator):
    """Allows typing towards a valid value (Intermediate) but never accepts an invalid one."""

    def __init__(self, rule: Callable[[str], str | None], max_len: int, parent: QWidget) -> None:
        super().__init__(parent)
        self._rule = rule
        self._max_len = max_len

    def validate(self, text: str, pos: int) -> object:
        if len(text) > self._max_len:
            return QValidator.State.Invalid, text, pos
        if not text.strip():
            return QValidator.State.Intermediate, text, pos
        state = QValidator.State.Intermediate if self._rule(text) else QValidator.State.Acceptable
        return state, text, pos


class _LeaveWatcher(QObject):
    """Calls back when the field loses focus or Enter is pressed. Qt emits editingFinished
    only for *acceptable* input, so without this a wrong value would never be shown."""

    def __init__(self, edit: QLineEdit, callback: Callable[[], object]) -> None:
        super().__init__(edit)
        self._callback = callback
        edit.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.FocusOut or (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._callback()
        return False


class FieldCheck:
    """Keeps a line edit's red/normal look and its message in sync with a rule."""

    def __init__(
        self,
        edit: QLineEdit,
        rule: Callable[[str], str | None],
        max_len: int,
        message: QLabel | None = None,
    ) -> None:
        self.edit = edit
        self.rule = rule
        self.message = message
        edit.setValidator(_RuleValidator(rule, max_len, edit))
        edit.editingFinished.connect(self.check)
        self._watcher = _LeaveWatcher(edit, self.check)
        edit.textEdited.connect(self._on_edit_text_edited)

    @property
    def problem(self) -> str | None:
        return self.rule(self.edit.text())

    def check(self) -> bool:
        """Show the problem (if any) at the field; True when the value is acceptable."""
        problem = self.problem
        self.edit.setProperty("invalid", problem is not None)
        self.edit.setToolTip(problem or "")
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        if self.message is not None:
            self.message.setText(problem or "")
            self.message.setVisible(problem is not None)
        return problem is None

    def _on_edit_text_edited(self, _text: str) -> None:
        # clear the red state as soon as the value becomes right; complain only when leaving
        if self.edit.property("invalid") and self.problem is None:
            self.check()


def attach_postcode_validation(edit: QLineEdit, message: QLabel | None = None) -> FieldCheck:
    edit.setPlaceholderText("1234 AB")
    return FieldCheck(edit, postcode_problem, 7, message)


def attach_huisnummer_validation(edit: QLineEdit, message: QLabel | None = None) -> FieldCheck:
    return FieldCheck(edit, huisnummer_problem, 5, message)
