"""Python's garbage collector, kept from stalling the window.

Reference counting frees almost everything the app drops; the cyclic collector is for the
rest. Its full collection walks every object the interpreter tracks: after start-up that is
~240,000 (modules, classes, functions, SQLAlchemy's mappers) plus the rows the workspaces
hold (the samenloop list alone ~100,000 objects). It came every few seconds of work and took
170–320 ms on the full demo database, in whichever thread allocated last — and through the
interpreter lock every other thread, the GUI thread included, stood still with it.

``QuietCollector`` (installed once start-up's warm-up is done):
- freezes what exists then (``gc.freeze``): a frozen object is never walked again, and
  reference counting still frees it when it is dropped;
- leaves the young generations' collections automatic (a few milliseconds each: they walk
  only what was made since the last one) but takes the full collection out of the
  allocation path. Instead, every ``CHECK_MS`` a timer on the GUI thread collects the young
  generations and freezes what survived them, so no collection ever walks the rows a
  workspace loaded;
- reclaims garbage cycles among frozen objects (something alive at a freeze that was dropped
  later: rare, since rows and views drop by reference counting) with one full collection of
  everything when nobody is looking: the app was left for another window and the last
  reclaim is ``RECLAIM_IDLE_S`` ago, or at the latest every ``RECLAIM_MAX_S``.
Removing it (the window closes) gives the collector its own rules back.
"""

from __future__ import annotations

import gc
import logging
import time

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication

log = logging.getLogger(__name__)

CHECK_MS = 10_000
"""How often the young generations' survivors are frozen."""
RECLAIM_IDLE_S = 300.0
"""A full collection when the app is left for another window, at most this often."""
RECLAIM_MAX_S = 1800.0
"""A full collection at the latest after this long, whatever the user does."""
_NEVER = 1 << 30
_installed: list[tuple[int, int, int]] = []  # the collector's own thresholds, per collector


class QuietCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # a second window's collector finds the thresholds the first one set
        self.thresholds = _installed[0] if _installed else gc.get_threshold()
        _installed.append(self.thresholds)
        gc.freeze()
        log.info("start-up objects frozen: %d", gc.get_freeze_count())
        young, middle, _full = self.thresholds
        gc.set_threshold(young, middle, _NEVER)
        self.reclaimed_at = time.monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.applicationStateChanged.connect(self._on_application_state_changed)
        self.destroyed.connect(_removed)  # a plain function: this object is gone by then

    def tick(self) -> None:
        if time.monotonic() - self.reclaimed_at >= RECLAIM_MAX_S:
            self.reclaim()
            return
        gc.collect(1)  # what was made since the last tick: garbage goes, survivors stay…
        gc.freeze()  # …and are never walked again

    def reclaim(self) -> int:
        """One full collection of everything, frozen or not; returns what it freed."""
        gc.unfreeze()
        freed = gc.collect()
        gc.freeze()
        self.reclaimed_at = time.monotonic()
        log.info("full garbage collection: %d objects freed", freed)
        return freed

    def _on_application_state_changed(self, state: Qt.ApplicationState) -> None:
        idle = state is not Qt.ApplicationState.ApplicationActive
        if idle and time.monotonic() - self.reclaimed_at >= RECLAIM_IDLE_S:
            self.reclaim()


def _removed(*_args: object) -> None:
    thresholds = _installed.pop()
    if not _installed:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
