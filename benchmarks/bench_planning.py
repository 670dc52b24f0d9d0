"""Joint-inspection planning: proposals for one dossier, and the week auto-plan.

On the full-scale demo (40 experts, eight weeks of existing appointments): proposals for one
dossier ≤ 100 ms (service call including loading the calendars from the database), the week
auto-plan of 200 queue dossiers ≤ 10 s (a dry run; booking adds one transaction).
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from itertools import cycle

from benchmarks.harness import BenchContext, BenchResult, measure

TODAY = date(2026, 11, 26)  # the demo's reference date


def run(ctx: BenchContext) -> list[BenchResult]:
    from buddy_desk.core.inspection import InspectionForm
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork
    from buddy_desk.planning.service.booking import propose
    from buddy_desk.planning.service.queue import queue
    from buddy_desk.planning.service.week import auto_plan_week

    path = ctx.fresh_copy("planning")
    engine = open_database(f"sqlite:///{path}", create=False)
    try:
        uow = UnitOfWork(engine)
        entries = queue(uow)
        if not entries:
            return [BenchResult.info("planning: geen wachtrij in de demodata", 0, "")]
        targets = cycle([e.dossier_id for e in entries[:25]])
        forms = cycle(
            [InspectionForm.SIMULTANEOUS, InspectionForm.SEQUENTIAL, InspectionForm.COMBINED]
        )
        t_propose = measure(
            lambda: propose(uow, next(targets), next(forms), today=TODAY), repeat=30
        )
        t_queue = measure(lambda: queue(uow), repeat=3)
        started = time.perf_counter()
        outcomes = auto_plan_week(uow, TODAY + timedelta(days=4), today=TODAY, limit=200)
        week_s = time.perf_counter() - started
        planned = sum(1 for o in outcomes if o.start is not None)
    finally:
        engine.dispose()
    return [
        BenchResult.at_most(
            "planning: voorstellen voor één dossier", t_propose.median_ms, "ms", 100
        ),
        BenchResult.info("planning: voorstellen, langzaamste", t_propose.max_ms, "ms"),
        BenchResult.info("planning: wachtrij laden", t_queue.median_ms, "ms"),
        BenchResult.at_most(
            f"planning: week automatisch, {len(outcomes)} dossiers", week_s, "s", 10
        ),
        BenchResult.info("planning: daarvan gezamenlijk gepland", planned, ""),
    ]
