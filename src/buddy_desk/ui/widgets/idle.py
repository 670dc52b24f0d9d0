"""Work for a later turn of the event loop that really lets the window breathe first."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def when_idle(owner: QObject, callback: Callable[[], object]) -> None:
    """``callback`` once the event loop has delivered what waits (input, paints, timers that
    are due); dropped with ``owner``.

    A zero-interval timer, not ``QTimer.singleShot(0, …)``: Qt delivers that one as a posted
    call together with the other posted events, so the window neither paints nor answers a
    key in between, however the work is cut up.
    """
    timer = QTimer(owner)
    timer.setSingleShot(True)
    timer.setInterval(0)
    timer.timeout.connect(callback)
    timer.timeout.connect(timer.deleteLater)
    timer.start()
