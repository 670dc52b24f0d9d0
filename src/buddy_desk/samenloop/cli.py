"""``buddy-desk samenloop``: the NCG addresses and how they meet IMG's damage handling."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from buddy_desk.choices.rules import options_label
from buddy_desk.choices.service.consent import acting_viewer
from buddy_desk.commands import EXIT_OK, acting_username, emit, open_uow
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import NcgStatus, Organisation
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.samenloop.service import (
    ListFilter,
    ListId,
    ListQuery,
    SamenloopRow,
    SortKey,
    export_query,
    load_counts,
    shown_batches,
)

ORDER = 35

LABELS = {
    ListId.NCG: "Adressen in het versterkingsbestand (NCG)",
    ListId.PROACTIVE: "  zonder schademelding (proactief benaderen)",
    ListId.SETTLED: "  schade afgehandeld",
    ListId.BOTH: "  schade én versterking lopen",
    ListId.NCG_DONE: "  schade loopt, versterking afgerond",
}


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "samenloop",
        parents=[common],
        help="overview: NCG addresses with/without damage report, both running, groups A–F",
    )
    p.add_argument(
        "--list",
        choices=[lid.value for lid in ListId],
        help="show (or export) the list behind a number instead of the counts",
    )
    p.add_argument("--search", default="", metavar="TEXT", help="address, postcode, zaaknummer")
    p.add_argument("--gemeente", metavar="NAME", help="only this municipality")
    p.add_argument("--ncg-status", choices=[s.value for s in NcgStatus], help="only this status")
    p.add_argument("--group", choices=[g.value for g in CollaborationGroup], help="only group")
    p.add_argument("--bijzonder", action="store_true", help="only with a bijzondere situatie")
    p.add_argument(
        "--sort", choices=[k.value for k in SortKey], default=SortKey.ADDRESS.value, help="order"
    )
    p.add_argument("--csv", type=Path, metavar="FILE", help="export the list to CSV (Excel)")
    p.add_argument("--limit", type=int, default=0, help="at most this many rows")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def counts_json(counts: dict[ListId, int]) -> dict[str, object]:
    c = counts
    return {
        "ncg_addresses": c[ListId.NCG],
        "without_damage_report": c[ListId.PROACTIVE],
        "damage_settled": c[ListId.SETTLED],
        "both_running": c[ListId.BOTH],
        "damage_running_strengthening_done": c[ListId.NCG_DONE],
        "both_running_per_group": {
            g.value: c[ListId(f"group_{g.value}")] for g in CollaborationGroup
        },
    }


def run(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    viewer = acting_viewer(uow, acting_username(args))
    if args.list is None and args.csv is None:
        counts = load_counts(uow)

        def human_counts() -> None:
            total = counts[ListId.NCG] or 1
            for lid, label in LABELS.items():
                n = counts[lid]
                print(f"{label:<46} {n:>7}  {100 * n / total:5.1f}%")
            print("  lopend bij beide, per samenwerkingsgroep:")
            for g in CollaborationGroup:
                print(f"    groep {g.value}{'':<36} {counts[ListId(f'group_{g.value}')]:>7}")

        return emit(args, counts_json(counts), human_counts)
    query = ListQuery(
        ListId(args.list or ListId.NCG.value),
        ListFilter(
            text=args.search,
            gemeente=args.gemeente,
            ncg_status=NcgStatus(args.ncg_status) if args.ncg_status else None,
            group=CollaborationGroup(args.group) if args.group else None,
            only_bijzonder=args.bijzonder,
        ),
        SortKey(args.sort),
    )
    withheld: set[tuple[str, str]] = set()
    if args.csv is not None:
        if args.csv.is_dir() or not args.csv.parent.is_dir():
            raise BuddyDeskError(f"{args.csv}: kies een bestandsnaam in een bestaande map.")
        try:
            n = export_query(
                uow,
                viewer,
                query,
                args.csv,
                limit=args.limit,
                on_batch=lambda rows: withheld.update(_reasons(rows)),
            )
        except OSError as exc:
            raise BuddyDeskError(
                f"{args.csv} kan niet worden geschreven ({exc.strerror})."
            ) from None
        print(f"{n} adressen geschreven naar {args.csv}")
        _print_withheld(withheld)
        return 0
    # the list leaves the app: each batch's disclosures are logged before it is printed
    batches = shown_batches(uow, viewer, query, limit=args.limit)
    if getattr(args, "json", False):
        _stream_json(_as_json(r) for rows in batches for r in rows)
        return EXIT_OK

    def human() -> None:
        hidden = tr("consent.gate.cell")
        n = 0
        for rows in batches:
            for r in rows:
                why = dict(r.withheld)
                ncg = r.ncg_status.value if r.ncg_status else hidden
                img = (
                    r.img_phase.value
                    if r.img_phase
                    else (hidden if Organisation.IMG in why else "-")
                )
                group = r.group.value if r.group else options_label(r.group_options) or "-"
                print(
                    f"{r.dossier_id:>7}  {r.address_line:<30.30} {r.postcode_text}  "
                    f"{r.gemeente:<16.16} NCG {ncg:<4} IMG {img:<13} {group}  "
                    f"{r.bijzondere_situatie or ''}"
                )
            n += len(rows)
            withheld.update(_reasons(rows))
        print(f"{n} adres(sen)")
        _print_withheld(withheld)

    return emit(args, None, human)


def _as_json(r: SamenloopRow) -> dict[str, Any]:
    return {
        "dossier_id": r.dossier_id,
        "adres_id": r.ncg_address_id,
        "address": r.address_line,
        "postcode": r.postcode_text,
        "woonplaats": r.woonplaats,
        "gemeente": r.gemeente,
        "ncg_status": r.ncg_status.value if r.ncg_status else None,
        "bijzondere_situatie": r.bijzondere_situatie,
        "img_phase": r.img_phase.value if r.img_phase else None,
        "zaaknummer": r.zaaknummer,
        "group": r.group.value if r.group else None,
        "group_options": sorted(g.value for g in r.group_options),
        "withheld": [
            {"organisation": o.value, "reason": why, "text": _text(o.value, why)}
            for o, why in r.withheld
        ],
    }


def _stream_json(items: Iterable[dict[str, Any]]) -> None:
    """One JSON array on stdout, written item by item: the text ``print_json`` writes for the
    whole list (indented by two), without the whole list in memory."""
    out = sys.stdout
    encoding = out.encoding or "utf-8"
    first = True
    for item in items:
        text = json.dumps(item, ensure_ascii=False, indent=2, default=str)
        try:
            text.encode(encoding)
        except (UnicodeEncodeError, LookupError):
            text = json.dumps(item, ensure_ascii=True, indent=2, default=str)
        out.write(("[\n" if first else ",\n") + textwrap.indent(text, "  "))
        first = False
    out.write("[]\n" if first else "\n]\n")


def _text(org: str, reason: str) -> str:
    return tr(f"consent.gate.{reason}", org=org)


def _reasons(rows: Iterable[SamenloopRow]) -> set[tuple[str, str]]:
    return {(o.value, why) for r in rows for o, why in r.withheld}


def _print_withheld(reasons: set[tuple[str, str]]) -> None:
    """Say plainly what the list left out, once per reason."""
    for org, reason in sorted(reasons):
        print(_text(org, reason))
