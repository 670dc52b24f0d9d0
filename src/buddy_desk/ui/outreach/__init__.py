"""The proactive approach in the app: the outreach worklist, contact attempts, letter runs."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import UiRegistry, Workspace


def _outreach(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.outreach.workspace import OutreachWorkspace

    return OutreachWorkspace(ctx)


def register(registry: UiRegistry) -> None:
    registry.add_workspace(
        Workspace(
            id="outreach",
            title_key="outreach.workspace",
            factory=_outreach,
            order=36,
            module="buddy_desk.ui.outreach.workspace",
        )
    )
