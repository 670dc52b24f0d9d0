"""The resident's choices in the app: the "Keuzes" tab and "Keuze vastleggen" (Ctrl+K)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import DossierAction, DossierSection, UiRegistry


def _section(ctx: AppContext, dossier_id: int) -> QWidget:
    from buddy_desk.ui.choices.section import ChoicesSection

    return ChoicesSection(ctx, dossier_id)


def _record(ctx: AppContext, dossier_id: int, parent: QWidget) -> None:
    from buddy_desk.ui.choices.section import ChoicesSection

    section = parent.findChild(ChoicesSection)
    if isinstance(section, ChoicesSection) and section.dossier_id == dossier_id:
        section.record()
        return
    temporary = ChoicesSection(ctx, dossier_id, parent)
    temporary.hide()
    try:
        temporary.record()
    finally:
        temporary.deleteLater()


def register(registry: UiRegistry) -> None:
    registry.add_dossier_section(
        DossierSection(
            id="choices",
            title_key="choices.section.title",
            factory=_section,
            order=20,
            module="buddy_desk.ui.choices.section",
        )
    )
    registry.add_dossier_action(
        DossierAction(
            id="choices.record",
            text_key="choices.action.record",
            handler=_record,
            shortcut="Ctrl+K",
            order=20,
        )
    )
