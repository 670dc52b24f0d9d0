"""The conversation notes: autosaved after a short pause, and on tab close, window close, quit."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from buddy_desk.domain.summaries import NoteInfo
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.services.dossiers import save_note
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_date, format_time, local

log = logging.getLogger(__name__)
AUTOSAVE_MS = 1200


class NotesSection(QWidget):
    saved = Signal(int)
    """The notes of this dossier were written to the database; arg: dossier id."""

    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_id = dossier_id
        self._saved_text = ""
        self._last: NoteInfo | None = None
        self._error: str | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        self.editor = QPlainTextEdit()
        self.editor.setObjectName("notesEditor")
        self.editor.textChanged.connect(self._on_editor_text_changed)
        layout.addWidget(self.editor, 1)
        status_row = QHBoxLayout()
        self.status = QLabel()
        self.status.setProperty("muted", True)
        status_row.addWidget(self.status)
        status_row.addStretch(1)
        layout.addLayout(status_row)
        self._timer = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._timer.timeout.connect(self.flush)
        self.retranslate()

    @property
    def dirty(self) -> bool:
        return self.editor.toPlainText() != self._saved_text

    def show_note(self, note: NoteInfo) -> None:
        """Show the stored text, unless the user has unsaved typing (never lose that)."""
        self._last = note
        if not self.dirty:
            self._saved_text = note.body
            if self.editor.toPlainText() != note.body:
                position = self.editor.textCursor().position()
                self.editor.blockSignals(True)
                self.editor.setPlainText(note.body)
                self.editor.blockSignals(False)
                cursor = self.editor.textCursor()
                cursor.setPosition(min(position, len(note.body)))
                self.editor.setTextCursor(cursor)
        self._show_status()

    def flush(self) -> bool:
        """Save now if there are unsaved changes; False (and the text kept) if saving failed."""
        self._timer.stop()
        if not self.dirty:
            return True
        text = self.editor.toPlainText()
        try:
            info = save_note(self.ctx.new_uow(), self.dossier_id, text, self.ctx.user.username)
        except (BuddyDeskError, OSError, RuntimeError) as exc:
            self._error = str(exc)
            log.warning(
                "saving notes of dossier %d failed: %s", self.dossier_id, type(exc).__name__
            )
            self._show_status()
            return False
        except Exception as exc:  # a database driver error must not lose the text either
            self._error = type(exc).__name__
            log.exception("saving notes of dossier %d failed", self.dossier_id)
            self._show_status()
            return False
        self._error = None
        self._saved_text = text
        self._last = info
        log.info("saved notes of dossier %d (%d chars)", self.dossier_id, len(text))
        self._show_status()
        self.saved.emit(self.dossier_id)
        return True

    def _on_editor_text_changed(self) -> None:
        self._timer.start()
        self._show_status()

    def retranslate(self) -> None:
        self.editor.setPlaceholderText(tr("ui.notes.placeholder"))
        self._show_status()

    def _show_status(self) -> None:
        if self._error:
            self.status.setText(tr("ui.notes.failed", error=self._error))
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
