"""The Buddyparen workspace reads its list a page at a time off the GUI thread, counts it in
the database, and a coupling of the whole list (Ctrl+A) reaches the rows not read yet."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.i18n import tr
from buddy_desk.models import Supervisor
from buddy_desk.pairs.service import list_pairs
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext, UserProfile
from buddy_desk.ui.pairs import workspace as pairs_workspace
from buddy_desk.ui.pairs.couple_dialog import CoupleChoice
from buddy_desk.ui.pairs.workspace import PairsWorkspace
from tests.factories import make_dossier, make_supervisor

PAGE = 2


@pytest.fixture
def desk(uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setattr(pairs_workspace, "PAGE_ROWS", PAGE)
    ids = {
        "img": make_supervisor(uow, Organisation.IMG, "Anna Aalders", "aaalders"),
        "ncg": make_supervisor(uow, Organisation.NCG, "Cor Cats", "ccats"),
        "coord": make_supervisor(uow, Organisation.NCG, "Carla Coördinator", "coord"),
    }
    with uow:
        sup = uow.session.get(Supervisor, ids["coord"])
        assert sup is not None
        sup.role = "coordinator"
        uow.commit()
    for n in range(5):
        ids[f"d{n}"] = make_dossier(
            uow, straat=f"Weg {n}", img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1
        )
    return ids


def _workspace(
    qtbot: QtBot, ctx: AppContext, desk: dict[str, int], *, show: bool = True
) -> PairsWorkspace:
    ctx.user = UserProfile("coord", "Carla Coördinator", "NCG", "coordinator", desk["coord"])
    ws = PairsWorkspace(ctx)  # starts reading
    qtbot.addWidget(ws)
    ws.resize(1300, 300)
    with qtbot.waitSignal(ws.pairs_loaded, timeout=10_000) as loaded:
        if show:
            ws.show()
    assert loaded.args == [5]  # counted in the database, not the rows read
    return ws


def test_the_list_is_read_a_page_at_a_time_off_the_gui_thread(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, desk: dict[str, int]
) -> None:
    ws = _workspace(qtbot, ctx, desk, show=False)  # no view scrolling on its own
    assert ws.model.rowCount() == PAGE
    assert "5 dossiers" in ws.summary.text()
    with qtbot.waitSignal(ws.model.page_arrived, timeout=10_000):
        ws.model.fetchMore()
        assert ws.model.rowCount() == PAGE  # the page is read on a worker
        assert not ws.model.canFetchMore()  # one page at a time
    assert ws.model.rowCount() == 2 * PAGE

    def read_on() -> bool:  # as the view asks while it scrolls
        if ws.model.canFetchMore():
            ws.model.fetchMore()
        return ws.model.rowCount() == 5 and not ws.model.canFetchMore()

    qtbot.waitUntil(read_on, timeout=10_000)
    assert [r.dossier_id for r in ws.model.rows] == [r.dossier_id for r in list_pairs(uow)]


def test_a_page_read_for_an_earlier_filter_is_dropped(
    qtbot: QtBot, ctx: AppContext, desk: dict[str, int]
) -> None:
    ws = _workspace(qtbot, ctx, desk)
    ws.model.fetchMore()  # on its way …
    with qtbot.waitSignal(ws.pairs_loaded, timeout=10_000):
        ws.filter.setCurrentIndex(ws.filter.findData("group_A"))  # … and the list changes
    qtbot.wait(50)
    assert ws.model.rowCount() == 0 and "0 dossiers" in ws.summary.text()


def test_select_all_couples_the_whole_list_not_only_the_rows_read(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, desk: dict[str, int]
) -> None:
    ws = _workspace(qtbot, ctx, desk)
    ws.table.setFocus()
    QTest.keyClick(ws.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert ws.whole and ws.selected_count() == 5 and ws.model.rowCount() < 5
    assert ws.couple_button.isEnabled()
    dialog = ws.couple_dialog([])
    qtbot.addWidget(dialog)
    intro = tr("pairs.couple.intro", n=5)  # the dialog names the whole list
    assert any(label.text() == intro for label in dialog.findChildren(QLabel))
    with qtbot.waitSignal(ws.coupled, timeout=10_000) as coupled:
        ws.start_coupling(
            [r.dossier_id for r in ws.selected()],
            CoupleChoice(desk["img"], desk["ncg"], "hele lijst"),
            whole=ws.current_filter(),
        )
    assert coupled.args == [5]
    assert all(r.paired for r in list_pairs(uow))
    # a selection of rows is those rows only
    qtbot.waitUntil(lambda: "5 dossiers gekoppeld." in ws.summary.text(), timeout=10_000)
    assert not ws.whole  # shown anew: nothing selected
    ws.table.selectRow(0)
    assert not ws.whole and ws.selected_count() == 1
