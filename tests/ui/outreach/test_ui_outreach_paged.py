"""The Proactieve aanpak workspace reads its worklist a page at a time off the GUI thread,
shows each filter's count from the database, and a letter run covers every address the
filter shows, not only the rows read."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import NcgStatus
from buddy_desk.outreach.rules import ContactOutcome, OutreachPhase
from buddy_desk.outreach.service import list_contacts, load_worklist
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.outreach import workspace as outreach_workspace
from buddy_desk.ui.outreach.workspace import OutreachWorkspace
from tests.factories import make_dossier

PAGE = 2


@pytest.fixture
def pool(uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    monkeypatch.setattr(outreach_workspace, "PAGE_ROWS", PAGE)
    return [
        make_dossier(uow, ncg_status=status, postcode=f"99{n:02d}AA")
        for n, status in enumerate([NcgStatus.S2_1] * 3 + [NcgStatus.S4_1] * 2)
    ]


def _workspace(qtbot: QtBot, ctx: AppContext) -> OutreachWorkspace:
    ws = OutreachWorkspace(ctx)  # starts reading; not shown: the view scrolls no pages in
    qtbot.addWidget(ws)
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000) as loaded:
        pass
    assert loaded.args == [5]  # counted in the database
    return ws


def test_the_worklist_is_read_a_page_at_a_time_off_the_gui_thread(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, pool: list[int]
) -> None:
    ws = _workspace(qtbot, ctx)
    assert ws.model.rowCount() == PAGE and "5 adressen" in ws.summary.text()
    with qtbot.waitSignal(ws.model.page_arrived, timeout=10_000):
        ws.model.fetchMore()
        assert ws.model.rowCount() == PAGE  # read on a worker

    def read_on() -> bool:
        if ws.model.canFetchMore():
            ws.model.fetchMore()
        return ws.model.rowCount() == 5 and not ws.model.canFetchMore()

    qtbot.waitUntil(read_on, timeout=10_000)
    assert [r.dossier_id for r in ws.model.rows] == [r.dossier_id for r in load_worklist(uow)]
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000) as loaded:
        ws.phase.setCurrentIndex(ws.phase.findData(OutreachPhase.PLAN_AHEAD))
    assert loaded.args == [2] and [r.dossier_id for r in ws.model.rows] == pool[3:]


def test_a_page_read_for_an_earlier_filter_is_dropped(
    qtbot: QtBot, ctx: AppContext, pool: list[int]
) -> None:
    ws = _workspace(qtbot, ctx)
    ws.model.fetchMore()  # on its way …
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000):
        ws.status.setCurrentIndex(ws.status.findData(NcgStatus.S4_1))  # … the list changes
    qtbot.wait(50)
    assert [r.dossier_id for r in ws.model.rows] == pool[3:]


def test_the_letter_run_covers_the_whole_filter_not_only_the_rows_read(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, pool: list[int], tmp_path: Path
) -> None:
    ws = _workspace(qtbot, ctx)
    assert ws.model.rowCount() == PAGE and ws.letters_button.isEnabled()
    target = tmp_path / "brieven.pdf"
    with qtbot.waitSignal(ws.letters_written, timeout=30_000) as written:
        ws.start_letters(target)
    assert written.args == [5]
    assert len(PdfReader(target).pages) == 5
    assert all([c.outcome for c in list_contacts(uow, d)] == [ContactOutcome.SENT] for d in pool)
