"""No garbage collection walks what start-up made or what the workspaces loaded while the
user works; garbage cycles are still reclaimed, when nobody is looking (ui/heap.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import QObject, Qt
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


def _full_collections_during(work: Callable[[], object]) -> int:
    runs: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 2:
            runs.append(1)

    gc.callbacks.append(seen)
    try:
        work()
    finally:
        gc.callbacks.remove(seen)
    return len(runs)


def _rows() -> list[object]:
    return [[n] for n in range(300_000)]  # a workspace's rows: survivors, many times over


def test_no_full_collection_while_working_and_the_survivors_are_frozen(
    collector: QuietCollector,
) -> None:
    kept: list[object] = []
    assert _full_collections_during(lambda: kept.extend(_rows())) == 0
    frozen = gc.get_freeze_count()
    assert _full_collections_during(collector.tick) == 0
    assert gc.get_freeze_count() >= frozen + len(kept)  # no collection walks them again


def test_a_tick_frees_the_garbage_cycles_made_since_the_last(collector: QuietCollector) -> None:
    garbage = _Node()
    gone = weakref.ref(garbage)
    del garbage
    collector.tick()
    assert gone() is None


def test_a_cycle_dropped_after_it_was_frozen_is_reclaimed_when_the_app_is_left(
    collector: QuietCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    alive = _Node()
    gone = weakref.ref(alive)
    collector.tick()  # frozen with the rest
    del alive
    collector.tick()
    assert gone() is not None  # a frozen cycle waits…
    collector._on_application_state_changed(Qt.ApplicationState.ApplicationInactive)
    assert gone() is not None  # …not too often: the last reclaim was just now…
    monkeypatch.setattr(heap, "RECLAIM_IDLE_S", 0.0)
    collector._on_application_state_changed(Qt.ApplicationState.ApplicationActive)
    assert gone() is not None  # …and not while the user works
    collector._on_application_state_changed(Qt.ApplicationState.ApplicationInactive)
    assert gone() is None


def test_a_full_collection_comes_at_the_latest_after_a_long_while(
    collector: QuietCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    alive = _Node()
    gone = weakref.ref(alive)
    collector.tick()
    del alive
    monkeypatch.setattr(heap, "RECLAIM_MAX_S", 0.0)
    assert _full_collections_during(collector.tick) == 1
    assert gone() is None
