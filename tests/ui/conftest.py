"""GUI test fixtures: offscreen Qt, an app context on the test database, a main window."""

from __future__ import annotations

import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.app import ensure_application
from buddy_desk.ui.context import AppContext, AppEvents, UserProfile
from buddy_desk.ui.extensions import UiRegistry
from buddy_desk.ui.main_window import MainWindow
from buddy_desk.ui.settings import AppSettings
from buddy_desk.ui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def _no_leaked_top_level_widgets(qapp: QApplication) -> Iterator[None]:
    """A test must close what it opens (qtbot.addWidget does): a window left behind keeps
    its database session and timers alive into the next test.

    Autouse and independent of qtbot, so it is set up before and torn down after qtbot has
    closed the widgets it was given."""
    app = qapp
    before = {id(w) for w in app.topLevelWidgets()}
    yield
    for _ in range(2):
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    leaked = [
        f"{type(w).__name__} {w.objectName() or w.windowTitle()!r}"
        for w in app.topLevelWidgets()
        if id(w) not in before and w.isVisible()
    ]
    for widget in app.topLevelWidgets():
        if id(widget) not in before and widget.isVisible():
            widget.close()
    _remove_quiet_collectors(app)
    assert not leaked, f"top-level widgets left open: {leaked}"


def _remove_quiet_collectors(app: QApplication) -> None:
    """A closed window that waits in a reference cycle for the collector keeps its
    ``QuietCollector`` (which froze the heap, the window too) alive: the next test would start
    with a frozen heap and the collector's thresholds."""
    from shiboken6 import delete

    from buddy_desk.ui.heap import QuietCollector

    for widget in app.topLevelWidgets():
        for collector in widget.findChildren(QuietCollector):
            delete(collector)


@pytest.fixture
def ctx(uow: UnitOfWork) -> Iterator[AppContext]:
    context = AppContext(
        uow=uow,
        db_label="test.sqlite",
        events=AppEvents(),
        tasks=TaskRunner(),
        user=UserProfile(
            username="tester", display_name="Test Gebruiker", organisation="NCG", role="supervisor"
        ),
    )
    yield context
    context.close()


def make_window(qtbot: QtBot, ctx: AppContext, registry: UiRegistry | None = None) -> MainWindow:
    ensure_application()
    window = MainWindow(ctx, AppSettings(), registry or UiRegistry())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitUntil(lambda: window.list_view.loaded, timeout=10_000)
    return window


W = TypeVar("W", bound=QWidget)


def loaded(qtbot: QtBot, section: W) -> W:
    """A dossier tab that reads its rows off the GUI thread, once they are shown."""
    qtbot.addWidget(section)
    with qtbot.waitSignal(section.loaded, timeout=10_000):  # type: ignore[attr-defined]
        pass  # the read is delivered on the event loop, which runs in the wait
    return section


@contextmanager
def every_worker_held(ctx: AppContext) -> Iterator[threading.Event]:
    """Long jobs (an import, a letter run) on every worker of ``ctx`` until the block ends
    (or the yielded event is set)."""
    release = threading.Event()
    started = threading.Semaphore(0)

    def long_job(_progress: object) -> None:
        started.release()
        release.wait(30)

    try:
        for _ in range(2):
            ctx.tasks.start(long_job)
        for _ in range(2):
            assert started.acquire(timeout=10)
        assert not ctx.tasks.has_free_thread()
        yield release
    finally:
        release.set()
        ctx.tasks.wait(10_000)
