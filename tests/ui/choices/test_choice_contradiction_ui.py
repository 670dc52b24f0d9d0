"""A contradictory choice is refused in the recording dialog with a clear message; the
'binnen twee dagen' form can be chosen there like the other joint forms."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from buddy_desk.choices.rules import OPTIONS, Actor, Channel, ChoiceType
from buddy_desk.choices.service.log import NewChoice, log_entries, record_choice
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.choices.section import ChoicesSection
from buddy_desk.ui.context import AppContext
from tests.factories import make_dossier


def _dialog(qtbot: QtBot, ctx: AppContext, d: int, choice_type: ChoiceType, value: str):  # type: ignore[no-untyped-def]
    section = ChoicesSection(ctx, d)
    qtbot.addWidget(section)
    dialog = section.record_dialog()
    qtbot.addWidget(dialog)
    dialog.types.setCurrentRow(list(ChoiceType).index(choice_type))
    dialog.options.setCurrentRow(OPTIONS[choice_type].index(value))
    return dialog


def test_contradiction_is_shown_in_the_dialog_and_nothing_is_recorded(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.BESCHIKKING, ncg_status=NcgStatus.S4_1)
    actor = Actor("tester", "Test Gebruiker", Organisation.NCG, "supervisor")
    record_choice(
        uow, d, NewChoice(ChoiceType.REPAIR_IN_STRENGTHENING, "nee", Channel.KITCHEN_TABLE), actor
    )
    dialog = _dialog(qtbot, ctx, d, ChoiceType.PAYMENT_FOR_REPAIR, "ja")
    dialog.try_save()  # refused by the write, off the GUI thread
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=5000)
    assert "past niet bij" in dialog.error.text() and "regel 1" in dialog.error.text()
    assert len(log_entries(uow, d)) == 1
    dialog.options.setCurrentRow(OPTIONS[ChoiceType.PAYMENT_FOR_REPAIR].index("nee"))
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        dialog.try_save()
    assert len(log_entries(uow, d)) == 2


def test_within_two_days_is_offered_and_recorded(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    dialog = _dialog(qtbot, ctx, d, ChoiceType.JOINT_INSPECTION, "binnen_twee_dagen")
    item = dialog.options.currentItem()
    assert item is not None and "Binnen twee dagen" in item.text()
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        dialog.try_save()
    [entry] = log_entries(uow, d)
    assert entry.value == "binnen_twee_dagen"
