"""The buddy-pair desk in the app: the Buddyparen workspace (pairs, bulk coupling, history,
workload). Coupling is for coordinators; the service refuses anyone else as well."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import UiRegistry, Workspace


def _pairs(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.pairs.workspace import PairsWorkspace

    return PairsWorkspace(ctx)


def register(registry: UiRegistry) -> None:
    registry.add_workspace(
        Workspace(
            id="pairs",
            title_key="pairs.workspace",
            factory=_pairs,
            order=42,
            module="buddy_desk.ui.pairs.workspace",
        )
    )
