"""Render the main window (list or one dossier) to a PNG without a screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from buddy_desk.dossiers.profiles import find_account
from buddy_desk.dossiers.service import get_dossier
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.app import build_window, ensure_application
from buddy_desk.ui.main_window import MainWindow
from buddy_desk.ui.profile import guest_profile, profile_from_account
from buddy_desk.ui.settings import AppSettings

LOAD_TIMEOUT_MS = 60_000


def wait_until_loaded(window: MainWindow, timeout_ms: int = LOAD_TIMEOUT_MS) -> None:
    if window.list_view.loaded:
        return
    loop = QEventLoop()
    window.list_view.rows_loaded.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def settle(app: QApplication, rounds: int = 5) -> None:
    """Let layouts and deferred deletes finish before grabbing."""
    for _ in range(rounds):
        app.processEvents()


def render_screenshot(
    url: str,
    out: Path,
    *,
    size: tuple[int, int] = (1400, 900),
    dossier_id: int | None = None,
    search: str = "",
    username: str | None = None,
    kitchen_table: bool = False,
    font_scale: float = 1.0,
) -> None:
    app = ensure_application()
    if font_scale != 1.0:
        font = app.font()
        font.setPointSizeF(font.pointSizeF() * font_scale)
        app.setFont(font)
    engine = open_database(url, create=False)
    try:
        uow = UnitOfWork(engine)
        if dossier_id is not None:
            get_dossier(uow.fresh(), dossier_id)  # NotFoundError: a clear message, exit 2
        profile = guest_profile()
        if username:
            account = find_account(uow.fresh(), username)
            if account is None:
                raise BuddyDeskError(tr("ui.error.unknown_user", user=username))
            profile = profile_from_account(account)
        # the user's own settings stay as they are: a screenshot is not a session
        window = build_window(url, uow, profile, AppSettings(persistent=False))
        window.resize(*size)
        window.show()
        wait_until_loaded(window)
        if search:
            window.list_view.search.setText(search)
        if dossier_id is not None:
            window.open_dossier(dossier_id)
        settle(app)
        target: QWidget = window
        if kitchen_table and dossier_id is not None:
            from buddy_desk.ui.kitchen import open_kitchen_table

            target = open_kitchen_table(window.ctx, dossier_id, window)
            target.resize(*size)
            settle(app)
        if not target.grab().save(str(out), "PNG"):
            raise BuddyDeskError(tr("ui.screenshot.not_written", path=out))
        if target is not window:
            target.close()
        window.ctx.tasks.wait(5000)
        window.close()
        window.deleteLater()
        settle(app)
    finally:
        engine.dispose()
