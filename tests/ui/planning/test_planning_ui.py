"""The planner's view: from the queue to a booked joint inspection, letter and calendar file."""

from __future__ import annotations

from pathlib import Path

import icalendar
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.planning.service import booking as svc
from buddy_desk.planning.service.output import export_appointments
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.planning.calendar import monday_of
from buddy_desk.ui.planning.section import AppointmentsSection
from buddy_desk.ui.planning.workspace import PlanningWorkspace
from tests.factories import make_dossier
from tests.planning_factories import make_expert
from tests.ui.conftest import loaded


def _setup(ctx: AppContext) -> tuple[int, int]:
    make_expert(ctx.new_uow(), Organisation.IMG, "Ada Schade")
    make_expert(ctx.new_uow(), Organisation.NCG, "Bram Versterk")
    plain = make_dossier(ctx.new_uow(), img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    urgent = make_dossier(
        ctx.new_uow(),
        img_phase=ImgPhase.VOORBEREIDING,
        ncg_status=NcgStatus.S2_1,
        flags=(FlagKind.URGENT,),
    )
    return plain, urgent


def test_queue_to_booking_letter_and_calendar_file(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    _plain, urgent = _setup(ctx)
    view = PlanningWorkspace(ctx)
    qtbot.addWidget(view)
    view.resize(1300, 760)
    qtbot.waitUntil(lambda: view.queue_table.rowCount() == 2, timeout=10_000)
    first = view.queue_table.item(0, 1)
    assert first is not None and first.data(Qt.ItemDataRole.UserRole) == urgent
    with qtbot.waitSignal(view.proposals.proposals_shown, timeout=10_000):
        view.queue_table.selectRow(0)
    assert view.proposals.table.rowCount() > 0
    assert view.proposals.book_button.isEnabled()
    with qtbot.waitSignal(view.proposals.booked, timeout=5_000):
        view.proposals.book_selected()
    [appointment] = svc.dossier_appointments(ctx.new_uow(), urgent)
    written = export_appointments(
        ctx.new_uow(), [appointment.id], tmp_path, viewer=viewer_of(ctx.user)
    )
    assert sorted(p.suffix for p in written) == [".ics", ".pdf"]
    ics = next(p for p in written if p.suffix == ".ics")
    event = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]
    assert str(event["UID"]) == appointment.uid
    assert next(p for p in written if p.suffix == ".pdf").read_bytes().startswith(b"%PDF")
    # the booked dossier leaves the queue
    qtbot.waitUntil(lambda: view.queue_table.rowCount() == 1, timeout=10_000)
    # and shows in the week calendar; clicking it selects the appointment
    with qtbot.waitSignal(view.week_loaded, timeout=10_000):
        view.show_week(monday_of(appointment.local_start.date()))
    rects = [r for r, item in view.calendar._item_rects() if item.appointment_id == appointment.id]
    assert len(rects) == 2
    with qtbot.waitSignal(view.calendar.appointment_selected, timeout=2_000) as blocker:
        point = rects[0].center().toPoint()
        qtbot.mouseClick(view.calendar, Qt.MouseButton.LeftButton, pos=point)  # type: ignore[no-untyped-call]
    assert blocker.args == [appointment.id]
    assert view.move_button.isEnabled()


def test_dossier_section_follows_changes(qtbot: QtBot, ctx: AppContext) -> None:
    plain, _urgent = _setup(ctx)
    found = svc.propose(ctx.new_uow(), plain, InspectionForm.SEQUENTIAL)
    [booked] = svc.book(ctx.new_uow(), plain, found.proposals.options[0])
    section = loaded(qtbot, AppointmentsSection(ctx, plain))
    assert section.table.rowCount() == 1
    state = section.table.item(0, 1)
    assert state is not None and state.text() == "gepland"
    svc.cancel(ctx.new_uow(), booked.id, "bewoner wil apart")
    with qtbot.waitSignal(section.loaded, timeout=2_000):
        ctx.events.dossier_changed.emit(plain)
    state = section.table.item(0, 1)
    assert state is not None and state.text() == "geannuleerd"
    history = section.table.item(0, 4)
    assert history is not None and "bewoner wil apart" in history.text()
    section.table.selectRow(0)
    assert not section.move_button.isEnabled()
    assert section.export_button.isEnabled()
