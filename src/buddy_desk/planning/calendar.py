"""Plain calendar data the slot finder works on: experts, their working patterns, absences and
appointments, the resident's availability and the planning settings.

All instants are timezone-aware; wall-clock times (working hours, parts of the day) are
Europe/Amsterdam local times, converted per day so daylight saving time is always right.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache

from dateutil.rrule import rrule, rrulestr

from buddy_desk.core.formatting import AMSTERDAM as AMSTERDAM  # its home; imported from here too
from buddy_desk.core.inspection import DayPart, InspectionForm, VisitKind, qualified_for
from buddy_desk.core.phases import Organisation
from buddy_desk.planning.rules import latest_joint_day

DAY_PARTS: dict[DayPart, tuple[time, time]] = {
    DayPart.MORNING: (time(8, 0), time(12, 0)),
    DayPart.AFTERNOON: (time(12, 0), time(17, 0)),
    DayPart.EVENING: (time(17, 0), time(20, 0)),
}

WORKDAYS = frozenset(range(5))


def local(day: date, clock: time) -> datetime:
    """A wall-clock time on ``day`` in Amsterdam, as an aware datetime."""
    return datetime.combine(day, clock, tzinfo=AMSTERDAM)


def to_minutes(moment: datetime) -> int:
    """Minutes since the epoch (UTC): exact elapsed-time arithmetic across DST changes."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime in planning")
    return int(moment.timestamp()) // 60


@lru_cache(maxsize=4096)
def _day_base(day: date) -> tuple[int, int]:
    """Minutes since the epoch of ``day`` 00:00 UTC, and Amsterdam's UTC offset at noon."""
    noon = datetime.combine(day, time(12), tzinfo=AMSTERDAM)
    offset = noon.utcoffset()
    assert offset is not None
    base = datetime.combine(day, time(), tzinfo=UTC)
    return int(base.timestamp()) // 60, int(offset.total_seconds()) // 60


def local_minutes(day: date, clock: time) -> int:
    """``to_minutes(local(day, clock))``, fast: one cached offset per day.

    Exact for wall-clock times from 03:00 on (the clocks change between 02:00 and 03:00), which
    covers every working hour and part of the day.
    """
    base, offset = _day_base(day)
    return base + clock.hour * 60 + clock.minute - offset


def from_minutes(minutes: int) -> datetime:
    return datetime.fromtimestamp(minutes * 60, UTC)


@dataclass(frozen=True, slots=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class WorkPattern:
    """A recurring working pattern: an RFC 5545 RRULE plus the hours worked on those days."""

    rule: str  # e.g. "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH"
    day_start: time
    day_end: time
    valid_from: date
    valid_until: date | None = None

    def parsed(self) -> rrule:
        return _parse_rule(self.rule, self.valid_from)

    def days_between(self, first: date, last: date) -> frozenset[date]:
        return _days_between(self.rule, self.valid_from, self.valid_until, first, last)


@lru_cache(maxsize=1024)
def _parse_rule(rule: str, valid_from: date) -> rrule:
    parsed = rrulestr(rule, dtstart=datetime.combine(valid_from, time()))
    if not isinstance(parsed, rrule):  # an RRULE string gives one rule, never a set
        raise ValueError(f"werkpatroon {rule!r}: één RRULE verwacht")
    return parsed


@lru_cache(maxsize=8192)
def _days_between(
    rule: str, valid_from: date, valid_until: date | None, first: date, last: date
) -> frozenset[date]:
    """The days of a pattern in a range; cached, since planners look at the same weeks all day
    and dateutil walks every occurrence from the rule's start."""
    lo = max(first, valid_from)
    hi = min(last, valid_until) if valid_until else last
    if lo > hi:
        return frozenset()
    found = _parse_rule(rule, valid_from).between(
        datetime.combine(lo, time()), datetime.combine(hi, time()), inc=True
    )
    return frozenset(d.date() for d in found)


def validate_rule(rule: str) -> str:
    """The rule, stripped, if dateutil can read it; a clear Dutch message otherwise."""
    text = rule.strip().removeprefix("RRULE:")
    try:
        WorkPattern(text, time(8), time(17), date(2026, 1, 1)).parsed()
    except (ValueError, TypeError) as exc:
        raise ValueError(f"werkpatroon {rule!r} is geen geldige RRULE ({exc})") from exc
    return text


@dataclass(frozen=True)
class Expert:
    """A deskundige: who they work for, what they may inspect, where and when."""

    id: int
    name: str
    organisation: Organisation
    dual_qualified: bool = False
    municipalities: frozenset[str] = frozenset()  # empty: the whole area
    patterns: tuple[WorkPattern, ...] = ()
    absences: tuple[Interval, ...] = ()
    busy: tuple[Interval, ...] = ()  # existing appointments

    def can_do(self, kind: VisitKind) -> bool:
        return qualified_for(self.organisation, self.dual_qualified, kind)

    def works_in(self, municipality: str | None) -> bool:
        if not self.municipalities or municipality is None:
            return True
        return municipality.casefold() in {m.casefold() for m in self.municipalities}


@dataclass(frozen=True)
class Availability:
    """When the resident can receive the experts, and how many people at once."""

    weekdays: frozenset[int] = WORKDAYS  # 0 = Monday
    parts: frozenset[DayPart] = frozenset({DayPart.MORNING, DayPart.AFTERNOON})
    max_people: int = 2

    def clock_windows(self, day: date) -> list[tuple[time, time]]:
        """The resident's contiguous wall-clock windows on ``day`` (adjacent parts merged)."""
        if day.weekday() not in self.weekdays:
            return []
        spans = sorted(DAY_PARTS[p] for p in self.parts)
        merged: list[list[time]] = []
        for start, end in spans:
            if merged and merged[-1][1] >= start:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(a, b) for a, b in merged]

    def windows(self, day: date) -> list[tuple[datetime, datetime]]:
        return [(local(day, a), local(day, b)) for a, b in self.clock_windows(day)]


@dataclass(frozen=True)
class PlanningSettings:
    """Durations per kind and the rules of the search (minutes unless said otherwise)."""

    damage_minutes: int = 90
    strengthening_minutes: int = 180
    combined_minutes: int = 240
    travel_buffer_minutes: int = 30  # between one expert's appointments at different addresses
    handover_minutes: int = 15  # between the two visits of a sequential inspection
    lead_days: int = 3  # the resident gets the confirmation letter first
    horizon_days: int = 56
    step_minutes: int = 30
    close_days: int = 2  # "separate but close together"
    options: int = 5
    options_per_day: int = 2

    def duration(self, kind: VisitKind) -> int:
        match kind:
            case VisitKind.DAMAGE:
                return self.damage_minutes
            case VisitKind.STRENGTHENING:
                return self.strengthening_minutes
            case VisitKind.COMBINED:
                return self.combined_minutes
        raise AssertionError(kind)  # pragma: no cover


@dataclass(frozen=True, slots=True)
class Visit:
    """One expert at the address for one kind of inspection."""

    expert_id: int
    kind: VisitKind
    start: datetime
    end: datetime

    @property
    def day(self) -> date:
        return self.start.astimezone(AMSTERDAM).date()


@dataclass(frozen=True)
class Proposal:
    form: InspectionForm
    visits: tuple[Visit, ...]

    @property
    def start(self) -> datetime:
        return min(v.start for v in self.visits)

    @property
    def end(self) -> datetime:
        return max(v.end for v in self.visits)

    @property
    def day(self) -> date:
        return self.start.astimezone(AMSTERDAM).date()

    @property
    def last_day(self) -> date:
        return max(v.day for v in self.visits)


@dataclass(frozen=True)
class ProposalSet:
    """The best options for one dossier and form, with the separate inspections to compare."""

    form: InspectionForm
    today: date
    options: tuple[Proposal, ...]
    separate_damage: Visit | None
    separate_strengthening: Visit | None
    reason: str | None = None  # why there are no options (Dutch)

    @property
    def separate_last_day(self) -> date | None:
        """The day both processes would have had their inspection when planned separately."""
        days = [v.day for v in (self.separate_damage, self.separate_strengthening) if v]
        return max(days) if len(days) == 2 else None

    def no_longer_wait(self, proposal: Proposal) -> bool:
        """Joint is not a longer wait than separate: done no later than separate would be."""
        last = self.separate_last_day
        return last is None or proposal.last_day <= latest_joint_day(proposal.form, last)

    def wait_days(self, day: date) -> int:
        return (day - self.today).days


@dataclass
class Calendar:
    """Everything the slot finder needs; ``experts`` by id."""

    experts: dict[int, Expert]
    settings: PlanningSettings = field(default_factory=PlanningSettings)

    @cached_property
    def by_kind(self) -> dict[VisitKind, list[Expert]]:
        return {
            kind: sorted((e for e in self.experts.values() if e.can_do(kind)), key=lambda e: e.id)
            for kind in VisitKind
        }


def day_range(first: date, days: int) -> list[date]:
    return [first + timedelta(days=i) for i in range(days)]
