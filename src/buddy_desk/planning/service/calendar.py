"""Reading the experts' calendars and the planning settings into plain planning data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from buddy_desk.core.inspection import AppointmentState
from buddy_desk.models.planning import (
    AppointmentVisit,
    ExpertAbsence,
    ExpertArea,
    InspectionAppointment,
    InspectionExpert,
    PlanningSetting,
)
from buddy_desk.planning.calendar import (
    AMSTERDAM,
    Calendar,
    Expert,
    Interval,
    PlanningSettings,
    WorkPattern,
)
from buddy_desk.planning.info import ExpertInfo

SETTING_KEYS = tuple(f.name for f in fields(PlanningSettings))


def load_settings(session: Session) -> PlanningSettings:
    rows = session.execute(select(PlanningSetting.key, PlanningSetting.value))
    stored: dict[str, int] = {row[0]: row[1] for row in rows}
    known = {k: v for k, v in stored.items() if k in SETTING_KEYS}
    return replace(PlanningSettings(), **known)


def expert_info(e: InspectionExpert) -> ExpertInfo:
    return ExpertInfo(
        id=e.id,
        naam=e.naam,
        organisation=e.organisation,
        dual_qualified=e.dual_qualified,
        municipalities=tuple(sorted(a.gemeente for a in e.areas)),
        email=e.email,
        telefoon=e.telefoon,
        active=e.active,
    )


def load_experts(session: Session, ids: Iterable[int] | None = None) -> list[InspectionExpert]:
    query = (
        select(InspectionExpert)
        .options(
            selectinload(InspectionExpert.areas),
            selectinload(InspectionExpert.patterns),
        )
        .order_by(InspectionExpert.id)
    )
    if ids is not None:
        query = query.where(InspectionExpert.id.in_(list(ids)))
    else:
        query = query.where(InspectionExpert.active)
    return list(session.scalars(query))


def experts_for(session: Session, municipality: str | None) -> list[int]:
    """Active experts who work in the municipality (or everywhere): the only ones a dossier
    there can be offered, so the only calendars its proposals need."""
    query = select(InspectionExpert.id).where(InspectionExpert.active)
    if municipality:
        anywhere = (
            ~select(ExpertArea.id).where(ExpertArea.expert_id == InspectionExpert.id).exists()
        )
        here = (
            select(ExpertArea.id)
            .where(
                ExpertArea.expert_id == InspectionExpert.id,
                func.lower(ExpertArea.gemeente) == municipality.lower(),
            )
            .exists()
        )
        query = query.where(anywhere | here)
    return list(session.scalars(query))


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """UTC instants around the local days ``first``..``last`` (inclusive)."""
    lo = datetime.combine(first, time(), tzinfo=AMSTERDAM)
    hi = datetime.combine(last + timedelta(days=1), time(), tzinfo=AMSTERDAM)
    return lo, hi


def load_calendar(
    session: Session,
    first: date,
    last: date,
    *,
    expert_ids: Iterable[int] | None = None,
    skip_appointment: int | None = None,
    settings: PlanningSettings | None = None,
) -> tuple[Calendar, dict[int, ExpertInfo]]:
    """Every active expert's calendar between two local days, as plain planning data."""
    experts = load_experts(session, expert_ids)
    ids = [e.id for e in experts]
    lo, hi = day_bounds(first - timedelta(days=1), last + timedelta(days=1))
    absences: dict[int, list[Interval]] = defaultdict(list)
    for expert_id, start, end in session.execute(
        select(ExpertAbsence.expert_id, ExpertAbsence.start_at, ExpertAbsence.end_at).where(
            ExpertAbsence.expert_id.in_(ids),
            ExpertAbsence.start_at < hi,
            ExpertAbsence.end_at > lo,
        )
    ):
        absences[expert_id].append(Interval(start, end))
    busy: dict[int, list[Interval]] = defaultdict(list)
    visits = (
        select(AppointmentVisit.expert_id, AppointmentVisit.start_at, AppointmentVisit.end_at)
        .join(InspectionAppointment, InspectionAppointment.id == AppointmentVisit.appointment_id)
        .where(
            AppointmentVisit.expert_id.in_(ids),
            InspectionAppointment.state == AppointmentState.BOOKED,
            AppointmentVisit.start_at < hi,
            AppointmentVisit.end_at > lo,
        )
    )
    if skip_appointment is not None:
        visits = visits.where(InspectionAppointment.id != skip_appointment)
    for expert_id, start, end in session.execute(visits):
        busy[expert_id].append(Interval(start, end))
    plain = {
        e.id: Expert(
            id=e.id,
            name=e.naam,
            organisation=e.organisation,
            dual_qualified=e.dual_qualified,
            municipalities=frozenset(a.gemeente for a in e.areas),
            patterns=tuple(
                WorkPattern(p.rrule, p.day_start, p.day_end, p.valid_from, p.valid_until)
                for p in e.patterns
            ),
            absences=tuple(absences[e.id]),
            busy=tuple(busy[e.id]),
        )
        for e in experts
    }
    calendar = Calendar(plain, settings or load_settings(session))
    return calendar, {e.id: expert_info(e) for e in experts}
