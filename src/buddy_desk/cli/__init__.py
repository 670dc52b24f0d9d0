"""The command line. Each module in this package, and each feature's ``cli`` module (or the
modules of its ``cli`` package), adds one subcommand.

A command module defines ``ORDER`` (its place in ``--help``), ``register(subparsers, common)``
which adds its parser with ``set_defaults(handler=run)``, and ``run(args) -> int``.
Modules are discovered (``buddy_desk.features``), so features add commands without editing a
shared list.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
from types import ModuleType
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError

from buddy_desk import __version__
from buddy_desk.commands import EXIT_ERROR, one_line, user_message
from buddy_desk.config import resolve_db_url
from buddy_desk.core.files import make_private
from buddy_desk.core.gc_pause import resume_after_start
from buddy_desk.errors import BuddyDeskError
from buddy_desk.features import feature_modules, submodules
from buddy_desk.i18n import LANGUAGES, set_language
from buddy_desk.logging_setup import configure_logging
from buddy_desk.persistence.schema import describe

log = logging.getLogger(__name__)


def _command_modules() -> list[ModuleType]:
    modules = submodules(sys.modules[__name__])
    for feature_cli in feature_modules("cli"):
        if hasattr(feature_cli, "__path__"):
            modules.extend(submodules(feature_cli))
        else:
            modules.append(feature_cli)
    return sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def common_parser() -> argparse.ArgumentParser:
    """Options every command accepts, before or after the command name."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="database: a SQLite file path or URL, or postgresql://… (default: BUDDY_DESK_DB, "
        "else the user data folder)",
    )
    common.add_argument(
        "--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help="language (default nl)"
    )
    common.add_argument(
        "--user",
        metavar="USERNAME",
        default=argparse.SUPPRESS,
        help="act as this supervisor: their organisation decides what of the other "
        "organisation is shown (without it, neither organisation's case details)",
    )
    common.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="more logging"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    parser = argparse.ArgumentParser(
        prog="buddy-desk",
        description="Buddy Desk: het geïntegreerde IMG/NCG-dossier voor buddyparen. "
        "Without a command, the app starts.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"buddy-desk {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in _command_modules():
        module.register(sub, common)
    return parser


class _NotTheAppError(Exception):
    """The arguments are more than the app's options: the full parser takes them."""


class _AppOptionsParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheAppError(message)


def app_start_args(argv: list[str]) -> argparse.Namespace | None:
    """The options when ``argv`` only starts the app (no command, no ``--help``), else None.

    Parsed without building the full parser: that imports every feature's commands (and the
    ORM with them), 0.5 s of a start to the window that needs none of it.
    """
    parser = _AppOptionsParser(prog="buddy-desk", parents=[common_parser()], add_help=False)
    try:
        args, rest = parser.parse_known_args(argv)
    except _NotTheAppError:
        return None  # the full parser says what is wrong, with its own usage line
    return None if rest else args


def main(argv: list[str]) -> int:
    try:
        return _main(argv)
    finally:
        resume_after_start()  # the app resumed it at its first page; a command never paused


def _main(argv: list[str]) -> int:
    make_private()
    _ignore_file_size_signal()
    args = app_start_args(argv)
    if args is None:
        resume_after_start()  # a command, not the app's start: the collector as usual
        args = build_parser().parse_args(argv)
    log_path = configure_logging(verbose=getattr(args, "verbose", False))
    set_language(getattr(args, "lang", "nl"))
    handler = getattr(args, "handler", None)
    if handler is None:
        from buddy_desk.cli.gui import run as run_gui

        handler = run_gui
    try:
        code: int = handler(args)
        return code
    except BuddyDeskError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("buddy-desk: afgebroken", file=sys.stderr)
        return 130
    except (SQLAlchemyError, OSError) as exc:
        log.info("command failed: %s", type(exc).__name__, exc_info=True)  # file only
        return _fail(user_message(exc, _where(args)))
    except Exception as exc:  # a bug: one line here, the (redacted) traceback in the log
        log.error("unexpected error", exc_info=True)
        where = f"; details in {log_path}" if log_path else ""
        return _fail(f"onverwachte fout ({type(exc).__name__}){where}")


def _fail(message: str) -> int:
    print(f"buddy-desk: {one_line(message)}", file=sys.stderr)
    return EXIT_ERROR


def _where(args: argparse.Namespace) -> str:
    try:
        return describe(resolve_db_url(getattr(args, "db", None)))
    except Exception:
        return "de database"


def _ignore_file_size_signal() -> None:
    """A file-size limit then fails the write (EFBIG, explained) instead of killing us."""
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
