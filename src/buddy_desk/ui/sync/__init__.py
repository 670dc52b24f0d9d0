"""Field sync in the app: the status-bar state, "Nu synchroniseren" and the conflicts list."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import MenuAction, StatusWidget, UiRegistry


def _status(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.sync.status import SyncStatusWidget

    return SyncStatusWidget(ctx)


def _sync_now(ctx: AppContext, parent: QWidget) -> None:
    from buddy_desk.ui.sync.controller import controller_for

    controller_for(ctx).sync_now(parent)


def _conflicts(ctx: AppContext, parent: QWidget) -> None:
    from buddy_desk.ui.sync.conflicts import show_conflicts

    show_conflicts(ctx, parent)


def register(registry: UiRegistry) -> None:
    registry.add_status_widget(StatusWidget(id="sync", factory=_status, order=10))
    registry.add_menu_action(
        MenuAction(
            menu="file",
            id="sync.now",
            text_key="sync.action.sync_now",
            handler=_sync_now,
            shortcut="F9",
            order=5,
        )
    )
    registry.add_menu_action(
        MenuAction(
            menu="file",
            id="sync.conflicts",
            text_key="sync.action.conflicts",
            handler=_conflicts,
            order=6,
        )
    )
