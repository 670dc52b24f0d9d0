"""The samenloop workspace through the consent gate: an NCG user's list and CSV export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from buddy_desk.choices.service.consent import access_log
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.samenloop.service import ListId
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.samenloop.workspace import SamenloopWorkspace
from tests.factories import give_consent, make_dossier

NO_CONSENT = "IMG-gegevens niet getoond: geen toestemming"


def _workspace(qtbot: QtBot, ctx: AppContext) -> SamenloopWorkspace:
    view = SamenloopWorkspace(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.overview_loaded, timeout=20_000):
        view.show()
        view.reload()
    with qtbot.waitSignal(view.list_shown, timeout=20_000):
        view.show_list(ListId.BOTH)
    return view


def _export(qtbot: QtBot, view: SamenloopWorkspace, target: Path) -> int:
    """The export runs on a worker; ``exported`` says how many rows it wrote."""
    with qtbot.waitSignal(view.exported, timeout=20_000) as done:
        assert view.export(target)
    return int(done.args[0])


def test_ncg_user_sees_no_img_phase_without_consent_and_the_export_says_so(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    d = make_dossier(
        uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1, zaaknummer="IMG-5555555"
    )
    view = _workspace(qtbot, ctx)
    assert view.model.rowCount() == 1
    img_cell = view.model.index(0, 4)
    assert img_cell.data() == "niet getoond"
    assert (
        img_cell.data(Qt.ItemDataRole.ToolTipRole) == "IMG-gegevens niet getoond: geen toestemming"
    )
    assert view.model.index(0, 5).data() == "B/C"
    target = tmp_path / "samenloop.csv"
    assert _export(qtbot, view, target) == 1
    data = target.read_text(encoding="utf-8-sig")
    assert "IMG-5555555" not in data and NO_CONSENT in data
    assert access_log(uow, dossier_id=d) == []
    give_consent(uow, d)
    view = _workspace(qtbot, ctx)
    assert view.model.index(0, 4).data() == "Opname" and view.model.index(0, 5).data() == "B"
    assert _export(qtbot, view, target) == 1
    assert "IMG-5555555" in target.read_text(encoding="utf-8-sig")
    [record] = access_log(uow, dossier_id=d)
    assert record.handeling_naam == "Samenlooplijst"
