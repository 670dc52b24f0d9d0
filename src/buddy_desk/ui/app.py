"""Wires settings → database → unit of work → context → main window, and runs the app.

Nothing happens at import time. Errors a user can act on become a clear dialog and exit
code 2; an unexpected crash is logged and the dialog names the log file.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication
from sqlalchemy.exc import SQLAlchemyError

from buddy_desk.config import default_db_path
from buddy_desk.core.files import private_dir
from buddy_desk.core.gc_pause import resume_after_start
from buddy_desk.dossiers.profiles import StaffAccount, find_account, list_accounts
from buddy_desk.errors import BuddyDeskError, DatabaseError
from buddy_desk.i18n import LANGUAGES, current_language, set_language, tr
from buddy_desk.logging_setup import configure_logging
from buddy_desk.persistence.encryption import is_plain_sqlite
from buddy_desk.persistence.engine import sqlite_path
from buddy_desk.persistence.schema import describe, open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext, AppEvents, UserProfile
from buddy_desk.ui.extensions import UiRegistry, discover
from buddy_desk.ui.help import install_help_key
from buddy_desk.ui.main_window import MainWindow
from buddy_desk.ui.profile import guest_profile, profile_from_account
from buddy_desk.ui.qt_translations import apply_qt_language
from buddy_desk.ui.settings import AppSettings, load_settings, save_settings
from buddy_desk.ui.style import STYLE_SHEET
from buddy_desk.ui.tasks import TaskRunner, as_user_error

log = logging.getLogger(__name__)
EXIT_ERROR = 2

ShowError = Callable[[str, str], None]
"""(title, message) → shows it to the user; tests pass a recorder instead of a dialog."""
AskProfile = Callable[[list[StaffAccount], UserProfile | None], UserProfile | None]
ExecLoop = Callable[[QApplication, MainWindow], int]


START_GC_BACKSTOP_MS = 10_000
"""The cyclic collector is back this long after the window was built, painted or not."""

GIL_SWITCH_INTERVAL_S = 0.0002
"""How soon a background job hands the interpreter back to the GUI thread (Python's default:
5 ms). PySide releases the GIL in nearly every Qt call and must take it back to return, so
while a job runs Python each such call can wait the whole interval: a page of 150 labels
took 2 s instead of 9 ms to build beside a busy job, ~75 ms at 0.2 ms (``bench_gui_thread``
measures it). A job alone is not slowed: the interval counts only while another thread
waits."""


def ensure_application() -> QApplication:
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        install_qt_message_handler()  # ours only when we own the app (not under pytest-qt)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Buddy Desk")
    app.setOrganizationName("BuddyDesk")
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
    install_help_key(app)
    return app


_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


# Harmless platform-plugin chatter (offscreen rendering for screenshots and tests).
_QT_NOISE = ("does not support propagateSizeHints",)


def _qt_message_handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    level = _QT_LEVELS.get(mode, logging.WARNING)
    if any(noise in message for noise in _QT_NOISE):
        level = logging.DEBUG
    logging.getLogger("qt").log(level, "%s", message)


def install_qt_message_handler() -> None:
    qInstallMessageHandler(_qt_message_handler)


def _dialog_error(title: str, message: str) -> None:
    from buddy_desk.ui.messages import show_error

    show_error(None, title, message)


def install_excepthook(log_path: Path | None, show_error: ShowError) -> None:
    """Log any unexpected crash and tell the user where the log is (no traceback dialog)."""

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.critical("unexpected error", exc_info=(exc_type, exc, tb))
        where = str(log_path) if log_path else tr("ui.log.none")
        try:
            if isinstance(exc, SQLAlchemyError | OSError | BuddyDeskError):
                # a failure the user meets (locked, read-only, disk full): the CLI's sentence
                show_error(tr("ui.error.action_title"), str(as_user_error(exc)))
                return
            show_error(tr("ui.error.crash_title"), tr("ui.error.crash", log=where))
        except Exception:  # the hook must never raise
            log.exception("could not show the crash dialog")

    sys.excepthook = hook


def db_label(url: str) -> str:
    path = sqlite_path(url)
    return path.name if path is not None else describe(url)


def resolve_profile(
    uow: UnitOfWork,
    settings: AppSettings,
    username: str | None,
    ask: AskProfile | None,
) -> UserProfile:
    """--user beats the stored profile beats asking (first start); cancel → a guest profile."""
    if username:
        account = find_account(uow.fresh(), username)
        if account is None:
            raise BuddyDeskError(tr("ui.error.unknown_user", user=username))
        return profile_from_account(account)
    if settings.profile is not None:
        return settings.profile
    if ask is None:
        return guest_profile()
    chosen = ask(list_accounts(uow.fresh()), None)
    if chosen is None:
        return guest_profile()
    settings.profile = chosen
    save_settings(settings)
    return chosen


def build_window(
    engine_url: str,
    uow: UnitOfWork,
    user: UserProfile,
    settings: AppSettings | None = None,
    registry: UiRegistry | None = None,
) -> MainWindow:
    """The main window on an opened database (also used by the screenshot command)."""
    ensure_application()
    apply_qt_language(current_language())
    ctx = AppContext(
        uow=uow, db_label=db_label(engine_url), events=AppEvents(), tasks=TaskRunner(), user=user
    )
    return MainWindow(ctx, settings, registry if registry is not None else discover())


def _ask_with_dialog(
    accounts: list[StaffAccount], current: UserProfile | None
) -> UserProfile | None:
    from buddy_desk.ui.profile_dialog import ask_profile

    return ask_profile(accounts, current)


def _exec(app: QApplication, window: MainWindow) -> int:
    window.show()
    return app.exec()


def run_app(
    db_url: str,
    language: str | None = None,
    user: str | None = None,
    *,
    show_error: ShowError = _dialog_error,
    ask_profile: AskProfile | None = _ask_with_dialog,
    exec_loop: ExecLoop = _exec,
    settings_file: Path | None = None,
) -> int:
    """Start the app; 0 on a normal quit, 2 when the database or user cannot be used."""
    log_path = configure_logging()
    app = ensure_application()
    install_qt_message_handler()
    settings = load_settings(settings_file)
    chosen = language or settings.language or "nl"
    set_language(chosen if chosen in LANGUAGES else "nl")
    apply_qt_language(current_language())  # before the first dialog (profile, database error)
    path = sqlite_path(db_url)
    if path is not None and path == default_db_path():
        private_dir(path.parent)
    try:
        engine = open_database(db_url)
    except DatabaseError as exc:
        log.error("database could not be opened")
        show_error(tr("ui.error.db_title"), tr("ui.error.db", error=str(exc)))
        return EXIT_ERROR
    uow = UnitOfWork(engine)
    try:
        profile = resolve_profile(uow, settings, user, ask_profile)
    except BuddyDeskError as exc:
        show_error(tr("ui.error.user_title"), str(exc))
        engine.dispose()
        return EXIT_ERROR
    window = build_window(db_url, uow, profile, settings)
    window.log_path = str(log_path) if log_path else None
    if path is not None and is_plain_sqlite(path):  # an older, unencrypted database
        window.statusBar().showMessage(tr("cipher.ui.plain_database", db=str(path)))
    # the window resumes the collector at its first page (``buddy_desk.__main__`` paused it
    # for the start); should that page never come (a database error), this does
    QTimer.singleShot(START_GC_BACKSTOP_MS, resume_after_start)
    previous_hook = sys.excepthook
    install_excepthook(log_path, show_error)
    try:
        code = exec_loop(app, window)
    finally:
        sys.excepthook = previous_hook
        window.flush_all()
        window.ctx.tasks.wait(5000)
        engine.dispose()
    return code
