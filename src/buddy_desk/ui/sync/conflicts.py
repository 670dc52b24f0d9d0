"""The conflicts list: what the server kept aside or refused, for the buddy to look at."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.i18n import tr
from buddy_desk.sync import service
from buddy_desk.ui.context import AppContext


class ConflictsDialog(QDialog):
    def __init__(
        self,
        conflicts: list[service.ConflictInfo],
        parent: QWidget | None,
        open_dossier: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.conflicts = conflicts
        self.setObjectName("syncConflicts")
        self.setWindowTitle(tr("sync.conflicts.title"))
        self.table = QTableWidget(len(conflicts), 4)
        self.table.setHorizontalHeaderLabels(
            [
                tr("sync.conflicts.dossier"),
                tr("sync.conflicts.reason"),
                tr("sync.conflicts.author"),
                tr("sync.conflicts.mine"),
            ]
        )
        for row, conflict in enumerate(conflicts):
            values = (
                conflict.address or str(conflict.dossier_id),
                tr(f"sync.reason.{conflict.reason}"),
                conflict.author or "",
                (conflict.mine or "")[:200],
            )
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)
        if open_dossier is not None:  # double-click: open the dossier to merge the notes
            self.table.cellDoubleClicked.connect(
                lambda row, _col: open_dossier(self.conflicts[row].dossier_id)
            )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 320)


def show_conflicts(ctx: AppContext, parent: QWidget) -> None:
    def shown(found: list[service.ConflictInfo]) -> None:
        dialog = ConflictsDialog(found, parent, ctx.events.open_dossier_requested.emit)
        dialog.setModal(True)
        dialog.open()

    ctx.ops.read(service.conflicts, on_done=shown, parent=parent)
