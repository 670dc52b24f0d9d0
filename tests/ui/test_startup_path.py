"""Start-up shows the dossier list's first page before the ORM, the models and the dossier
view are imported, and everything a user reaches right after works (issue 16).

Each check runs in a fresh interpreter: this test process has imported everything already.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

_PROBE = r"""
import json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEventLoop, QTimer
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.app import build_window
from buddy_desk.ui.context import UserProfile
from buddy_desk.ui.screenshot import wait_until_loaded
from buddy_desk.ui.settings import AppSettings

url, mode = sys.argv[1], sys.argv[2]
out = {}
window = build_window(url, UnitOfWork(open_database(url, create=False)),
                      UserProfile("t", "T"), AppSettings())
window.resize(1000, 700)
window.show()
wait_until_loaded(window)
out["rows"] = window.list_view.model.rowCount()
out["orm_at_first_page"] = "sqlalchemy.orm" in sys.modules
out["models_at_first_page"] = "buddy_desk.models" in sys.modules
first = window.list_view.model.row_at(0).id
if mode == "click-at-once":  # before the warm-up has even started
    out["opened"] = window.open_dossier(first) is not None
else:
    loop = QEventLoop()
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: window.warmed_up and loop.quit())
    timer.start()
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    out["warmed_up"] = window.warmed_up
    out["orm_after_warm_up"] = "sqlalchemy.orm" in sys.modules
    out["dossier_view_after_warm_up"] = "buddy_desk.ui.dossiers.dossier_view" in sys.modules
    from PySide6.QtWidgets import QWidget
    out["sync_status"] = window.statusBar().findChild(QWidget, "syncStatus") is not None
    out["opened"] = window.open_dossier(first) is not None
    # then, while idle, the dossier tabs' and workspaces' own Qt modules, before any visit
    wanted = [w.module for w in window.registry.workspaces if w.module]
    wanted += [s.module for s in window.registry.dossier_sections if s.module]
    timer.timeout.disconnect()
    timer.timeout.connect(lambda: all(m in sys.modules for m in wanted) and loop.quit())
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    out["workspace_modules"] = len(wanted)
    out["workspace_modules_imported"] = [m for m in wanted if m in sys.modules]
    out["workspaces_built"] = [w.objectName() for w in window.findChildren(QWidget)
                               if w.objectName().startswith("lazy.") and w.built]
    import gc
    timer.timeout.disconnect()
    timer.timeout.connect(lambda: gc.get_freeze_count() and loop.quit())
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    out["frozen"] = gc.get_freeze_count()
    out["walked"] = len(gc.get_objects())
window.ctx.tasks.wait(10_000)
print(json.dumps(out), flush=True)
os._exit(0)
"""


@pytest.fixture
def small_db(sqlite_url: str) -> str:
    engine = open_database(sqlite_url)
    uow = UnitOfWork(engine)
    for n in range(3):
        make_dossier(uow, straat=f"Kerkstraat {n}")
    engine.dispose()
    return sqlite_url


def _probe(url: str, mode: str) -> dict[str, object]:
    return _fresh_interpreter(_PROBE, url, mode)


def _fresh_interpreter(script: str, *args: str) -> dict[str, object]:
    """Run ``script`` in a new Python process; it prints one JSON object last."""
    src = str(Path(__file__).resolve().parents[2] / "src")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_the_first_page_shows_before_the_orm_is_imported_and_the_rest_follows(
    small_db: str,
) -> None:
    out = _probe(small_db, "wait")
    assert out["rows"] == 3
    assert out["orm_at_first_page"] is False
    assert out["models_at_first_page"] is False
    assert out["warmed_up"] is True
    assert out["orm_after_warm_up"] is True
    assert out["dossier_view_after_warm_up"] is True
    assert out["sync_status"] is True  # the sync state, added once the warm-up is done
    assert out["opened"] is True
    # the workspaces' modules are imported while idle, their pages are not built yet
    imported = out["workspace_modules_imported"]
    assert isinstance(imported, list) and len(imported) == out["workspace_modules"]
    assert len(imported) >= 7 + 5  # workspaces and dossier tabs
    assert out["workspaces_built"] == []
    # then what start-up made is kept out of the garbage collector's walks: a full collection
    # walked it all, for 170–250 ms on the full demo database (issue 10)
    assert isinstance(out["frozen"], int) and isinstance(out["walked"], int)
    assert out["frozen"] > 4 * out["walked"], out


_LEFT_FOR_THE_GUI_THREAD = r"""
import importlib, json, os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from buddy_desk.ui.app import ensure_application
from buddy_desk.ui.extensions import discover
from buddy_desk.ui.warmup import START_MODULES, WORKSPACE_MODULES, import_all
ensure_application()
registry = discover()
import_all(START_MODULES)
import_all(WORKSPACE_MODULES)
left = {}
parts = [*registry.workspaces, *registry.dossier_sections]
for part in parts:
    before = set(sys.modules)
    importlib.import_module(part.module)
    new = sorted(m for m in set(sys.modules) - before
                 if m.startswith("buddy_desk.") and not m.startswith("buddy_desk.ui."))
    if new:
        left[part.id] = new
print(json.dumps({"missing_module": [p.id for p in parts if not p.module],
                  "left": left}), flush=True)
os._exit(0)
"""


def test_the_gui_thread_imports_only_qt_modules_of_the_workspaces() -> None:
    """The warm-up worker imports every Qt-free module a workspace or dossier tab needs; the
    GUI thread, importing their own modules while idle, only defines Qt classes."""
    out = _fresh_interpreter(_LEFT_FOR_THE_GUI_THREAD)
    assert out == {"missing_module": [], "left": {}}


def test_a_dossier_opened_before_the_warm_up_waits_for_it_and_opens(small_db: str) -> None:
    out = _probe(small_db, "click-at-once")
    assert out["orm_at_first_page"] is False
    assert out["opened"] is True
