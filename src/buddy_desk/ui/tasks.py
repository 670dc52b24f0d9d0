"""Long work off the GUI thread: progress, cancel, result or error back on the GUI thread.

    handle = runner.start(job, on_done=..., on_error=..., on_progress=...)
    handle.cancel()

``job`` is a plain function ``job(progress: Progress) -> T`` that opens its own unit of work.
It calls ``progress.report(done, total, text)`` now and then and calls ``progress.check()``
(which raises ``Cancelled``) between units of work. See ``buddy_desk.progress``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from sqlalchemy.exc import SQLAlchemyError

from buddy_desk.commands import user_message
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.progress import Cancelled, Progress

__all__ = ["Cancelled", "Progress", "TaskHandle", "TaskRunner"]

log = logging.getLogger(__name__)
T = TypeVar("T")
A = TypeVar("A")
R = TypeVar("R")


class _Signals(QObject):
    progressed = Signal(int, int, str)
    """The job reported progress: done, total, text."""
    finished = Signal(object)
    """The job returned a result."""
    failed = Signal(object)
    """The job raised an exception (a Cancelled one when cancelled)."""


class TaskHandle(Generic[T]):
    def __init__(self, signals: _Signals, progress: Progress) -> None:
        self.signals = signals
        self.progress = progress
        self.done = threading.Event()

    def cancel(self) -> None:
        self.progress.cancel()

    @property
    def running(self) -> bool:
        return not self.done.is_set()


class _Runnable(QRunnable):
    """Runs one job on a pool thread.

    A job is usually a closure over a widget. The pool deletes the runnable on its own thread,
    so the runnable lets go of the job (and the traceback of its exception, whose frames hold
    the same closure) *before* it reports back: the GUI thread's ``TaskRunner`` holds the last
    reference and drops it there. A widget whose last reference went on a pool thread would be
    destroyed off the GUI thread (a crash, seen in pytest-qt's teardown).
    """

    def __init__(
        self,
        job: Callable[[Progress], Any],
        handle: TaskHandle[Any],
        signals: _Signals,
        long_jobs: _Count | None = None,
    ) -> None:
        super().__init__()
        self._job: Callable[[Progress], Any] | None = job
        self._handle = handle
        self._signals = signals
        self._long_jobs = long_jobs

    def run(self) -> None:
        job, self._job = self._job, None
        assert job is not None
        if self._long_jobs is not None:
            self._long_jobs.add(1)
        try:
            result, failure = run_caught(job, self._handle.progress)
        finally:
            if self._long_jobs is not None:
                self._long_jobs.add(-1)
        del job
        self._handle.done.set()
        try:
            if failure is not None:
                self._signals.failed.emit(failure)
            else:
                self._signals.finished.emit(result)
        except RuntimeError:  # the runner went (the app quit while this ran): no one to tell
            log.debug("background task finished after its runner was deleted")


def run_caught(job: Callable[[A], R], arg: A) -> tuple[R | None, BaseException | None]:
    """``job(arg)`` and its result, or its failure as the sentence a user reads (logged
    unless it is one already; without its traceback, whose frames would keep the job's
    closure alive on the thread that ran it)."""
    try:
        return job(arg), None
    except Exception as exc:
        if not isinstance(exc, BuddyDeskError):
            log.exception("background task failed")
        failure = as_user_error(exc)
        failure.__traceback__ = None
        exc.__traceback__ = None
        return None, failure


def as_user_error(exc: BaseException) -> BaseException:
    """A database or file failure as the one sentence the command line prints too."""
    if isinstance(exc, SQLAlchemyError | OSError):
        return BuddyDeskError(user_message(exc, tr("store.the_database")))
    return exc


class _Count:
    """A number the pool's threads change (how many long jobs run now)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.value = 0

    def add(self, step: int) -> None:
        with self._lock:
            self.value += step


class TaskRunner:
    """Runs jobs on a thread pool; callbacks arrive on the GUI thread (queued signals)."""

    def __init__(self, max_threads: int = 2) -> None:
        self._pool = QThreadPool()
        self._pool.setMaxThreadCount(max_threads)
        # each job's signals object is a child of this GUI-thread object, so Qt owns it and
        # deletes it on the GUI thread (deleteLater), whichever thread drops the last Python
        # reference; the job itself is held here until its result has been delivered
        self._owner = QObject()
        self._live: dict[_Signals, Callable[[Progress], Any]] = {}
        self._long_jobs = _Count()

    def start(
        self,
        job: Callable[[Progress], T],
        *,
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        on_progress: Callable[[int, int, str], None] | None = None,
        short: bool = False,
    ) -> TaskHandle[T]:
        """Run ``job`` on the pool. ``short``: an operation of the views (``ui/operations``),
        not a long job such as an import or a letter run (``held_by_long_jobs``)."""
        signals = _Signals(self._owner)
        self._live[signals] = job  # released on the GUI thread once the job has reported
        progress = Progress(signals.progressed.emit)
        handle: TaskHandle[T] = TaskHandle(signals, progress)
        if on_progress is not None:
            signals.progressed.connect(on_progress)
        if on_done is not None:
            signals.finished.connect(on_done)
        if on_error is not None:
            signals.failed.connect(on_error)
        signals.finished.connect(lambda _r: self._release(signals))
        signals.failed.connect(lambda _e: self._release(signals))
        self._pool.start(_Runnable(job, handle, signals, None if short else self._long_jobs))
        return handle

    def _release(self, signals: _Signals) -> None:
        self._live.pop(signals, None)
        signals.deleteLater()

    def has_free_thread(self) -> bool:
        """A job started now runs at once (else it queues behind the running ones)."""
        return self._pool.activeThreadCount() < self._pool.maxThreadCount()

    def held_by_long_jobs(self) -> bool:
        """Every worker runs a long job (an import, a letter run): a short one started now
        would wait behind them, maybe for minutes."""
        return self._long_jobs.value >= self._pool.maxThreadCount()

    def wait(self, msecs: int = -1) -> bool:
        """Wait for all jobs (tests, shutdown)."""
        return self._pool.waitForDone(msecs)
