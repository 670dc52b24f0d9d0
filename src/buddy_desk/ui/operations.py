"""Operations: every write and every slow read, off the GUI thread (as Anki's ``CollectionOp``).

The GUI thread only paints. A view asks for work and says what to do with the result:

    ctx.ops.read(lambda uow: list_signals(uow, ...), on_done=self._show, key=self)
    ctx.ops.write(lambda uow: close_signal(uow, ...), dossiers=[dossier_id], parent=self)

- ``read`` runs on the thread pool with a fresh unit of work; with a ``key`` only the newest
  read of that key is delivered (a burst of reloads paints once, with the latest data).
- ``write`` does the same and then, on the GUI thread, emits ``dossier_changed`` once for each
  changed dossier — the one place where that event is emitted — before ``on_done``.
- A ``BuddyDeskError`` is shown to the user as one clear sentence (``on_error`` overrides),
  under the action's ``title``; anything else is logged (ids only) and shown as an unexpected
  failure.
- While a write runs the pointer shows busy (the window stays usable; reads stay quiet).
- With a ``parent``, ``on_done``/``on_error`` are skipped once that widget was deleted (a view
  closed while its read ran); a write's changed dossiers and its refusal are still told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar, cast

from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import Cancelled, Progress
from buddy_desk.ui.tasks import TaskHandle, TaskRunner, run_caught

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from buddy_desk.ui.context import AppEvents

log = logging.getLogger(__name__)
T = TypeVar("T")

Job = Callable[[UnitOfWork], T]
ChangedDossiers = Iterable[int] | Callable[[T], Iterable[int]]


class Operations:
    def __init__(
        self, new_uow: Callable[[], UnitOfWork], tasks: TaskRunner, events: AppEvents
    ) -> None:
        self._new_uow = new_uow
        self._tasks = tasks
        self._events = events
        self._latest: dict[int, int] = {}
        self._serial = 0

    def read(
        self,
        job: Job[T],
        *,
        on_done: Callable[[T], None],
        on_error: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
        key: object | None = None,
        quick: bool = False,
    ) -> TaskHandle[T] | None:
        """Run a slow read; deliver the result (only the newest per ``key``) on the GUI thread.

        ``quick``: a read of a few rows (one dossier's tab). When long jobs (an import, a letter
        run) hold every worker it runs here and now, as a read queued behind them could wait
        for minutes; then None is returned instead of a handle."""
        if quick and self._tasks.held_by_long_jobs():
            done, failed = self._callbacks(on_done, on_error, parent, key, changed=None)
            result, failure = run_caught(job, self._new_uow())
            if failure is not None:
                failed(failure)
            else:
                done(cast(T, result))
            return None
        return self._start(job, on_done, on_error, parent, key, changed=None)

    def write(
        self,
        job: Job[T],
        *,
        dossiers: ChangedDossiers[T] = (),
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        parent: QWidget | None = None,
        title: str | None = None,
    ) -> TaskHandle[T]:
        """Run a write; then announce the changed dossiers, then call ``on_done``."""
        _busy(True)
        return self._start(job, on_done, on_error, parent, None, changed=dossiers, title=title)

    def _start(
        self,
        job: Job[T],
        on_done: Callable[[T], None] | None,
        on_error: Callable[[BaseException], None] | None,
        parent: QWidget | None,
        key: object | None,
        changed: ChangedDossiers[T] | None,
        title: str | None = None,
    ) -> TaskHandle[T]:
        new_uow = self._new_uow

        def run(_progress: Progress) -> T:
            return job(new_uow())

        done, failed = self._callbacks(on_done, on_error, parent, key, changed, title)
        return self._tasks.start(run, on_done=done, on_error=failed, short=True)

    def _callbacks(
        self,
        on_done: Callable[[T], None] | None,
        on_error: Callable[[BaseException], None] | None,
        parent: QWidget | None,
        key: object | None,
        changed: ChangedDossiers[T] | None,
        title: str | None = None,
    ) -> tuple[Callable[[T], None], Callable[[BaseException], None]]:
        """What to do on the GUI thread with an operation's result or failure."""
        self._serial += 1
        serial = self._serial
        if key is not None:
            self._latest[id(key)] = serial

        def is_stale() -> bool:
            return key is not None and self._latest.get(id(key)) != serial

        def done(result: T) -> None:
            if changed is not None:
                _busy(False)
            if is_stale():
                return
            if changed is not None:
                ids = changed(result) if callable(changed) else changed
                for dossier_id in dict.fromkeys(ids):
                    self._events.dossier_changed.emit(dossier_id)
            if on_done is not None and _alive(parent):
                on_done(result)

        def failed(exc: BaseException) -> None:
            if changed is not None:
                _busy(False)
            if is_stale() or isinstance(exc, Cancelled):
                return
            if not _alive(parent):
                if changed is not None:  # a refused write is still told, without its window
                    show_failure(None, exc, title)
                return
            if on_error is not None:
                on_error(exc)
                return
            show_failure(parent, exc, title)

        return done, failed


def _alive(parent: QWidget | None) -> bool:
    """False once the widget that asked was deleted (its callbacks would touch a dead object)."""
    if parent is None:
        return True
    from shiboken6 import isValid

    return bool(isValid(parent))


def _busy(on: bool) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    if on:
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
    else:
        QApplication.restoreOverrideCursor()


def failure_text(exc: BaseException) -> str:
    """The sentence a user sees for a failed operation (a BuddyDeskError says it itself)."""
    if isinstance(exc, BuddyDeskError):
        return str(exc)
    log.error("operation failed: %s", type(exc).__name__)
    return tr("ops.unexpected")


def show_failure(parent: QWidget | None, exc: BaseException, title: str | None = None) -> None:
    from buddy_desk.ui.messages import show_error

    show_error(parent, title or tr("ui.error.action_title"), failure_text(exc))
