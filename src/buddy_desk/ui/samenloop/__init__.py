"""The Samenloop workspace: the overlap of both exports and the lists behind its numbers."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import UiRegistry, Workspace


def _samenloop(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.samenloop.workspace import SamenloopWorkspace

    return SamenloopWorkspace(ctx)


def register(registry: UiRegistry) -> None:
    registry.add_workspace(
        Workspace(
            id="samenloop",
            title_key="samenloop.workspace",
            factory=_samenloop,
            order=30,
            module="buddy_desk.ui.samenloop.workspace",
        )
    )
