"""``buddy-desk letter`` and ``buddy-desk letters``: the summary letter, singly and in runs."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from buddy_desk.choices.service.consent import acting_viewer
from buddy_desk.commands import acting_username, emit, open_uow
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.errors import ValidationError
from buddy_desk.i18n import tr, trn
from buddy_desk.letters.service import (
    LetterRunError,
    run_letters,
    save_summary_letter,
    select_dossiers,
)
from buddy_desk.progress import Progress

ORDER = 40


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"ongeldige datum {text!r}; gebruik JJJJ-MM-DD, bijvoorbeeld 2026-11-26"
        ) from None


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    one = sub.add_parser(
        "letter",
        parents=[common],
        help="the summary letter (damage + strengthening) of one dossier as PDF",
    )
    one.add_argument("dossier", type=int, metavar="DOSSIER", help="dossier id")
    one.add_argument("--out", type=Path, required=True, metavar="FILE.pdf", help="PDF to write")
    one.add_argument("--date", type=_date, default=None, help="letter date (default: today)")
    one.set_defaults(handler=run_one)

    many = sub.add_parser(
        "letters",
        parents=[common],
        help="summary letters for many dossiers: one PDF each, or one combined PDF",
    )
    many.add_argument(
        "--group",
        choices=[g.value for g in CollaborationGroup],
        action="append",
        help="only this collaboration group (repeatable)",
    )
    many.add_argument(
        "--all", action="store_true", help="all combination dossiers (running at IMG and NCG)"
    )
    many.add_argument(
        "--dossier", type=int, action="append", metavar="ID", help="this dossier (repeatable)"
    )
    target = many.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, metavar="DIR", help="folder: one PDF per dossier")
    target.add_argument(
        "--combined", type=Path, metavar="FILE.pdf", help="one PDF with every letter (printer)"
    )
    many.add_argument("--date", type=_date, default=None, help="letter date (default: today)")
    many.add_argument("--workers", type=int, default=None, help="render processes (folder mode)")
    many.add_argument("--json", action="store_true", help="machine-readable summary")
    many.add_argument("--quiet", action="store_true", help="no progress on stderr")
    many.set_defaults(handler=run_many)


def run_one(args: argparse.Namespace) -> int:
    out: Path = args.out
    if not out.parent.is_dir():
        raise ValidationError("--out", f"de map {out.parent} bestaat niet")
    uow = open_uow(args)
    viewer = acting_viewer(uow, acting_username(args))
    _kenmerk, withheld = save_summary_letter(
        uow, args.dossier, args.date or date.today(), out, viewer=viewer
    )
    print(f"Brief geschreven: {out}")
    for line in withheld:  # the consent gate: what the letter left out, and why
        print(line)
    return 0


def run_many(args: argparse.Namespace) -> int:
    if not (args.group or args.all or args.dossier):
        raise LetterRunError(
            "Kies welke dossiers: --all (alle combinatiedossiers), --group B of --dossier ID."
        )
    uow = open_uow(args)
    viewer = acting_viewer(uow, acting_username(args))
    if args.dossier:
        ids = list(dict.fromkeys(args.dossier))
    else:
        groups = [CollaborationGroup(g) for g in args.group or ()]
        ids = select_dossiers(uow, viewer, groups=groups, combination_only=args.all)

    def show(done: int, total: int, text: str) -> None:
        if not args.quiet and sys.stderr.isatty():
            print(f"\r{done}/{total} {text:<20}", end="", file=sys.stderr, flush=True)

    result = run_letters(
        uow,
        ids,
        today=args.date or date.today(),
        out_dir=args.out,
        combined=args.combined,
        progress=Progress(show),
        workers=args.workers,
        viewer=viewer,
    )
    if not args.quiet and sys.stderr.isatty():
        print(file=sys.stderr)

    def human() -> None:
        where = result.combined or args.out
        seconds = f"{result.seconds:.1f}"
        print(
            trn(
                "letters.cli.written.one",
                "letters.cli.written",
                result.letters,
                letters=result.letters,
                where=where,
                seconds=seconds,
            )
        )
        if result.incomplete:
            n = len(result.incomplete)
            print(trn("letters.cli.incomplete.one", "letters.cli.incomplete", n, count=n))
        if result.skipped:
            n = len(result.skipped)
            print(trn("letters.cli.skipped.one", "letters.cli.skipped", n, count=n))
            for s in result.skipped:
                print(tr("letters.cli.skipped_line", dossier=s.dossier_id, reason=s.reason))
        if result.withheld:
            print(tr("consent.gate.run_withheld", count=len(result.withheld)))
            for w in result.withheld:
                print(
                    tr(
                        "letters.cli.skipped_line",
                        dossier=w.dossier_id,
                        reason="; ".join(w.reasons),
                    )
                )

    return emit(
        args,
        {
            "letters": result.letters,
            "written": [str(p) for p in result.written],
            "combined": str(result.combined) if result.combined else None,
            "pages": result.pages,
            "skipped": [{"dossier": s.dossier_id, "reason": s.reason} for s in result.skipped],
            "incomplete": [{"dossier": d, "unknown": list(u)} for d, u in result.incomplete],
            "withheld": [
                {"dossier": w.dossier_id, "reasons": list(w.reasons)} for w in result.withheld
            ],
            "seconds": round(result.seconds, 2),
        },
        human,
    )
