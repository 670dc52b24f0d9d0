"""Planning services on SQLite and PostgreSQL: book, conflicts, move, cancel, queue, ics."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import icalendar
import pytest
from sqlalchemy import select

from buddy_desk.core.inspection import AppointmentState, DayPart, InspectionForm, VisitKind
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import ValidationError
from buddy_desk.models import TimelineEvent
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.service import booking as svc
from buddy_desk.planning.service.output import appointment_ics
from buddy_desk.planning.service.queue import queue
from buddy_desk.planning.service.week import auto_plan_week
from tests.factories import NCG_VIEWER, make_dossier
from tests.planning_factories import make_expert

TODAY = date(2026, 11, 26)


@pytest.fixture
def team(uow: UnitOfWork) -> dict[str, int]:
    return {
        "img": make_expert(uow, Organisation.IMG, "Ada Schade"),
        "ncg": make_expert(uow, Organisation.NCG, "Bram Versterk"),
        "dual": make_expert(uow, Organisation.NCG, "Cor Beide", dual=True),
    }


def _dossier(uow: UnitOfWork, **kw: object) -> int:
    kw.setdefault("img_phase", ImgPhase.OPNAME)
    kw.setdefault("ncg_status", NcgStatus.S2_1)
    return make_dossier(uow, **kw)  # type: ignore[arg-type]


def test_book_the_best_option_writes_appointment_and_timeline(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    d = _dossier(uow)
    found = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY)
    assert found.proposals.options and found.proposals.reason is None
    best = found.proposals.options[0]
    [booked] = svc.book(uow, d, best, user="planner1")
    assert booked.state is AppointmentState.BOOKED
    assert booked.sequence == 0
    assert booked.start == best.start
    assert {v.expert_id for v in booked.visits} == {team["img"], team["ncg"]}
    with uow:
        titles = uow.session.scalars(
            select(TimelineEvent.title).where(TimelineEvent.dossier_id == d)
        ).all()
    assert any("gepland" in t for t in titles)
    # the dossier leaves the queue, and the expert is no longer offered at that time
    assert d not in [e.dossier_id for e in queue(uow)]
    again = svc.propose(uow, _dossier(uow), InspectionForm.SIMULTANEOUS, today=TODAY)
    assert all(p.start != best.start for p in again.proposals.options)


def test_booking_a_stale_proposal_is_refused(uow: UnitOfWork, team: dict[str, int]) -> None:
    a, b = _dossier(uow), _dossier(uow)
    first = svc.propose(uow, a, InspectionForm.SIMULTANEOUS, today=TODAY).proposals.options[0]
    stale = svc.propose(uow, b, InspectionForm.SIMULTANEOUS, today=TODAY).proposals.options[0]
    assert stale.start == first.start  # both planners saw the same free slot
    svc.book(uow, a, first)
    with pytest.raises(ValidationError, match="al een afspraak"):
        svc.book(uow, b, stale)
    assert svc.dossier_appointments(uow, b) == []


def test_explicit_booking_on_a_holiday_or_absence_is_refused(uow: UnitOfWork) -> None:
    img = make_expert(
        uow,
        Organisation.IMG,
        "Ada Schade",
        absences=(
            (
                datetime(2026, 12, 1, 0, 0, tzinfo=AMSTERDAM),
                datetime(2026, 12, 2, 0, 0, tzinfo=AMSTERDAM),
            ),
        ),
    )
    ncg = make_expert(uow, Organisation.NCG, "Bram Versterk")
    d = _dossier(uow)
    xmas = svc.explicit_proposal(
        uow, InspectionForm.SIMULTANEOUS, datetime(2026, 12, 25, 10, 0), [img, ncg]
    )
    with pytest.raises(ValidationError, match="feestdag"):
        svc.book(uow, d, xmas)
    away = svc.explicit_proposal(
        uow, InspectionForm.SIMULTANEOUS, datetime(2026, 12, 1, 10, 0), [img, ncg]
    )
    with pytest.raises(ValidationError, match="afwezig"):
        svc.book(uow, d, away)
    late = svc.explicit_proposal(
        uow, InspectionForm.SEQUENTIAL, datetime(2026, 12, 2, 14, 0), [img, ncg]
    )
    with pytest.raises(ValidationError, match="werktijden"):
        svc.book(uow, d, late)


def test_move_keeps_uid_and_experts_and_bumps_sequence(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    d = _dossier(uow)
    best = svc.propose(uow, d, InspectionForm.SEQUENTIAL, today=TODAY).proposals.options[0]
    [booked] = svc.book(uow, d, best)
    new_start = datetime(2026, 12, 9, 9, 0, tzinfo=AMSTERDAM)
    moved = svc.move(uow, booked.id, new_start, "bewoner is ziek", user="planner1")
    assert moved.uid == booked.uid
    assert moved.sequence == 1
    assert moved.start == new_start
    assert [v.expert_id for v in moved.visits] == [v.expert_id for v in booked.visits]
    gaps = [b.start - a.end for a, b in zip(booked.visits, booked.visits[1:], strict=False)]
    assert [b.start - a.end for a, b in zip(moved.visits, moved.visits[1:], strict=False)] == gaps
    assert moved.changes[-1].reason == "bewoner is ziek"
    assert moved.changes[-1].action == "moved"
    ics = icalendar.Calendar.from_ical(appointment_ics(uow, booked.id, viewer=NCG_VIEWER))
    event = ics.walk("VEVENT")[0]
    assert str(event["UID"]) == booked.uid and int(str(event["SEQUENCE"])) == 1
    with pytest.raises(ValidationError, match="reden"):
        svc.move(uow, booked.id, new_start + timedelta(days=1), "  ")


def test_move_can_change_an_expert_and_checks_the_new_one(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    d = _dossier(uow)
    other_img = make_expert(uow, Organisation.IMG, "Dirk Ander")
    [booked] = svc.book(
        uow, d, svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals.options[0]
    )
    moved = svc.move(
        uow, booked.id, booked.start, "andere deskundige", experts={VisitKind.DAMAGE: other_img}
    )
    assert {v.expert_id for v in moved.visits} == {other_img, team["ncg"]}
    with pytest.raises(ValidationError, match="niet doen"):
        svc.move(uow, booked.id, booked.start, "fout", experts={VisitKind.DAMAGE: team["ncg"]})


def test_cancel_produces_a_cancelling_calendar_file(uow: UnitOfWork, team: dict[str, int]) -> None:
    d = _dossier(uow)
    [booked] = svc.book(
        uow, d, svc.propose(uow, d, InspectionForm.COMBINED, today=TODAY).proposals.options[0]
    )
    assert [v.expert_id for v in booked.visits] == [team["dual"]]
    cancelled = svc.cancel(uow, booked.id, "bewoner wil toch apart", user="planner1")
    assert cancelled.state is AppointmentState.CANCELLED
    assert cancelled.sequence == 1
    cal = icalendar.Calendar.from_ical(appointment_ics(uow, booked.id, viewer=NCG_VIEWER))
    assert cal["METHOD"] == "CANCEL"
    event = cal.walk("VEVENT")[0]
    assert str(event["STATUS"]) == "CANCELLED" and str(event["UID"]) == booked.uid
    # the slot is free again and the dossier is back in the queue
    assert d in [e.dossier_id for e in queue(uow)]
    with pytest.raises(ValidationError):
        svc.cancel(uow, booked.id, "nog eens")


def test_queue_holds_group_b_then_buddy_additions_with_a_reason(uow: UnitOfWork) -> None:
    e_plain = _dossier(uow, ncg_status=NcgStatus.S4_1)  # group E: not without a reason
    b_plain = _dossier(uow)  # group B
    b_urgent = _dossier(uow, flags=(FlagKind.URGENT,))
    b_special = _dossier(uow, flags=(FlagKind.BIJZONDERE_SITUATIE,))
    c_group = _dossier(uow, img_phase=ImgPhase.BESCHIKKING)  # group C: not in the queue
    chose_c = _dossier(uow, img_phase=ImgPhase.ZIENSWIJZE)  # group C, planner noted a form
    a_group = _dossier(uow, ncg_status=NcgStatus.S1_2)  # group A
    svc.save_preference(
        uow,
        chose_c,
        weekdays=[0, 1],
        parts=[DayPart.MORNING],
        max_people=1,
        form=InspectionForm.SEQUENTIAL,
        no_joint_reason=None,
        user="planner1",
    )
    ids = [e.dossier_id for e in queue(uow)]
    assert ids == [*sorted([b_urgent, b_special]), b_plain]
    assert not {e_plain, c_group, chose_c, a_group} & set(ids)
    # a buddy adds a group-E dossier with a reason: it joins the queue, the reason shown
    with pytest.raises(ValidationError, match="reden"):
        svc.add_to_queue(uow, e_plain, "  ", user="img.user")
    svc.add_to_queue(uow, e_plain, "IMG-opname nog niet gedaan; bewoner kwetsbaar", user="img.user")
    [added] = [e for e in queue(uow) if e.dossier_id == e_plain]
    assert added.queue_reason == "IMG-opname nog niet gedaan; bewoner kwetsbaar"
    with uow:
        titles = uow.session.scalars(
            select(TimelineEvent.title).where(TimelineEvent.dossier_id == e_plain)
        ).all()
    assert any("wachtrij" in t for t in titles)
    # a note of why a joint inspection was not possible takes the dossier off the queue
    svc.save_preference(
        uow,
        b_plain,
        weekdays=[0],
        parts=[DayPart.MORNING],
        max_people=2,
        form=None,
        no_joint_reason="NCG-opname al gedaan",
        user="planner1",
    )
    assert b_plain not in [e.dossier_id for e in queue(uow)]
    assert svc.get_preference(uow, b_plain).no_joint_reason == "NCG-opname al gedaan"


def test_proposals_respect_the_residents_availability(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    d = _dossier(uow)
    svc.save_preference(
        uow,
        d,
        weekdays=[2],
        parts=[DayPart.AFTERNOON],
        max_people=2,
        form=InspectionForm.SIMULTANEOUS,
        no_joint_reason=None,
        user=None,
    )
    found = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals
    assert found.options
    for p in found.options:
        local = p.start.astimezone(AMSTERDAM)
        assert local.weekday() == 2 and local.time() >= time(12)
        assert p.end.astimezone(AMSTERDAM).time() <= time(17)


def _choose(uow: UnitOfWork, dossier_id: int, value: str, **kw: object) -> None:
    from buddy_desk.choices.rules import Actor, Channel, ChoiceType
    from buddy_desk.choices.service.log import NewChoice, record_choice

    actor = Actor("tester", "Test Gebruiker", Organisation.NCG, "supervisor")
    record_choice(
        uow,
        dossier_id,
        NewChoice(ChoiceType.JOINT_INSPECTION, value, Channel.KITCHEN_TABLE, **kw),  # type: ignore[arg-type]
        actor,
    )


def test_week_autoplan_plans_only_chosen_forms_and_books_in_one_go(
    uow: UnitOfWork, team: dict[str, int]
) -> None:
    dossiers = [_dossier(uow) for _ in range(4)]
    _choose(uow, dossiers[0], "binnen_twee_dagen")
    _choose(uow, dossiers[1], "na_elkaar")
    _choose(uow, dossiers[2], "gelijktijdig")
    # dossiers[3]: nobody chose a form, so the auto-plan leaves it alone
    dry = auto_plan_week(uow, date(2026, 11, 30), today=TODAY)
    assert {o.dossier_id for o in dry} == set(dossiers)
    assert all(o.appointment_ids == () for o in dry)
    by_id = {o.dossier_id: o for o in dry}
    assert by_id[dossiers[3]].start is None and "geen vorm" in (by_id[dossiers[3]].reason or "")
    assert by_id[dossiers[0]].form is InspectionForm.CLOSE  # 'binnen twee dagen' is joint
    assert by_id[dossiers[1]].form is InspectionForm.SEQUENTIAL
    assert all(svc.dossier_appointments(uow, d) == [] for d in dossiers)  # a dry run books nothing
    done = auto_plan_week(uow, date(2026, 11, 30), apply=True, today=TODAY)
    planned = [o for o in done if o.start is not None]
    assert planned and all(o.appointment_ids for o in planned)
    assert {o.dossier_id for o in planned} <= set(dossiers[:3])
    assert svc.dossier_appointments(uow, dossiers[3]) == []
    assert all(o.reason for o in done if o.start is None)
    seen: dict[int, list[tuple[datetime, datetime]]] = {}
    for d in dossiers:
        for a in svc.dossier_appointments(uow, d):
            for v in a.visits:
                for s, e in seen.get(v.expert_id, []):
                    assert not (s < v.end and v.start < e)
                seen.setdefault(v.expert_id, []).append((v.start, v.end))


def test_the_choice_log_decides_the_form(uow: UnitOfWork, team: dict[str, int]) -> None:
    from buddy_desk.choices.rules import Actor, Channel, ChoiceType
    from buddy_desk.choices.service.log import NewChoice, record_choice

    d = _dossier(uow)  # group B
    actor = Actor("tester", "Test Gebruiker", Organisation.NCG, "supervisor")
    choice = NewChoice(
        ChoiceType.JOINT_INSPECTION, "na_elkaar", Channel.KITCHEN_TABLE, only_if_no_delay=True
    )
    record_choice(uow, d, choice, actor)
    [entry] = [e for e in queue(uow) if e.dossier_id == d]
    assert entry.form is InspectionForm.SEQUENTIAL and entry.form_source == "keuzelog"
    # a resident in group B who chose no joint inspection is not in the queue
    b = _dossier(uow)
    assert b in [e.dossier_id for e in queue(uow)]
    record_choice(uow, b, NewChoice(ChoiceType.JOINT_INSPECTION, "geen", Channel.PHONE), actor)
    assert b not in [e.dossier_id for e in queue(uow)]
    pref = svc.get_preference(uow, d)
    assert pref.form is InspectionForm.SEQUENTIAL
    assert pref.form_source == "keuzelog"
    assert pref.only_if_no_delay
    # the planner's own note of the form does not override the resident's recorded choice
    svc.save_preference(
        uow,
        d,
        weekdays=[0, 1, 2, 3, 4],
        parts=[DayPart.MORNING],
        max_people=2,
        form=InspectionForm.COMBINED,
        no_joint_reason=None,
        user="planner1",
    )
    assert svc.get_preference(uow, d).form is InspectionForm.SEQUENTIAL
