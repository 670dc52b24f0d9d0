"""Joint-inspection planning in the app: the Planning workspace, the dossier's Afspraken tab,
and the dossier action "Opname plannen" (proposals for this dossier in a dialog)."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from buddy_desk.i18n import tr
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import DossierAction, DossierSection, UiRegistry, Workspace
from buddy_desk.ui.widgets.dialog_fit import FittedDialog


def _workspace(ctx: AppContext) -> QWidget:
    from buddy_desk.ui.planning.workspace import PlanningWorkspace

    return PlanningWorkspace(ctx)


def _section(ctx: AppContext, dossier_id: int) -> QWidget:
    from buddy_desk.ui.planning.section import AppointmentsSection

    return AppointmentsSection(ctx, dossier_id)


def _plan_dossier(ctx: AppContext, dossier_id: int, parent: QWidget) -> None:
    from buddy_desk.ui.planning.proposals import ProposalPanel

    dialog = FittedDialog(parent)
    dialog.setWindowTitle(tr("planning.action.plan"))
    dialog.resize(920, 640)
    layout = QVBoxLayout(dialog)
    panel = ProposalPanel(ctx, dialog)
    layout.addWidget(panel)
    panel.set_dossier(dossier_id, tr("planning.dialog.title", id=dossier_id))
    dialog.exec()


def register(registry: UiRegistry) -> None:
    registry.add_workspace(
        Workspace(
            id="planning",
            title_key="planning.workspace",
            factory=_workspace,
            order=60,
            shortcut="Ctrl+Shift+P",
            module="buddy_desk.ui.planning.workspace",
        )
    )
    registry.add_dossier_section(
        DossierSection(
            id="planning",
            title_key="planning.section",
            factory=_section,
            order=60,
            module="buddy_desk.ui.planning.section",
        )
    )
    registry.add_dossier_action(
        DossierAction(
            id="planning.plan",
            text_key="planning.action.plan",
            handler=_plan_dossier,
            shortcut="Ctrl+Shift+O",
            order=50,
        )
    )
