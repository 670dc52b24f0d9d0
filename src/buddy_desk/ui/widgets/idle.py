"""Work for later turns of the event loop, one piece per turn, so the window breathes between.

A language switch or a new tab leaves several pieces of work (a view's texts, Qt's own
catalog, the accessible names, a section to rebuild). Run in one go, or from timers that all
fall due at once — Qt fires every due timer in one pass — they kept the window from painting
and from answering a key for longer than a frame or two.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from shiboken6 import isValid


class _Turns:
    """One zero-interval timer that runs one queued piece of work each time it fires."""

    def __init__(self) -> None:
        self._work: deque[tuple[QObject, Callable[[], object]]] = deque()
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_one)

    def add(self, owner: QObject, callback: Callable[[], object]) -> None:
        self._work.append((owner, callback))
        if not self._timer.isActive():
            self._timer.start()

    def _run_one(self) -> None:
        while self._work:
            owner, callback = self._work.popleft()
            if isValid(owner):  # dropped with its owner
                callback()
                break
        if self._work:
            self._timer.start()  # the next piece after what is due now (input, paints)


_turns: _Turns | None = None


def when_idle(owner: QObject, callback: Callable[[], object]) -> None:
    """``callback`` in a later turn of the event loop, after what is due now (input, paints,
    timers) and after the work queued before it, one piece per turn; dropped with ``owner``.

    Not ``QTimer.singleShot(0, …)``: Qt delivers that one as a posted call together with the
    other posted events, so the window would neither paint nor answer a key in between.
    """
    global _turns
    if _turns is None:
        _turns = _Turns()
    _turns.add(owner, callback)
