"""``buddy-desk screenshot``: render the dossier list, or one dossier, offscreen to a PNG."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from buddy_desk.commands import acting_username, db_url
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr

ORDER = 60
_SIZE = re.compile(r"^\s*(\d{3,5})\s*[xX×]\s*(\d{3,5})\s*$")


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "screenshot",
        parents=[common],
        help="render the dossier list or a dossier view offscreen to a PNG",
    )
    p.add_argument("--out", required=True, metavar="FILE.png", help="where to write the PNG")
    p.add_argument("--dossier", type=int, metavar="ID", help="show this dossier (default: list)")
    p.add_argument("--size", default="1400x900", metavar="WxH", help="window size (1400x900)")
    p.add_argument("--search", default="", metavar="TEXT", help="type this into the list search")
    p.add_argument(
        "--font-scale",
        type=float,
        default=1.0,
        metavar="F",
        help="text size factor (2 = 200%%, the WCAG text-resize check)",
    )
    p.add_argument(
        "--kitchen-table",
        action="store_true",
        help="the kitchen-table view of --dossier (what the resident sees)",
    )
    p.set_defaults(handler=run)


def parse_size(text: str) -> tuple[int, int]:
    m = _SIZE.match(text)
    if not m:
        raise BuddyDeskError(tr("ui.screenshot.bad_size", size=text))
    width, height = int(m.group(1)), int(m.group(2))
    if not (320 <= width <= 8000 and 240 <= height <= 8000):
        raise BuddyDeskError(tr("ui.screenshot.bad_size", size=text))
    return width, height


def run(args: argparse.Namespace) -> int:
    width, height = parse_size(args.size)
    if not 0.5 <= args.font_scale <= 3:
        raise BuddyDeskError("--font-scale moet tussen 0,5 en 3 liggen (2 = 200%).")
    if args.kitchen_table and args.dossier is None:
        raise BuddyDeskError("--kitchen-table hoort bij een dossier: geef --dossier ID.")
    out = Path(args.out).expanduser()
    if not out.parent.exists():
        raise BuddyDeskError(f"Map {out.parent} bestaat niet; maak die eerst aan.")
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from buddy_desk.ui.screenshot import render_screenshot

    render_screenshot(
        db_url(args),
        out,
        size=(width, height),
        dossier_id=args.dossier,
        search=args.search,
        username=acting_username(args),
        kitchen_table=args.kitchen_table,
        font_scale=args.font_scale,
    )
    print(tr("ui.screenshot.written", path=out), file=sys.stderr)
    return 0
