"""``buddy-desk dossiers``: list dossiers, searched and filtered like the app's list."""

from __future__ import annotations

import argparse
import sys

from buddy_desk.choices.rules import options_label
from buddy_desk.choices.service.consent import (
    LIST_EXPORT,
    acting_viewer,
    disclosed_sides,
    disclosures_in,
    gated_page,
    log_disclosures_in,
    no_consent_verdict,
)
from buddy_desk.commands import acting_username, emit, open_uow
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import NCG_STATUS_LABELS, Organisation
from buddy_desk.core.search import DossierFilter
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.dossiers.service import ListSort
from buddy_desk.i18n import tr

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
    """The list as the ``--user`` may see it (the consent gate), read page by page with the
    app list's own query (the province is never in memory at once); every row that shows
    the other organisation's phase or case number leaves the app, so it is logged once."""
    groups = frozenset(CollaborationGroup(g) for g in args.group or ())
    uow = open_uow(args)
    viewer = acting_viewer(uow, acting_username(args))
    dossier_filter = DossierFilter(text=args.search, groups=groups)
    found: list[DossierSummary] = []
    read = 0
    while not args.limit or len(found) < args.limit:
        want = min(_PAGE, args.limit - len(found)) if args.limit else _PAGE
        page = gated_page(uow, viewer, dossier_filter, ListSort(), read, want)
        found += page.rows
        read += len(page.rows) if page.consumed is None else page.consumed
        if len(page.rows) < want:
            break
    with uow:
        verdicts = disclosures_in(uow, viewer.organisation, [r.id for r in found])
        shown = [
            pair
            for r in found
            for pair in disclosed_sides(
                verdicts.get(r.id) or no_consent_verdict(r.id, viewer.organisation),
                {
                    Organisation.IMG: r.img_phase is not None,
                    Organisation.NCG: r.ncg_status is not None,
                },
            )
        ]
        if log_disclosures_in(uow, viewer, shown, LIST_EXPORT):
            uow.commit()

    def human() -> None:
        hidden = tr("consent.gate.cell")
        withheld: set[tuple[str, str]] = set()
        for r in found:
            why = dict(r.withheld)
            withheld.update((org.value, reason) for org, reason in r.withheld)
            ncg = f"{r.ncg_status.value} {NCG_STATUS_LABELS[r.ncg_status]}" if r.ncg_status else "-"
            img = r.img_phase.value if r.img_phase else "-"
            img = hidden if Organisation.IMG in why else img
            ncg = hidden if Organisation.NCG in why else ncg
            group = r.group.value if r.group else options_label(r.group_options) or "-"
            print(
                f"{r.id:>7}  {r.address_line:<32.32} {r.postcode_text}  {r.woonplaats:<16.16} "
                f"IMG {img:<13} NCG {ncg:<40.40} {group}"
            )
        print(f"{len(found)} dossier(s)")
        for org, reason in sorted(withheld):
            print(_text(Organisation(org), reason))
        if viewer.organisation is None and not withheld:
            print(_text(Organisation.IMG, "geen_profiel"), file=sys.stderr)

    return emit(
        args,
        [
            {
                "id": r.id,
                "address": r.address_line,
                "postcode": r.postcode_text,
                "woonplaats": r.woonplaats,
                "img_phase": r.img_phase.value if r.img_phase else None,
                "ncg_status": r.ncg_status.value if r.ncg_status else None,
                "group": r.group.value if r.group else None,
                "group_options": sorted(g.value for g in r.group_options),
                "withheld": [
                    {"organisation": org.value, "reason": reason, "text": _text(org, reason)}
                    for org, reason in r.withheld
                ],
                "flags": sorted(f.value for f in r.flags),
                "zaaknummers": list(r.zaaknummers),
            }
            for r in found
        ],
        human,
    )


def _present(r: DossierSummary) -> dict[Organisation, bool]:
    return {Organisation.IMG: r.img_phase is not None, Organisation.NCG: r.ncg_status is not None}


def _text(org: Organisation, reason: str) -> str:
    return tr(f"consent.gate.{reason}", org=org.value)
