"""An older, unencrypted database opens in the app, which says so in its status bar."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import Organisation
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.app import run_app
from buddy_desk.ui.main_window import MainWindow
from tests.factories import make_supervisor
from tests.plain_files import plain_copy


def _messages(db: Path, qtbot: QtBot) -> list[str]:
    seen: list[str] = []

    def loop(app: object, window: MainWindow) -> int:
        qtbot.addWidget(window)
        seen.append(window.statusBar().currentMessage())
        return 0

    assert run_app(f"sqlite:///{db}", user="adeboer", ask_profile=None, exec_loop=loop) == 0
    return seen


def test_the_status_bar_names_db_encrypt_for_a_plain_database_only(
    tmp_path: Path, qtbot: QtBot
) -> None:
    encrypted = tmp_path / "nieuw.sqlite"
    engine = open_database(f"sqlite:///{encrypted}")
    make_supervisor(UnitOfWork(engine), Organisation.IMG, "Anna de Boer", "adeboer")
    engine.dispose()
    plain = plain_copy(encrypted, tmp_path / "oud.sqlite")

    (message,) = _messages(plain, qtbot)
    assert "niet versleuteld" in message
    assert f"buddy-desk db encrypt --db {plain}" in message
    assert _messages(encrypted, qtbot) == [""]
