"""The conflicts list: what the server kept aside or refused, for the buddy to resolve.

A note edited on two laptops at once is resolved with the notes tab's own dialog (*Beide
bewaren*, *Mijn versie bewaren*, *Hun versie overnemen*) and its merge; the choice is saved
and queued in one transaction, so it works offline and reaches the server with the next sync.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.dossiers.notes import merge_notes
from buddy_desk.errors import NoteConflictError
from buddy_desk.i18n import tr
from buddy_desk.models.base import utcnow
from buddy_desk.sync import service
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.note_conflict_dialog import NoteChoice, ask_note_conflict
from buddy_desk.ui.formatting import format_short_date, format_time
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


class ConflictsDialog(FittedDialog):
    def __init__(
        self,
        conflicts: list[service.ConflictInfo],
        parent: QWidget | None,
        open_dossier: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncConflicts")
        self.setWindowTitle(tr("sync.conflicts.title"))
        self.conflicts = list(conflicts)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                tr("sync.conflicts.dossier"),
                tr("sync.conflicts.reason"),
                tr("sync.conflicts.author"),
                tr("sync.conflicts.mine"),
                tr("sync.rows.conflicts.details"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        if open_dossier is not None:  # double-click: open the dossier
            self.table.cellDoubleClicked.connect(
                lambda row, _col: open_dossier(self.conflicts[row].dossier_id)
            )
        self.resolve_button = QPushButton(tr("sync.conflicts.resolve"))  # connected by the caller
        self.resolve_button.setEnabled(False)
        self.table.itemSelectionChanged.connect(
            lambda: self.resolve_button.setEnabled(bool(self.table.selectedItems()))
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.resolve_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self._fill()
        self.resize(760, 320)

    def _fill(self) -> None:
        self.table.setRowCount(len(self.conflicts))
        for row, conflict in enumerate(self.conflicts):
            values = (
                conflict.address or str(conflict.dossier_id),
                tr(f"sync.reason.{conflict.reason}"),
                conflict.author or "",
                (conflict.mine or "")[:200],
                conflict_details_text(conflict),
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()

    def selected(self) -> service.ConflictInfo:
        return self.conflicts[self.table.currentRow()]

    def remove(self, conflict_uuid: str) -> None:
        self.conflicts = [c for c in self.conflicts if c.uuid != conflict_uuid]
        self._fill()


def conflict_details_text(conflict: service.ConflictInfo) -> str:
    """The field and the value the server kept, or a refused booking's free slots."""
    if conflict.alternatives:
        return tr("sync.rows.conflicts.alternatives", slots="; ".join(conflict.alternatives))
    if conflict.field:
        field = tr(f"sync.rows.field.{conflict.field}")
        return tr("sync.rows.conflicts.field", field=field, theirs=conflict.theirs or "—")
    return ""


def merged_heading(ctx: AppContext) -> str:
    now = utcnow()
    return tr(
        "ui.notes.conflict.separator",
        name=ctx.user.display_name or ctx.user.username,
        date=format_short_date(now),
        time=format_time(now),
    )


def note_resolution(
    ctx: AppContext, conflict: service.ConflictInfo, parent: QWidget
) -> tuple[bool, str | None]:
    """Ask with the notes dialog; (False, None): closed, nothing decided; (True, None): keep
    their version; (True, text): store ``text``."""
    theirs = service.current_note(ctx.new_uow(), conflict.dossier_id)
    if theirs is None:
        return True, conflict.mine
    error = NoteConflictError(
        conflict.dossier_id, theirs.body, theirs.updated_at, theirs.updated_by
    )
    resolution = ask_note_conflict(parent, error, conflict.mine or "")
    if resolution is None:
        return False, None
    if resolution.choice is NoteChoice.THEIRS:
        return True, None
    if resolution.choice is NoteChoice.MERGE:
        return True, merge_notes("", theirs.body, resolution.mine, merged_heading(ctx))
    return True, resolution.mine


def show_conflicts(ctx: AppContext, parent: QWidget) -> None:
    def shown(found: list[service.ConflictInfo]) -> None:
        dialog = ConflictsDialog(found, parent, ctx.events.open_dossier_requested.emit)

        def resolve(conflict: service.ConflictInfo) -> None:
            body: str | None = None
            if conflict.table_name == "conversation_note":
                decided, body = note_resolution(ctx, conflict, dialog)
                if not decided:
                    return
            ctx.ops.write(
                lambda uow: service.resolve_conflict(
                    uow, conflict.uuid, note_body=body, user=ctx.user.username
                ),
                dossiers=[conflict.dossier_id],
                on_done=lambda _r: dialog.remove(conflict.uuid),
                parent=dialog,
            )

        dialog.resolve_button.clicked.connect(lambda: resolve(dialog.selected()))
        dialog.setModal(True)
        dialog.open()

    ctx.ops.read(service.conflicts, on_done=shown, parent=parent)
