"""``buddy-desk`` starts the app the way a user starts it: the command line parses the app's
options without building every command's parser (which imported the ORM), the database key
comes from its key file without asking the OS keyring, and the garbage collector pauses from
the first line to the first page (issue 16). Each start runs in a fresh interpreter."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from buddy_desk import cli
from buddy_desk.__main__ import main as entry_main
from buddy_desk.config import config_dir
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier
from tests.ui.test_startup_path import _fresh_interpreter

_START = r"""
import gc, json, os, re, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QEventLoop, QTimer
from buddy_desk.ui import app as ui_app

def first_page(app, window):
    window.show()
    loop = QEventLoop()
    if not window.list_view.loaded:
        window.list_view.rows_loaded.connect(loop.quit)
        QTimer.singleShot(30_000, loop.quit)
        loop.exec()
    app.processEvents()
    out = {
        "rows": window.list_view.model.rowCount(),
        "orm": "sqlalchemy.orm" in sys.modules,
        "keyring": "keyring" in sys.modules,
        "commands": sorted(m for m in sys.modules if re.fullmatch(r"buddy_desk\.\w+\.cli.*", m)),
        "file_dialogs": "buddy_desk.ui.file_dialogs" in sys.modules,
        "collector_paused_at_first_page": not gc.isenabled(),
        "log_path": window.log_path,
    }
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: window.warmed_up and loop.quit())
    timer.start()
    QTimer.singleShot(30_000, loop.quit)
    loop.exec()
    out["warmed_up"] = window.warmed_up
    out["collector_on_after_first_page"] = gc.isenabled()
    window.ctx.tasks.wait(10_000)
    print(json.dumps(out), flush=True)
    os._exit(0)

ui_app.run_app.__kwdefaults__["exec_loop"] = first_page
from buddy_desk.__main__ import main
sys.exit(main(["--db", sys.argv[1]]))
"""


@pytest.fixture
def key_file_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database whose key is in a key file (no ``BUDDY_DESK_KEY``, no keyring), with a
    stored profile, so the app starts without a question."""
    monkeypatch.delenv("BUDDY_DESK_KEY")
    url = f"sqlite:///{tmp_path / 'desk.sqlite'}"
    engine = open_database(url)
    uow = UnitOfWork(engine)
    for n in range(3):
        make_dossier(uow, straat=f"Kerkstraat {n}")
    engine.dispose()
    assert list((config_dir() / "keys").glob("*.key"))
    profile = {"username": "zb", "display_name": "Zaakbegeleider"}
    (config_dir() / "settings.json").write_text(json.dumps({"profile": profile}), "utf-8")
    return url


def test_buddy_desk_shows_the_first_page_without_commands_orm_or_keyring(
    key_file_db: str,
) -> None:
    out = _fresh_interpreter(_START, key_file_db)
    assert out["rows"] == 3
    assert out["orm"] is False
    assert out["commands"] == []  # no feature's command module: the app's options only
    assert out["keyring"] is False  # the key file answered
    assert out["file_dialogs"] is False
    assert out["collector_paused_at_first_page"] is True
    assert out["warmed_up"] is True
    assert out["collector_on_after_first_page"] is True
    # the crash dialog names the log the command line opened (it said there was none)
    assert isinstance(out["log_path"], str) and out["log_path"].endswith("buddy-desk.log")


def test_only_the_apps_options_skip_the_command_parser() -> None:
    assert cli.app_start_args([]) is not None
    args = cli.app_start_args(["--db", "x.sqlite", "--lang", "en", "-v", "--user", "ZB1"])
    assert args is not None
    assert (args.db, args.lang, args.verbose, args.user) == ("x.sqlite", "en", True, "ZB1")
    for argv in (["run"], ["demo", "--scale", "1"], ["-h"], ["--version"], ["--lang", "xx"]):
        assert cli.app_start_args(argv) is None, argv


def test_the_app_start_builds_no_command_parser(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: list[str] = []

    def no_parser() -> object:
        raise AssertionError("the full parser was built to start the app")

    def run_gui(args: object) -> int:
        started.append(getattr(args, "db", ""))
        return 0

    monkeypatch.setattr(cli, "build_parser", no_parser)
    monkeypatch.setattr("buddy_desk.cli.gui.run", run_gui)
    assert cli.main(["--db", str(tmp_path / "a.sqlite")]) == 0
    assert started == [str(tmp_path / "a.sqlite")]


def test_a_wrong_option_gets_the_command_lines_own_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--lang", "xx"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: buddy-desk" in err and "COMMAND" in err  # the full parser's usage line
    assert "invalid choice: 'xx'" in err


def test_a_command_runs_with_the_collector_on_and_leaves_it_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    seen: list[bool] = []
    real = cli.build_parser

    def build_parser() -> object:
        seen.append(gc.isenabled())
        return real()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cli, "build_parser", build_parser)
        with pytest.raises(SystemExit):
            entry_main(["--version"])
    assert seen == [True]  # resumed before the command's parser (and its imports)
    assert gc.isenabled()
    assert "buddy-desk" in capsys.readouterr().out
