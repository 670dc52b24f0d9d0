"""The Buddyparen workspace: a coordinator couples a selection; others only look."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.models import Supervisor
from buddy_desk.pairs.service import list_pairs, pair_history
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext, UserProfile
from buddy_desk.ui.pairs.couple_dialog import CoupleChoice, CoupleDialog
from buddy_desk.ui.pairs.workspace import PairsWorkspace
from tests.factories import make_dossier, make_supervisor


@pytest.fixture
def desk(uow: UnitOfWork) -> dict[str, int]:
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
    for n in range(3):
        ids[f"d{n}"] = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    return ids


def _select(ws: PairsWorkspace, rows: list[int]) -> None:
    sel = ws.table.selectionModel()
    sel.clearSelection()
    for r in rows:
        sel.select(
            ws.model.index(r, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_a_coordinator_couples_a_selection_in_bulk(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, desk: dict[str, int], tmp_path: Path
) -> None:
    ctx.user = UserProfile("coord", "Carla Coördinator", "NCG", "coordinator", desk["coord"])
    ws = PairsWorkspace(ctx)
    qtbot.addWidget(ws)
    ws.resize(1300, 700)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() == 3, timeout=10_000)
    assert not ws.notice.isVisible()
    _select(ws, [0, 2])
    assert ws.couple_button.isEnabled()
    with qtbot.waitSignal(ws.coupled, timeout=10_000) as blocker:
        ws.start_coupling(
            [ws.model.rows[0].dossier_id, ws.model.rows[2].dossier_id],
            CoupleChoice(desk["img"], desk["ncg"], "herverdeling werklast"),
        )
    assert blocker.args == [2]
    qtbot.waitUntil(lambda: "2 dossiers gekoppeld." in ws.summary.text(), timeout=10_000)
    paired = {r.dossier_id for r in list_pairs(uow) if r.paired}
    assert paired == {desk["d0"], desk["d2"]}
    assert [h.reason for h in pair_history(uow, desk["d0"])] == ["herverdeling werklast"]
    qtbot.waitUntil(lambda: sum(r.paired for r in ws.model.rows) == 2, timeout=10_000)
    _select(ws, [0])
    qtbot.waitUntil(lambda: "herverdeling werklast" in ws.history.toPlainText(), timeout=10_000)
    ws.tabs.setCurrentIndex(1)
    assert ws.load_model.rowCount() >= 2
    ws.grab().save(str(tmp_path / "pairs.png"))


def test_a_supervisor_can_look_but_not_couple(
    qtbot: QtBot, ctx: AppContext, desk: dict[str, int]
) -> None:
    ctx.user = UserProfile("ccats", "Cor Cats", "NCG", "coordinator", desk["ncg"])  # self-declared
    ws = PairsWorkspace(ctx)
    qtbot.addWidget(ws)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() == 3, timeout=10_000)
    _select(ws, [0])
    assert not ws.couple_button.isEnabled()
    assert ws.notice.isVisible() and "coördinator" in ws.notice.text()


def test_the_couple_dialog_needs_a_buddy_and_a_reason(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, desk: dict[str, int]
) -> None:
    from buddy_desk.dossiers.service import list_supervisors

    dialog = CoupleDialog(list_supervisors(uow), 2)
    qtbot.addWidget(dialog)
    assert dialog.img.findText("Carla Coördinator") == -1  # a coordinator is no buddy
    assert not dialog.ok.isEnabled()
    dialog.img.setCurrentIndex(dialog.img.findData(desk["img"]))
    assert not dialog.ok.isEnabled()
    dialog.reason.setText("verlof")
    assert dialog.ok.isEnabled()
    assert dialog.value() == CoupleChoice(desk["img"], None, "verlof")


def test_a_coordinator_account_signs_in_as_coordinator() -> None:
    from buddy_desk.core.summaries import SupervisorInfo
    from buddy_desk.dossiers.profiles import StaffAccount
    from buddy_desk.ui.profile import profile_from_account

    coord = SupervisorInfo(7, Organisation.NCG, "coordinator", "Carla Coördinator", None, None)
    buddy = SupervisorInfo(8, Organisation.NCG, "bewonersbegeleider", "Cor Cats", None, None)
    assert profile_from_account(StaffAccount(coord, "coord")).role == "coordinator"
    assert profile_from_account(StaffAccount(buddy, "ccats")).role == "supervisor"


def test_a_coordinator_accepts_the_proposals_of_a_selection(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, desk: dict[str, int]
) -> None:
    from buddy_desk.dossiers.intake import NewDossier, create_dossier

    new = create_dossier(
        uow, NewDossier(postcode="9999 ZZ", huisnummer=1, straat="Belweg", woonplaats="Ergens")
    )
    ctx.user = UserProfile("coord", "Carla Coördinator", "NCG", "coordinator", desk["coord"])
    ws = PairsWorkspace(ctx)
    qtbot.addWidget(ws)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() == 4, timeout=10_000)
    row = next(i for i, r in enumerate(ws.model.rows) if r.dossier_id == new)
    _select(ws, [row])
    assert ws.accept_button.isEnabled()
    _select(ws, [row, (row + 1) % 4])  # a dossier without a proposal in the selection
    assert not ws.accept_button.isEnabled()
    _select(ws, [row])
    with qtbot.waitSignal(ws.coupled, timeout=10_000):
        ws.accept_selected()
    assert next(r for r in list_pairs(uow) if r.dossier_id == new).paired
