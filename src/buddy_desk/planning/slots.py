"""Finding inspection slots across independent experts' calendars (pure, no database).

A ``SlotFinder`` is built once per calendar snapshot; ``propose`` gives the best options for
one dossier and form, ``earliest`` the earliest separate inspection of one kind. ``book``
adds a visit to the snapshot, so a whole week can be planned in one pass (see autoplan.py).

Internally instants are whole minutes since the epoch: exact elapsed time, so a 4-hour
inspection on the day the clocks change still takes 4 real hours. Wall-clock rules (working
hours, parts of the day) are converted per day.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from buddy_desk.core.inspection import InspectionForm, VisitKind
from buddy_desk.i18n import tr
from buddy_desk.planning.calendar import (
    Availability,
    Calendar,
    Expert,
    Proposal,
    ProposalSet,
    Visit,
    from_minutes,
    local_minutes,
    to_minutes,
)
from buddy_desk.planning.holidays import is_public_holiday

Span = tuple[int, int]

PROPOSABLE = (
    InspectionForm.SIMULTANEOUS,
    InspectionForm.SEQUENTIAL,
    InspectionForm.COMBINED,
    InspectionForm.CLOSE,
)


@dataclass(frozen=True)
class Request:
    """One dossier's side of the search."""

    municipality: str | None = None
    availability: Availability = field(default_factory=Availability)
    not_before: date | None = None  # e.g. the week an auto-plan fills
    not_after: date | None = None


def _merge(spans: list[Span]) -> list[Span]:
    """Sorted spans with overlapping or touching ones joined (two patterns on one day)."""
    merged: list[Span] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _subtract(spans: list[Span], cut: Span) -> list[Span]:
    out: list[Span] = []
    a, b = cut
    for s, e in spans:
        if e <= a or b <= s:
            out.append((s, e))
            continue
        if s < a:
            out.append((s, a))
        if b < e:
            out.append((b, e))
    return out


class SlotFinder:
    def __init__(
        self,
        calendar: Calendar,
        today: date,
        *,
        first_day: date | None = None,
        last_day: date | None = None,
    ) -> None:
        self.calendar = calendar
        self.settings = calendar.settings
        self.today = today
        self.first_day = first_day or today + timedelta(days=self.settings.lead_days)
        self.last_day = last_day or self.first_day + timedelta(days=self.settings.horizon_days - 1)
        self._work: dict[int, dict[date, list[Span]]] = {}
        # blocked spans per expert, bucketed by UTC day number, so a day looks at few spans
        self._blocked: dict[int, dict[int, list[Span]]] = {}
        self._free: dict[tuple[int, date], list[Span]] = {}
        self._load: dict[int, int] = {}
        buffer = self.settings.travel_buffer_minutes
        for expert in calendar.experts.values():
            self._work[expert.id] = self._work_windows(expert)
            blocked = [(to_minutes(a.start), to_minutes(a.end)) for a in expert.absences]
            blocked += [
                (to_minutes(b.start) - buffer, to_minutes(b.end) + buffer) for b in expert.busy
            ]
            buckets: dict[int, list[Span]] = {}
            for span in blocked:
                self._add_blocked(buckets, span)
            self._blocked[expert.id] = buckets
            self._load[expert.id] = len(expert.busy)

    # -- the experts' side ---------------------------------------------------------------

    @staticmethod
    def _add_blocked(buckets: dict[int, list[Span]], span: Span) -> None:
        for day_number in range(span[0] // 1440, span[1] // 1440 + 1):
            buckets.setdefault(day_number, []).append(span)

    def _work_windows(self, expert: Expert) -> dict[date, list[Span]]:
        windows: dict[date, list[Span]] = {}
        for pattern in expert.patterns:
            for day in pattern.days_between(self.first_day, self.last_day):
                if is_public_holiday(day):
                    continue
                span = (
                    local_minutes(day, pattern.day_start),
                    local_minutes(day, pattern.day_end),
                )
                windows.setdefault(day, []).append(span)
        return windows

    def free(self, expert_id: int, day: date) -> list[Span]:
        """The expert's free time on ``day``: working hours minus absences and appointments
        (each widened by the travel buffer)."""
        key = (expert_id, day)
        spans = self._free.get(key)
        if spans is None:
            spans = _merge(sorted(self._work[expert_id].get(day, ())))
            if spans:
                lo, hi = spans[0][0], spans[-1][1]
                buckets = self._blocked[expert_id]
                for day_number in range(lo // 1440, hi // 1440 + 1):
                    for cut in buckets.get(day_number, ()):
                        if cut[0] < hi and lo < cut[1]:
                            spans = _subtract(spans, cut)
            self._free[key] = spans
        return spans

    def is_free(self, expert_id: int, day: date, start: int, end: int) -> bool:
        return any(a <= start and end <= b for a, b in self.free(expert_id, day))

    def why_busy(self, expert_id: int, day: date, start: datetime, end: datetime) -> str | None:
        """None if the expert is free then; otherwise why not, in Dutch."""
        a, b = to_minutes(start), to_minutes(end)
        if self.is_free(expert_id, day, a, b):
            return None
        work = _merge(sorted(self._work[expert_id].get(day, [])))
        if not work:
            return "werkt die dag niet"
        if not any(s <= a and b <= e for s, e in work):
            return "buiten de werktijden"
        expert = self.calendar.experts[expert_id]
        if any(x.start < end and start < x.end for x in expert.absences):
            return "afwezig"
        return "heeft dan al een afspraak (inclusief reistijd)"

    def _pick(
        self, kind: VisitKind, day: date, start: int, end: int, req: Request, exclude: int = -1
    ) -> Expert | None:
        best: Expert | None = None
        for expert in self.calendar.by_kind[kind]:
            if expert.id == exclude or not expert.works_in(req.municipality):
                continue
            if self.is_free(expert.id, day, start, end) and (
                best is None or self._load[expert.id] < self._load[best.id]
            ):
                best = expert
        return best

    def book(self, visit: Visit) -> None:
        """Add a visit to this snapshot (the auto-plan books as it goes)."""
        buffer = self.settings.travel_buffer_minutes
        self._add_blocked(
            self._blocked[visit.expert_id],
            (to_minutes(visit.start) - buffer, to_minutes(visit.end) + buffer),
        )
        self._free.pop((visit.expert_id, visit.day), None)
        self._load[visit.expert_id] = self._load.get(visit.expert_id, 0) + 1

    # -- the resident's side -------------------------------------------------------------

    def days(self, req: Request) -> Iterator[date]:
        day = max(self.first_day, req.not_before or self.first_day)
        last = min(self.last_day, req.not_after or self.last_day)
        while day <= last:
            if not is_public_holiday(day) and day.weekday() in req.availability.weekdays:
                yield day
            day += timedelta(days=1)

    def starts(self, day: date, req: Request, total: int) -> Iterator[int]:
        step = self.settings.step_minutes
        for a, b in req.availability.clock_windows(day):
            start, end = local_minutes(day, a), local_minutes(day, b)
            while start + total <= end:
                yield start
                start += step

    def _visit(self, expert: Expert, kind: VisitKind, start: int) -> Visit:
        end = start + self.settings.duration(kind)
        return Visit(expert.id, kind, from_minutes(start), from_minutes(end))

    # -- per form ------------------------------------------------------------------------

    def _single(self, kind: VisitKind, day: date, start: int, req: Request) -> Visit | None:
        end = start + self.settings.duration(kind)
        expert = self._pick(kind, day, start, end, req)
        return self._visit(expert, kind, start) if expert else None

    def _simultaneous(self, day: date, start: int, req: Request) -> Proposal | None:
        damage = self._single(VisitKind.DAMAGE, day, start, req)
        if damage is None:
            return None
        strengthening = self._single(VisitKind.STRENGTHENING, day, start, req)
        if strengthening is None:
            return None
        return Proposal(InspectionForm.SIMULTANEOUS, (damage, strengthening))

    def _sequential(self, day: date, start: int, req: Request) -> Proposal | None:
        for first, second in (
            (VisitKind.DAMAGE, VisitKind.STRENGTHENING),
            (VisitKind.STRENGTHENING, VisitKind.DAMAGE),
        ):
            a = self._single(first, day, start, req)
            if a is None:
                continue
            second_start = to_minutes(a.end) + self.settings.handover_minutes
            b = self._single(second, day, second_start, req)
            if b is not None:
                return Proposal(InspectionForm.SEQUENTIAL, (a, b))
        return None

    def _combined(self, day: date, start: int, req: Request) -> Proposal | None:
        visit = self._single(VisitKind.COMBINED, day, start, req)
        return Proposal(InspectionForm.COMBINED, (visit,)) if visit else None

    def total_minutes(self, form: InspectionForm) -> int:
        s = self.settings
        match form:
            case InspectionForm.SIMULTANEOUS:
                return max(s.damage_minutes, s.strengthening_minutes)
            case InspectionForm.SEQUENTIAL:
                return s.damage_minutes + s.handover_minutes + s.strengthening_minutes
            case InspectionForm.COMBINED:
                return s.combined_minutes
        raise ValueError(form)

    def earliest(self, kind: VisitKind, req: Request) -> Visit | None:
        """The earliest separate inspection of one kind (the normal route, for comparison)."""
        total = self.settings.duration(kind)
        for day in self.days(req):
            for start in self.starts(day, req, total):
                visit = self._single(kind, day, start, req)
                if visit is not None:
                    return visit
        return None

    def _first_on_day(self, kind: VisitKind, day: date, req: Request) -> Visit | None:
        for start in self.starts(day, req, self.settings.duration(kind)):
            visit = self._single(kind, day, start, req)
            if visit is not None:
                return visit
        return None

    def _close(self, req: Request, limit: int) -> list[Proposal]:
        """Separate visits on different days, at most ``close_days`` apart, earliest first."""
        firsts: dict[tuple[VisitKind, date], Visit | None] = {}

        def first(kind: VisitKind, day: date) -> Visit | None:
            if (kind, day) not in firsts:
                firsts[kind, day] = self._first_on_day(kind, day, req)
            return firsts[kind, day]

        found: list[Proposal] = []
        used: set[Visit] = set()
        days = list(self.days(req))
        for later in days:
            best: Proposal | None = None
            best_key: tuple[int, datetime] = (0, datetime.min)
            for earlier in days:
                gap = (later - earlier).days
                if not 1 <= gap <= self.settings.close_days:
                    continue
                for a_kind, b_kind in (
                    (VisitKind.DAMAGE, VisitKind.STRENGTHENING),
                    (VisitKind.STRENGTHENING, VisitKind.DAMAGE),
                ):
                    a, b = first(a_kind, earlier), first(b_kind, later)
                    if not (a and b) or a in used:
                        continue
                    # closest together first, then earliest
                    if best is None or (gap, a.start) < best_key:
                        best, best_key = Proposal(InspectionForm.CLOSE, (a, b)), (gap, a.start)
            if best is not None:
                used.add(best.visits[0])
                found.append(best)
                if len(found) >= limit:
                    break
        return found

    def options(self, form: InspectionForm, req: Request, limit: int) -> list[Proposal]:
        if form is InspectionForm.CLOSE:
            return self._close(req, limit)
        build = {
            InspectionForm.SIMULTANEOUS: self._simultaneous,
            InspectionForm.SEQUENTIAL: self._sequential,
            InspectionForm.COMBINED: self._combined,
        }[form]
        total = self.total_minutes(form)
        spacing = 120  # options on one day at least two hours apart: a real choice
        found: list[Proposal] = []
        for day in self.days(req):
            on_day: list[int] = []
            for start in self.starts(day, req, total):
                if len(on_day) >= self.settings.options_per_day:
                    break
                if on_day and start - on_day[-1] < spacing:
                    continue
                proposal = build(day, start, req)
                if proposal is not None:
                    found.append(proposal)
                    on_day.append(start)
                    if len(found) >= limit:
                        return found
        return found

    def propose_separate(self, req: Request) -> ProposalSet:
        """Only the earliest separate inspections (the comparison, and the auto-plan's limit)."""
        return ProposalSet(
            InspectionForm.SEPARATE,
            self.today,
            (),
            self.earliest(VisitKind.DAMAGE, req),
            self.earliest(VisitKind.STRENGTHENING, req),
        )

    def propose(self, form: InspectionForm, req: Request) -> ProposalSet:
        if form not in PROPOSABLE:
            raise ValueError(f"vorm {form.value!r} kan niet gepland worden als gezamenlijke opname")
        damage = self.earliest(VisitKind.DAMAGE, req)
        strengthening = self.earliest(VisitKind.STRENGTHENING, req)
        reason: str | None = None
        options: list[Proposal] = []
        if form is InspectionForm.SIMULTANEOUS and req.availability.max_people < 2:
            reason = tr("planning.reason.max_people")
        elif not req.availability.weekdays or not req.availability.parts:
            reason = tr("planning.reason.no_availability")
        else:
            options = self.options(form, req, self.settings.options)
            if not options:
                reason = self._why_none(form, req)
        return ProposalSet(form, self.today, tuple(options), damage, strengthening, reason)

    def _why_none(self, form: InspectionForm, req: Request) -> str:
        kinds = (
            (VisitKind.COMBINED,)
            if form is InspectionForm.COMBINED
            else (VisitKind.DAMAGE, VisitKind.STRENGTHENING)
        )
        for kind in kinds:
            if not any(e.works_in(req.municipality) for e in self.calendar.by_kind[kind]):
                if kind is VisitKind.COMBINED:
                    return tr("planning.reason.no_dual")
                return tr("planning.reason.no_expert", kind=tr(f"planning.kind.{kind.value}"))
        return tr("planning.reason.no_slot", weeks=self.settings.horizon_days // 7)
