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
