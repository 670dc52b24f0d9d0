"""The benchmark contract: ``BenchContext`` in, ``list[BenchResult]`` out (see run.py).

Nothing of the app is imported at the top: the start-up probes import this module too, and
their clock must see only what the app itself loads.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

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
    # this process's peak resident memory once the SQLite demo was built (the demo is the
    # first big thing a run does, so this is the build's peak: ``bench_demo`` prints it)
    demo_peak_mb: float | None = None
    _demo_db: Path | None = field(default=None, repr=False)
    _stack: ExitStack = field(default_factory=ExitStack, repr=False)
    _pg_base: str | None = field(default=None, repr=False)
    _pg_demo: str | None = field(default=None, repr=False)
    pg_demo_build_seconds: float | None = None

    def close(self) -> None:
        """Stop what the benchmarks started (the PostgreSQL server)."""
        self._stack.close()

    def pg_base(self) -> str | None:
        """A local throwaway PostgreSQL server's URL template (``{db}``), started once;
        None when this machine has no PostgreSQL binaries."""
        if self._pg_base is None:
            from tests.pg_server import find_bin_dir, throwaway_server

            bin_dir = find_bin_dir()
            if bin_dir is None:
                return None
            self._pg_base = self._stack.enter_context(throwaway_server(bin_dir))
        return self._pg_base

    def new_pg_url(self, name: str) -> str | None:
        """An empty database ``name`` on the local server (None without PostgreSQL)."""
        from sqlalchemy import create_engine

        base = self.pg_base()
        if base is None:
            return None
        admin = create_engine(base.format(db="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        return base.format(db=name)

    def pg_demo_url(self) -> str | None:
        """The demo at ``scale`` in PostgreSQL, built once (None without PostgreSQL)."""
        from buddy_desk.demo.generator import generate
        from buddy_desk.persistence.schema import open_database

        if self._pg_demo is None:
            url = self.new_pg_url("demo")
            if url is None:
                return None
            engine = open_database(url, create=True)
            try:
                started = time.perf_counter()
                generate(engine, seed=DEMO_SEED, scale=self.scale, replace=True)
                self.pg_demo_build_seconds = time.perf_counter() - started
                with engine.connect() as conn:
                    conn.exec_driver_sql("ANALYZE")
            finally:
                engine.dispose()
            self._pg_demo = url
        return self._pg_demo

    def database_urls(self) -> dict[str, str]:
        """The demo database per backend: SQLite always, PostgreSQL when available."""
        urls = {"sqlite": self.demo_db_url()}
        pg = self.pg_demo_url()
        if pg is not None:
            urls["postgresql"] = pg
        return urls

    def demo_db_path(self) -> Path:
        from buddy_desk.demo.generator import generate
        from buddy_desk.persistence.engine import pragma_outside_transaction
        from buddy_desk.persistence.schema import open_database

        if self._demo_db is None:
            path = self.work_dir / f"demo-{self.scale:g}.sqlite"
            engine = open_database(f"sqlite:///{path}", create=True)
            try:
                started = time.perf_counter()
                stats = generate(engine, seed=DEMO_SEED, scale=self.scale, replace=True)
                self.demo_build_seconds = time.perf_counter() - started
                self.demo_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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


def run_probe(
    module: str, *args: str, bytecode_dir: Path | None = None, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Run ``python -m module args`` in a fresh process; it prints one JSON object last.

    For figures a warm benchmark process would distort: peak memory (the child's ``VmHWM``:
    its ``ru_maxrss`` starts at this process's peak, see ``bench_ui._peak_mb``), cold start
    times. ``bytecode_dir``: the child keeps the
    compiled bytecode of every module there (``PYTHONPYCACHEPREFIX``), as an installed app
    has it, even where the shell sets ``PYTHONDONTWRITEBYTECODE`` (then each start would
    compile the app's own modules again, a cost no user pays).
    """
    child_env = {**os.environ, **(env or {})}
    if bytecode_dir is not None:
        child_env.pop("PYTHONDONTWRITEBYTECODE", None)
        child_env["PYTHONPYCACHEPREFIX"] = str(bytecode_dir)
    done = subprocess.run(
        [sys.executable, "-m", module, *args],
        capture_output=True,
        text=True,
        check=False,
        env=child_env,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    last = done.stdout.strip().splitlines()[-1]
    data: dict[str, float] = json.loads(last)
    return data
