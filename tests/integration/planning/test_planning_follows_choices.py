"""Planning follows the resident's recorded choice, on SQLite and PostgreSQL: booking what
contradicts it is refused (a planner may override with a reason that shows on the dossier),
one active joint appointment per dossier, and booking closes the joint-inspection signal."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from buddy_desk.choices.rules import Actor, Channel, ChoiceType
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.models import TimelineEvent
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import Proposal
from buddy_desk.planning.service import booking as svc
from buddy_desk.signals.rules import Rule
from buddy_desk.signals.service import SignalInfo, evaluate_signals, list_signals
from tests.factories import make_dossier
from tests.planning_factories import make_expert

TODAY = date(2026, 11, 26)
ACTOR = Actor("ncg.user", "B. Bakker", Organisation.NCG, "bewonersbegeleider")


@pytest.fixture
def team(uow: UnitOfWork) -> dict[str, int]:
    return {
        "img": make_expert(uow, Organisation.IMG, "Ada Schade"),
        "ncg": make_expert(uow, Organisation.NCG, "Bram Versterk"),
        "dual": make_expert(uow, Organisation.NCG, "Cor Beide", dual=True),
    }


def _signals(uow: UnitOfWork, dossier_id: int) -> list[SignalInfo]:
    return list_signals(uow, viewer=ACTOR, dossier_id=dossier_id)


def _group_b(uow: UnitOfWork) -> int:
    return make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)


def _choose(uow: UnitOfWork, dossier_id: int, value: str, **kw: object) -> None:
    choice = NewChoice(ChoiceType.JOINT_INSPECTION, value, Channel.KITCHEN_TABLE, **kw)  # type: ignore[arg-type]
    record_choice(uow, dossier_id, choice, ACTOR)


def _best(uow: UnitOfWork, d: int, form: InspectionForm) -> Proposal:
    return svc.propose(uow, d, form, today=TODAY).proposals.options[0]


def _timeline(uow: UnitOfWork, d: int) -> list[tuple[str, str | None]]:
    with uow:
        return [
            (t, detail)
            for t, detail in uow.session.execute(
                select(TimelineEvent.title, TimelineEvent.detail).where(
                    TimelineEvent.dossier_id == d
                )
            )
        ]


def test_booking_a_declined_joint_inspection_is_refused_then_overridden_with_a_reason(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    d = _group_b(uow)
    _choose(uow, d, "geen")
    option = _best(uow, d, InspectionForm.SIMULTANEOUS)
    with pytest.raises(svc.ChoiceConflictError, match="geen gezamenlijke opname"):
        svc.book(uow, d, option, user="planner1")
    assert svc.dossier_appointments(uow, d) == []
    with pytest.raises(svc.ChoiceConflictError):
        svc.book(uow, d, option, user="planner1", override_reason="   ")
    [booked] = svc.book(
        uow, d, option, user="planner1", override_reason="bewoner belde: wil toch samen"
    )
    assert booked.changes[0].reason and "wil toch samen" in booked.changes[0].reason
    events = _timeline(uow, d)
    assert any(
        "afwijking van de keuze" in title and detail == "bewoner belde: wil toch samen"
        for title, detail in events
    )


def test_booking_another_form_than_chosen_is_refused(uow: UnitOfWork, team: dict[str, int]) -> None:
    d = _group_b(uow)
    _choose(uow, d, "na_elkaar")
    with pytest.raises(svc.ChoiceConflictError, match="na elkaar"):
        svc.book(uow, d, _best(uow, d, InspectionForm.COMBINED))
    [booked] = svc.book(uow, d, _best(uow, d, InspectionForm.SEQUENTIAL))
    assert booked.form is InspectionForm.SEQUENTIAL


def test_only_if_no_longer_wait_refuses_a_later_joint_inspection(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    d = _group_b(uow)
    _choose(uow, d, "gelijktijdig", only_if_no_delay=True)
    found = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals
    later = [p for p in found.options if not found.no_longer_wait(p)]
    assert later, "the test needs an option later than the separate inspections"
    with pytest.raises(svc.ChoiceConflictError, match="niet later"):
        svc.book(uow, d, later[-1], today=TODAY)
    assert svc.book(uow, d, found.options[0], today=TODAY)


def test_one_active_joint_appointment_per_dossier_move_instead(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    d = _group_b(uow)
    first, second = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals.options[
        :2
    ]
    [booked] = svc.book(uow, d, first)
    with pytest.raises(svc.AlreadyBookedError, match="verzet") as caught:
        svc.book(uow, d, second)
    assert caught.value.appointment.id == booked.id
    moved = svc.move_to_proposal(uow, booked.id, second, "andere dag", user="planner1")
    assert moved.id == booked.id and moved.start == second.start
    assert [a.id for a in svc.dossier_appointments(uow, d)] == [booked.id]
    # after a cancellation a new booking is possible again
    svc.cancel(uow, booked.id, "bewoner ziek")
    assert svc.book(uow, d, _best(uow, d, InspectionForm.SIMULTANEOUS))


def test_booking_closes_the_joint_inspection_signal(uow: UnitOfWork, team: dict[str, int]) -> None:
    d = _group_b(uow)
    evaluate_signals(uow, TODAY, [d])
    [signal] = [s for s in _signals(uow, d) if s.rule == Rule.JOINT_INSPECTION]
    assert signal.is_open
    svc.book(uow, d, _best(uow, d, InspectionForm.SIMULTANEOUS), user="planner1")
    [signal] = [s for s in _signals(uow, d) if s.rule == Rule.JOINT_INSPECTION]
    assert not signal.is_open and signal.outcome and "geboekt" in signal.outcome
    # and it does not come back
    assert evaluate_signals(uow, TODAY, [d]).created == 0


def test_recording_the_repair_choice_closes_the_group_e_signal(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.BESCHIKKING, ncg_status=NcgStatus.S4_1)
    evaluate_signals(uow, TODAY, [d])
    [signal] = [s for s in _signals(uow, d) if s.rule == Rule.INCLUDE_DAMAGE_REPAIR]
    assert signal.is_open
    record_choice(
        uow,
        d,
        NewChoice(ChoiceType.REPAIR_IN_STRENGTHENING, "nee", Channel.KITCHEN_TABLE),
        ACTOR,
    )
    [signal] = [s for s in _signals(uow, d) if s.rule == Rule.INCLUDE_DAMAGE_REPAIR]
    assert not signal.is_open and "niet meenemen" in (signal.outcome or "")
    assert not [s for s in _signals(uow, d) if s.rule == Rule.REPAIR_IN_PLAN]


def test_recording_repair_yes_asks_ncg_to_take_it_into_the_plan(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.BESCHIKKING, ncg_status=NcgStatus.S4_2)
    record_choice(
        uow,
        d,
        NewChoice(ChoiceType.REPAIR_IN_STRENGTHENING, "ja", Channel.KITCHEN_TABLE),
        ACTOR,
    )
    rules = {s.rule for s in list_signals(uow, viewer=ACTOR, dossier_id=d, only_open=True)}
    assert Rule.REPAIR_IN_PLAN in rules and Rule.INCLUDE_DAMAGE_REPAIR not in rules


def test_week_plan_books_nothing_the_resident_declined(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    from buddy_desk.planning.service.queue import queue
    from buddy_desk.planning.service.week import auto_plan_week

    declined, chosen = _group_b(uow), _group_b(uow)
    _choose(uow, declined, "geen")
    _choose(uow, chosen, "gecombineerd")
    assert [e.dossier_id for e in queue(uow)] == [chosen]
    done = auto_plan_week(uow, date(2026, 11, 30), apply=True, today=TODAY)
    assert [o.dossier_id for o in done] == [chosen]
    assert svc.dossier_appointments(uow, declined) == []
    [a] = svc.dossier_appointments(uow, chosen)
    assert a.form is InspectionForm.COMBINED
