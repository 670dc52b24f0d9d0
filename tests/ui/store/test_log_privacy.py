"""The log holds ids and counts only: after a demo, imports, letters, a screenshot and a GUI
session (a dossier opened, a dossier made by hand, a failing background task whose SQL
carried an address) no street and no postcode of the data is in any log file — and the log
is owner-only."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from buddy_desk.config import log_dir
from buddy_desk.dossiers.intake import NewDossier, create_dossier
from buddy_desk.logging_setup import FORMAT, RedactingFormatter
from buddy_desk.persistence.encryption import connect_file
from buddy_desk.ui.app import run_app
from buddy_desk.ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[3]
SECRET_STREET = "Geheimhoudingsstraat"
SECRET_POSTCODE = "9999ZZ"


def _cli(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "buddy_desk", *args],
        env=dict(os.environ, PYTHONPATH=str(ROOT / "src")),
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def _gui_session(db: Path, qtbot: QtBot, log_file: Path) -> None:
    """The app in this process, its log going to ``log_file`` as the app formats it."""
    root = logging.getLogger()
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(RedactingFormatter(FORMAT))
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    failures: list[BaseException] = []

    def loop(_app: object, window: MainWindow) -> int:
        qtbot.addWidget(window)
        for dossier_id in (1, 2, 3):
            window.open_dossier(dossier_id)
        create_dossier(
            window.ctx.new_uow(),
            NewDossier(
                postcode=SECRET_POSTCODE,
                huisnummer=7,
                straat=SECRET_STREET,
                woonplaats="Geheimdorp",
                achternaam="Geheim",
                user="privacy.test",
            ),
        )

        def failing_job(_progress: object) -> None:
            with window.ctx.new_uow() as uow:  # a statement that fails with the address inside
                uow.session.execute(
                    text("INSERT INTO address (id, straat, postcode) VALUES (1, :s, :p)"),
                    {"s": SECRET_STREET, "p": SECRET_POSTCODE},
                )

        window.ctx.tasks.start(failing_job, on_error=failures.append)
        qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
        return 0

    try:
        assert run_app(f"sqlite:///{db}", ask_profile=None, exec_loop=loop) == 0
    finally:
        root.removeHandler(handler)
        handler.close()
        root.setLevel(level)
    assert failures and SECRET_STREET not in str(failures[0])  # the user's sentence, too


@pytest.mark.slow
def test_no_street_or_postcode_reaches_the_log(tmp_path: Path, qtbot: QtBot) -> None:
    db = tmp_path / "privacy.sqlite"
    exports = tmp_path / "exports"
    letters = tmp_path / "brieven"
    letters.mkdir()
    _cli("demo", "--db", str(db), "--scale", "0.02")
    _cli("demo-exports", "--out", str(exports), "--ncg", "300", "--img", "300")
    _cli("import", "ncg", str(next(exports.glob("*ncg*.csv"))), "--db", str(db))
    _cli("import", "img", str(next(exports.glob("*img*.csv"))), "--db", str(db))
    conn = connect_file(db)
    try:  # the consent gate: a run sees what its user may see (a demo supervisor here)
        (user,) = conn.execute(
            "SELECT username FROM supervisor WHERE username IS NOT NULL ORDER BY id LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    _cli(
        "letters", "--group", "B", "--db", str(db), "--out", str(letters), "--quiet", "--user", user
    )
    _cli("screenshot", "--db", str(db), "--dossier", "1", "--out", str(tmp_path / "s.png"))
    app_log = log_dir() / "buddy-desk.log"
    assert app_log.exists()
    if os.name == "posix":
        assert stat.S_IMODE(app_log.stat().st_mode) == 0o600
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in letters.iterdir())
    gui_log = tmp_path / "gui.log"
    _gui_session(db, qtbot, gui_log)

    logs = app_log.read_text(encoding="utf-8") + gui_log.read_text(encoding="utf-8")
    assert "dossier" in logs and "background task failed" in logs  # the log did get written
    conn = connect_file(db)
    try:
        addresses = conn.execute("SELECT DISTINCT straat, postcode FROM address").fetchall()
    finally:
        conn.close()
    assert (SECRET_STREET, SECRET_POSTCODE) in addresses
    leaks = [
        found
        for straat, postcode in addresses
        for found in (straat, postcode, f"{postcode[:4]} {postcode[4:]}")
        if found and found in logs
    ]
    assert leaks == [], [logs[max(0, logs.find(x) - 300) : logs.find(x) + 100] for x in leaks][:1]
