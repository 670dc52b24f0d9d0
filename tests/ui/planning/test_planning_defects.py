"""Defects a new planner hit: the queue after booking, and the appointments' state."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from buddy_desk.core.inspection import InspectionForm
from buddy_desk.planning.service import booking as svc
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.planning.section import STATE_COLUMN, AppointmentsSection
from buddy_desk.ui.planning.workspace import PlanningWorkspace
from tests.ui.conftest import loaded
from tests.ui.planning.test_planning_ui import _setup


def test_after_booking_the_queue_selects_nothing_the_panel_does_not_show(
    qtbot: QtBot, ctx: AppContext
) -> None:
    _setup(ctx)
    view = PlanningWorkspace(ctx)
    qtbot.addWidget(view)
    view.resize(1300, 760)
    qtbot.waitUntil(lambda: view.queue_table.rowCount() == 2, timeout=10_000)
    with qtbot.waitSignal(view.proposals.proposals_shown, timeout=10_000):
        view.queue_table.selectRow(0)
    booked_id = view.proposals.dossier_id
    with qtbot.waitSignal(view.queue_loaded, timeout=10_000):
        view.proposals.book_selected()
    assert view.queue_table.rowCount() == 1
    # before the fix the remaining dossier slid into the selected row while the panel still
    # showed the booked dossier
    assert view.proposals.dossier_id == booked_id
    assert view.selected_queue_dossier() in (None, booked_id)


def test_the_appointments_state_is_visible_and_a_cancelled_one_looks_cancelled(
    qtbot: QtBot, ctx: AppContext
) -> None:
    plain, _urgent = _setup(ctx)
    found = svc.propose(ctx.new_uow(), plain, InspectionForm.SEQUENTIAL)
    [first] = svc.book(ctx.new_uow(), plain, found.proposals.options[0])
    svc.cancel(ctx.new_uow(), first.id, "bewoner wil apart")
    found = svc.propose(ctx.new_uow(), plain, InspectionForm.SEQUENTIAL)
    svc.book(ctx.new_uow(), plain, found.proposals.options[0])
    section = loaded(qtbot, AppointmentsSection(ctx, plain))
    section.resize(380, 400)  # the dossier view's section pane at 1280×720
    section.show()
    qtbot.waitExposed(section)
    header = section.table.horizontalHeader()
    assert header.sectionViewportPosition(STATE_COLUMN) + 20 < section.table.viewport().width()
    rows = {
        section.table.item(r, STATE_COLUMN).text(): r  # type: ignore[union-attr]
        for r in range(section.table.rowCount())
    }
    assert set(rows) == {"gepland", "geannuleerd"}
    cancelled = section.table.item(rows["geannuleerd"], 0)
    active = section.table.item(rows["gepland"], 0)
    assert cancelled is not None and active is not None
    assert cancelled.font().strikeOut() and not active.font().strikeOut()
    assert cancelled.foreground().color() != active.foreground().color()
    assert cancelled.data(Qt.ItemDataRole.ForegroundRole) is not None
