"""Signals in the app: the Signalen workspace and the dossier's Signalen tab."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import DossierSection, UiRegistry, Workspace


def _signals(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.signals.workspace import SignalsWorkspace

    return SignalsWorkspace(ctx)


def _section(ctx: AppContext, dossier_id: int) -> QWidget:
    from buddy_desk.ui.signals.section import SignalsSection

    return SignalsSection(ctx, dossier_id)


def register(registry: UiRegistry) -> None:
    registry.add_workspace(
        Workspace(
            id="signals",
            title_key="signals.workspace",
            factory=_signals,
            order=40,
            module="buddy_desk.ui.signals.workspace",
        )
    )
    registry.add_dossier_section(
        DossierSection(
            id="signals",
            title_key="signals.section",
            factory=_section,
            order=45,
            module="buddy_desk.ui.signals.section",
        )
    )
