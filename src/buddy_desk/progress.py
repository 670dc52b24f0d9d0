"""Progress and cancel for long work, without Qt (services, CLI and UI share it)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from buddy_desk.errors import BuddyDeskError


class Cancelled(BuddyDeskError):  # noqa: N818 - reads as what happened
    """The user cancelled the work; nothing of it was committed."""

    def __init__(self) -> None:
        super().__init__("Afgebroken door de gebruiker; er is niets gewijzigd.")


class Progress:
    """Handed to long work: thread-safe progress reporting and a cancel flag."""

    def __init__(self, emit: Callable[[int, int, str], None] | None = None) -> None:
        self._emit = emit
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        """Raise Cancelled if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int, text: str = "") -> None:
        if self._emit is not None:
            self._emit(done, total, text)


NO_PROGRESS = Progress()
