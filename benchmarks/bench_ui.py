"""UI figures: start to a usable window, keystroke → updated list, open a dossier, memory.

Targets (issue 2): start ≤ 2 s, keystroke ≤ 50 ms, open a dossier ≤ 150 ms, memory ≤ 400 MB.
Start and memory are measured in a fresh process (``python -m benchmarks.bench_ui DB``).
"""

from __future__ import annotations

import time

_PROCESS_T0 = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

from benchmarks.harness import BenchContext, BenchResult, run_probe  # noqa: E402

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
    """Fresh process: time to a usable window, then the peak memory after typical use."""
    from PySide6.QtWidgets import QApplication

    from buddy_desk.ui.main_window import MainWindow

    window = _window(url)
    assert isinstance(window, MainWindow)
    app = QApplication.instance()
    assert app is not None
    app.processEvents()
    start_s = time.perf_counter() - _PROCESS_T0
    view = window.list_view
    for text in ("9", "97", "971", "9712", "kerk", "ker", ""):
        view.search.setText(text)
    for row in range(min(5, view.model.visible_count)):
        window.open_dossier(view.model.row_at(row).id)
    app.processEvents()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    window.ctx.tasks.wait(5000)
    print(json.dumps({"start_s": start_s, "peak_mb": peak_mb}), flush=True)
    # The probe's figures are out; skip interpreter teardown of the still-live Qt objects
    # (PySide6 6.12 on Python 3.11 may abort there, which would fail the benchmark).
    os._exit(0)


def run(ctx: BenchContext) -> list[BenchResult]:
    from PySide6.QtWidgets import QApplication

    from buddy_desk.ui.main_window import MainWindow

    url = ctx.demo_db_url()
    cold = run_probe("benchmarks.bench_ui", url)
    window = _window(url)
    assert isinstance(window, MainWindow)
    app = QApplication.instance()
    assert app is not None
    view = window.list_view
    total = view.model.total_count
    sample = view.model.row_at(total // 2)
    query = f"{sample.straat} {sample.huisnummer}"
    keystrokes: list[float] = []
    for _round in range(3):
        view.search.clear()
        app.processEvents()
        for i in range(1, len(query) + 1):
            started = time.perf_counter()
            view.search.setText(query[:i])  # textChanged → filter → model reset
            app.processEvents()  # …and the repaint
            keystrokes.append((time.perf_counter() - started) * 1000)
        for i in range(len(query) - 1, -1, -1):  # backspacing widens the list again
            started = time.perf_counter()
            view.search.setText(query[:i])
            app.processEvents()
            keystrokes.append((time.perf_counter() - started) * 1000)
    keystrokes.sort()
    opens: list[float] = []
    ids = [view.model.row_at(i * total // 12).id for i in range(12)]
    for dossier_id in ids:
        started = time.perf_counter()
        window.open_dossier(dossier_id)
        app.processEvents()
        opens.append((time.perf_counter() - started) * 1000)
        window.close_current_tab()
    opens.sort()
    window.ctx.tasks.wait(5000)
    window.close()
    return [
        BenchResult.at_most("ui: start to usable window", cold["start_s"], "s", 2.0),
        BenchResult.at_most(
            "ui: keystroke → updated list (p95)",
            keystrokes[int(len(keystrokes) * 0.95) - 1],
            "ms",
            50,
        ),
        BenchResult.info("ui: keystroke → updated list (max)", keystrokes[-1], "ms"),
        BenchResult.at_most("ui: open a dossier (median)", opens[len(opens) // 2], "ms", 150),
        BenchResult.info("ui: open a dossier (max)", opens[-1], "ms"),
        BenchResult.at_most("ui: peak memory", cold["peak_mb"], "MB", 400),
        BenchResult.info("ui: dossiers in the list", total, "dossiers"),
    ]


if __name__ == "__main__":
    probe(sys.argv[1])
