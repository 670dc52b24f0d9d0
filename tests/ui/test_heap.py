"""The garbage collector's full collections run between events, walk only what is new, and
still reclaim every garbage cycle in the end (ui/heap.py, issue 10)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from buddy_desk.ui import heap
from buddy_desk.ui.heap import QuietCollector


class _Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[QuietCollector]:
    owner = QObject()
    before = gc.get_threshold()
    installed = QuietCollector(owner)
    yield installed
    owner.deleteLater()
    qtbot.waitUntil(lambda: gc.get_threshold() == before)
    assert gc.get_freeze_count() == 0


def _full_collections_during(work: object) -> int:
    runs: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            runs.append(1)

    gc.callbacks.append(seen)
    try:
        assert callable(work)
        work()
    finally:
        gc.callbacks.remove(seen)
    return len(runs)


def _allocate_survivors() -> list[object]:
    return [[n] for n in range(300_000)]  # many gen-1 collections' worth of survivors


def test_no_full_collection_runs_while_working_only_when_the_timer_finds_it_due(
    collector: QuietCollector,
) -> None:
    kept: list[object] = []
    assert _full_collections_during(lambda: kept.extend(_allocate_survivors())) == 0
    assert gc.get_count()[2] >= collector.thresholds[2]  # one is due
    assert _full_collections_during(collector.collect_if_due) == 1
    assert _full_collections_during(collector.collect_if_due) == 0  # nothing due now


def test_a_timed_collection_frees_garbage_cycles_and_freezes_the_survivors(
    collector: QuietCollector,
) -> None:
    garbage = _Node()
    gone = weakref.ref(garbage)
    del garbage
    kept = _allocate_survivors()
    frozen = gc.get_freeze_count()
    assert collector.collect_if_due()
    assert gone() is None
    assert gc.get_freeze_count() >= frozen + len(kept)  # not walked by the next one


def test_a_cycle_dropped_after_it_was_frozen_is_reclaimed_in_the_end(
    collector: QuietCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(heap, "RECLAIM_EVERY", 2)
    alive = _Node()
    gone = weakref.ref(alive)
    kept = _allocate_survivors()
    assert collector.collect_if_due()  # freezes ``alive`` with the rest
    del alive, kept
    more = _allocate_survivors()
    assert collector.collect_if_due()  # the second: also walks what was frozen
    assert gone() is None
    assert more
