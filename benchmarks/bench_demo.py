"""Demo generation and the dossier list's queries, per database (no Qt).

- demo generation (≤ 20 s at scale 1 on SQLite; at other scales and on PostgreSQL reported),
  measured when the shared demo database is built;
- the list's first page (60 rows) for realistic queries typed character by character, worst
  prefix (``find_summaries``; the database's share of the 50 ms keystroke budget), and the
  count that follows once typing pauses (``count_summaries``, reported);
- ``get_dossier`` for busy dossiers (the data behind "open a dossier", target ≤ 150 ms).
"""

from __future__ import annotations

from functools import partial

from sqlalchemy import Engine, func, select

from benchmarks.harness import BenchContext, BenchResult, measure
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.search import DossierFilter
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.dossiers.service import count_summaries, find_summaries, get_dossier
from buddy_desk.models import TimelineEvent
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork


def _queries(rows: tuple[DossierSummary, ...]) -> list[tuple[str, DossierFilter]]:
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
    ctx.demo_db_path()
    results: list[BenchResult] = []
    if ctx.demo_build_seconds is not None:
        name = f"demo [sqlite]: generate (scale {ctx.scale:g})"
        if ctx.scale == 1.0:
            results.append(BenchResult.at_most(name, ctx.demo_build_seconds, "s", 20.0))
        else:
            results.append(BenchResult.info(name, ctx.demo_build_seconds, "s"))
        if ctx.demo_peak_mb is not None:
            results.append(
                BenchResult.info(
                    f"demo [sqlite]: piekgeheugen na bouwen (scale {ctx.scale:g})",
                    ctx.demo_peak_mb,
                    "MB",
                )
            )
        for step, seconds in ctx.demo_step_seconds.items():
            results.append(BenchResult.info(f"demo [sqlite]: waarvan {step}", seconds, "s"))
    for backend, url in ctx.database_urls().items():
        if backend == "postgresql" and ctx.pg_demo_build_seconds is not None:
            results.append(
                BenchResult.info(
                    f"demo [postgresql]: generate (scale {ctx.scale:g})",
                    ctx.pg_demo_build_seconds,
                    "s",
                )
            )
        results += _list_and_open(backend, url)
    return results


def _list_and_open(backend: str, url: str) -> list[BenchResult]:
    results: list[BenchResult] = []
    engine = open_database(url, create=False)
    try:
        uow = UnitOfWork(engine)
        sample = find_summaries(uow, DossierFilter(), offset=500, limit=200).rows
        for label, query in _queries(sample):
            page = max(
                measure(partial(find_summaries, uow, prefix, limit=60), repeat=5).median_ms
                for prefix in _prefixes(query)
            )
            count = max(
                measure(partial(count_summaries, uow, prefix), repeat=3).median_ms
                for prefix in _prefixes(query)
            )
            results.append(
                BenchResult.at_most(f"lijst [{backend}]: eerste pagina, {label}", page, "ms", 50)
            )
            results.append(BenchResult.info(f"lijst [{backend}]: tellen, {label}", count, "ms"))
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
            BenchResult.at_most(
                f"dossier [{backend}]: get_dossier (drukste 5)", worst_open, "ms", 150
            )
        )
    finally:
        engine.dispose()
    return results
