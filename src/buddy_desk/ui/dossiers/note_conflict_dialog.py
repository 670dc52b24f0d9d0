"""Someone else saved the notes while you typed: keep both, keep yours, or take theirs."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.errors import NoteConflictError
from buddy_desk.i18n import tr
from buddy_desk.ui.formatting import format_date, format_time
from buddy_desk.ui.help import install_help
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


class NoteChoice(enum.Enum):
    MERGE = "merge"
    MINE = "mine"
    THEIRS = "theirs"


@dataclass(frozen=True, slots=True)
class NoteResolution:
    choice: NoteChoice
    mine: str
    """My text as it stands in the dialog (the user may have touched it up there)."""


def conflict_author(conflict: NoteConflictError) -> str:
    return conflict.updated_by_name or conflict.updated_by or tr("ui.notes.conflict.someone")


class NoteConflictDialog(FittedDialog):
    def __init__(
        self, conflict: NoteConflictError, mine: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.resolution: NoteResolution | None = None
        self.setWindowTitle(tr("ui.notes.conflict.title"))
        install_help(self, "dossier")  # the notes are explained with the dossier
        self.setMinimumSize(820, 480)
        who = conflict_author(conflict)
        when = {"date": format_date(conflict.updated_at), "time": format_time(conflict.updated_at)}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(12)
        heading = QLabel(tr("ui.notes.conflict.heading", name=who))
        text_size.set_points(heading, 11.25, bold=True)
        heading.setWordWrap(True)
        intro = QLabel(tr("ui.notes.conflict.intro", **when))
        intro.setWordWrap(True)
        layout.addWidget(heading)
        layout.addWidget(intro)

        texts = QGridLayout()
        texts.setHorizontalSpacing(14)
        texts.setVerticalSpacing(4)
        theirs_label = QLabel(tr("ui.notes.conflict.theirs", name=who, **when))
        mine_label = QLabel(tr("ui.notes.conflict.mine"))
        for label in (theirs_label, mine_label):
            label.setWordWrap(True)
            label.setStyleSheet("font-weight: 600;")
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        self.theirs = QPlainTextEdit(conflict.body)
        self.theirs.setReadOnly(True)
        self.theirs.setObjectName("notesTheirs")
        self.mine = QPlainTextEdit(mine)
        self.mine.setObjectName("notesMine")
        theirs_label.setBuddy(self.theirs)
        mine_label.setBuddy(self.mine)
        texts.addWidget(theirs_label, 0, 0)
        texts.addWidget(mine_label, 0, 1)
        texts.addWidget(self.theirs, 1, 0)
        texts.addWidget(self.mine, 1, 1)
        texts.setColumnStretch(0, 1)
        texts.setColumnStretch(1, 1)
        texts.setRowStretch(1, 1)
        layout.addLayout(texts, 1)

        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        self.take_theirs = self._button("take_theirs", NoteChoice.THEIRS)
        self.keep_mine = self._button("keep_mine", NoteChoice.MINE)
        self.keep_both = self._button("keep_both", NoteChoice.MERGE)
        buttons.addWidget(self.take_theirs)
        buttons.addStretch(1)
        buttons.addWidget(self.keep_mine)
        buttons.addWidget(self.keep_both)
        layout.addLayout(buttons)
        self.keep_both.setDefault(True)
        self.keep_both.setFocus()

    def _button(self, key: str, choice: NoteChoice) -> QPushButton:
        button = QPushButton(tr(f"ui.notes.conflict.{key}"))
        button.setToolTip(tr(f"ui.notes.conflict.{key}_hint"))
        button.clicked.connect(lambda: self.choose(choice))
        return button

    def choose(self, choice: NoteChoice) -> None:
        self.resolution = NoteResolution(choice, self.mine.toPlainText())
        self.accept()


def ask_note_conflict(
    parent: QWidget | None, conflict: NoteConflictError, mine: str
) -> NoteResolution | None:
    """The user's choice, or None if they closed the dialog (nothing is saved then)."""
    dialog = NoteConflictDialog(conflict, mine, parent)
    try:
        dialog.exec()
        return dialog.resolution
    finally:
        dialog.deleteLater()
