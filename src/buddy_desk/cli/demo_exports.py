"""``buddy-desk demo-exports --out DIR``: write synthetic NCG and IMG export files."""

from __future__ import annotations

import argparse
from pathlib import Path

from buddy_desk.errors import BuddyDeskError
from buddy_desk.importing.samples import write_exports

ORDER = 25


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "demo-exports",
        parents=[common],
        help="write synthetic NCG and IMG CSV exports (to try the import)",
    )
    p.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write to")
    p.add_argument("--ncg", type=int, default=26_800, help="NCG addresses (default 26,800)")
    p.add_argument("--img", type=int, default=45_000, help="IMG cases (default 45,000)")
    p.add_argument("--seed", type=int, default=2021, help="random seed")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.ncg < 1 or args.img < 1:
        raise BuddyDeskError("--ncg en --img moeten minstens 1 zijn.")
    try:
        ncg, img = write_exports(args.out, args.ncg, args.img, args.seed)
    except OSError as exc:
        raise BuddyDeskError(f"{args.out} kan niet worden geschreven ({exc.strerror}).") from None
    print(f"NCG-export: {ncg}")
    print(f"IMG-export: {img}")
    return 0
