"""The SVIP desk in the app: information requests between IMG and NCG across all dossiers,
as a queue (open, overdue, answered), answered from the queue within the resident's consent."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import UiRegistry, Workspace


def _svip(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.svip.workspace import SvipWorkspace

    return SvipWorkspace(ctx)


def register(registry: UiRegistry) -> None:
    registry.add_workspace(
        Workspace(
            id="svip",
            title_key="svip.workspace",
            factory=_svip,
            order=44,
            module="buddy_desk.ui.svip.workspace",
        )
    )
