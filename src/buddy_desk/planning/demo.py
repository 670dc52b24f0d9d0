"""Demo data for joint-inspection planning: experts, calendars, resident availability.

~40 deskundigen (half IMG damage experts, half NCG strengthening experts, a few qualified for
both) spread over the municipalities; RRULE working patterns (full-time, four days, every
other Friday off); absences; eight weeks of existing separate inspections from the reference
date, so the planner's calendars are realistically busy; and the resident's availability on
combination dossiers in groups B and E.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, insert

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.inspection import AppointmentState, InspectionForm, VisitKind
from buddy_desk.core.phases import Organisation
from buddy_desk.demo.context import DemoContext
from buddy_desk.demo.names import ascii_slug, make_person
from buddy_desk.demo.places import TOWNS
from buddy_desk.models.planning import (
    AppointmentChange,
    AppointmentVisit,
    ExpertAbsence,
    ExpertArea,
    ExpertPattern,
    InspectionAppointment,
    InspectionExpert,
    PlanningPreference,
)
from buddy_desk.planning.calendar import AMSTERDAM, PlanningSettings, WorkPattern
from buddy_desk.planning.holidays import is_public_holiday

EXPERTS = 40
WEEKS = 8
PATTERNS = (
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", 0.55),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", 0.25),
    ("FREQ=WEEKLY;BYDAY=TU,WE,TH,FR", 0.1),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH", 0.1),  # plus every other Friday, added below
)


def _utc(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=AMSTERDAM).astimezone(UTC)


def populate(conn: Connection, rng: random.Random, ctx: DemoContext) -> None:
    settings = PlanningSettings()
    weights: dict[str, float] = {}
    for town in TOWNS:
        weights[town.gemeente] = weights.get(town.gemeente, 0.0) + town.weight
    gemeenten = sorted(weights)
    count = max(8, min(EXPERTS, round(EXPERTS * ctx.scale * 4)))
    experts: list[dict[str, object]] = []
    for i in range(count):
        org = Organisation.IMG if i % 2 == 0 else Organisation.NCG
        person = make_person(rng)
        naam = person.full_name
        experts.append(
            {
                "naam": naam,
                "organisation": org,
                "dual_qualified": rng.random() < 0.15,
                "email": f"{ascii_slug(person.voornaam)}.{ascii_slug(person.achternaam)}"
                f"@deskundigen.example",
                "telefoon": None,
                "active": True,
            }
        )
    ids = list(
        conn.execute(
            insert(InspectionExpert).returning(InspectionExpert.id, sort_by_parameter_order=True),
            experts,
        ).scalars()
    )
    org_of = {ident: e["organisation"] for ident, e in zip(ids, experts, strict=True)}
    # work areas: every municipality is covered by both organisations, busy ones by more
    areas: set[tuple[int, str]] = set()
    for org in Organisation:
        mine = [i for i in ids if org_of[i] is org]
        for n, gemeente in enumerate(gemeenten):
            areas.add((mine[n % len(mine)], gemeente))
        for ident in mine:
            for gemeente in rng.choices(gemeenten, [weights[g] for g in gemeenten], k=3):
                areas.add((ident, gemeente))
    conn.execute(insert(ExpertArea), [{"expert_id": i, "gemeente": g} for i, g in sorted(areas)])
    # working patterns
    today = ctx.reference_date
    since = today - timedelta(days=365)
    patterns: dict[int, list[WorkPattern]] = {}
    rows: list[dict[str, object]] = []
    for ident in ids:
        rule = rng.choices([p for p, _ in PATTERNS], [w for _, w in PATTERNS])[0]
        start = time(8, 0) if rng.random() < 0.7 else time(8, 30)
        end = time(16, 30) if rng.random() < 0.6 else time(17, 0)
        work = [WorkPattern(rule, start, end, since)]
        if rule.endswith("MO,TU,WE,TH") and rng.random() < 0.4:
            work.append(WorkPattern("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", start, time(12, 30), since))
        patterns[ident] = work
        rows += [
            {
                "expert_id": ident,
                "rrule": p.rule,
                "day_start": p.day_start,
                "day_end": p.day_end,
                "valid_from": p.valid_from,
                "valid_until": None,
            }
            for p in work
        ]
    conn.execute(insert(ExpertPattern), rows)
    # absences: leave and courses in the coming weeks
    absent: dict[int, set[date]] = {i: set() for i in ids}
    rows = []
    for ident in ids:
        for _ in range(rng.choice((0, 1, 1, 2))):
            first = today + timedelta(days=rng.randint(1, WEEKS * 7))
            length = rng.choice((1, 1, 3, 5, 7))
            reason = "cursus" if length == 1 else "verlof"
            days = [first + timedelta(days=n) for n in range(length)]
            absent[ident].update(days)
            rows.append(
                {
                    "expert_id": ident,
                    "start_at": _utc(days[0], time(0)),
                    "end_at": _utc(days[-1] + timedelta(days=1), time(0)),
                    "reason": reason,
                }
            )
    if rows:
        conn.execute(insert(ExpertAbsence), rows)
    _appointments(conn, rng, ctx, ids, org_of, patterns, absent, settings)
    _availability(conn, rng, ctx)


def _appointments(
    conn: Connection,
    rng: random.Random,
    ctx: DemoContext,
    ids: list[int],
    org_of: dict[int, object],
    patterns: dict[int, list[WorkPattern]],
    absent: dict[int, set[date]],
    settings: PlanningSettings,
) -> None:
    """Eight weeks of separate inspections: most working days have one or two."""
    pool = ctx.img_only_ids + ctx.settled_damage_ids + ctx.ncg_only_ids
    if not pool:
        return
    first = ctx.reference_date + timedelta(days=1)
    last = ctx.reference_date + timedelta(days=WEEKS * 7)
    booked_at = _utc(ctx.reference_date - timedelta(days=7), time(9))  # never the clock
    appointments: list[dict[str, object]] = []
    visits: list[tuple[int, VisitKind, datetime, datetime]] = []
    for ident in ids:
        kind = VisitKind.DAMAGE if org_of[ident] is Organisation.IMG else VisitKind.STRENGTHENING
        minutes = settings.duration(kind)
        for pattern in patterns[ident]:
            for day in sorted(pattern.days_between(first, last)):
                if is_public_holiday(day) or day in absent[ident]:
                    continue
                # mornings fill faster than afternoons; a few days stay open
                starts = []
                if rng.random() < 0.75:
                    starts.append(time(9, 0) if rng.random() < 0.5 else pattern.day_start)
                if rng.random() < 0.5 and pattern.day_end >= time(16, 0):
                    starts.append(time(13, 30))
                for clock in starts:
                    begin = _utc(day, clock)
                    end = begin + timedelta(minutes=minutes)
                    if end > _utc(day, pattern.day_end):
                        continue
                    appointments.append(
                        {
                            "dossier_id": rng.choice(pool),
                            "form": InspectionForm.SEPARATE,
                            "state": AppointmentState.BOOKED,
                            "uid": f"demo-{ident}-{begin:%Y%m%dT%H%M}@buddy-desk",
                            "sequence": 0,
                            "start_at": begin,
                            "end_at": end,
                            "created_by": None,
                            "created_at": booked_at,
                            "updated_at": booked_at,
                        }
                    )
                    visits.append((ident, kind, begin, end))
    if not appointments:
        return
    new_ids = list(
        conn.execute(
            insert(InspectionAppointment).returning(
                InspectionAppointment.id, sort_by_parameter_order=True
            ),
            appointments,
        ).scalars()
    )
    conn.execute(
        insert(AppointmentVisit),
        [
            {"appointment_id": a, "expert_id": e, "kind": k, "start_at": s, "end_at": t}
            for a, (e, k, s, t) in zip(new_ids, visits, strict=True)
        ],
    )
    conn.execute(
        insert(AppointmentChange),
        [
            {
                "appointment_id": a,
                "changed_at": booked_at,
                "changed_by": None,
                "action": "booked",
                "sequence": 0,
                "new_start": s,
                "experts": str(e),
            }
            for a, (e, _k, s, _t) in zip(new_ids, visits, strict=True)
        ],
    )


def _availability(conn: Connection, rng: random.Random, ctx: DemoContext) -> None:
    """The resident's availability on most combination dossiers in groups B and E."""
    rows = []
    for dossier_id in ctx.dossiers_in_group(CollaborationGroup.B) + ctx.dossiers_in_group(
        CollaborationGroup.E
    ):
        if rng.random() < 0.3:
            continue  # not asked yet: the defaults (weekdays, morning and afternoon) apply
        roll = rng.random()
        weekdays = (
            "0,1,2,3,4"
            if roll < 0.6
            else ",".join(str(d) for d in sorted(rng.sample(range(5), rng.randint(2, 4))))
        )
        parts = rng.choice(
            ("morning,afternoon", "morning,afternoon", "morning", "afternoon", "afternoon,evening")
        )
        rows.append(
            {
                "dossier_id": dossier_id,
                "weekdays": weekdays,
                "day_parts": parts,
                "max_people": 1 if rng.random() < 0.15 else 2,
                "form": None,
                "no_joint_reason": None,
                "updated_by": None,
                "updated_at": _utc(
                    ctx.reference_date - timedelta(days=rng.randint(1, 90)), time(10)
                ),
            }
        )
    if rows:
        conn.execute(insert(PlanningPreference), rows)
