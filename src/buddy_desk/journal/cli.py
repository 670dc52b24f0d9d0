"""``buddy-desk journal DOSSIER [--json]`` and ``buddy-desk journal add DOSSIER --kind … --text …``.

Both act as ``--user`` (a supervisor's username, or BUDDY_DESK_USER): their organisation
decides which of the other organisation's contact moments may be shown (the resident's
consent), and is stored with a moment they add.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import asdict
from datetime import datetime

from buddy_desk.choices.rules import Actor
from buddy_desk.choices.service.log import LOCAL
from buddy_desk.commands import acting_username, emit, open_uow
from buddy_desk.errors import BuddyDeskError, ValidationError
from buddy_desk.journal.rules import ContactKind, parse_kind
from buddy_desk.journal.service import add_contact, journal, viewer_for

ORDER = 47
LOCAL_FORMAT = "%d-%m-%Y %H:%M"


class JournalUsageError(BuddyDeskError):
    """The journal command was called with missing or wrong arguments."""


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "journal",
        parents=[common],
        help="a dossier's contact journal; 'journal add DOSSIER' records a contact moment",
    )
    p.add_argument("first", metavar="DOSSIER|add", help="dossier id, or 'add'")
    p.add_argument("dossier", nargs="?", metavar="DOSSIER", help="dossier id (after 'add')")
    p.add_argument("--kind", choices=[k.value for k in ContactKind], help="kind of contact")
    p.add_argument("--text", help="what was discussed, in short")
    p.add_argument("--when", metavar="DD-MM-JJJJ UU:MM", help="when (default: now)")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.set_defaults(handler=run)


def _dossier_id(text: str | None) -> int:
    if text is None or not text.isdigit():
        raise JournalUsageError(f"Geef een dossiernummer (niet {text!r}).")
    return int(text)


def _viewer(args: argparse.Namespace) -> Actor:
    username = acting_username(args) or os.environ.get("BUDDY_DESK_USER")
    if not username:
        raise JournalUsageError("Wie bent u? Geef --user GEBRUIKERSNAAM (of BUDDY_DESK_USER).")
    viewer = viewer_for(open_uow(args), username)
    if viewer is None:
        raise JournalUsageError(f"Gebruiker {username!r} is geen bekende begeleider.")
    return viewer


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        local = datetime.strptime(text.strip(), LOCAL_FORMAT).replace(tzinfo=LOCAL)
    except ValueError:
        raise ValidationError("--when", f"{text!r} is geen tijd als 26-11-2026 14:30") from None
    return local


def run(args: argparse.Namespace) -> int:
    viewer = _viewer(args)
    uow = open_uow(args)
    if args.first == "add":
        if not args.kind or args.text is None:
            raise JournalUsageError("journal add DOSSIER --kind SOORT --text TEKST")
        moment = add_contact(
            uow,
            _dossier_id(args.dossier),
            parse_kind(args.kind),
            args.text,
            viewer,
            _when(args.when),
        )

        def human_added() -> None:
            print(f"Contactmoment {moment.id} vastgelegd.", file=sys.stderr)

        return emit(args, asdict(moment), human_added)
    if args.dossier is not None:
        raise JournalUsageError("Gebruik 'journal DOSSIER' of 'journal add DOSSIER …'.")
    result = journal(uow, _dossier_id(args.first), viewer)

    def human() -> None:
        for m in result.moments:
            when = m.occurred_at.astimezone(LOCAL).strftime(LOCAL_FORMAT)
            org = m.organisation.value if m.organisation else "—"
            line = f"{when}  {m.kind.value:<11} {org:<4} {m.author}: {m.text}"
            if m.letter_sha256:
                line += f"  [sha256 {m.letter_sha256}]"
            print(line)
        if not result.moments:
            print("Nog geen contactmomenten.")
        if result.hidden and result.hidden_organisation:
            print(
                f"{result.hidden} contactmoment(en) van {result.hidden_organisation.value} "
                "afgeschermd: de bewoner heeft (nog) geen toestemming gegeven om die te delen."
            )

    return emit(args, asdict(result), human)
