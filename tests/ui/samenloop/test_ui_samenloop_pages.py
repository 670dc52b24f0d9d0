"""The Samenloop workspace reads its list a page at a time, on a worker, as the view scrolls;
the count, opening a dossier and the export cover the whole list, not the rows read so far."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

import buddy_desk.ui.samenloop.workspace as workspace_module
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.samenloop.service import SortKey
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.samenloop.workspace import SamenloopWorkspace
from tests.factories import make_dossier


def test_the_list_pages_on_a_worker_and_export_writes_all_of_it(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(workspace_module, "PAGE_ROWS", 5)
    monkeypatch.setattr(workspace_module, "MORE_ROWS", 4)
    ids = [
        make_dossier(uow, straat="Kerkstraat", huisnummer=n, ncg_status=NcgStatus.S1_2)
        for n in (12, 3, 7, 1, 11, 5, 9, 2, 10, 4, 8, 6)
    ]
    make_dossier(
        uow,
        straat="Kerkstraat",
        huisnummer=20,
        ncg_status=NcgStatus.S2_1,
        img_phase=ImgPhase.OPNAME,
    )  # not proactive
    view = SamenloopWorkspace(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.list_shown, timeout=20_000) as shown:
        view.show()
    assert shown.args == ["proactive", 12]
    assert view.model.rowCount() == 5  # one page read, the count is the list's
    assert view.list_title.text() == "Zonder schademelding: 12 adressen"
    read = []
    while not view.model.complete:  # as a scroll asks (the view itself may ask first)
        with qtbot.waitSignal(view.model.page_added, timeout=20_000):
            view.model.fetchMore()
        read.append(view.model.rowCount())
    assert read == [9, 12]  # a first page of 5, then 4 at a time
    assert [r.number_text for r in view.model.rows] == [str(n) for n in range(1, 13)]
    assert view.model.complete
    with qtbot.waitSignal(ctx.events.open_dossier_requested) as opened:
        view.table.activated.emit(view.model.index(11, 0))
    assert opened.args == [ids[0]]  # number 12
    # a new order starts over from its first page
    with qtbot.waitSignal(view.list_shown, timeout=20_000):
        view.sort.setCurrentIndex(view.sort.findData(SortKey.GEMEENTE.value))
    assert view.model.rowCount() == 5
    target = tmp_path / "proactief.csv"
    with qtbot.waitSignal(view.exported, timeout=20_000) as done:
        assert view.export(target)
    assert done.args == [12]
    assert target.read_bytes().count(b"\r\n") == 13
    # a search narrows the list in the database; the title counts what matches
    with qtbot.waitSignal(view.list_shown, timeout=20_000) as shown:
        view.search.setText("kerkstraat 1")
    assert shown.args == ["proactive", 4]  # 1, 10, 11, 12
    assert view.model.rowCount() == 4 and not view.model.canFetchMore()
