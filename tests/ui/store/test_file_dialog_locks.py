"""No file dialog of the app opens the database: the store keeps its SQLite locks.

Closing any descriptor of a file drops every POSIX lock the process holds on it. Qt's file
dialog sniffs each listed file's type from its contents, so browsing the database's folder
used to drop the app's locks; the next command-line run then deleted the WAL under the app.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QFileSystemModel
from pytestqt.qtbot import QtBot
from sqlalchemy import Connection, Engine, text

from buddy_desk.core.held_stores import HeldStoreError, is_held, refuse_held
from buddy_desk.persistence.schema import open_database
from buddy_desk.ui import file_dialogs
from buddy_desk.ui.file_dialogs import Purpose, SafeFileDialog

# SQLite's unix VFS: the SHARED lock is a read lock on 510 bytes after PENDING + 2
SHARED_FIRST = 0x40000000 + 2
SHARED_SIZE = 510

PROBE = f"""
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, {SHARED_SIZE}, {SHARED_FIRST}, os.SEEK_SET)
    print("free")
except OSError:
    print("held")
"""

# what `buddy-desk` on the command line does to the file: open, read, close (the last
# connection to close checkpoints and deletes the WAL when it can take the exclusive lock)
OTHER_PROCESS = """
import sys
from pathlib import Path
from buddy_desk.persistence.encryption import connect_file
conn = connect_file(Path(sys.argv[1]))
conn.execute("SELECT count(*) FROM alembic_version").fetchone()
conn.close()
"""


def lock_state(db: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(db)], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def run_other_process(db: Path) -> None:
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, str(db)], check=True)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Path, Engine, Connection]]:
    """The app's own store in WAL mode, with a connection inside a read transaction."""
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "buddy-desk.sqlite"
    engine = open_database(f"sqlite:///{db}")
    conn = engine.connect()
    conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()  # begins
    (folder / "brief.pdf").write_bytes(b"%PDF-1.4\n")
    assert (folder / "buddy-desk.sqlite-wal").exists()
    assert lock_state(db) == "held"
    yield db, engine, conn
    conn.close()
    engine.dispose()


def browse(qtbot: QtBot, dialog: QFileDialog, folder: Path) -> QFileSystemModel:
    """Show the dialog on ``folder`` in detail view and let it list and draw every file."""
    qtbot.addWidget(dialog)
    dialog.setViewMode(QFileDialog.ViewMode.Detail)
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    with qtbot.waitSignal(model.directoryLoaded, timeout=10_000):
        dialog.setDirectory(str(folder))
        dialog.show()
    root = model.index(str(folder))
    if dialog.fileMode() is not QFileDialog.FileMode.Directory:  # folders only: no rows here
        qtbot.waitUntil(lambda: model.rowCount(root) > 0, timeout=10_000)
    for row in range(model.rowCount(root)):  # what the views ask for each row
        for column in range(model.columnCount(root)):
            model.data(model.index(row, column, root))
        model.fileIcon(model.index(row, 0, root))
    dialog.grab()
    return model


def listed_names(dialog: QFileDialog, folder: Path) -> set[str]:
    proxy = dialog.proxyModel()
    model = dialog.findChild(QFileSystemModel)
    assert model is not None
    root = model.index(str(folder))
    if proxy is None:
        return {model.fileName(model.index(r, 0, root)) for r in range(model.rowCount(root))}
    proxy_root = proxy.mapFromSource(root)
    return {
        model.fileName(proxy.mapToSource(proxy.index(r, 0, proxy_root)))
        for r in range(proxy.rowCount(proxy_root))
    }


def test_a_plain_qt_file_dialog_drops_the_locks(
    qtbot: QtBot, store: tuple[Path, Engine, Connection]
) -> None:
    """The hazard, and proof that the probe sees it: this is what the app used to do."""
    db, _engine, _conn = store
    dialog = QFileDialog(None, "plain", str(db.parent))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    browse(qtbot, dialog, db.parent)
    qtbot.waitUntil(lambda: lock_state(db) == "free", timeout=10_000)
    run_other_process(db)
    assert not db.with_name(db.name + "-wal").exists()  # deleted under the app
    dialog.close()


@pytest.mark.parametrize("purpose", list(Purpose))
def test_the_apps_file_dialog_keeps_the_locks(
    qtbot: QtBot, store: tuple[Path, Engine, Connection], purpose: Purpose
) -> None:
    db, _engine, conn = store
    dialog = SafeFileDialog(None, "app", purpose, str(db.parent))
    browse(qtbot, dialog, db.parent)
    assert "brief.pdf" in listed_names(dialog, db.parent) or purpose is Purpose.FOLDER
    qtbot.wait(200)  # the listing's worker thread has had its chance to read
    assert lock_state(db) == "held"
    run_other_process(db)
    assert db.with_name(db.name + "-wal").exists()
    # and the app's connection still works on the same WAL
    assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
    dialog.close()


def test_the_database_and_its_companions_are_not_listed(
    qtbot: QtBot, store: tuple[Path, Engine, Connection]
) -> None:
    db, _engine, _conn = store
    dialog = SafeFileDialog(None, "app", Purpose.OPEN, str(db.parent))
    browse(qtbot, dialog, db.parent)
    assert listed_names(dialog, db.parent) == {"brief.pdf"}
    dialog.close()


def test_choosing_the_database_is_refused_with_a_message(
    qtbot: QtBot, store: tuple[Path, Engine, Connection], monkeypatch: pytest.MonkeyPatch
) -> None:
    db, _engine, _conn = store
    shown: list[str] = []
    monkeypatch.setattr(
        "buddy_desk.ui.messages.show_error", lambda _p, _title, message: shown.append(message)
    )
    for chosen in (db, db.with_name(db.name + "-wal"), db.parent / "brief.pdf"):
        dialog = SafeFileDialog(None, "app", Purpose.SAVE, str(db.parent))
        qtbot.addWidget(dialog)
        dialog.selectFile(str(chosen))
        dialog.setResult(QFileDialog.DialogCode.Accepted)
        picked = dialog.chosen()
        assert picked == (chosen if chosen.name == "brief.pdf" else None)
    assert len(shown) == 2
    assert "buddy-desk.sqlite" in shown[0]
    assert lock_state(db) == "held"


def test_every_path_refuses_the_held_store(store: tuple[Path, Engine, Connection]) -> None:
    """Input checks and output writes refuse the database without opening it."""
    from buddy_desk.core.files import atomic_write
    from buddy_desk.importing.service import read_export_file
    from buddy_desk.importing.table import ExportRefused

    db, _engine, _conn = store
    assert is_held(db) and is_held(db.with_name(db.name + "-shm"))
    assert not is_held(db.parent / "brief.pdf")
    with pytest.raises(HeldStoreError):
        refuse_held(db)
    with pytest.raises(ExportRefused, match="database"):
        read_export_file(db)
    with pytest.raises(HeldStoreError):
        atomic_write(db.with_name(db.name + "-wal"), "x")
    assert lock_state(db) == "held"


def test_a_second_open_in_the_same_process_keeps_the_locks(
    store: tuple[Path, Engine, Connection],
) -> None:
    """Opening the store again (its header check) must not read the file beside SQLite."""
    db, _engine, _conn = store
    again = open_database(f"sqlite:///{db}")
    again.dispose()
    assert lock_state(db) == "held"


def test_the_store_is_released_when_its_engine_is_disposed(tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite"
    engine = open_database(f"sqlite:///{db}")
    assert is_held(db)
    engine.dispose()
    assert not is_held(db)


def test_no_qfiledialog_outside_the_helper() -> None:
    """One place builds file dialogs, so none of them can open the database."""
    ui = Path(file_dialogs.__file__).parent
    offenders = [
        str(path.relative_to(ui))
        for path in ui.rglob("*.py")
        if path.name != "file_dialogs.py" and "QFileDialog" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
