"""The planner sees the resident's choice: booking against it asks for a reason (recorded on
the dossier), and booking a second joint inspection offers to move the first one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from buddy_desk.choices.rules import Actor, Channel, ChoiceType
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.planning.service import booking as svc
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.planning.dialogs import MoveExistingDialog, OverrideDialog
from buddy_desk.ui.planning.proposals import ProposalPanel
from tests.factories import make_dossier
from tests.planning_factories import make_expert
from tests.ui.conftest import loaded


def _panel(qtbot: QtBot, ctx: AppContext, dossier_id: int) -> ProposalPanel:
    make_expert(ctx.new_uow(), Organisation.IMG, "Ada Schade")
    make_expert(ctx.new_uow(), Organisation.NCG, "Bram Versterk")
    panel = ProposalPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1000, 700)
    with qtbot.waitSignal(panel.proposals_shown, timeout=10_000):
        panel.set_dossier(dossier_id, "Teststraat")
    panel.form.setCurrentIndex(panel.form.findData(InspectionForm.SIMULTANEOUS.value))
    with qtbot.waitSignal(panel.proposals_shown, timeout=10_000):
        panel.search()
    panel.table.selectRow(0)
    return panel


def _when_modal(action: Callable[[QDialog], None], seen: list[QDialog]) -> None:
    """Act on the modal dialog once it is open (it runs its own event loop)."""

    def act() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            QTimer.singleShot(20, act)
            return
        seen.append(dialog)
        action(dialog)

    QTimer.singleShot(0, act)


def _declined(ctx: AppContext) -> int:
    d = make_dossier(ctx.new_uow(), img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    actor = Actor("tester", "Test Gebruiker", Organisation.NCG, "supervisor")
    record_choice(
        ctx.new_uow(), d, NewChoice(ChoiceType.JOINT_INSPECTION, "geen", Channel.PHONE), actor
    )
    return d


def test_booking_against_the_choice_is_refused_when_the_reason_dialog_is_cancelled(
    qtbot: QtBot, ctx: AppContext
) -> None:
    d = _declined(ctx)
    panel = _panel(qtbot, ctx, d)
    seen: list[QDialog] = []
    _when_modal(lambda dialog: dialog.reject(), seen)
    panel.book_selected()  # the refusal comes back from the write off the GUI thread
    qtbot.waitUntil(lambda: bool(seen) and not seen[0].isVisible(), timeout=10_000)
    [dialog] = seen
    assert isinstance(dialog, OverrideDialog)
    assert "geen gezamenlijke opname" in " ".join(
        w.text() for w in dialog.findChildren(type(dialog.error))
    )
    assert svc.dossier_appointments(ctx.new_uow(), d) == []


def test_override_needs_a_reason_and_records_it(qtbot: QtBot, ctx: AppContext) -> None:
    d = _declined(ctx)
    panel = _panel(qtbot, ctx, d)
    seen: list[QDialog] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, OverrideDialog)
        dialog._on_buttons_accepted()  # no reason yet: the dialog stays open and says why
        assert dialog.isVisible() and dialog.error.text()
        dialog.reason.setText("bewoner belde: wil toch samen")
        dialog._on_buttons_accepted()

    _when_modal(fill, seen)
    with qtbot.waitSignal(panel.booked, timeout=5_000):
        panel.book_selected()
    assert len(seen) == 1
    [booked] = svc.dossier_appointments(ctx.new_uow(), d)
    assert "wil toch samen" in (booked.changes[0].reason or "")


def test_a_second_booking_offers_to_move_the_first(qtbot: QtBot, ctx: AppContext) -> None:
    d = make_dossier(ctx.new_uow(), img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    panel = _panel(qtbot, ctx, d)
    with qtbot.waitSignal(panel.booked, timeout=5_000):
        panel.book_selected()
    [first] = svc.dossier_appointments(ctx.new_uow(), d)
    with qtbot.waitSignal(panel.proposals_shown, timeout=10_000):
        panel.search()
    panel.table.selectRow(1)
    other = panel.result.proposals.options[1] if panel.result else None
    assert other is not None and other.start != first.start
    seen: list[QDialog] = []
    _when_modal(lambda dialog: dialog.accept(), seen)
    with qtbot.waitSignal(panel.booked, timeout=5_000):
        panel.book_selected()
    assert isinstance(seen[0], MoveExistingDialog)
    [moved] = svc.dossier_appointments(ctx.new_uow(), d)  # still one appointment
    assert moved.id == first.id and moved.start == other.start


def test_a_buddy_adds_a_group_e_dossier_to_the_queue_with_a_reason(
    qtbot: QtBot, ctx: AppContext
) -> None:
    from buddy_desk.planning.service.queue import queue
    from buddy_desk.ui.planning.dialogs import QueueAddDialog
    from buddy_desk.ui.planning.section import AppointmentsSection

    d = make_dossier(ctx.new_uow(), img_phase=ImgPhase.VOORBEREIDING, ncg_status=NcgStatus.S4_1)
    assert d not in [e.dossier_id for e in queue(ctx.new_uow())]
    section = loaded(qtbot, AppointmentsSection(ctx, d))
    seen: list[QDialog] = []

    def fill(dialog: QDialog) -> None:
        assert isinstance(dialog, QueueAddDialog)
        dialog._on_buttons_accepted()  # no reason: stays open, says why
        assert dialog.isVisible() and dialog.error.text()
        dialog.reason.setText("IMG-opname nog niet gedaan")
        dialog._on_buttons_accepted()

    _when_modal(fill, seen)
    with qtbot.waitSignal(section.loaded, timeout=5_000):
        section.queue_button.click()
    [entry] = [e for e in queue(ctx.new_uow()) if e.dossier_id == d]
    assert entry.queue_reason == "IMG-opname nog niet gedaan"
