"""The Documenten tab of every dossier."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import DossierSection, UiRegistry


def _section(ctx: AppContext, dossier_id: int) -> QWidget:
    from buddy_desk.ui.attachments.section import DocumentsSection

    return DocumentsSection(ctx, dossier_id)


def register(registry: UiRegistry) -> None:
    registry.add_dossier_section(
        DossierSection(
            id="documents",
            title_key="attachments.section",
            factory=_section,
            order=15,
            module="buddy_desk.ui.attachments.section",
        )
    )
