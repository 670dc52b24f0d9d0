"""``buddy-desk kitchen DOSSIER --user NAME [--json]``: the kitchen-table content as text.

The same content the kitchen-table window shows, through the same consent gate: the user's
organisation decides what of the other organisation may be shown.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date

from buddy_desk.commands import acting_username, emit, open_uow
from buddy_desk.core.formatting import dutch_date
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import in_language, tr
from buddy_desk.journal.service import viewer_for
from buddy_desk.kitchen.rules import KitchenContent
from buddy_desk.kitchen.service import kitchen_view

ORDER = 46


class UnknownUserError(BuddyDeskError):
    """The --user is not a known supervisor."""


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "kitchen",
        parents=[common],
        help="what the resident sees at the kitchen table (consent-gated for --user)",
    )
    p.add_argument("dossier", type=int, metavar="DOSSIER", help="dossier id")
    p.add_argument("--json", action="store_true", help="the content as JSON")
    p.set_defaults(handler=run)


def _text(c: KitchenContent) -> str:
    lines = [c.heading, f"{c.address_line}, {c.place_line}", "", c.intro]
    if c.safety:
        lines += ["", c.safety]
    for track in c.tracks:
        lines += ["", track.title]
        lines += [f"  [{s.state.value[0].upper()}] {s.label}" for s in track.steps]
        lines.append(f"  {tr('kitchen.label.now')}: {track.now}")
        if track.next:
            lines.append(f"  {tr('kitchen.label.next')}: {track.next}")
        if track.when:
            lines.append(f"  {tr('kitchen.label.when')}: {track.when}")
    lines += ["", c.together_title, *(f"  {p}" for p in c.together)]
    lines += ["", tr("kitchen.section.appointments")]
    lines += [f"  {a.when}: {a.what}" for a in c.appointments] or [
        f"  {tr('kitchen.appointments.none')}"
    ]
    lines += ["", tr("kitchen.choices.made")]
    lines += [
        f"  {ch.subject}: {ch.answer} ({dutch_date(ch.made_on)}, {ch.channel.lower()})"
        for ch in c.choices_made
    ] or [f"  {tr('kitchen.choices.none')}"]
    lines += ["", tr("kitchen.choices.open")]
    lines += [f"  {o.subject}" for o in c.choices_open] or [f"  {tr('kitchen.choices.open_none')}"]
    lines += ["", c.contacts_title]
    for card in c.contacts:
        contact = ", ".join(x for x in (card.name or card.missing, card.phone, card.email) if x)
        lines.append(f"  {card.organisation.value} {card.role}: {contact}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    username = acting_username(args)
    if username is None:
        raise UnknownUserError(
            "Wie laat het zien? Geef --user GEBRUIKERSNAAM (de buddy aan de keukentafel)."
        )
    viewer = viewer_for(uow, username)
    if viewer is None:
        raise UnknownUserError(f"Gebruiker {username!r} is geen bekende begeleider.")
    content = kitchen_view(uow, args.dossier, viewer, date.today())

    def human() -> None:
        with in_language("nl"):
            print(_text(content))

    return emit(args, asdict(content), human)
