"""Python's garbage collector, kept from stalling the window.

Reference counting frees almost everything the app drops; the cyclic collector is for the
rest. Its full collection walks every object the interpreter tracks: after start-up that is
~240,000 (modules, classes, functions, SQLAlchemy's mappers) plus the rows the workspaces
hold (the samenloop list alone ~100,000 objects). It came every few seconds of work and took
170–320 ms on the full demo database, in whichever thread allocated last — and through the
interpreter lock every other thread, the GUI thread included, stood still with it.

``QuietCollector`` (installed once start-up's warm-up is done):
- freezes what exists then (``gc.freeze``): it lives as long as the app, and a frozen object
  is never walked again (reference counting still frees it when it is dropped);
- leaves the young generations' collections automatic (a few milliseconds each) but takes
  the full collection out of the allocation path: a timer on the GUI thread runs it between
  events when it is due, then freezes the survivors, so the next one walks only what was
  made since;
- every ``RECLAIM_EVERY``-th time unfreezes first, so garbage cycles among frozen objects
  (something alive at a freeze and dropped later) are reclaimed too.
Removing it (the window closes) gives the collector its own rules back.
"""

from __future__ import annotations

import gc
import logging

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

CHECK_MS = 10_000
"""How often the timer looks whether a full collection is due."""
RECLAIM_EVERY = 30
"""Every so many timed full collections also walk what earlier ones froze (~5 minutes of
steady work at the least)."""
_NEVER = 1 << 30
_installed: list[tuple[int, int, int]] = []  # the collector's own thresholds, per collector


class QuietCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # a second window's collector finds the thresholds the first one set
        self.thresholds = _installed[0] if _installed else gc.get_threshold()
        _installed.append(self.thresholds)
        self.rounds = 0
        gc.freeze()
        log.info("start-up objects frozen: %d", gc.get_freeze_count())
        young, middle, _full = self.thresholds
        gc.set_threshold(young, middle, _NEVER)
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()
        self.destroyed.connect(_removed)  # a plain function: this object is gone by then

    def collect_if_due(self) -> bool:
        """A full collection when the collector's own rule would have run one by now."""
        if gc.get_count()[2] < self.thresholds[2]:
            return False
        self.rounds += 1
        if self.rounds % RECLAIM_EVERY == 0:
            gc.unfreeze()
        gc.collect()
        gc.freeze()
        return True


def _removed(*_args: object) -> None:
    thresholds = _installed.pop()
    if not _installed:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
