"""Builders for planning test data: experts with a working pattern (synthetic only)."""

from __future__ import annotations

from datetime import date, datetime, time

from buddy_desk.core.phases import Organisation
from buddy_desk.models.planning import ExpertAbsence, ExpertArea, ExpertPattern, InspectionExpert
from buddy_desk.persistence.unit_of_work import UnitOfWork

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


def make_expert(
    uow: UnitOfWork,
    org: Organisation,
    naam: str,
    *,
    dual: bool = False,
    rule: str = WEEKDAYS,
    hours: tuple[time, time] = (time(8), time(17)),
    areas: tuple[str, ...] = (),
    absences: tuple[tuple[datetime, datetime], ...] = (),
) -> int:
    with uow:
        e = InspectionExpert(
            naam=naam,
            organisation=org,
            dual_qualified=dual,
            email=f"{naam.split()[0].lower()}@example.org",
        )
        e.patterns = [
            ExpertPattern(
                rrule=rule, day_start=hours[0], day_end=hours[1], valid_from=date(2026, 1, 1)
            )
        ]
        e.areas = [ExpertArea(gemeente=a) for a in areas]
        e.absences = [ExpertAbsence(start_at=a, end_at=b, reason="verlof") for a, b in absences]
        uow.session.add(e)
        uow.commit()
        return e.id
