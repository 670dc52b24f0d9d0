"""UI figures per database (SQLite; PostgreSQL when its binaries are here): start to a
usable window as a ratio to a bare-window floor, keystroke → updated list, open a dossier,
memory.

Targets (issue 16): start ≤ 1.5× the floor (``benchmarks.floor_window``: bare PySide6 window,
SQLAlchemy imported, a 50-row table from the same database), keystroke p95 ≤ 50 ms, open a
dossier ≤ 150 ms, memory after typical use ≤ 400 MB. Start and memory are measured in fresh
processes (``python -m benchmarks.bench_ui URL`` prints ``start_s`` and ``peak_mb``; the app
starts through the ``buddy-desk`` entry point, see ``probe``), the app's and the floor's
alternated, medians of five, with compiled bytecode as an installed app has it.
"""

from __future__ import annotations

import time

_PROCESS_T0 = time.perf_counter()

import gc  # noqa: E402
import importlib.abc  # noqa: E402
import importlib.machinery  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from types import ModuleType

    from benchmarks.harness import BenchContext, BenchResult

# The harness (subprocess, statistics, dataclasses…) is imported where the harness runs, not
# at the top: the start-up probe imports this module, and the floor window imports none of it.

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _window(url: str) -> object:
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork
    from buddy_desk.ui.app import build_window
    from buddy_desk.ui.context import UserProfile
    from buddy_desk.ui.screenshot import wait_until_loaded
    from buddy_desk.ui.settings import AppSettings

    uow = UnitOfWork(open_database(url, create=False))
    window = build_window(url, uow, UserProfile("bench", "Bench"), AppSettings())
    window.resize(1366, 768)
    window.show()
    wait_until_loaded(window)
    return window


def probe(url: str) -> None:
    """Fresh process: ``buddy-desk --db URL`` to a usable window (the list's first page
    painted), then the peak memory after typical use.

    The app starts as a user starts it: through the ``buddy-desk`` entry point
    (``buddy_desk.__main__.main``: the command line's option parsing, logging, settings,
    profile), not through ``build_window``, which left out what the command line costs
    (until 2026-12-07 that was the full parser with every feature's commands and the ORM,
    ~0.6 s). Its settings are a file of its own in a temporary config folder (a profile, so
    no first-start question, and the user's own settings untouched); the database key is
    passed as ``BUDDY_DESK_KEY``, found the way the app finds it. Only the event loop is the
    probe's (``run_app``'s ``exec_loop``, set as ``buddy_desk.ui.app`` is imported, so the
    app's modules load in the app's own order): it shows the window, waits for the first
    page, measures, and uses the app for a moment.
    """
    config = _app_config(url)

    def measure(app: Any, window: Any) -> int:
        from PySide6.QtCore import QEventLoop, QTimer
        from PySide6.QtWidgets import QApplication

        from buddy_desk.ui.main_window import MainWindow

        assert isinstance(app, QApplication) and isinstance(window, MainWindow)
        window.resize(1366, 768)
        window.show()
        if not window.list_view.loaded:
            loop = QEventLoop()
            window.list_view.rows_loaded.connect(loop.quit)
            QTimer.singleShot(60_000, loop.quit)
            loop.exec()
        app.processEvents()
        start_s = time.perf_counter() - _PROCESS_T0
        cpu_s = time.process_time()  # every thread's, the warm-up's too
        first_page = {"modules": len(sys.modules), "orm": "sqlalchemy.orm" in sys.modules}
        first_page["collector_paused"] = not gc.isenabled()
        view = window.list_view
        for text in ("9", "97", "971", "9712", "kerk", "ker", ""):
            view.search.setText(text)
        for row in range(min(5, view.model.visible_count)):
            window.open_dossier(view.model.row_at(row).id)
        app.processEvents()
        peak_mb = _peak_mb()
        window.ctx.tasks.wait(5000)
        figures = {"start_s": start_s, "cpu_s": cpu_s, "peak_mb": peak_mb}
        print(json.dumps(figures | {"at_first_page": first_page}), flush=True)
        import shutil

        shutil.rmtree(config, ignore_errors=True)
        # The probe's figures are out; skip interpreter teardown of the still-live Qt objects
        # (PySide6 6.12 on Python 3.11 may abort there, which would fail the benchmark).
        os._exit(0)

    sys.meta_path.insert(0, _ExecLoopHook(measure))
    from buddy_desk.__main__ import main

    code = main(["--db", url])
    raise SystemExit(f"the app did not start (exit {code})")


class _ExecLoopHook(importlib.abc.MetaPathFinder):
    """Imports ``buddy_desk.ui.app`` as usual, then makes ``exec_loop`` the probe's."""

    def __init__(self, exec_loop: Callable[[Any, Any], int]) -> None:
        self.exec_loop = exec_loop

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if name != "buddy_desk.ui.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        assert spec is not None and spec.loader is not None
        loader = spec.loader
        exec_module = loader.exec_module
        exec_loop = self.exec_loop

        def exec_then_set(module: ModuleType) -> None:
            exec_module(module)
            defaults = module.run_app.__kwdefaults__
            defaults["exec_loop"] = exec_loop

        loader.exec_module = exec_then_set  # type: ignore[method-assign]
        return spec


def _peak_mb() -> float:
    """The process's peak resident memory (MB). On Linux ``ru_maxrss`` also holds the peak of
    the process image it was started from (``exec`` carries it over): a probe started by the
    harness read the harness's own 300 MB and more. The memory map's own mark (``VmHWM``) is
    the app's alone."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


APP_KEY_ENV = "BUDDY_DESK_KEY"
"""``encryption.KEY_ENV``: not imported here, so that the app's modules load in its own order
(``buddy_desk.__main__`` pauses the garbage collector before its first import)."""


def _app_config(url: str) -> Path:
    """A temporary config folder (``XDG_CONFIG_HOME``) whose settings hold a profile; the
    database's key as ``BUDDY_DESK_KEY`` unless the harness passed it (the key files stay in
    the user's config folder)."""
    import tempfile
    from pathlib import Path

    if APP_KEY_ENV not in os.environ:  # run by hand: found as the app finds it
        for key in _floor_key(url).values():
            os.environ[APP_KEY_ENV] = key
    config = Path(tempfile.mkdtemp(prefix="bench-ui-config-"))
    os.environ["XDG_CONFIG_HOME"] = str(config)
    folder = config / "BuddyDesk"  # config.config_dir() under XDG_CONFIG_HOME (Linux)
    folder.mkdir()
    profile = {"username": "bench", "display_name": "Bench"}
    (folder / "settings.json").write_text(json.dumps({"profile": profile}), encoding="utf-8")
    return config


START_ROUNDS = 5
START_RATIO = 1.5


def _start_ratio(url: str, bytecode: Path) -> tuple[float, float, float, float, float]:
    """Median start of the app and of the floor window, probes alternated in fresh
    processes, with compiled bytecode as installed (one untimed start each writes it); the
    ratio of the medians (wall clock, and CPU time of the process); the app's largest peak
    memory."""
    import statistics

    from benchmarks.harness import run_probe

    app_s: list[float] = []
    floor_s: list[float] = []
    app_cpu: list[float] = []
    floor_cpu: list[float] = []
    peak = 0.0
    key = _floor_key(url)
    app_key = {APP_KEY_ENV: next(iter(key.values()))} if key else {}
    run_probe("benchmarks.floor_window", url, bytecode_dir=bytecode, env=key)
    run_probe("benchmarks.bench_ui", url, bytecode_dir=bytecode, env=app_key)
    for _ in range(START_ROUNDS):
        floor = run_probe("benchmarks.floor_window", url, bytecode_dir=bytecode, env=key)
        floor_s.append(floor["start_s"])
        floor_cpu.append(floor["cpu_s"])
        cold = run_probe("benchmarks.bench_ui", url, bytecode_dir=bytecode, env=app_key)
        app_s.append(cold["start_s"])
        app_cpu.append(cold["cpu_s"])
        peak = max(peak, cold["peak_mb"])
    app, floor_median = statistics.median(app_s), statistics.median(floor_s)
    cpu_ratio = statistics.median(app_cpu) / statistics.median(floor_cpu)
    return app, floor_median, app / floor_median, cpu_ratio, peak


def _floor_key(url: str) -> dict[str, str]:
    """The key of an encrypted SQLite file for the floor window (found as the app finds it:
    the floor opens the same file, not a plain copy)."""
    from benchmarks.floor_window import KEY_ENV
    from buddy_desk.persistence.encryption import find_key, is_plain_sqlite
    from buddy_desk.persistence.engine import sqlite_path

    path = sqlite_path(url)
    if path is None or is_plain_sqlite(path):
        return {}
    key = find_key(path)
    return {KEY_ENV: key.hex} if key is not None else {}


def _queries(view: object) -> list[str]:
    """What people type: a street and number, a surname, a postcode with a space, a case
    number — taken from rows in the middle of the list."""
    from buddy_desk.ui.dossiers.list_view import DossierListView

    assert isinstance(view, DossierListView)
    model = view.model
    sample = model.row_at(min(30, model.visible_count - 1))
    other = model.row_at(min(45, model.visible_count - 1))
    surname = (other.resident.split() or ["jansen"])[-1]
    queries = [f"{sample.straat} {sample.huisnummer}", surname, sample.postcode_text]
    if other.zaaknummers:
        queries.append(other.zaaknummers[0])
    return queries


def _wait_until_warm(window: object, app: object, timeout_s: float = 60.0) -> None:
    """Until the warm-up after the first paint (ORM, models, workspaces' modules) is done."""
    from PySide6.QtWidgets import QApplication

    from buddy_desk.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and isinstance(app, QApplication)
    deadline = time.perf_counter() + timeout_s
    while not window.warmed_up and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.01)
    window.ctx.tasks.wait(int(timeout_s * 1000))
    app.processEvents()


def _keystrokes(window: object, app: object) -> tuple[list[float], list[float]]:
    from PySide6.QtWidgets import QApplication

    from buddy_desk.ui.main_window import MainWindow

    assert isinstance(window, MainWindow) and isinstance(app, QApplication)
    view = window.list_view
    times: list[float] = []
    cpu: list[float] = []
    for query in _queries(view):
        view.search.clear()
        app.processEvents()
        steps = [query[:i] for i in range(1, len(query) + 1)]
        steps += [query[:i] for i in range(len(query) - 1, -1, -1)]  # backspacing
        for text in steps:
            started, cpu_started = time.perf_counter(), time.process_time()
            view.search.setText(text)  # textChanged → first page from the database
            app.processEvents()  # …and the repaint
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        window.ctx.tasks.wait(5000)  # the counts of this query, before the next
    return sorted(times), sorted(cpu)


def run(ctx: BenchContext) -> list[BenchResult]:
    from PySide6.QtWidgets import QApplication

    from benchmarks.harness import BenchResult
    from buddy_desk.ui.main_window import MainWindow

    results: list[BenchResult] = []
    for backend, url in ctx.database_urls().items():
        tag = f"ui [{backend}, scale {ctx.scale:g}]"
        app_s, floor_s, ratio, cpu_ratio, peak = _start_ratio(url, ctx.work_dir / "pycache")
        results += [
            BenchResult.at_most(f"{tag}: start / bare window", ratio, "×", START_RATIO),
            BenchResult.info(f"{tag}: start / bare window, CPU time", cpu_ratio, "×"),
            BenchResult.info(f"{tag}: start to usable window (median)", app_s, "s"),
            BenchResult.info(f"{tag}: floor, bare PySide6 + SQLAlchemy window", floor_s, "s"),
        ]
        window = _window(url)
        assert isinstance(window, MainWindow)
        app = QApplication.instance()
        assert app is not None
        _wait_until_warm(window, app)  # the steady state: start-up has its own figure
        keystrokes, cpu = _keystrokes(window, app)
        view = window.list_view
        total = view.model.total_count
        opens: list[float] = []
        ids = [view.model.row_at(i * 20).id for i in range(12)]
        for dossier_id in ids:
            started = time.perf_counter()
            window.open_dossier(dossier_id)
            app.processEvents()
            opens.append((time.perf_counter() - started) * 1000)
            window.close_current_tab()
        opens.sort()
        window.ctx.tasks.wait(5000)
        window.close()
        p95 = keystrokes[max(0, int(len(keystrokes) * 0.95) - 1)]
        results += [
            BenchResult.at_most(f"{tag}: keystroke → updated list (p95)", p95, "ms", 50),
            BenchResult.info(f"{tag}: keystroke → updated list (max)", keystrokes[-1], "ms"),
            BenchResult.info(
                f"{tag}: keystroke, CPU time (p95)", cpu[max(0, int(len(cpu) * 0.95) - 1)], "ms"
            ),
            BenchResult.info(f"{tag}: keystrokes measured", len(keystrokes), ""),
            BenchResult.at_most(
                f"{tag}: open a dossier (median)", opens[len(opens) // 2], "ms", 150
            ),
            BenchResult.at_most(f"{tag}: peak memory after typical use", peak, "MB", 400),
            BenchResult.info(f"{tag}: dossiers", total, ""),
        ]
    return results


if __name__ == "__main__":
    probe(sys.argv[1])
