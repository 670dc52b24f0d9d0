"""``buddy-desk`` / ``buddy-desk run``: start the app."""

from __future__ import annotations

import argparse

from buddy_desk.commands import acting_username, db_url

ORDER = 0


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("run", parents=[common], help="start the app (the default)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from buddy_desk.ui.app import run_app

    return run_app(db_url(args), language=getattr(args, "lang", None), user=acting_username(args))
