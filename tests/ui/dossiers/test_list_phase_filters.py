"""The list filters Schade: fase and Versterking: status narrow the list (they did nothing)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from tests.ui.conftest import make_window
from tests.ui.dossiers.test_ui_dossier_list import _three


def test_phase_and_status_filters_narrow_the_list(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    _three(uow)  # Opname + 2.1, — + 4.1, Beschikking + —
    view = make_window(qtbot, ctx).list_view
    img = view.img_combo.findData(ImgPhase.BESCHIKKING.value)
    assert img > 0
    with qtbot.waitSignal(view.filter_applied, timeout=2_000) as shown:
        view.img_combo.setCurrentIndex(img)
    assert shown.args == [1]
    assert view.current_filter().img_phases == {ImgPhase.BESCHIKKING}
    with qtbot.waitSignal(view.filter_applied, timeout=2_000) as shown:
        view.img_combo.setCurrentIndex(0)
    assert shown.args == [3]
    ncg = view.ncg_combo.findData(NcgStatus.S4_1.value)
    with qtbot.waitSignal(view.filter_applied, timeout=2_000) as shown:
        view.ncg_combo.setCurrentIndex(ncg)
    assert shown.args == [1]
    assert view.current_filter().ncg_statuses == {NcgStatus.S4_1}
