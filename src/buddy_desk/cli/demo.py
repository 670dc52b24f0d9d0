"""``buddy-desk demo``: fill a database with synthetic, plausible demo data."""

from __future__ import annotations

import argparse
import sys
import time

from buddy_desk.commands import db_url
from buddy_desk.core.files import private_dir
from buddy_desk.errors import BuddyDeskError
from buddy_desk.persistence.engine import sqlite_path
from buddy_desk.persistence.schema import describe, open_database

ORDER = 20


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("demo", parents=[common], help="fill a database with synthetic demo data")
    p.add_argument("--seed", type=int, default=2021, help="random seed (same seed, same data)")
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="fraction of the real scale (1.0 = 26,800 NCG addresses)",
    )
    p.add_argument(
        "--if-missing", action="store_true", help="do nothing if the database already has dossiers"
    )
    p.add_argument("--force", action="store_true", help="replace the data of a filled database")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from buddy_desk.demo.generator import MAX_SCALE, count_dossiers, generate

    if not 0 < args.scale <= MAX_SCALE:
        raise BuddyDeskError(f"--scale moet tussen 0 en {MAX_SCALE:g} liggen")
    url = db_url(args)
    path = sqlite_path(url)
    if path is not None:
        private_dir(path.parent)
    engine = open_database(url, create=True)
    existing = count_dossiers(engine)
    if existing and args.if_missing:
        print(f"{describe(url)} heeft al {existing} dossiers; niets gedaan.")
        return 0
    if existing and not args.force:
        raise BuddyDeskError(
            f"{describe(url)} heeft al {existing} dossiers. Gebruik --force om ze te vervangen "
            "door demodata, of kies een andere database."
        )
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r{done}/{total}", end="", file=sys.stderr, flush=True)

    stats = generate(
        engine, seed=args.seed, scale=args.scale, replace=bool(existing), progress=progress
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    print(
        f"Demodata in {describe(url)}: {stats.dossiers} dossiers, {stats.cases} zaken, "
        f"{stats.supervisors} begeleiders ({time.perf_counter() - started:.1f} s)."
    )
    return 0
