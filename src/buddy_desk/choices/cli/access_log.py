"""``buddy-desk access-log``: who saw the other organisation's data (for the privacy officer)."""

from __future__ import annotations

import argparse
from pathlib import Path

from buddy_desk.choices.cli.choices import OutputError
from buddy_desk.choices.service.consent import access_log
from buddy_desk.choices.service.exports import access_log_csv
from buddy_desk.commands import open_uow

ORDER = 34


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "access-log",
        parents=[common],
        help="export the access log (Verwerkingenlogging) of a resident or dossier as CSV",
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--resident", type=int, metavar="ID", help="person id of the resident")
    which.add_argument("--dossier", type=int, metavar="ID", help="dossier id")
    p.add_argument("--csv", type=Path, metavar="FILE", required=True, help="CSV file to write")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    path: Path = args.csv.expanduser()
    if not path.parent.is_dir():
        raise OutputError(f"Map {path.parent} bestaat niet; kies een bestaande map.")
    records = access_log(open_uow(args), dossier_id=args.dossier, person_id=args.resident)
    access_log_csv(records, path)
    print(f"{len(records)} inzage(s) geschreven naar {path}")
    return 0
