"""Slot finding: every proposal respects every calendar, holiday and the resident's wishes.

The property test generates calendars (experts with RRULE working patterns, absences and
appointments, across DST changes and holidays) and residents, and checks every proposal and
every week auto-plan booking against an independent checker.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from dateutil.rrule import rrulestr
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buddy_desk.core.inspection import DayPart, InspectionForm, VisitKind
from buddy_desk.core.phases import Organisation
from buddy_desk.planning.autoplan import WeekItem, plan_week
from buddy_desk.planning.calendar import (
    AMSTERDAM,
    Availability,
    Calendar,
    Expert,
    Interval,
    PlanningSettings,
    Proposal,
    Visit,
    WorkPattern,
)
from buddy_desk.planning.holidays import dutch_public_holidays
from buddy_desk.planning.slots import PROPOSABLE, Request, SlotFinder

PART_HOURS = {
    DayPart.MORNING: (time(8), time(12)),
    DayPart.AFTERNOON: (time(12), time(17)),
    DayPart.EVENING: (time(17), time(20)),
}
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TOWNS = ("Groningen", "Loppersum", "Eemsdelta")


# -- the independent checker ----------------------------------------------------------------


def _works(expert: Expert, start: datetime, end: datetime) -> bool:
    """Inside the expert's working hours that day (two patterns on one day add up)."""
    day = start.astimezone(AMSTERDAM).date()
    midnight = datetime.combine(day, time())
    windows = []
    for p in expert.patterns:
        rule = rrulestr(p.rule, dtstart=datetime.combine(p.valid_from, time()))
        if midnight in rule.between(midnight, midnight, inc=True):
            windows.append(
                (
                    datetime.combine(day, p.day_start, tzinfo=AMSTERDAM),
                    datetime.combine(day, p.day_end, tzinfo=AMSTERDAM),
                )
            )
    covered = start
    for lo, hi in sorted(windows):
        if lo <= covered < hi:
            covered = max(covered, hi)
    return covered >= end


def _resident_ok(av: Availability, start: datetime, end: datetime) -> bool:
    a, b = start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)
    if a.date() != b.date() or a.weekday() not in av.weekdays:
        return False

    def covered(t: time, *, at_end: bool) -> bool:
        for part in av.parts:
            lo, hi = PART_HOURS[part]
            if (lo < t <= hi) if at_end else (lo <= t < hi):
                return True
        return False

    t = a
    while t < b:
        if not covered(t.time(), at_end=False):
            return False
        t += timedelta(minutes=15)
    return covered(b.time(), at_end=True)


def check_visit(
    cal: Calendar, finder: SlotFinder, req: Request, visit: Visit, extra_busy: list[Visit]
) -> None:
    s = cal.settings
    expert = cal.experts[visit.expert_id]
    day = visit.day
    assert visit.end - visit.start == timedelta(minutes=s.duration(visit.kind))
    assert visit.start.astimezone(AMSTERDAM).date() == visit.end.astimezone(AMSTERDAM).date()
    if visit.kind is VisitKind.COMBINED:
        assert expert.dual_qualified
    elif visit.kind is VisitKind.DAMAGE:
        assert expert.organisation is Organisation.IMG
    else:
        assert expert.organisation is Organisation.NCG
    assert expert.works_in(req.municipality)
    assert day not in dutch_public_holidays(day.year)
    assert finder.first_day <= day <= finder.last_day
    assert _works(expert, visit.start, visit.end)
    assert _resident_ok(req.availability, visit.start, visit.end)
    for absence in expert.absences:
        assert not (absence.start < visit.end and visit.start < absence.end)
    buffer = timedelta(minutes=s.travel_buffer_minutes)
    others = [Interval(b.start, b.end) for b in expert.busy]
    others += [Interval(v.start, v.end) for v in extra_busy if v.expert_id == visit.expert_id]
    for other in others:
        assert not (other.start - buffer < visit.end and visit.start < other.end + buffer)


def check_proposal(
    cal: Calendar, finder: SlotFinder, req: Request, p: Proposal, extra_busy: list[Visit]
) -> None:
    s = cal.settings
    for v in p.visits:
        check_visit(cal, finder, req, v, extra_busy)
    kinds = sorted(v.kind for v in p.visits)
    visits = sorted(p.visits, key=lambda v: v.start)
    if p.form is InspectionForm.SIMULTANEOUS:
        assert kinds == [VisitKind.DAMAGE, VisitKind.STRENGTHENING]
        assert visits[0].start == visits[1].start
        assert req.availability.max_people >= 2
        assert _resident_ok(req.availability, p.start, p.end)
    elif p.form is InspectionForm.SEQUENTIAL:
        assert kinds == [VisitKind.DAMAGE, VisitKind.STRENGTHENING]
        assert visits[1].start == visits[0].end + timedelta(minutes=s.handover_minutes)
        assert _resident_ok(req.availability, p.start, p.end)
    elif p.form is InspectionForm.COMBINED:
        assert kinds == [VisitKind.COMBINED]
    elif p.form is InspectionForm.CLOSE:
        assert kinds == [VisitKind.DAMAGE, VisitKind.STRENGTHENING]
        assert 1 <= abs((visits[1].day - visits[0].day).days) <= s.close_days
    # never more people at once than the resident accepts
    for v in p.visits:
        at_once = sum(1 for w in p.visits if w.start < v.end and v.start < w.end)
        assert at_once <= max(req.availability.max_people, 1)


# -- generating calendars -------------------------------------------------------------------


@st.composite
def patterns(draw: st.DrawFn, start: date) -> WorkPattern:
    days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=7, unique=True))
    interval = draw(st.sampled_from([1, 1, 1, 2]))
    rule = f"FREQ=WEEKLY;INTERVAL={interval};BYDAY={','.join(days)}"
    begin = draw(st.integers(7 * 2, 10 * 2))
    end = draw(st.integers(13 * 2, 19 * 2))
    valid_from = start - timedelta(days=draw(st.integers(0, 30)))
    return WorkPattern(
        rule, time(begin // 2, 30 * (begin % 2)), time(end // 2, 30 * (end % 2)), valid_from
    )


@st.composite
def intervals(draw: st.DrawFn, start: date, max_minutes: int) -> Interval:
    day = start + timedelta(days=draw(st.integers(0, 24)))
    minute = draw(st.integers(6 * 4, 18 * 4)) * 15
    begin = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=AMSTERDAM)
    length = draw(st.integers(2, max_minutes // 15)) * 15
    return Interval(begin.astimezone(UTC), (begin + timedelta(minutes=length)).astimezone(UTC))


@st.composite
def experts(draw: st.DrawFn, ident: int, start: date) -> Expert:
    org = draw(st.sampled_from(list(Organisation)))
    return Expert(
        id=ident,
        name=f"Deskundige {ident}",
        organisation=org,
        dual_qualified=draw(st.booleans()),
        municipalities=frozenset(draw(st.lists(st.sampled_from(TOWNS), max_size=2))),
        patterns=tuple(draw(st.lists(patterns(start), min_size=1, max_size=2))),
        absences=tuple(draw(st.lists(intervals(start, 3 * 24 * 60), max_size=2))),
        busy=tuple(draw(st.lists(intervals(start, 240), max_size=8))),
    )


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Calendar, date, list[Request]]:
    # around the DST changes, Easter, Kings Day, Ascension and Christmas
    today = draw(
        st.sampled_from(
            [
                date(2026, 3, 20),
                date(2026, 4, 1),
                date(2026, 4, 22),
                date(2026, 5, 8),
                date(2026, 10, 20),
                date(2026, 12, 18),
                date(2027, 3, 22),
            ]
        )
    ) + timedelta(days=draw(st.integers(0, 6)))
    count = draw(st.integers(2, 8))
    found = {i: draw(experts(i, today)) for i in range(1, count + 1)}
    conf = PlanningSettings(
        travel_buffer_minutes=draw(st.sampled_from([0, 15, 30, 45])),
        handover_minutes=draw(st.sampled_from([0, 15, 30])),
        lead_days=draw(st.integers(0, 3)),
        horizon_days=21,
        options=4,
    )
    requests = draw(
        st.lists(
            st.builds(
                Request,
                municipality=st.sampled_from([*TOWNS, None]),
                availability=st.builds(
                    Availability,
                    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
                    parts=st.frozensets(st.sampled_from(list(DayPart)), min_size=1),
                    max_people=st.integers(1, 3),
                ),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return Calendar(found, conf), today, requests


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_every_proposal_respects_every_calendar(
    scenario: tuple[Calendar, date, list[Request]],
) -> None:
    cal, today, requests = scenario
    finder = SlotFinder(cal, today)
    for req in requests:
        for form in PROPOSABLE:
            found = finder.propose(form, req)
            for p in found.options:
                check_proposal(cal, finder, req, p, [])
            assert (found.reason is None) == bool(found.options) or found.reason is not None
            for sep in (found.separate_damage, found.separate_strengthening):
                if sep is not None:
                    check_visit(cal, finder, req, sep, [])
            starts = [p.start for p in found.options]
            assert starts == sorted(starts) or form is InspectionForm.CLOSE


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_week_autoplan_never_double_books(scenario: tuple[Calendar, date, list[Request]]) -> None:
    cal, today, requests = scenario
    finder = SlotFinder(cal, today)
    week = finder.first_day
    items = [WeekItem(i, r, None) for i, r in enumerate(requests * 3)]
    results = plan_week(finder, items, week)
    booked: list[Visit] = []
    reference = SlotFinder(cal, today)
    for item, result in zip(items, results, strict=True):
        if result.proposal is None:
            assert result.reason
            continue
        assert result.proposal.form.is_joint
        for v in result.proposal.visits:
            assert week <= v.day <= week + timedelta(days=6)
        check_proposal(cal, reference, item.request, result.proposal, booked)
        booked.extend(result.proposal.visits)


# -- examples -------------------------------------------------------------------------------

WEEKDAYS_9_TO_5 = WorkPattern(
    "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", time(8), time(17), date(2026, 1, 1)
)


def _calendar(**kw: object) -> Calendar:
    people = {
        1: Expert(1, "IMG 1", Organisation.IMG, patterns=(WEEKDAYS_9_TO_5,)),
        2: Expert(2, "NCG 2", Organisation.NCG, patterns=(WEEKDAYS_9_TO_5,)),
        3: Expert(
            3, "Dubbel 3", Organisation.NCG, dual_qualified=True, patterns=(WEEKDAYS_9_TO_5,)
        ),
    }
    return Calendar(people, PlanningSettings(**kw))  # type: ignore[arg-type]


def test_simultaneous_starts_together_on_the_first_working_day() -> None:
    found = SlotFinder(_calendar(), date(2026, 11, 26)).propose(
        InspectionForm.SIMULTANEOUS, Request("Groningen")
    )
    first = found.options[0]
    assert first.start.astimezone(AMSTERDAM) == datetime(2026, 11, 30, 8, 0, tzinfo=AMSTERDAM)
    assert {v.expert_id for v in first.visits} == {1, 2}
    assert found.no_longer_wait(first)


def test_sequential_is_back_to_back_with_the_handover() -> None:
    found = SlotFinder(_calendar(handover_minutes=15), date(2026, 11, 26)).propose(
        InspectionForm.SEQUENTIAL, Request()
    )
    a, b = sorted(found.options[0].visits, key=lambda v: v.start)
    assert b.start - a.end == timedelta(minutes=15)


def test_combined_only_by_a_dual_qualified_expert() -> None:
    found = SlotFinder(_calendar(), date(2026, 11, 26)).propose(InspectionForm.COMBINED, Request())
    assert found.options
    assert all(v.expert_id == 3 for p in found.options for v in p.visits)
    assert all(v.end - v.start == timedelta(hours=4) for p in found.options for v in p.visits)


def test_one_person_at_a_time_rules_out_simultaneous() -> None:
    req = Request(availability=Availability(max_people=1))
    found = SlotFinder(_calendar(), date(2026, 11, 26)).propose(InspectionForm.SIMULTANEOUS, req)
    assert not found.options
    assert found.reason and "één persoon" in found.reason


def test_christmas_and_weekends_are_skipped() -> None:
    found = SlotFinder(_calendar(options=3, options_per_day=1), date(2026, 12, 21)).propose(
        InspectionForm.COMBINED, Request()
    )
    days = [p.day for p in found.options]
    assert days == [date(2026, 12, 24), date(2026, 12, 28), date(2026, 12, 29)]


def test_busy_expert_pushes_the_joint_date_and_shows_the_comparison() -> None:
    cal = _calendar()
    busy = tuple(
        Interval(
            datetime.combine(date(2026, 11, 30) + timedelta(days=i), time(8), tzinfo=AMSTERDAM),
            datetime.combine(date(2026, 11, 30) + timedelta(days=i), time(17), tzinfo=AMSTERDAM),
        )
        for i in range(7)
    )
    cal.experts[2] = Expert(2, "NCG 2", Organisation.NCG, patterns=(WEEKDAYS_9_TO_5,), busy=busy)
    cal.experts[3] = Expert(
        3, "Dubbel 3", Organisation.NCG, dual_qualified=True, patterns=(WEEKDAYS_9_TO_5,), busy=busy
    )
    found = SlotFinder(cal, date(2026, 11, 26)).propose(InspectionForm.SIMULTANEOUS, Request())
    joint = found.options[0]
    assert joint.day == date(2026, 12, 7)
    assert found.separate_damage is not None and found.separate_damage.day == date(2026, 11, 30)
    assert found.separate_strengthening is not None
    assert found.separate_strengthening.day == date(2026, 12, 7)
    # "joint: 11 days; separate: 4 and 11" — no longer a wait than separately
    assert found.wait_days(joint.day) == 11
    assert found.no_longer_wait(joint)


def test_durations_are_real_hours_on_the_day_the_clocks_change() -> None:
    weekend = WorkPattern("FREQ=DAILY", time(0, 30), time(12), date(2026, 1, 1))
    cal = Calendar(
        {3: Expert(3, "Dubbel", Organisation.IMG, dual_qualified=True, patterns=(weekend,))},
        PlanningSettings(lead_days=0, horizon_days=1),
    )
    night = Availability(
        weekdays=frozenset(range(7)), parts=frozenset({DayPart.MORNING}), max_people=1
    )
    found = SlotFinder(cal, date(2026, 10, 25)).propose(
        InspectionForm.COMBINED, Request(availability=night)
    )
    for p in found.options:
        assert p.end - p.start == timedelta(hours=4)
        assert p.start.astimezone(AMSTERDAM).time() >= time(8)


@pytest.mark.parametrize("gap", [1, 2])
def test_close_keeps_within_two_days(gap: int) -> None:
    found = SlotFinder(_calendar(close_days=gap), date(2026, 11, 26)).propose(
        InspectionForm.CLOSE, Request()
    )
    assert found.options
    for p in found.options:
        a, b = sorted(p.visits, key=lambda v: v.start)
        assert 1 <= (b.day - a.day).days <= gap
