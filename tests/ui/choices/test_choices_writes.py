"""Recording, correcting and withdrawing a choice write through ctx.ops.write: off the GUI
thread, dossier_changed once (from operations), and the Keuzes tab shows the new state."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from buddy_desk.choices.rules import OPTIONS, ChoiceEntry, ChoiceType, EntryKind
from buddy_desk.choices.service import log as choice_log
from buddy_desk.choices.service.log import log_entries
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.choices.section import ChoicesSection
from buddy_desk.ui.context import AppContext
from tests.factories import make_dossier


@pytest.fixture
def section(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> ChoicesSection:
    ctx.user.organisation = "NCG"
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    section = ChoicesSection(ctx, d)
    qtbot.addWidget(section)
    return section


def _record(qtbot: QtBot, section: ChoicesSection, choice_type: ChoiceType, value: str) -> None:
    dialog = section.record_dialog()
    qtbot.addWidget(dialog)
    dialog.types.setCurrentRow(list(ChoiceType).index(choice_type))
    dialog.options.setCurrentRow(OPTIONS[choice_type].index(value))
    with qtbot.waitSignal(section.changed, timeout=10_000):
        dialog.try_save()


def test_recording_lands_off_the_gui_thread_and_the_tab_shows_it(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    section: ChoicesSection,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[int] = []

    def record_noting_thread(*args: Any, **kwargs: Any) -> ChoiceEntry:
        threads.append(threading.get_ident())
        return choice_log.record_choice(*args, **kwargs)

    monkeypatch.setattr("buddy_desk.ui.choices.section.record_choice", record_noting_thread)
    changed: list[int] = []
    ctx.events.dossier_changed.connect(changed.append)
    _record(qtbot, section, ChoiceType.JOINT_INSPECTION, "geen")
    assert threads and threads != [threading.get_ident()]
    assert changed == [section.dossier_id]
    assert [(e.choice_type, e.value) for e in log_entries(uow, section.dossier_id)] == [
        (ChoiceType.JOINT_INSPECTION, "geen")
    ]
    assert [s.choice_type for s in section.states] == [ChoiceType.JOINT_INSPECTION]


def test_withdrawing_lands_and_the_tab_shows_it_withdrawn(
    qtbot: QtBot, uow: UnitOfWork, section: ChoicesSection
) -> None:
    _record(qtbot, section, ChoiceType.JOINT_INSPECTION, "geen")
    section.table.selectRow(0)
    dialog = section.withdraw_dialog()
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.note.setPlainText("bewoner belde")
    with qtbot.waitSignal(section.changed, timeout=10_000):
        dialog.try_save()
    kinds = [e.kind for e in log_entries(uow, section.dossier_id)]
    assert kinds == [EntryKind.RECORD, EntryKind.WITHDRAWAL]
    [state] = section.states
    assert state.withdrawal is not None  # shown as withdrawn: correct/withdraw are off
    assert not section.withdraw_button.isEnabled()
