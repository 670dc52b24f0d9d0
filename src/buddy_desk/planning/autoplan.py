"""Auto-planning a week of the queue across all experts (pure).

Greedy in queue order (urgent and bijzondere situatie first, then group B): for each
dossier, the earliest joint option in the week in the form the resident chose (or a planner
noted) — a dossier without a chosen form is not planned: a joint inspection needs the
resident's consent — that is *not later than its separate inspections would be* (no dossier
is delayed by joining), unless the resident chose joint handling even if slower. Each
booking goes into the calendar snapshot at once, so the next dossier sees it. Planning in
priority order means a scarce expert goes to the dossier that needs it most; what cannot be
planned is reported with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from buddy_desk.core.inspection import InspectionForm
from buddy_desk.i18n import tr
from buddy_desk.planning.calendar import Proposal
from buddy_desk.planning.formatting import dutch_day
from buddy_desk.planning.rules import latest_joint_day
from buddy_desk.planning.slots import Request, SlotFinder
from buddy_desk.progress import NO_PROGRESS, Progress


@dataclass(frozen=True)
class WeekItem:
    dossier_id: int
    request: Request
    form: InspectionForm | None  # the chosen form; None: nobody chose one, not planned
    may_wait_longer: bool = False  # the resident chose joint handling even if slower


@dataclass(frozen=True)
class WeekResult:
    dossier_id: int
    proposal: Proposal | None
    reason: str | None


def plan_week(
    finder: SlotFinder,
    items: Sequence[WeekItem],
    week_start: date,
    progress: Progress = NO_PROGRESS,
) -> list[WeekResult]:
    week_end = week_start + timedelta(days=6)
    results: list[WeekResult] = []
    for done, item in enumerate(items):
        if done % 10 == 0:
            progress.check()
            progress.report(done, len(items))
        if item.form is None:
            results.append(WeekResult(item.dossier_id, None, tr("planning.week.nothing_chosen")))
            continue
        if not item.form.is_joint:
            results.append(WeekResult(item.dossier_id, None, tr("planning.reason.not_joint")))
            continue
        forms = (item.form,)
        separate = finder.propose_separate(item.request)
        limit = separate.separate_last_day
        in_week = Request(
            item.request.municipality, item.request.availability, week_start, week_end
        )
        best: Proposal | None = None
        reason: str | None = None
        for form in forms:
            if form is InspectionForm.SIMULTANEOUS and item.request.availability.max_people < 2:
                reason = tr("planning.reason.max_people")
                continue
            options = finder.options(form, in_week, 1)
            if not options:
                reason = reason or tr("planning.reason.no_slot_week")
                continue
            option = options[0]
            latest = latest_joint_day(form, limit) if limit is not None else None
            if latest is not None and option.last_day > latest and not item.may_wait_longer:
                reason = tr("planning.reason.later_than_separate", day=dutch_day(latest))
                continue
            if best is None or option.start < best.start:
                best = option
        if best is not None:
            for visit in best.visits:
                finder.book(visit)
            results.append(WeekResult(item.dossier_id, best, None))
        else:
            results.append(WeekResult(item.dossier_id, None, reason))
    progress.report(len(items), len(items))
    return results
