"""The Keuzes tab, recording by keyboard, correct/withdraw, and the consent gate on screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from buddy_desk.choices.rules import ChoiceType, Direction, StateStatus
from buddy_desk.choices.service.consent import access_log
from buddy_desk.choices.service.log import current_choices, log_entries, verify_log
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui import choices as choices_feature
from buddy_desk.ui.choices import section as choices_section
from buddy_desk.ui.choices.section import ChoicesSection
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.dossier_view import DossierView
from buddy_desk.ui.extensions import UiRegistry
from tests.factories import make_dossier


@pytest.fixture
def ncg_ctx(ctx: AppContext) -> AppContext:
    ctx.user.organisation = "NCG"
    ctx.user.role = "supervisor"
    return ctx


def _section(qtbot: QtBot, ctx: AppContext, dossier_id: int) -> ChoicesSection:
    section = ChoicesSection(ctx, dossier_id)
    qtbot.addWidget(section)
    section.resize(700, 480)
    return section


def _record_consent_by_keyboard(qtbot: QtBot, section: ChoicesSection) -> None:
    dialog = section.record_dialog()
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    dialog.types.setFocus()
    QTest.keyClick(dialog.types, Qt.Key.Key_1)  # 1 = data-sharing consent
    assert dialog.choice_type is ChoiceType.DATA_SHARING
    # the explanation the resident is shown, with its version
    assert "toestemming" in dialog.explanation.text()
    assert "toestemming_gegevens/" in dialog.explanation_title.text()
    # the NCG user asks for IMG's data: the direction is preset to IMG → NCG
    assert Direction(dialog.direction.currentData()) is Direction.IMG_TO_NCG
    # consent is the resident's explicit answer: nothing is preselected, saving asks for it
    assert dialog.options.selectedItems() == []
    QTest.keyClick(dialog.options, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert dialog.error.isVisibleTo(dialog)
    dialog.options.setFocus()
    while dialog.choice().value != "gegeven":
        QTest.keyClick(dialog.options, Qt.Key.Key_Down)
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        QTest.keyClick(dialog.options, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.error.isVisibleTo(dialog), dialog.error.text()


def test_consent_recorded_by_keyboard_opens_the_other_side_and_withdrawal_closes_it(
    qtbot: QtBot, ncg_ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    view = DossierView(ncg_ctx, d)
    qtbot.addWidget(view)
    assert view.img_card.status.text() == tr("consent.withheld.card")
    assert view.detail.current_img_case is None

    section = _section(qtbot, ncg_ctx, d)
    assert "Geen toestemming" in section.banner.text()
    # the app-wide event refreshes both the section and the open dossier view (which reads
    # on a worker)
    with qtbot.waitSignal(view.refreshed, timeout=5000):
        _record_consent_by_keyboard(qtbot, section)
    assert section.table.rowCount() == 1
    assert "IMG mag" not in section.banner.text() and "NCG mag" in section.banner.text()
    assert view.detail.current_img_case is not None
    assert view.img_card.status.text() != tr("consent.withheld.card")
    assert len(access_log(uow, dossier_id=d)) >= 1

    section.table.selectRow(0)
    dialog = section.withdraw_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    with qtbot.waitSignals([dialog.withdrawn, view.refreshed], timeout=5000):
        dialog.try_save()
    [state] = current_choices(uow, d)
    assert state.status is StateStatus.WITHDRAWN
    assert view.detail.current_img_case is None  # with the write's own refresh
    assert "Geen toestemming" in section.banner.text()
    assert verify_log(uow).ok


def test_a_refused_entry_keeps_the_dialog_and_what_was_typed(
    qtbot: QtBot, ncg_ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    section = _section(qtbot, ncg_ctx, d)
    dialog = section.record_dialog()
    qtbot.addWidget(dialog)
    dialog.types.setCurrentRow(list(ChoiceType).index(ChoiceType.DATA_SHARING))
    dialog.options.setCurrentRow(1)  # gegeven
    dialog.method.setCurrentIndex(0)  # signed form, but no form reference
    dialog.note.setPlainText("getekend aan tafel")
    dialog.try_save()  # refused by the write, off the GUI thread
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=5000)
    assert "formulierkenmerk" in dialog.error.text()
    assert dialog.note.toPlainText() == "getekend aan tafel"
    assert log_entries(uow, d) == []
    dialog.form_reference.setText("GUO-0042")
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        dialog.try_save()
    assert [e.form_reference for e in log_entries(uow, d)] == ["GUO-0042"]


def test_correction_keeps_history_one_click_away(
    qtbot: QtBot, ncg_ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    section = _section(qtbot, ncg_ctx, d)
    dialog = section.record_dialog()
    qtbot.addWidget(dialog)
    dialog.types.setCurrentRow(0)
    QTest.keyClick(dialog.types, Qt.Key.Key_2)  # 2 = joint inspection; focus moves on
    assert dialog.choice_type is ChoiceType.JOINT_INSPECTION
    dialog.options.setCurrentRow(1)  # gelijktijdig
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        dialog.try_save()
    section.table.selectRow(0)
    fix = section.correct_dialog()
    assert fix is not None
    qtbot.addWidget(fix)
    assert not fix.types.isEnabled()
    fix.options.setCurrentRow(2)  # na elkaar
    with qtbot.waitSignal(fix.recorded, timeout=5000):
        fix.try_save()
    cell = section.table.item(0, 1)
    assert cell is not None
    assert cell.text() == tr("choices.option.gezamenlijke_opname.na_elkaar")
    history = section.history_dialog()
    assert history is not None
    qtbot.addWidget(history)
    table = history.findChild(type(section.table), "choiceHistoryTable")
    assert table is not None and table.rowCount() == 2


def test_exports_write_pdf_and_csv(
    qtbot: QtBot,
    ncg_ctx: AppContext,
    uow: UnitOfWork,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    section = _section(qtbot, ncg_ctx, d)
    _record_consent_by_keyboard(qtbot, section)
    targets = iter([tmp_path / "bewijs.pdf", tmp_path / "log.pdf", tmp_path / "log.csv"])
    monkeypatch.setattr(choices_section, "ask_save_path", lambda *_a: next(targets))
    section.table.selectRow(0)
    section.receipt_selected()
    section.export_pdf()
    section.export_csv()
    assert (tmp_path / "bewijs.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "log.pdf").read_bytes().startswith(b"%PDF")
    assert "toestemming_gegevens" in (tmp_path / "log.csv").read_text(encoding="utf-8-sig")


def test_feature_registers_tab_and_ctrl_k() -> None:
    registry = UiRegistry()
    choices_feature.register(registry)
    assert [s.id for s in registry.dossier_sections] == ["choices"]
    [action] = registry.dossier_actions
    assert action.shortcut == "Ctrl+K"
