"""Summary letters in the app: the dossier action "Samenvattingsbrief" and the Brieven workspace."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import DossierAction, UiRegistry, Workspace


def _preview(ctx: AppContext, dossier_id: int, parent: QWidget) -> None:
    from buddy_desk.ui.letters.preview import open_preview

    open_preview(ctx, dossier_id, parent)


def _run_view(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.letters.run import LetterRunView

    return LetterRunView(ctx)


def register(registry: UiRegistry) -> None:
    registry.add_dossier_action(
        DossierAction(
            id="letters.summary",
            text_key="letters.action.summary",
            handler=_preview,
            shortcut="Ctrl+Shift+B",
            order=60,
        )
    )
    registry.add_workspace(
        Workspace(
            id="letters",
            title_key="letters.workspace",
            factory=_run_view,
            order=70,
            shortcut="Ctrl+Shift+L",
            module="buddy_desk.ui.letters.run",
        )
    )
