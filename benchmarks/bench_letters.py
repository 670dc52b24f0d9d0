"""Summary letters: one letter inside a run (2 pages; 3 for a long history), and a run of
every combination dossier.

Targets (issue 5): ≤ 25 ms median per letter inside a run; ~1,400 letters ≤ 45 s on 2 cores.
The per-letter figure is measured the way a run renders (fonts registered, templates and
parsed texts warm, contents bulk-loaded); the run figures include selecting and loading.
"""

from __future__ import annotations

import io
import subprocess
import time
import traceback
from datetime import date
from statistics import median

from benchmarks.floor_letter import libreoffice_batch, plain_letter
from benchmarks.harness import BenchContext, BenchResult
from buddy_desk.choices.rules import Actor
from buddy_desk.core.phases import Organisation
from buddy_desk.letters.render import render_combined, render_letter
from buddy_desk.letters.service import load_letters, run_letters, select_dossiers
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork

TODAY = date(2026, 11, 26)
RUN_TARGET_S = 45.0
LETTER_TARGET_MS = 25.0
# an NCG bewonersbegeleider: letters as gated by the demo's consents (and logged)
VIEWER = Actor("bench", "Benchmark", Organisation.NCG, "bewonersbegeleider")


def _libreoffice(ctx: BenchContext, count: int) -> tuple[float | None, list[BenchResult]]:
    """LibreOffice converting ``count`` plain letters in one batch, or why there is no figure
    (not installed: ``scripts/system-deps.sh --bench`` installs it where it can)."""
    try:
        batch = libreoffice_batch(ctx.work_dir / "office", count)
    except (OSError, RuntimeError, subprocess.SubprocessError):
        traceback.print_exc()
        failed = "brieven: LibreOffice-batch — mislukt (zie stderr)"
        return None, [BenchResult(failed, 0, "", None, False)]
    if batch is None:
        absent = "brieven: LibreOffice-batch — niet geïnstalleerd, niet gemeten"
        return None, [BenchResult.info(absent, 0, "")]
    return batch.seconds, [
        BenchResult.info(
            f"brieven: LibreOffice {count} platte brieven, één batch", batch.seconds, "s"
        ),
        BenchResult.info(
            f"brieven: – gemeten in {batch.calls} aanroepen (minus {batch.calls - 1} starts"
            f" van {batch.startup:.1f} s)",
            batch.total,
            "s",
        ),
    ]


def run(ctx: BenchContext) -> list[BenchResult]:
    uow = UnitOfWork(open_database(ctx.demo_db_url()))
    started = time.perf_counter()
    ids = select_dossiers(uow, VIEWER, combination_only=True)
    select_s = time.perf_counter() - started
    started = time.perf_counter()
    letters = load_letters(uow, ids, TODAY, viewer=VIEWER).letters
    load_ms = (time.perf_counter() - started) * 1000 / max(len(letters), 1)

    sample = letters[:120]
    render_letter(sample[0])  # warm: fonts, templates
    plain_letter()  # warm
    times = []
    floor = []
    # letter and floor alternated: the machine's speed drifts by half within minutes, so
    # the ratio compares letters and floor letters rendered at the same moments
    for i, letter in enumerate(sample):
        t0 = time.perf_counter()
        render_letter(letter)
        times.append((time.perf_counter() - t0) * 1000)
        if i % 2:
            t0 = time.perf_counter()
            plain_letter()
            floor.append((time.perf_counter() - t0) * 1000)
    out = io.BytesIO()
    t0 = time.perf_counter()
    combined_pages = render_combined(sample, out)
    combined_ms = (time.perf_counter() - t0) * 1000 / len(sample)

    folder = ctx.work_dir / "letters"
    result = run_letters(uow, ids, today=TODAY, out_dir=folder, viewer=VIEWER)
    size_kb = sum(p.stat().st_size for p in result.written) / 1024 / max(len(result.written), 1)
    # LibreOffice between the two runs: the machine's speed drifts within minutes
    office_s, office = _libreoffice(ctx, result.letters)
    combined = run_letters(
        uow, ids, today=TODAY, combined=ctx.work_dir / "letters.pdf", viewer=VIEWER
    )
    if office_s is not None:
        office += [
            BenchResult.at_most(
                "brieven: run in map / LibreOffice-batch", result.seconds / office_s, "×", 1.0
            ),
            BenchResult.at_most(
                "brieven: run in één PDF / LibreOffice-batch", combined.seconds / office_s, "×", 1.0
            ),
        ]
    letter_ms, floor_ms = median(times), median(floor)
    return [
        BenchResult.at_most(
            "brieven: één brief in een run / kale platypus-brief", letter_ms / floor_ms, "×", 1.5
        ),
        BenchResult.info(
            "brieven: kale platypus-brief van 2 pagina's (vloer, mediaan)", floor_ms, "ms"
        ),
        *office,
        BenchResult.info("brieven: combinatiedossiers in de run", len(ids), "n"),
        BenchResult.info("brieven: selecteren (31.000 dossiers)", select_s * 1000, "ms"),
        BenchResult.info("brieven: gegevens laden per brief", load_ms, "ms"),
        BenchResult.at_most(
            "brieven: één brief in een run (mediaan, 1 kern)", median(times), "ms", LETTER_TARGET_MS
        ),
        BenchResult.info(
            "brieven: pagina's per brief (gemiddeld)", combined_pages / len(sample), "p"
        ),
        BenchResult.info("brieven: PDF per brief in de map (gemiddeld)", size_kb, "KB"),
        BenchResult.info("brieven: per brief in gecombineerde PDF", combined_ms, "ms"),
        BenchResult.at_most(
            f"brieven: run {result.letters} PDF's in map (procespool)",
            result.seconds,
            "s",
            RUN_TARGET_S,
        ),
        BenchResult.at_most(
            f"brieven: run {combined.letters} brieven in één PDF",
            combined.seconds,
            "s",
            RUN_TARGET_S,
        ),
    ]
