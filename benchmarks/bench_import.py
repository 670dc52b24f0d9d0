"""Importing both organisations' exports, and opening the samenloop overview.

Targets (issue 16): a 26,800-row NCG export and a 45,000-row IMG export into an empty
database, matched and grouped, ≤ 2× a floor importer (``benchmarks.floor_import``: csv
module, a minimal address key, ``executemany`` into SQLite, no validation) measured in the
same run; re-importing the same files ≤ 2× the floor doing the same, with zero changes;
into PostgreSQL ≤ 3× that floor. The samenloop overview opens in ≤ 300 ms. The files come
from ``importing.samples`` with every quirk of the real ones. Each of three rounds imports
into empty databases, floor and real alternated; ratios of medians are reported. A big file
is read by a second process (``importing.parallel``), so wall-clock time is what counts.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from benchmarks.floor_import import floor_import
from benchmarks.harness import BenchContext, BenchResult, measure
from buddy_desk.choices.rules import Actor
from buddy_desk.core.phases import Organisation

TODAY = date(2026, 11, 26)
T = TypeVar("T")

PLAIN = "sqlite onversleuteld"
BENCH_VIEWER = Actor("bench", organisation=Organisation.NCG)  # the gated lists, as NCG sees them


def _timed(fn: Callable[[], T]) -> tuple[T, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - wall, time.process_time() - cpu


ROUNDS = 3
FLOOR_KEY = "5e" * 32  # the encrypted floor's raw key (a benchmark file, removed afterwards)


def plain_database(path: Path, work_dir: Path) -> None:
    """An empty Buddy Desk database at ``path`` as a PLAIN SQLite file: the app's own
    databases are SQLCipher files, so this measures what the encryption costs the import."""
    from buddy_desk.persistence import encryption
    from buddy_desk.persistence.schema import open_database

    template = work_dir / f"template-{path.stem}.sqlite"
    open_database(f"sqlite:///{template}", create=True).dispose()
    conn = encryption.connect_file(template, isolation_level=None)
    try:
        conn.execute(f"ATTACH DATABASE '{path}' AS plain KEY ''")
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()


def run(ctx: BenchContext) -> list[BenchResult]:
    from buddy_desk.importing.exports import ExportKind
    from buddy_desk.importing.samples import generate_exports
    from buddy_desk.importing.service import import_export
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork
    from buddy_desk.samenloop.service import (
        ListId,
        ListQuery,
        SortKey,
        load_counts,
        places,
        read_page,
    )

    n_ncg = max(100, round(26_800 * ctx.scale))
    n_img = max(100, round(45_000 * ctx.scale))
    exports = generate_exports(n_ncg, n_img, seed=2021)
    floor_first: list[float] = []
    floor_again: list[float] = []
    floor_encrypted: list[float] = []
    first: dict[str, list[tuple[float, float]]] = {}
    again: dict[str, list[tuple[float, float]]] = {}
    changes: dict[str, int] = {}
    rejected = 0
    engine = None
    for round_ in range(ROUNDS):
        # each round into empty databases, floor and real alternated: the machine's speed
        # drifts by half from one minute to the next, so ratios of medians are reported
        floor_path = ctx.work_dir / f"floor-{round_}.sqlite"

        def floor(path: Path = floor_path) -> None:
            floor_import(path, exports.ncg, exports.img)

        floor_first.append(_timed(floor)[1])
        floor_again.append(_timed(floor)[1])
        encrypted_path = ctx.work_dir / f"floor-encrypted-{round_}.sqlite"

        def floor_encrypted_run(path: Path = encrypted_path) -> None:
            floor_import(path, exports.ncg, exports.img, key=FLOOR_KEY)

        floor_encrypted.append(_timed(floor_encrypted_run)[1])
        plain_path = ctx.work_dir / f"import-plain-{round_}.sqlite"
        plain_database(plain_path, ctx.work_dir)
        urls = {
            "sqlite": f"sqlite:///{ctx.work_dir / f'import-{round_}.sqlite'}",
            PLAIN: f"sqlite:///{plain_path}",
        }
        pg = ctx.new_pg_url(f"import_{round_}")
        if pg is not None:
            urls["postgresql"] = pg
        for backend, url in urls.items():
            if engine is not None:
                engine.dispose()
            engine = open_database(url, create=True)
            uow = UnitOfWork(engine)

            def both(uow: UnitOfWork = uow) -> tuple[int, int]:
                ncg = import_export(uow, ExportKind.NCG, exports.ncg, "ncg.csv", today=TODAY)
                img = import_export(uow, ExportKind.IMG, exports.img, "img.csv", today=TODAY)
                changed = ncg.updated + img.updated + ncg.phase_changes + img.phase_changes
                return ncg.imported + img.imported + changed, len(ncg.rejected) + len(img.rejected)

            (_, rejected), wall, cpu = _timed(both)
            first.setdefault(backend, []).append((wall, cpu))
            (changes[backend], _), wall, cpu = _timed(both)
            again.setdefault(backend, []).append((wall, cpu))
    assert engine is not None
    try:
        # the samenloop overview on the last (SQLite or PostgreSQL) database, as NCG sees it:
        # the tiles' counts, the places and the first page of the list shown first
        def overview() -> None:
            load_counts(uow)
            places(uow)
            read_page(uow, BENCH_VIEWER, ListQuery(ListId.PROACTIVE))

        t_overview = measure(overview, repeat=5)

        def proactive_list() -> None:
            read_page(uow, BENCH_VIEWER, ListQuery(ListId.PROACTIVE, sort=SortKey.NCG_STATUS))

        t_list = measure(proactive_list, repeat=5)
    finally:
        engine.dispose()
    floor_s = statistics.median(floor_first)
    floor_again_s = statistics.median(floor_again)
    floor_encrypted_s = statistics.median(floor_encrypted)
    label = f"{n_ncg:,} + {n_img:,} regels".replace(",", ".")
    results = [
        BenchResult.info(f"import: vloer (csv + sleutel + executemany), {label}", floor_s, "s"),
        BenchResult.info("import: vloer, zelfde bestanden opnieuw", floor_again_s, "s"),
        BenchResult.info(
            "import: vloer in SQLCipher (versleuteld, als de app)", floor_encrypted_s, "s"
        ),
        BenchResult.at_most("import: afgewezen regels in de voorbeeldexports", rejected, "", 0),
    ]
    limits = {"sqlite": 2.0, "postgresql": 3.0}
    plain_wall, _ = _median(first.pop(PLAIN))
    again.pop(PLAIN)
    encrypted_wall, _ = _median(first["sqlite"])
    results += [
        # what the encryption weighs: the app into a plain file against the (plain) floor,
        # and the app's encrypted import against the floor writing SQLCipher too
        BenchResult.info(
            f"import [{PLAIN}]: NCG + IMG in lege database / vloer", plain_wall / floor_s, "×"
        ),
        BenchResult.info(f"import [{PLAIN}]: NCG + IMG in lege database", plain_wall, "s"),
        BenchResult.info(
            "import [sqlite]: NCG + IMG / vloer in SQLCipher",
            encrypted_wall / floor_encrypted_s,
            "×",
        ),
    ]
    for backend in first:
        first_wall, first_cpu = _median(first[backend])
        re_wall, _ = _median(again[backend])
        results += [
            BenchResult.at_most(
                f"import [{backend}]: NCG + IMG in lege database / vloer",
                first_wall / floor_s,
                "×",
                limits[backend],
            ),
            BenchResult.info(f"import [{backend}]: NCG + IMG in lege database", first_wall, "s"),
            BenchResult.info(f"import [{backend}]: CPU-tijd (dit proces)", first_cpu, "s"),
            BenchResult.at_most(
                f"import [{backend}]: zelfde bestanden opnieuw / vloer",
                re_wall / floor_again_s,
                "×",
                limits[backend],
            ),
            BenchResult.info(f"import [{backend}]: zelfde bestanden opnieuw", re_wall, "s"),
            BenchResult.at_most(
                f"import [{backend}]: opnieuw, wijzigingen", changes[backend], "", 0
            ),
        ]
    results += [
        BenchResult.at_most("samenloop: overzicht openen", t_overview.median_ms, "ms", 300),
        BenchResult.info(
            "samenloop: lijst proactief op NCG-status, eerste pagina", t_list.median_ms, "ms"
        ),
    ]
    return results


def _median(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The run with the median wall-clock time, and its CPU time."""
    return sorted(runs)[len(runs) // 2]
