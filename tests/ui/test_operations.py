"""The operations helper: work off the GUI thread, newest read wins, one change event per write."""

from __future__ import annotations

import threading

import pytest
from pytestqt.qtbot import QtBot

from buddy_desk.errors import BuddyDeskError
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from tests.ui.conftest import every_worker_held


def test_a_read_runs_off_the_gui_thread_and_delivers_on_it(qtbot: QtBot, ctx: AppContext) -> None:
    gui = threading.get_ident()
    ran_on: list[int] = []
    delivered_on: list[int] = []

    def job(uow: UnitOfWork) -> int:
        ran_on.append(threading.get_ident())
        return 42

    results: list[int] = []

    def done(value: int) -> None:
        delivered_on.append(threading.get_ident())
        results.append(value)

    ctx.ops.read(job, on_done=done)
    qtbot.waitUntil(lambda: results == [42])
    assert ran_on != [gui]
    assert delivered_on == [gui]


def test_only_the_newest_read_of_a_key_is_painted(qtbot: QtBot, ctx: AppContext) -> None:
    release = threading.Event()
    shown: list[str] = []

    def slow(uow: UnitOfWork) -> str:
        release.wait(5)
        return "old"

    key = object()
    ctx.ops.read(slow, on_done=shown.append, key=key)
    ctx.ops.read(lambda uow: "new", on_done=shown.append, key=key)
    qtbot.waitUntil(lambda: shown == ["new"])
    release.set()
    assert ctx.tasks.wait(5000)
    qtbot.wait(50)
    assert shown == ["new"]


def test_a_write_announces_each_changed_dossier_once_after_it_ran(
    qtbot: QtBot, ctx: AppContext
) -> None:
    order: list[str] = []
    changed: list[int] = []

    def on_changed(dossier_id: int) -> None:
        changed.append(dossier_id)
        order.append("event")

    ctx.events.dossier_changed.connect(on_changed)

    def job(uow: UnitOfWork) -> list[int]:
        order.append("write")
        return [7, 7, 9]

    ctx.ops.write(job, dossiers=lambda ids: ids, on_done=lambda _r: order.append("done"))
    qtbot.waitUntil(lambda: "done" in order)
    assert changed == [7, 9]
    assert order == ["write", "event", "event", "done"]


def test_a_refused_write_changes_nothing_and_says_why(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(
        "buddy_desk.ui.messages.show_error",
        lambda _p, _title, text, detail=None: shown.append(text),
    )
    changed: list[int] = []
    ctx.events.dossier_changed.connect(changed.append)

    def job(uow: UnitOfWork) -> None:
        raise BuddyDeskError("Deze afspraak botst met een andere.")

    ctx.ops.write(job, dossiers=[3])
    qtbot.waitUntil(lambda: bool(shown))
    assert shown == ["Deze afspraak botst met een andere."]
    assert changed == []


def test_a_job_that_ends_after_its_runner_is_gone_ends_quietly(
    qtbot: QtBot, capfd: pytest.CaptureFixture[str]
) -> None:
    """Quitting while a job runs: the job's end has no one to tell, and says nothing."""
    from shiboken6 import delete

    from buddy_desk.ui.tasks import TaskRunner

    release = threading.Event()
    runner = TaskRunner(max_threads=1)
    handle = runner.start(lambda _p: release.wait(10), on_done=lambda _r: None)
    delete(runner._owner)  # what the app's teardown does to the runner's Qt side
    release.set()
    qtbot.waitUntil(handle.done.is_set, timeout=5_000)
    runner._pool.waitForDone(5_000)
    assert "Error calling Python override" not in capfd.readouterr().err


def test_a_quick_read_runs_at_once_while_long_jobs_hold_every_worker(
    qtbot: QtBot, ctx: AppContext
) -> None:
    """A dossier tab's few rows are not queued behind an import and a letter run."""
    with every_worker_held(ctx):
        got: list[int] = []
        ctx.ops.read(lambda _uow: threading.get_ident(), on_done=got.append, quick=True)
        assert got == [threading.get_ident()]  # here and now
        queued: list[int] = []
        ctx.ops.read(lambda _uow: 1, on_done=queued.append)
        qtbot.wait(50)
        assert queued == []  # a read that is not quick waits for a worker
        failures: list[BaseException] = []

        def refused(_uow: UnitOfWork) -> int:
            raise BuddyDeskError("dossier 7 bestaat niet")

        ctx.ops.read(refused, on_done=got.append, on_error=failures.append, quick=True)
        assert [str(f) for f in failures] == ["dossier 7 bestaat niet"]
