"""``buddy-desk dossiers``: list dossiers, searched and filtered like the app's list."""

from __future__ import annotations

import argparse

from buddy_desk.commands import open_uow, print_json
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import NCG_STATUS_LABELS
from buddy_desk.core.search import DossierFilter
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.dossiers.service import find_summaries

ORDER = 10
_PAGE = 5_000


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "dossiers", parents=[common], help="list dossiers (id, address, phases, group)"
    )
    p.add_argument(
        "--search", metavar="TEXT", default="", help="street and number, postcode, name, zaaknummer"
    )
    p.add_argument(
        "--group",
        choices=[g.value for g in CollaborationGroup],
        action="append",
        help="only this collaboration group (repeatable)",
    )
    p.add_argument("--limit", type=int, default=0, help="at most this many rows")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    groups = frozenset(CollaborationGroup(g) for g in args.group or ())
    uow = open_uow(args)
    dossier_filter = DossierFilter(text=args.search, groups=groups)
    # the app list's own query, page by page: the province is never in memory at once
    found: list[DossierSummary] = []
    while not args.limit or len(found) < args.limit:
        want = min(_PAGE, args.limit - len(found)) if args.limit else _PAGE
        page = find_summaries(uow, dossier_filter, offset=len(found), limit=want).rows
        found += page
        if len(page) < want:
            break
    if args.json:
        print_json(
            [
                {
                    "id": r.id,
                    "address": r.address_line,
                    "postcode": r.postcode_text,
                    "woonplaats": r.woonplaats,
                    "img_phase": r.img_phase.value if r.img_phase else None,
                    "ncg_status": r.ncg_status.value if r.ncg_status else None,
                    "group": r.group.value if r.group else None,
                    "flags": sorted(f.value for f in r.flags),
                    "zaaknummers": list(r.zaaknummers),
                }
                for r in found
            ]
        )
        return 0
    for r in found:
        ncg = f"{r.ncg_status.value} {NCG_STATUS_LABELS[r.ncg_status]}" if r.ncg_status else "-"
        img = r.img_phase.value if r.img_phase else "-"
        print(
            f"{r.id:>7}  {r.address_line:<32.32} {r.postcode_text}  {r.woonplaats:<16.16} "
            f"IMG {img:<13} NCG {ncg:<40.40} {r.group.value if r.group else '-'}"
        )
    print(f"{len(found)} dossier(s)")
    return 0
