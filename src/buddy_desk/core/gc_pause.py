"""Pausing Python's cyclic garbage collector while a service builds a mass of objects."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic collector, and put it back as it was.

    Loading the dossier list or importing an export creates a few hundred thousand rows,
    tuples and strings, none of them in a cycle: reference counting frees them all, while
    every collection the allocations set off walks all of them (a third of the time;
    benchmarks/bench_demo.py, bench_import.py).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


_paused_for_start: list[bool] = []


def pause_for_start() -> None:
    """Pause the cyclic collector from the process's first line until ``resume_after_start``.

    Starting the app imports ~450 modules and builds the window: hundreds of thousands of
    objects, none of them garbage in a cycle, which the collector walked again and again
    (~10 % of the time to the first page). The app resumes it once its first page has
    painted; any other command as soon as it is known not to be the app.
    """
    if gc.isenabled():
        gc.disable()
        _paused_for_start.append(True)


def resume_after_start() -> None:
    """The collector back on, if ``pause_for_start`` paused it (again: nothing)."""
    if _paused_for_start:
        _paused_for_start.clear()
        gc.enable()
