"""Run the benchmarks: ``python -m benchmarks.run [--scale 1.0] [--only NAME]`` (``make bench``).

Contract for a benchmark module
-------------------------------
Add ``benchmarks/bench_<feature>.py`` with::

    from benchmarks.harness import BenchContext, BenchResult, measure

    def run(ctx: BenchContext) -> list[BenchResult]:
        db = ctx.demo_db_path()          # full-scale demo SQLite file, built once, shared
        t = measure(lambda: work(db), repeat=10)
        return [BenchResult.at_most("mijn feature: iets doen", t.median_ms, "ms", 150)]

- Modules are discovered (``bench_*.py``) and run in name order; ``--only NAME`` runs
  ``bench_NAME.py`` only (``--only demo``; repeatable).
- ``BenchResult(name, value, unit, target, passed)``: ``at_most`` for "lower is better"
  targets, ``info`` for figures without a target.
- ``ctx.scale`` is the demo scale (1.0 = full). ``ctx.demo_db_path()`` is read-only and
  shared; ``ctx.fresh_copy(name)`` gives a private copy for benchmarks that write;
  ``ctx.work_dir`` is a temp dir removed at the end.
- ``harness.measure`` times repeated calls (median/max ms); ``harness.run_probe`` runs a
  module in a fresh process (peak memory, cold start).
- Qt benchmarks run with ``QT_QPA_PLATFORM=offscreen`` (set by ``make bench``, and here if
  unset).

The table is printed and written to ``benchmarks/results.json``; the exit status is 1 if a
target was missed. Record the figures in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import secrets
import sys
import tempfile
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

import benchmarks
from benchmarks.harness import BenchContext, BenchResult

RESULTS = Path(__file__).with_name("results.json")


def discover(only: list[str] | None) -> list[ModuleType]:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(benchmarks.__path__)
        if info.name.startswith("bench_")
    )
    if only:
        wanted = {n if n.startswith("bench_") else f"bench_{n}" for n in only}
        unknown = wanted - set(names)
        if unknown:
            raise SystemExit(f"onbekende benchmark(s): {', '.join(sorted(unknown))}")
        names = [n for n in names if n in wanted]
    return [importlib.import_module(f"benchmarks.{n}") for n in names]


def _format(value: float) -> str:
    return f"{value:,.1f}" if value < 1000 else f"{value:,.0f}"


def print_table(results: list[tuple[str, BenchResult]]) -> None:
    width = max((len(r.name) for _, r in results), default=10)
    print(f"{'benchmark':<{width}}  {'value':>12}  {'target':>12}  result")
    for _, r in results:
        target = f"≤ {_format(r.target)} {r.unit}" if r.target is not None else ""
        verdict = "" if r.target is None else ("ok" if r.passed else "MISSED")
        print(f"{r.name:<{width}}  {_format(r.value):>9} {r.unit:<2}  {target:>12}  {verdict}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="demo scale (1.0 = full)")
    parser.add_argument("--only", action="append", metavar="NAME", help="run bench_NAME only")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results JSON file")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # the benchmark databases are encrypted like every other, with a key for this run only
    # (none of them is filed in the keyring or the key folder)
    os.environ.setdefault("BUDDY_DESK_KEY", secrets.token_hex(32))
    modules = discover(args.only)
    results: list[tuple[str, BenchResult]] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="buddy-desk-bench-") as tmp:
        ctx = BenchContext(scale=args.scale, work_dir=Path(tmp))
        try:
            _run_all(modules, ctx, results, errors)
        finally:
            ctx.close()
    print_table(results)
    payload = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "machine": {
            "python": platform.python_version(),
            "system": platform.platform(),
            "cpus": os.cpu_count(),
        },
        "errors": errors,
        "results": [
            {
                "module": module,
                "name": r.name,
                "value": round(r.value, 3),
                "unit": r.unit,
                "target": r.target,
                "passed": r.passed,
            }
            for module, r in results
        ],
    }
    args.out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if errors:
        print(f"mislukt: {', '.join(errors)}", file=sys.stderr)
    return 1 if errors or not all(r.passed for _, r in results) else 0


def _run_all(
    modules: list[ModuleType],
    ctx: BenchContext,
    results: list[tuple[str, BenchResult]],
    errors: list[str],
) -> None:
    for module in modules:
        label = module.__name__.rsplit(".", 1)[-1]
        print(f"… {label}", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            found: list[BenchResult] = module.run(ctx)
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            errors.append(label)
            continue
        print(f"  {label}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        results.extend((label, r) for r in found)


if __name__ == "__main__":
    sys.exit(main())
