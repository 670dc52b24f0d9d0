"""The benchmark contract: ``BenchContext`` in, ``list[BenchResult]`` out (see run.py)."""

from __future__ import annotations

import gc
import json
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from buddy_desk.demo.generator import generate
from buddy_desk.persistence.engine import pragma_outside_transaction
from buddy_desk.persistence.schema import open_database

DEMO_SEED = 2021


@dataclass(frozen=True)
class BenchResult:
    """One measured figure. ``passed`` is whether it meets ``target`` (lower is better)."""

    name: str
    value: float
    unit: str
    target: float | None = None
    passed: bool = True

    @classmethod
    def at_most(cls, name: str, value: float, unit: str, target: float) -> BenchResult:
        return cls(name, value, unit, target, value <= target)

    @classmethod
    def info(cls, name: str, value: float, unit: str) -> BenchResult:
        """A figure without a target (reported, never failing)."""
        return cls(name, value, unit, None, True)


@dataclass
class BenchContext:
    """What every ``bench_*.run`` gets: the scale and a prepared demo database.

    ``demo_db_path()`` builds a demo SQLite database at ``scale`` (seed ``DEMO_SEED``) into
    ``work_dir`` the first time it is asked for, and hands out the same file afterwards.
    Treat it as read-only; copy it (``fresh_copy()``) if your benchmark writes.
    """

    scale: float
    work_dir: Path
    demo_build_seconds: float | None = None  # wall time of ``generate`` when it was built
    demo_step_seconds: dict[str, float] = field(default_factory=dict)  # core, each extras
    _demo_db: Path | None = field(default=None, repr=False)

    def demo_db_path(self) -> Path:
        if self._demo_db is None:
            path = self.work_dir / f"demo-{self.scale:g}.sqlite"
            engine = open_database(f"sqlite:///{path}", create=True)
            try:
                started = time.perf_counter()
                stats = generate(engine, seed=DEMO_SEED, scale=self.scale, replace=True)
                self.demo_build_seconds = time.perf_counter() - started
                self.demo_step_seconds = dict(stats.seconds)
                with engine.connect() as conn:  # a checkpoint runs outside a transaction
                    pragma_outside_transaction(conn, "PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                engine.dispose()
            self._demo_db = path
        return self._demo_db

    def demo_db_url(self) -> str:
        return f"sqlite:///{self.demo_db_path()}"

    def fresh_copy(self, name: str) -> Path:
        """A private copy of the demo database for a benchmark that writes."""
        target = self.work_dir / f"{name}.sqlite"
        shutil.copyfile(self.demo_db_path(), target)
        return target


@dataclass(frozen=True)
class Timing:
    """Wall-clock times of repeated calls, in milliseconds."""

    median_ms: float
    max_ms: float
    runs: int


def measure(fn: Callable[[], object], *, repeat: int = 10, warmup: int = 1) -> Timing:
    """Call ``fn`` ``warmup`` times unmeasured, then ``repeat`` times; GC runs in between."""
    for _ in range(warmup):
        fn()
    times: list[float] = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return Timing(statistics.median(times), max(times), repeat)


def run_probe(module: str, *args: str) -> dict[str, float]:
    """Run ``python -m module args`` in a fresh process; it prints one JSON object last.

    For figures a warm benchmark process would distort: peak memory (``resource.getrusage``
    ``ru_maxrss`` in the child), cold start times.
    """
    done = subprocess.run(
        [sys.executable, "-m", module, *args], capture_output=True, text=True, check=True
    )
    last = done.stdout.strip().splitlines()[-1]
    data: dict[str, float] = json.loads(last)
    return data
