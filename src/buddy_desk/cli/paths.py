"""``buddy-desk paths``: where data, settings and logs live."""

from __future__ import annotations

import argparse

from buddy_desk import config
from buddy_desk.commands import db_url, emit

ORDER = 90


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("paths", parents=[common], help="show where data, settings and logs live")
    p.add_argument("--demo-db-url", action="store_true", help="print only the demo database URL")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.demo_db_url:
        print(config.sqlite_url(config.demo_db_path()))
        return 0
    data = {
        "database": db_url(args),
        "data_dir": str(config.data_dir()),
        "demo_database": str(config.demo_db_path()),
        "config_dir": str(config.config_dir()),
        "log_dir": str(config.log_dir()),
    }

    def human() -> None:
        for key, value in data.items():
            print(f"{key:15} {value}")

    return emit(args, data, human)
