"""The SVIP desk: every information request as a queue; answers never share case data beyond
the resident's consent; a speed-up request can lead to IMG prioritisation, recorded as such."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.consent import view_dossier
from buddy_desk.choices.service.log import NewChoice, record_choice, withdraw_choice
from buddy_desk.cli import main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import ValidationError
from buddy_desk.models import Case
from buddy_desk.models.signals import InformationRequest
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.rules import RequestKind
from buddy_desk.signals.service import (
    ConsentRequiredError,
    answer_request,
    list_requests,
    log_request,
    request_queue,
)
from buddy_desk.signals.svip import ANSWER_DAYS, QueueState, RequestOutcome
from tests.factories import make_dossier

T0 = datetime(2026, 11, 1, 10, 0, tzinfo=UTC)
ACTOR = Actor("s.bakker", "S. Bakker", Organisation.IMG, "supervisor")


def _consent(uow: UnitOfWork, dossier: int, direction: Direction) -> int:
    entry = record_choice(
        uow,
        dossier,
        NewChoice(
            ChoiceType.DATA_SHARING,
            "gegeven",
            Channel.KITCHEN_TABLE,
            T0,
            direction=direction,
            purpose="samen afhandelen",
            categories=(DocumentCategory.CASE_DETAILS,),
            method=ConsentMethod.VERBAL,
        ),
        ACTOR,
    )
    return entry.seq


@pytest.fixture
def dossier(uow: UnitOfWork) -> int:
    return make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)


def test_a_status_answer_without_consent_is_refused_and_nothing_is_written(
    uow: UnitOfWork, dossier: int
) -> None:
    req = log_request(uow, dossier, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Status?")
    with pytest.raises(ConsentRequiredError, match="geen toestemming"):
        answer_request(uow, req.id, "Opname op 3-12-2026", "bram")
    assert list_requests(uow, dossier)[0].answer is None
    # the wrong direction does not help: IMG's data goes to NCG only with IMG→NCG consent
    _consent(uow, dossier, Direction.NCG_TO_IMG)
    with pytest.raises(ConsentRequiredError):
        answer_request(uow, req.id, "Opname op 3-12-2026", "bram")


def test_without_consent_the_answer_says_no_data_was_shared(uow: UnitOfWork, dossier: int) -> None:
    req = log_request(uow, dossier, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Status?")
    info = answer_request(uow, req.id, "Opname op 3-12-2026", "bram", without_data=True)
    assert info.outcome is RequestOutcome.NO_CONSENT
    assert info.answer is not None and "Geen gegevens gedeeld" in info.answer
    assert "3-12-2026" not in info.answer


def test_with_consent_towards_the_asker_the_status_may_be_answered(
    uow: UnitOfWork, dossier: int
) -> None:
    _consent(uow, dossier, Direction.IMG_TO_NCG)
    req = log_request(uow, dossier, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Status?")
    info = answer_request(uow, req.id, "Opname op 3-12-2026", "bram")
    assert (info.answer, info.outcome) == ("Opname op 3-12-2026", RequestOutcome.ANSWERED)


def test_naming_the_colleague_to_couple_with_needs_no_consent(
    uow: UnitOfWork, dossier: int
) -> None:
    req = log_request(uow, dossier, RequestKind.COUPLING_STAFF, Organisation.IMG, "Wie?")
    info = answer_request(uow, req.id, "Bewonersbegeleider: Cor Cats, 06-12345678", "cor")
    assert info.outcome is RequestOutcome.ANSWERED


def test_a_speed_up_request_can_lead_to_prioritisation(uow: UnitOfWork, dossier: int) -> None:
    req = log_request(uow, dossier, RequestKind.SPEED_UP, Organisation.NCG, "Kan het sneller?")
    with pytest.raises(ConsentRequiredError):
        answer_request(uow, req.id, "opname 3-12", "bram", prioritise=True)
    info = answer_request(uow, req.id, "", "bram", prioritise=True)
    assert info.outcome is RequestOutcome.PRIORITISED
    assert info.answer == "IMG geeft deze schadezaak voorrang."
    with uow:
        case = uow.session.scalars(
            select(Case).where(Case.dossier_id == dossier, Case.organisation == Organisation.IMG)
        ).one()
        assert case.urgent
    # the prioritisation is IMG's case data: NCG sees it only with consent (the gate)
    ncg = Actor("c.cats", "Cor Cats", Organisation.NCG, "supervisor")
    img = Actor("b.bos", "Bram Bos", Organisation.IMG, "supervisor")
    assert not [e for e in view_dossier(uow, dossier, ncg).events if e.kind == "priority"]
    assert [e for e in view_dossier(uow, dossier, img).events if e.kind == "priority"]


def test_only_img_prioritises_and_only_on_a_speed_up_request(uow: UnitOfWork, dossier: int) -> None:
    to_ncg = log_request(uow, dossier, RequestKind.SPEED_UP, Organisation.IMG, "Sneller?")
    status = log_request(uow, dossier, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Status?")
    for req in (to_ncg, status):
        with pytest.raises(ValidationError, match="voorrang"):
            answer_request(uow, req.id, "", "x", prioritise=True)


def _age(uow: UnitOfWork, request_id: int, days: int) -> None:
    with uow:
        req = uow.session.get(InformationRequest, request_id)
        assert req is not None
        req.asked_at = datetime.now(UTC) - timedelta(days=days)
        uow.commit()


def test_the_queue_shows_open_overdue_and_answered_with_only_the_own_phase(
    uow: UnitOfWork, dossier: int
) -> None:
    today = date.today()
    old = log_request(uow, dossier, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Status?")
    _age(uow, old.id, ANSWER_DAYS + 2)
    new = log_request(uow, dossier, RequestKind.SPEED_UP, Organisation.NCG, "Sneller?")
    done = log_request(uow, dossier, RequestKind.COUPLING_STAFF, Organisation.IMG, "Wie?")
    answer_request(uow, done.id, "Cor Cats", "cor")
    rows = request_queue(uow, today, viewer=Organisation.NCG)
    assert [(r.request.id, r.state) for r in rows] == [
        (old.id, QueueState.OVERDUE),
        (new.id, QueueState.OPEN),
        (done.id, QueueState.ANSWERED),
    ]
    assert {r.own_status for r in rows} == {"2.1"}  # NCG's own status, never IMG's phase
    # group B would tell IMG's phase: without consent NCG sees "B/C", IMG sees no group
    assert {r.group for r in rows} == {"B/C"}
    img_rows = request_queue(uow, today, viewer=Organisation.IMG, incoming_only=True)
    assert [r.request.id for r in img_rows] == [old.id, new.id]
    assert {r.own_status for r in img_rows} == {"Opname"}
    assert {r.group for r in img_rows} == {None}
    _consent(uow, dossier, Direction.IMG_TO_NCG)
    assert {r.group for r in request_queue(uow, today, viewer=Organisation.NCG)} == {"B"}
    speed = request_queue(uow, today, kind=RequestKind.SPEED_UP)
    assert [r.request.id for r in speed] == [new.id]
    assert [r.request.id for r in request_queue(uow, today, state=QueueState.OVERDUE)] == [old.id]


def test_cli_svip_queue_and_answers(
    db_url: str, uow: UnitOfWork, dossier: int, capsys: pytest.CaptureFixture[str]
) -> None:
    req = log_request(uow, dossier, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Status?")
    base = ["--db", db_url]
    assert main(["svip", "--org", "IMG", "--incoming", "--json", *base]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert (row["id"], row["state"], row["own_status"], row["to"]) == (
        req.id,
        "open",
        "Opname",
        "IMG",
    )
    assert main(["svip", "answer", str(req.id), "Opname 3-12", *base]) == 2
    assert "geen toestemming" in capsys.readouterr().err
    assert main(["signals", "answer", str(req.id), "Opname 3-12", *base]) == 2  # same rule
    capsys.readouterr()
    assert main(["svip", "answer", str(req.id), "--without-data", "--json", *base]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"] == "no_consent"
    assert main(["svip", "--state", "answered", *base]) == 0
    assert "1 verzoek(en): 0 open, 0 te laat, 1 beantwoord" in capsys.readouterr().out


def test_after_consent_is_withdrawn_the_answer_no_longer_shows_to_the_asker(
    uow: UnitOfWork, dossier: int, capsys: pytest.CaptureFixture[str], db_url: str
) -> None:
    seq = _consent(uow, dossier, Direction.IMG_TO_NCG)
    status = log_request(uow, dossier, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Status?")
    speed = log_request(uow, dossier, RequestKind.SPEED_UP, Organisation.NCG, "Sneller?")
    answer_request(uow, status.id, "Opname op 3-12-2026", "bram")
    answer_request(uow, speed.id, "opname 3-12 naar voren", "bram", prioritise=True)
    today = date.today()

    def answers(viewer: Organisation | None) -> dict[RequestKind, str | None]:
        return {r.request.kind: r.request.answer for r in request_queue(uow, today, viewer=viewer)}

    assert answers(Organisation.NCG)[RequestKind.STATUS_EXCHANGE] == "Opname op 3-12-2026"
    withdraw_choice(uow, dossier, seq, ACTOR, channel=Channel.PHONE)
    ncg = answers(Organisation.NCG)
    assert "niet getoond" in (ncg[RequestKind.STATUS_EXCHANGE] or "")
    assert ncg[RequestKind.SPEED_UP] == "IMG geeft deze schadezaak voorrang."  # the decision only
    img = answers(Organisation.IMG)  # the author sees what it wrote
    assert img[RequestKind.STATUS_EXCHANGE] == "Opname op 3-12-2026"
    # every path: the dossier's request list and the CLI too
    shown = {r.kind: r.answer for r in list_requests(uow, dossier, Organisation.NCG)}
    assert "niet getoond" in (shown[RequestKind.STATUS_EXCHANGE] or "")
    assert main(["signals", "requests", str(dossier), "--json", "--db", db_url]) == 0
    assert "3-12-2026" not in capsys.readouterr().out
    assert main(["svip", "--json", "--db", db_url]) == 0
    assert "3-12" not in capsys.readouterr().out
