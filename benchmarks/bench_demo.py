"""Demo generation and the dossier list on a full-scale demo database (no Qt).

- demo generation (target ≤ 20 s), measured when the shared demo database is built;
- ``load_summaries`` over every dossier (the list behind the window; target ≤ 1 s so the
  window can be usable within 2 s);
- filtering the full list per keystroke via ``DossierFilter`` for realistic queries typed
  character by character (worst prefix; the filter's share of the 50 ms keystroke budget);
- ``get_dossier`` for busy dossiers (the data behind "open a dossier", target ≤ 150 ms);
- peak memory of a fresh process that loads the list (target ≤ 400 MB for the whole app).
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import Engine, func, select

from benchmarks.harness import BenchContext, BenchResult, measure, run_probe
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.search import DossierFilter, filter_dossiers
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.dossiers.service import get_dossier, load_summaries
from buddy_desk.models import TimelineEvent
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork


def _queries(rows: list[DossierSummary]) -> list[tuple[str, DossierFilter]]:
    """What a buddy pair types: an address, a postcode with a space, a name, a zaaknummer."""
    sample = next(r for r in rows if r.group is not None and r.zaaknummers and r.resident)
    surname = sample.resident.split()[-1]
    return [
        ("straat + nummer", DossierFilter(f"{sample.straat} {sample.number_text}")),
        ("postcode met spatie", DossierFilter(sample.postcode_text)),
        ("naam bewoner", DossierFilter(surname)),
        ("zaaknummer", DossierFilter(sample.zaaknummers[0])),
        (
            "naam + groep E",
            DossierFilter(surname, groups=frozenset({CollaborationGroup.E})),
        ),
    ]


def _prefixes(f: DossierFilter) -> list[DossierFilter]:
    return [
        DossierFilter(f.text[:n], f.groups, f.flags, f.img_phases, f.ncg_statuses)
        for n in range(1, len(f.text) + 1)
    ]


def _open(engine: Engine, dossier_id: int) -> object:
    return get_dossier(UnitOfWork(engine), dossier_id)


def run(ctx: BenchContext) -> list[BenchResult]:
    db = ctx.demo_db_path()
    results: list[BenchResult] = []
    if ctx.demo_build_seconds is not None:
        results.append(
            BenchResult.at_most("demo: generate (scale 1.0 ≙ 31k dossiers)"
                                if ctx.scale == 1.0 else f"demo: generate (scale {ctx.scale:g})",
                                ctx.demo_build_seconds, "s", 20.0)
        )  # fmt: skip
        for step, seconds in ctx.demo_step_seconds.items():
            results.append(BenchResult.info(f"demo: waarvan {step}", seconds, "s"))
    url = f"sqlite:///{db}"
    engine = open_database(url, create=False)
    try:
        uow = UnitOfWork(engine)
        rows = load_summaries(uow)
        t = measure(lambda: load_summaries(UnitOfWork(engine)), repeat=5)
        results.append(BenchResult.at_most("list: load_summaries (all)", t.median_ms, "ms", 1000))
        results.append(BenchResult.info("list: dossiers", len(rows), "rows"))
        for label, query in _queries(rows):
            worst = max(
                measure(partial(filter_dossiers, rows, prefix), repeat=5).median_ms
                for prefix in _prefixes(query)
            )
            results.append(
                BenchResult.at_most(f"filter per toetsaanslag: {label}", worst, "ms", 50)
            )
        with engine.connect() as conn:
            busiest = (
                conn.execute(
                    select(TimelineEvent.dossier_id)
                    .group_by(TimelineEvent.dossier_id)
                    .order_by(func.count().desc(), TimelineEvent.dossier_id)
                    .limit(5)
                )
                .scalars()
                .all()
            )
        worst_open = max(measure(partial(_open, engine, d), repeat=10).median_ms for d in busiest)
        results.append(
            BenchResult.at_most("dossier: get_dossier (drukste 5)", worst_open, "ms", 150)
        )
    finally:
        engine.dispose()
    probe = run_probe("benchmarks._probe_list_memory", url)
    results.append(
        BenchResult.at_most("geheugen: lijst geladen (piek RSS)", probe["peak_mb"], "MB", 400)
    )
    return results
