"""Memory and time per workspace: the main window visits every workspace tab, then searches
and opens dossiers, in a fresh process.

``python -m benchmarks.bench_workspaces URL [--org NCG|IMG|none]`` starts the main window
offscreen on URL (signed in as a supervisor of ``--org``, NCG unless told: the consent gate
decides what a workspace reads), waits for the list and the warm-up after the first paint,
then for each workspace tab in turn: switches to it and waits until its data is shown (the
page built, no job left on the workers and none started for 300 ms). Then it types a few
searches into the dossier list and opens a few dossiers. It prints ONE JSON line:

- ``peak_mb``: the process's peak resident memory (``VmHWM``, as ``bench_ui``);
- ``rss_end_mb``, ``rss_start_mb``: resident memory at the end and once the list was there;
- ``workspaces``: per workspace (its tab's object name) the memory it added (``added_mb``,
  RSS after its data is shown minus before the switch) and the wall and CPU seconds (every
  thread's) from the switch to its data shown.

Target (issue 16, item 5): peak ≤ 400 MB after this use. ``run`` puts each workspace's time
beside a floor measured in the same run (``benchmarks.floor_window``: a bare PySide6 window
that reads 50 rows from the same database), as a ratio.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from benchmarks.harness import BenchContext, BenchResult

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PEAK_TARGET_MB = 400.0
QUIET_S = 0.3
"""A workspace's data counts as shown once no job ran on the workers for this long (a view
may start a second read from the first one's result, or after a short debounce)."""
TIMEOUT_S = 180.0
SEARCHES = ("9", "97", "971", "9712", "kerk", "ker", "")
DOSSIERS = 5


def _status_mb(field: str) -> float:
    """``VmRSS`` / ``VmHWM`` of this process from ``/proc/self/status`` (MB)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def _until_quiet(app: Any, window: Any, ready: Any = None) -> float:
    """Process events until ``ready()`` holds and the workers stayed idle for ``QUIET_S``;
    returns the moment (``perf_counter``) that quiet began: after the events in which the
    last work was done."""
    quiet_since: float | None = None
    deadline = time.perf_counter() + TIMEOUT_S
    while time.perf_counter() < deadline:
        app.processEvents()
        now = time.perf_counter()
        if (ready is not None and not ready()) or not window.ctx.tasks.wait(0):
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= QUIET_S:
            return quiet_since
        time.sleep(0.005)
    raise TimeoutError("the window did not settle")


def probe(url: str, organisation: str | None) -> dict[str, Any]:
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork
    from buddy_desk.ui.app import build_window, ensure_application
    from buddy_desk.ui.context import UserProfile
    from buddy_desk.ui.screenshot import wait_until_loaded
    from buddy_desk.ui.settings import AppSettings
    from buddy_desk.ui.widgets.lazy_page import LazyPage

    app = ensure_application()
    uow = UnitOfWork(open_database(url, create=False))
    user = UserProfile("bench", "Bench", organisation, "supervisor" if organisation else None)
    window = build_window(url, uow, user, AppSettings())
    window.resize(1366, 768)
    window.show()
    wait_until_loaded(window)
    # the warm-up after the first paint (ORM, models, workspaces' modules) is start-up's
    _until_quiet(app, window, lambda: window.warmed_up)
    rss_start = _status_mb("VmRSS")
    workspaces: dict[str, dict[str, float]] = {}
    for index in range(1, window.tabs.count()):
        page = window.tabs.widget(index)
        assert page is not None
        name = page.objectName().removeprefix("lazy.") or str(index)
        before = _status_mb("VmRSS")
        started, cpu_started = time.perf_counter(), time.process_time()
        window.tabs.setCurrentIndex(index)
        ready = (lambda p=page: p.built) if isinstance(page, LazyPage) else None
        shown = _until_quiet(app, window, ready)
        workspaces[name] = {
            "added_mb": round(_status_mb("VmRSS") - before, 1),
            "wall_s": round(shown - started, 3),
            # up to the quiet moment: the idle polling after it is the probe's own
            "cpu_s": round(time.process_time() - cpu_started, 3),
        }
    window.tabs.setCurrentIndex(0)
    view = window.list_view
    for text in SEARCHES:
        view.search.setText(text)
        _until_quiet(app, window)
    for row in range(min(DOSSIERS, view.model.visible_count)):
        wanted = view.model.row_at(row * 7).id if row * 7 < view.model.visible_count else None
        if wanted is None:
            break
        window.ctx.events.open_dossier_requested.emit(wanted)
        _until_quiet(app, window, lambda w=wanted: w in window.open_dossiers())
    return {
        "peak_mb": round(_status_mb("VmHWM"), 1),
        "rss_end_mb": round(_status_mb("VmRSS"), 1),
        "rss_start_mb": round(rss_start, 1),
        "organisation": organisation,
        "dossiers": view.model.total_count,
        "workspaces": workspaces,
    }


def run(ctx: BenchContext) -> list[BenchResult]:
    import statistics

    from benchmarks.bench_ui import _floor_key
    from benchmarks.harness import BenchResult, run_probe

    results: list[BenchResult] = []
    bytecode = ctx.work_dir / "pycache"
    for backend, url in ctx.database_urls().items():
        tag = f"workspaces [{backend}, scale {ctx.scale:g}]"
        key = _floor_key(url)
        run_probe("benchmarks.floor_window", url, bytecode_dir=bytecode, env=key)  # compiles
        floors = [
            run_probe("benchmarks.floor_window", url, bytecode_dir=bytecode, env=key)["start_s"]
        ]
        figures: dict[str, Any] = run_probe(
            "benchmarks.bench_workspaces", url, bytecode_dir=bytecode
        )
        floors.append(
            run_probe("benchmarks.floor_window", url, bytecode_dir=bytecode, env=key)["start_s"]
        )
        floor = statistics.median(floors)
        results.append(
            BenchResult.at_most(
                f"{tag}: peak memory after every workspace, searches, dossiers / 400 MB",
                figures["peak_mb"] / PEAK_TARGET_MB,
                "×",
                1.0,
            )
        )
        results.append(BenchResult.info(f"{tag}: peak memory", figures["peak_mb"], "MB"))
        results.append(BenchResult.info(f"{tag}: memory at the end", figures["rss_end_mb"], "MB"))
        results.append(BenchResult.info(f"{tag}: floor, bare window start", floor, "s"))
        for name, w in figures["workspaces"].items():
            results.append(BenchResult.info(f"{tag}: {name}, memory added", w["added_mb"], "MB"))
            results.append(
                BenchResult.info(
                    f"{tag}: {name}, until its data is shown / floor ({w['wall_s']:.2f} s, "
                    f"CPU {w['cpu_s']:.2f} s)",
                    w["wall_s"] / floor,
                    "×",
                )
            )
    return results


def _main(argv: list[str]) -> None:
    url = argv[0]
    organisation: str | None = "NCG"
    if "--org" in argv:
        chosen = argv[argv.index("--org") + 1].upper()
        organisation = None if chosen == "NONE" else chosen
    figures = probe(url, organisation)
    print(json.dumps(figures), flush=True)
    os._exit(0)  # the figures are out; skip tearing down live Qt objects


if __name__ == "__main__":
    _main(sys.argv[1:])
