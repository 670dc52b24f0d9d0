"""The SVIP-loket: the queue per organisation, answers refused without consent, prioritising."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.rules import RequestKind
from buddy_desk.signals.service import list_requests, log_request
from buddy_desk.signals.svip import RequestOutcome
from buddy_desk.ui.context import AppContext, UserProfile
from buddy_desk.ui.svip.answer_dialog import AnswerChoice, AnswerDialog
from buddy_desk.ui.svip.workspace import SvipWorkspace
from tests.factories import make_dossier


@pytest.fixture
def dossier(uow: UnitOfWork) -> int:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    log_request(uow, d, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Wat is de status?")
    log_request(uow, d, RequestKind.SPEED_UP, Organisation.NCG, "Kan het sneller?")
    log_request(uow, d, RequestKind.COUPLING_STAFF, Organisation.IMG, "Wie is de buddy?")
    return d


def _workspace(qtbot: QtBot, ctx: AppContext, org: str) -> SvipWorkspace:
    ctx.user = UserProfile("bram", "Bram Bos", org, "supervisor")
    ws = SvipWorkspace(ctx)
    qtbot.addWidget(ws)
    ws.resize(1300, 600)
    ws.show()
    qtbot.waitUntil(lambda: ws.model.rowCount() > 0, timeout=10_000)
    return ws


def test_img_sees_the_requests_put_to_it_with_its_own_phase(
    qtbot: QtBot, ctx: AppContext, dossier: int
) -> None:
    ws = _workspace(qtbot, ctx, "IMG")
    assert [r.request.to_organisation for r in ws.model.rows] == [Organisation.IMG] * 2
    assert {r.own_status for r in ws.model.rows} == {"Opname"}
    with qtbot.waitSignal(ws.queue_loaded, timeout=10_000):
        ws.incoming.setChecked(False)
    assert ws.model.rowCount() == 3
    with qtbot.waitSignal(ws.queue_loaded, timeout=10_000):
        ws.kind.setCurrentIndex(ws.kind.findData(RequestKind.SPEED_UP))
    assert [r.request.kind for r in ws.model.rows] == [RequestKind.SPEED_UP]


def test_an_answer_with_data_but_without_consent_is_refused(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    dossier: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "buddy_desk.ui.messages.show_error", lambda _p, _t, text, detail=None: shown.append(text)
    )
    ws = _workspace(qtbot, ctx, "IMG")
    status = next(r for r in ws.model.rows if r.request.kind is RequestKind.STATUS_EXCHANGE)
    ws.answer(status, AnswerChoice("Opname op 3-12", False, None))  # answered off the GUI thread
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
    assert "toestemming" in shown[0]
    with qtbot.waitSignal(ws.answered, timeout=5_000):
        ws.answer(status, AnswerChoice("", True, None))
    speed = next(r for r in ws.model.rows if r.request.kind is RequestKind.SPEED_UP)
    with qtbot.waitSignal(ws.answered, timeout=5_000):
        ws.answer(speed, AnswerChoice("", False, True))
    outcomes = {r.kind: r.outcome for r in list_requests(uow, dossier)}
    assert outcomes[RequestKind.STATUS_EXCHANGE] is RequestOutcome.NO_CONSENT
    assert outcomes[RequestKind.SPEED_UP] is RequestOutcome.PRIORITISED


def test_ncg_cannot_answer_a_request_put_to_img(
    qtbot: QtBot, ctx: AppContext, dossier: int
) -> None:
    ws = _workspace(qtbot, ctx, "NCG")
    assert [r.request.kind for r in ws.model.rows] == [RequestKind.COUPLING_STAFF]
    with qtbot.waitSignal(ws.queue_loaded, timeout=10_000):
        ws.incoming.setChecked(False)
    to_img = next(
        i for i, r in enumerate(ws.model.rows) if r.request.to_organisation.value == "IMG"
    )
    ws.table.selectRow(to_img)
    assert not ws.answer_button.isEnabled()
    assert {r.own_status for r in ws.model.rows} == {"2.1"}  # never IMG's phase


def test_the_answer_dialog_offers_priority_only_for_speed_up_to_img(
    qtbot: QtBot, uow: UnitOfWork, dossier: int
) -> None:
    by_kind = {r.kind: r for r in list_requests(uow, dossier)}
    speed = AnswerDialog(by_kind[RequestKind.SPEED_UP])
    qtbot.addWidget(speed)
    speed.show()
    assert speed.priority.isVisible() and not speed.ok.isEnabled()
    speed.priority.setCurrentIndex(speed.priority.findData(True))
    assert speed.ok.isEnabled() and speed.value().prioritise is True
    status = AnswerDialog(by_kind[RequestKind.STATUS_EXCHANGE])
    qtbot.addWidget(status)
    status.show()
    assert not status.priority.isVisible()
    status.without_data.setChecked(True)
    assert status.ok.isEnabled() and status.value() == AnswerChoice("", True, None)


def test_the_state_filter_shows_only_answered_requests(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, dossier: int
) -> None:
    from buddy_desk.signals.service import answer_request
    from buddy_desk.signals.svip import QueueState

    (coupling,) = [r for r in list_requests(uow, dossier) if r.kind is RequestKind.COUPLING_STAFF]
    answer_request(uow, coupling.id, "Cor Cats", "cor")
    ws = _workspace(qtbot, ctx, "IMG")
    with qtbot.waitSignal(ws.queue_loaded, timeout=10_000):
        ws.incoming.setChecked(False)
    with qtbot.waitSignal(ws.queue_loaded, timeout=10_000):
        ws.state.setCurrentIndex(ws.state.findData(QueueState.ANSWERED))
    assert [r.request.id for r in ws.model.rows] == [coupling.id]
