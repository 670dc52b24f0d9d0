"""``buddy-desk verify-log``: check every dossier's choice log against its hash chain."""

from __future__ import annotations

import argparse

from buddy_desk.choices.service.log import verify_log
from buddy_desk.commands import EXIT_FAILED, open_uow, print_json

ORDER = 32


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "verify-log",
        parents=[common],
        help="check that no choice-log entry was changed, removed or reordered (exit 1 if so)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    report = verify_log(open_uow(args))
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "chains": report.chains,
                "entries": report.entries,
                "problems": [
                    {"dossier": p.dossier_id, "entry": p.seq, "reason": p.reason}
                    for p in report.problems
                ],
            }
        )
    else:
        for p in report.problems:
            where = f"regel {p.seq}" if p.seq is not None else "hele keten"
            print(f"FOUT  dossier {p.dossier_id}, {where}: {p.reason}")
        verdict = "in orde" if report.ok else f"{len(report.problems)} keten(s) aangetast"
        print(
            f"Keuzelogboek: {report.chains} dossier(s), {report.entries} regel(s) gecontroleerd"
            f" — {verdict}."
        )
    return 0 if report.ok else EXIT_FAILED
