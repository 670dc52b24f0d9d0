"""The conversation notes: autosaved after a short pause, and on tab close, window close, quit.

Saves are checked against the version the editor started from; when the other buddy saved in
between, the user chooses what to keep (``resolve_conflict``, a dialog unless a test swaps it).
Every save runs through ``ctx.ops.write`` (off the GUI thread; it announces the change). The
autosave does not wait for it; ``flush`` (tab close, window close, quit) waits for its answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QEventLoop, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from buddy_desk.core.summaries import NoteInfo
from buddy_desk.dossiers.notes import merge_notes
from buddy_desk.dossiers.service import save_note
from buddy_desk.errors import BuddyDeskError, NoteConflictError
from buddy_desk.i18n import tr
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.note_conflict_dialog import (
    NoteChoice,
    NoteResolution,
    ask_note_conflict,
    conflict_author,
)
from buddy_desk.ui.formatting import format_date, format_short_date, format_time, local
from buddy_desk.ui.widgets import accessible

log = logging.getLogger(__name__)
AUTOSAVE_MS = 1200

ConflictResolver = Callable[[NoteConflictError, str], NoteResolution | None]
"""Given the conflict and my text: what to keep, or None to decide later."""


class NotesSection(QWidget):
    saved = Signal(int)
    """The notes of this dossier were written to the database; arg: dossier id."""

    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_id = dossier_id
        self._saved_text = ""
        self._base: datetime | None = None  # updated_at of the version _saved_text is
        self._last: NoteInfo | None = None
        self._error: str | None = None
        self._unresolved_by: str | None = None  # who saved the version I have not merged yet
        self._resolving = False
        self._in_flight = False
        self.resolve_conflict: ConflictResolver = self._ask_user
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("notesEditor")
        accessible.name(self.editor, "ui.dossier.tab.notes")
        self.editor.textChanged.connect(self._on_editor_text_changed)
        layout.addWidget(self.editor, 1)
        status_row = QHBoxLayout()
        self.status = QLabel()
        self.status.setProperty("muted", True)
        self.status.setWordWrap(True)  # the failure and conflict messages are long
        status_row.addWidget(self.status, 1)
        layout.addLayout(status_row)
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self._autosave)
        self.retranslate()

    @property
    def dirty(self) -> bool:
        return self.editor.toPlainText() != self._saved_text

    def show_note(self, note: NoteInfo) -> None:
        """Show the stored text, unless the user has unsaved typing (never lose that)."""
        self._last = note
        if not self.dirty:
            self._saved_text = note.body
            self._base = note.updated_at
            self._set_editor_text(note.body)
        self._show_status()

    def flush(self) -> bool:
        """Save now if there are unsaved changes and wait for it (a close or quit asks);
        False (and the text kept) if saving failed."""
        self._timer.stop()
        loop = QEventLoop()
        while self._in_flight:  # an autosave is under way: let it answer first
            QTimer.singleShot(20, loop.quit)
            loop.exec()
        if not self.dirty:
            return True
        if self._resolving:  # a close or quit while the conflict dialog is open
            return False
        answer: list[bool] = []

        def answered(saved: bool) -> None:
            answer.append(saved)
            loop.quit()

        self._save(answered)
        if not answer:
            loop.exec()
        return answer[0]

    def _autosave(self) -> None:
        if self._in_flight:
            self._timer.start()  # try again once the save under way has answered
        elif self.dirty and not self._resolving:
            self._save(lambda _saved: None)

    def _save(self, answer: Callable[[bool], None]) -> None:
        """Write the editor's text off the GUI thread; then ``answer(saved)``."""
        text, base = self.editor.toPlainText(), self._base
        dossier_id, user = self.dossier_id, self.ctx.user.username
        self._in_flight = True

        def done(info: NoteInfo) -> None:
            self._in_flight = False
            self._error = self._unresolved_by = None
            self._saved_text = text
            self._base = info.updated_at
            self._last = info
            log.info("saved notes of dossier %d (%d chars)", dossier_id, len(text))
            self._show_status()
            self.saved.emit(dossier_id)
            answer(True)

        def failed(exc: BaseException) -> None:
            self._in_flight = False
            if isinstance(exc, NoteConflictError):
                log.info("notes of dossier %d changed by someone else meanwhile", dossier_id)
                answer(self._resolve(exc, text))
                return
            if isinstance(exc, BuddyDeskError | OSError | RuntimeError):
                self._error = str(exc)
                log.warning("saving notes of dossier %d failed: %s", dossier_id, type(exc).__name__)
            else:  # a database driver error must not lose the text either
                self._error = type(exc).__name__
                log.error("saving notes of dossier %d failed: %s", dossier_id, type(exc).__name__)
            self._show_status()
            answer(False)

        self.ctx.ops.write(
            lambda uow: save_note(uow, dossier_id, text, user, base_updated_at=base),
            dossiers=[dossier_id],
            on_done=done,
            on_error=failed,
            parent=self,
        )

    def _resolve(self, conflict: NoteConflictError, mine: str) -> bool:
        self._resolving = True
        try:
            resolution = self.resolve_conflict(conflict, mine)
        finally:
            self._resolving = False
        if resolution is None:
            self._unresolved_by = conflict_author(conflict)
            self._show_status()
            return False
        base_text = self._saved_text
        # from here on the editor works on top of their version
        theirs = NoteInfo(conflict.body, conflict.updated_at, conflict.updated_by)
        self._saved_text = theirs.body
        self._base = theirs.updated_at
        self._last = theirs
        self._error = self._unresolved_by = None
        if resolution.choice is NoteChoice.THEIRS:
            self._set_editor_text(theirs.body)
            self._show_status()
            return True
        if resolution.choice is NoteChoice.MERGE:
            text = merge_notes(base_text, theirs.body, resolution.mine, self._merge_heading())
        else:
            text = resolution.mine
        self._set_editor_text(text)
        saved = self.flush()  # against their version; a third save in between asks again
        self._show_status()
        return saved

    def _merge_heading(self) -> str:
        now = self._now()
        return tr(
            "ui.notes.conflict.separator",
            name=self.ctx.user.display_name or self.ctx.user.username,
            date=format_short_date(now),
            time=format_time(now),
        )

    def _ask_user(self, conflict: NoteConflictError, mine: str) -> NoteResolution | None:
        return ask_note_conflict(self, conflict, mine)

    def _set_editor_text(self, text: str) -> None:
        """Replace the text without starting the autosave, keeping the cursor where it was."""
        if self.editor.toPlainText() == text:
            return
        position = self.editor.textCursor().position()
        self.editor.blockSignals(True)
        self.editor.setPlainText(text)
        self.editor.blockSignals(False)
        cursor = self.editor.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.editor.setTextCursor(cursor)

    def _on_editor_text_changed(self) -> None:
        self._timer.start()
        self._show_status()

    def retranslate(self) -> None:
        self.editor.setPlaceholderText(tr("ui.notes.placeholder"))
        self._show_status()

    def _show_status(self) -> None:
        if self._error or self._unresolved_by:
            self.status.setText(
                tr("ui.notes.conflict.unresolved", name=self._unresolved_by)
                if self._unresolved_by
                else tr("ui.notes.failed", error=self._error)
            )
            self.status.setStyleSheet("color: #c62828;")
            return
        self.status.setStyleSheet("")
        if self.dirty:
            self.status.setText(tr("ui.notes.unsaved"))
        elif self._last is not None and self._last.updated_at is not None:
            when = local(self._last.updated_at)
            if when.date() == local(self._now()).date():
                self.status.setText(tr("ui.notes.saved_at", time=format_time(when)))
            else:
                self.status.setText(
                    tr("ui.notes.saved_on", date=format_date(when), time=format_time(when))
                )
        else:
            self.status.setText(tr("ui.notes.autosave_hint"))

    @staticmethod
    def _now() -> datetime:
        return datetime.now(UTC)
