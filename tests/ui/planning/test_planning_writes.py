"""Moving, cancelling and saving the planning preference write through ctx.ops.write: the write
lands, dossier_changed announces it (once, from operations), the Afspraken tab shows it, and
the files for the resident and the experts are offered only after it landed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from buddy_desk.core.inspection import AppointmentState, InspectionForm
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.planning.info import AppointmentInfo
from buddy_desk.planning.service import booking as svc
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.planning.dialogs import CancelDialog, MoveDialog, MoveRequest
from buddy_desk.ui.planning.section import AppointmentsSection
from tests.factories import make_dossier
from tests.planning_factories import make_expert
from tests.ui.conftest import loaded


@pytest.fixture
def booked(ctx: AppContext) -> tuple[AppointmentInfo, list[Any]]:
    make_expert(ctx.new_uow(), Organisation.IMG, "Ada Schade")
    make_expert(ctx.new_uow(), Organisation.NCG, "Bram Versterk")
    d = make_dossier(ctx.new_uow(), img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    options = svc.propose(ctx.new_uow(), d, InspectionForm.SIMULTANEOUS).proposals.options
    [appointment] = svc.book(ctx.new_uow(), d, options[0])
    return appointment, list(options)


@pytest.fixture
def offered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The export offered after a change (the folder question, answered with 'cancel')."""
    asked: list[str] = []

    def ask(_parent: object, title: str, _start: str = "") -> None:
        asked.append(title)
        return None

    monkeypatch.setattr("buddy_desk.ui.planning.actions.ask_folder", ask)
    return asked


@pytest.fixture
def open_section(
    qtbot: QtBot,
    ctx: AppContext,
    booked: tuple[AppointmentInfo, list[Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., AppointmentsSection]:
    """The booked dossier's Afspraken section, its appointment selected, with ``dialog``
    answered at once: ``fill`` fills it in, then it is accepted (with ``result`` as its
    value when given)."""

    def open_(
        dialog: type[QDialog],
        fill: Callable[[Any], object] = lambda _d: None,
        result: MoveRequest | None = None,
    ) -> AppointmentsSection:
        def answer(shown: QDialog) -> QDialog.DialogCode:
            fill(shown)
            return QDialog.DialogCode.Accepted

        monkeypatch.setattr(dialog, "exec", answer)
        if result is not None:
            monkeypatch.setattr(dialog, "result_value", lambda _d: result)
        section = loaded(qtbot, AppointmentsSection(ctx, booked[0].dossier_id))
        section.show()
        section.table.selectRow(0)
        return section

    return open_


def test_cancelling_lands_and_the_tab_shows_it(
    qtbot: QtBot,
    ctx: AppContext,
    booked: tuple[AppointmentInfo, list[Any]],
    offered: list[str],
    open_section: Callable[..., AppointmentsSection],
) -> None:
    appointment, _ = booked
    section = open_section(CancelDialog, lambda d: d.reason.setText("bewoner ziek"))
    changed: list[int] = []
    ctx.events.dossier_changed.connect(changed.append)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section._on_cancel_clicked()
    qtbot.waitUntil(lambda: bool(offered), timeout=5_000)
    [stored] = svc.dossier_appointments(ctx.new_uow(), appointment.dossier_id)
    assert (stored.state, stored.cancel_reason) == (AppointmentState.CANCELLED, "bewoner ziek")
    assert [a.state for a in section.appointments] == [AppointmentState.CANCELLED]
    assert changed == [appointment.dossier_id]


def test_moving_lands_and_the_tab_shows_the_new_time(
    qtbot: QtBot,
    ctx: AppContext,
    booked: tuple[AppointmentInfo, list[Any]],
    offered: list[str],
    open_section: Callable[..., AppointmentsSection],
) -> None:
    appointment, options = booked
    later = options[1].start
    section = open_section(MoveDialog, result=MoveRequest(later, "bewoner belde", {}))
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section._on_move_clicked()
    qtbot.waitUntil(lambda: bool(offered), timeout=5_000)
    [stored] = svc.dossier_appointments(ctx.new_uow(), appointment.dossier_id)
    assert stored.start == later and stored.changes[-1].reason == "bewoner belde"
    assert [a.start for a in section.appointments] == [later]


def test_a_refused_cancel_says_why_and_offers_no_files(
    qtbot: QtBot,
    ctx: AppContext,
    booked: tuple[AppointmentInfo, list[Any]],
    offered: list[str],
    open_section: Callable[..., AppointmentsSection],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    appointment, _ = booked
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "buddy_desk.ui.messages.show_error",
        lambda _p, title, text, detail=None: shown.append((title, text)),
    )
    section = open_section(CancelDialog)  # accepted without a reason
    section._on_cancel_clicked()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "reden" in shown[0][1]
    assert offered == []
    [stored] = svc.dossier_appointments(ctx.new_uow(), appointment.dossier_id)
    assert stored.state is AppointmentState.BOOKED


def test_saving_the_residents_wishes_lands_and_searches_again(
    qtbot: QtBot, ctx: AppContext, booked: tuple[AppointmentInfo, list[Any]]
) -> None:
    from buddy_desk.ui.planning.proposals import ProposalPanel

    appointment, _ = booked
    panel = ProposalPanel(ctx)
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.proposals_shown, timeout=10_000):
        panel.set_dossier(appointment.dossier_id, "Teststraat")
    for day, box in enumerate(panel.day_boxes):
        box.setChecked(day in (1, 3))  # Tuesday and Thursday
    changed: list[int] = []
    ctx.events.dossier_changed.connect(changed.append)
    with (
        qtbot.waitSignal(panel.preference_saved, timeout=10_000),
        qtbot.waitSignal(panel.proposals_shown, timeout=10_000),
    ):
        panel.save_button.click()
    assert svc.get_preference(ctx.new_uow(), appointment.dossier_id).weekdays == {1, 3}
    assert changed == [appointment.dossier_id]
    assert panel.status.text()  # the new search says what it found
