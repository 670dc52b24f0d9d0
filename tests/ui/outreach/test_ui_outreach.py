"""The Proactieve aanpak workspace: the phased worklist, a contact, a letter run on a worker."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.outreach.rules import ContactChannel, ContactOutcome, OutreachPhase
from buddy_desk.outreach.service import list_contacts
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.outreach.contact_dialog import ContactChoice
from buddy_desk.ui.outreach.workspace import OutreachWorkspace
from tests.factories import make_dossier


@pytest.fixture
def pool(uow: UnitOfWork) -> list[int]:
    ids = [
        make_dossier(uow, ncg_status=NcgStatus.S2_1, woonplaats="Loppersum"),
        make_dossier(uow, ncg_status=NcgStatus.S4_1),
        make_dossier(uow, ncg_status=NcgStatus.S5_1),
    ]
    make_dossier(uow, ncg_status=NcgStatus.S2_1, img_phase=ImgPhase.OPNAME)  # reported already
    return ids


def _workspace(qtbot: QtBot, ctx: AppContext) -> OutreachWorkspace:
    ws = OutreachWorkspace(ctx)
    qtbot.addWidget(ws)
    ws.resize(1300, 600)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() == 3, timeout=10_000)
    return ws


def test_the_worklist_filters_by_phase_and_a_closing_contact_removes_the_address(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, pool: list[int]
) -> None:
    ws = _workspace(qtbot, ctx)
    assert [r.dossier_id for r in ws.model.rows] == pool
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000):  # read off the GUI thread
        ws.phase.setCurrentIndex(ws.phase.findData(OutreachPhase.PLAN_AHEAD))
    assert [r.dossier_id for r in ws.model.rows] == [pool[1]]
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000):
        ws.phase.setCurrentIndex(0)
    row = ws.model.rows[0]
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000):
        ws.record(  # off the GUI thread; the worklist is shown anew once it landed
            row, ContactChoice(ContactChannel.PHONE, ContactOutcome.REPORTED, date.today(), "ok")
        )
    assert [c.outcome for c in list_contacts(uow, pool[0])] == [ContactOutcome.REPORTED]
    assert pool[0] not in [r.dossier_id for r in ws.model.rows]
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000):
        ws.closed.setChecked(True)
    assert pool[0] in [r.dossier_id for r in ws.model.rows]


def test_the_letter_run_writes_one_pdf_for_the_list_shown(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, pool: list[int], tmp_path: Path
) -> None:
    ws = _workspace(qtbot, ctx)
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000):
        ws.status.setCurrentIndex(ws.status.findData(NcgStatus.S2_1))
    assert ws.model.rowCount() == 1
    target = tmp_path / "brieven.pdf"
    with qtbot.waitSignal(ws.letters_written, timeout=30_000) as blocker:
        ws.start_letters(target)
        assert not ws.letters_button.isEnabled()  # one run at a time
    assert blocker.args == [1]
    assert len(PdfReader(target).pages) == 1
    assert [c.outcome for c in list_contacts(uow, pool[0])] == [ContactOutcome.SENT]
    assert list_contacts(uow, pool[1]) == []
    qtbot.waitUntil(lambda: ws.letters_button.isEnabled(), timeout=5_000)
    qtbot.waitUntil(lambda: "1 brief geschreven naar" in ws.summary.text(), timeout=5_000)


def test_img_staff_see_only_the_counts_per_phase(
    qtbot: QtBot, ctx: AppContext, pool: list[int], tmp_path: Path
) -> None:
    from buddy_desk.ui.context import UserProfile

    ctx.user = UserProfile("anna", "Anna Aalders", "IMG", "supervisor")
    ws = OutreachWorkspace(ctx)
    qtbot.addWidget(ws)
    with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000):  # the counts are read
        ws.show()
    assert ws.model.rowCount() == 0 and not ws.table.isVisible()
    assert not ws.letters_button.isEnabled()
    assert "fase 2: 1" in ws.summary.text() and "fase 3: 1" in ws.summary.text()
    # nor does a letter run reach their addresses, the button aside
    ws.start_letters(tmp_path / "brieven.pdf")
    assert ws.handle is None and not (tmp_path / "brieven.pdf").exists()


def test_the_worklist_shows_its_texts_in_the_language_switched_to(
    qtbot: QtBot, ctx: AppContext, pool: list[int]
) -> None:
    # the texts are made in the load job: switching the language loads them anew
    from PySide6.QtCore import QModelIndex

    from buddy_desk.i18n import set_language, tr

    ws = _workspace(qtbot, ctx)
    first = ws.model.index(0, 0)
    dutch = ws.model.data(first)
    assert dutch == tr(f"outreach.phase.{int(ws.model.rows[0].phase)}")
    try:
        set_language("en")
        with qtbot.waitSignal(ws.worklist_loaded, timeout=10_000):
            ctx.events.language_changed.emit("en")
        english = ws.model.data(ws.model.index(0, 0, QModelIndex()))
        assert english == tr(f"outreach.phase.{int(ws.model.rows[0].phase)}")
    finally:
        set_language("nl")
    assert english != dutch
    assert [r.dossier_id for r in ws.model.rows] == pool  # same rows, same order
