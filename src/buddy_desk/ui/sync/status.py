"""The status bar's sync state: online/offline, last sync, queued changes, conflicts."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from buddy_desk.i18n import tr
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.sync.controller import SyncController, controller_for


def status_text(controller: SyncController) -> str:
    status = controller.status
    if status is None or not status.enrolled:
        return ""
    if controller.running:
        state = tr("sync.status.syncing")
    elif controller.refused:
        state = tr("synctrust.status.refused")
    elif controller.online is None:
        state = tr("sync.status.unknown")
    else:
        state = tr("sync.status.online" if controller.online else "sync.status.offline")
    last = (
        tr("sync.status.last", moment=status.last_sync_at.astimezone().strftime("%d-%m %H:%M"))
        if status.last_sync_at
        else tr("sync.status.never")
    )
    parts = [state, last, tr("sync.status.queued", count=status.queued)]
    if status.conflicts:
        parts.append(tr("sync.status.conflicts", count=status.conflicts))
    return " · ".join(parts)


class SyncStatusWidget(QWidget):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.setObjectName("syncStatus")
        self.controller = controller_for(ctx)
        self.label = QLabel()
        self.label.setObjectName("syncStatusLabel")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 0, 6, 0)
        layout.addWidget(self.label)
        self.controller.changed.connect(self.update_text)
        ctx.events.language_changed.connect(lambda _lang: self.update_text())
        self.update_text()

    def update_text(self) -> None:
        text = status_text(self.controller)
        self.label.setText(text)
        self.label.setToolTip(self.controller.error or "")
        self.setVisible(bool(text))
