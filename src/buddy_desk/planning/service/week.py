"""The week auto-plan as a use case: plan the queue for one week, optionally book it."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from buddy_desk.choices.rules import NOT_DECIDED
from buddy_desk.choices.service.log import decided_in_session
from buddy_desk.core.inspection import AppointmentState
from buddy_desk.models import Address, Dossier
from buddy_desk.models.planning import (
    AppointmentVisit,
    ExpertAbsence,
    InspectionAppointment,
    PlanningPreference,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.autoplan import WeekItem, plan_week
from buddy_desk.planning.calendar import Availability, WorkPattern
from buddy_desk.planning.holidays import holiday_name
from buddy_desk.planning.info import CalendarItem, PlanOutcome, WeekView, WorkBlock
from buddy_desk.planning.rules import week_form
from buddy_desk.planning.service.booking import (
    DEFAULT_PARTS,
    DEFAULT_WEEKDAYS,
    book_in_session,
    parse_days,
    parse_parts,
    resolve_today,
)
from buddy_desk.planning.service.calendar import (
    day_bounds,
    expert_info,
    load_calendar,
    load_experts,
    load_settings,
)
from buddy_desk.planning.service.queue import queue
from buddy_desk.planning.slots import Request, SlotFinder
from buddy_desk.progress import NO_PROGRESS, Progress


def auto_plan_week(
    uow: UnitOfWork,
    week_start: date,
    *,
    apply: bool = False,
    user: str | None = None,
    today: date | None = None,
    limit: int | None = None,
    progress: Progress = NO_PROGRESS,
) -> list[PlanOutcome]:
    """Plan the queue into the week from ``week_start`` (seven days); book it if ``apply``.

    Only dossiers whose resident chose a joint form (or a planner noted one) are planned;
    the others are listed with the reason. All bookings are one transaction: cancelled or
    failed, nothing is booked. Callers show the dry run (``apply=False``) first.
    """
    today = resolve_today(today)
    entries = queue(uow.fresh())
    if limit is not None:
        entries = entries[:limit]
    with uow:
        s = uow.session
        settings = load_settings(s)
        first = today + timedelta(days=settings.lead_days)
        if week_start < first:
            week_start = first
        last = max(first + timedelta(days=settings.horizon_days - 1), week_start + timedelta(7))
        calendar, _experts = load_calendar(s, first, last, settings=settings)
        finder = SlotFinder(calendar, today, last_day=last)
        prefs = {
            p.dossier_id: p
            for p in s.scalars(
                select(PlanningPreference).where(
                    PlanningPreference.dossier_id.in_([e.dossier_id for e in entries])
                )
            )
        }
        choices = decided_in_session(s, [e.dossier_id for e in entries])
        items = []
        for e in entries:
            p = prefs.get(e.dossier_id)
            availability = (
                Availability(parse_days(p.weekdays), parse_parts(p.day_parts), p.max_people)
                if p
                else Availability(DEFAULT_WEEKDAYS, DEFAULT_PARTS, 2)
            )
            decided = choices.get(e.dossier_id, NOT_DECIDED)
            items.append(
                WeekItem(
                    e.dossier_id,
                    Request(e.gemeente, availability),
                    week_form(decided, p.form if p else None),
                    decided.may_wait_longer,
                )
            )
        results = plan_week(finder, items, week_start, progress)
        lines = {e.dossier_id: e.address_line for e in entries}
        outcomes: list[PlanOutcome] = []
        for r in results:
            ids: tuple[int, ...] = ()
            if apply and r.proposal is not None:
                progress.check()
                # plan_week kept the option within the separate inspections' dates unless
                # the resident accepts a longer wait, so 'only if no longer wait' holds
                booked = book_in_session(
                    s, r.dossier_id, r.proposal, user, today=today, later_than_separate=False
                )
                ids = tuple(a.id for a in booked)
            outcomes.append(
                PlanOutcome(
                    dossier_id=r.dossier_id,
                    address_line=lines[r.dossier_id],
                    form=r.proposal.form if r.proposal else None,
                    start=r.proposal.start if r.proposal else None,
                    expert_ids=tuple(v.expert_id for v in r.proposal.visits) if r.proposal else (),
                    reason=r.reason,
                    appointment_ids=ids,
                )
            )
        if apply:
            uow.commit()
        return outcomes


def week_view(uow: UnitOfWork, first_day: date, days: int = 7) -> WeekView:
    """Every active expert's week: working hours, visits (with address) and absences."""
    last = first_day + timedelta(days=days - 1)
    with uow:
        s = uow.session
        experts = load_experts(s)
        infos = tuple(
            sorted(
                (expert_info(e) for e in experts),
                key=lambda e: (e.organisation.value, e.naam),
            )
        )
        work: list[WorkBlock] = []
        holidays: dict[date, str] = {}
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            name = holiday_name(day)
            if name:
                holidays[day] = name
        for e in experts:
            for p in e.patterns:
                pattern = WorkPattern(p.rrule, p.day_start, p.day_end, p.valid_from, p.valid_until)
                for day in sorted(pattern.days_between(first_day, last)):
                    if day not in holidays:
                        work.append(WorkBlock(e.id, day, p.day_start, p.day_end))
        lo, hi = day_bounds(first_day, last)
        items: list[CalendarItem] = []
        for expert_id, start, end, kind, appointment_id, straat, nr, letter, wp in s.execute(
            select(
                AppointmentVisit.expert_id,
                AppointmentVisit.start_at,
                AppointmentVisit.end_at,
                AppointmentVisit.kind,
                InspectionAppointment.id,
                Address.straat,
                Address.huisnummer,
                Address.huisletter,
                Address.woonplaats,
            )
            .join(
                InspectionAppointment, InspectionAppointment.id == AppointmentVisit.appointment_id
            )
            .join(Dossier, Dossier.id == InspectionAppointment.dossier_id)
            .join(Address, Address.id == Dossier.address_id)
            .where(
                InspectionAppointment.state == AppointmentState.BOOKED,
                AppointmentVisit.start_at < hi,
                AppointmentVisit.end_at > lo,
            )
        ):
            label = f"{straat} {nr}{letter or ''}, {wp}"
            items.append(CalendarItem(expert_id, start, end, kind.value, appointment_id, label))
        for expert_id, start, end, reason in s.execute(
            select(
                ExpertAbsence.expert_id,
                ExpertAbsence.start_at,
                ExpertAbsence.end_at,
                ExpertAbsence.reason,
            ).where(ExpertAbsence.start_at < hi, ExpertAbsence.end_at > lo)
        ):
            items.append(CalendarItem(expert_id, start, end, "absence", None, reason or ""))
        return WeekView(first_day, infos, tuple(work), tuple(items), holidays)
