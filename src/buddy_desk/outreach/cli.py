"""``buddy-desk outreach``: the proactive list as a worklist, contact attempts, a letter run."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from buddy_desk.commands import acting_username, emit, open_uow
from buddy_desk.core.phases import NcgStatus
from buddy_desk.core.values import parse_date
from buddy_desk.errors import BuddyDeskError
from buddy_desk.outreach.rules import (
    ContactChannel,
    ContactOutcome,
    OutreachPhase,
    sees_worklist,
)
from buddy_desk.outreach.service import (
    ContactInfo,
    OutreachRow,
    WorklistFilter,
    list_contacts,
    phase_counts,
    record_contact,
    resolve_target,
    run_letters,
    staff_organisation,
    worklist_batches,
    worklist_letters,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork

ORDER = 46


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "outreach",
        parents=[common],
        help="the proactive approach: worklist (default), record a contact, letter run",
    )
    _filter_options(p)
    p.add_argument("--limit", type=int, metavar="N", help="show at most N addresses")
    p.set_defaults(handler=run_list)
    actions = p.add_subparsers(title="actions", metavar="ACTION")

    ls = actions.add_parser("list", parents=[common], help="the worklist")
    _filter_options(ls)
    ls.add_argument("--limit", type=int, metavar="N", help="show at most N addresses")
    ls.set_defaults(handler=run_list)

    rec = actions.add_parser("record", parents=[common], help="record a contact attempt")
    rec.add_argument("target", metavar="ADDRESS_OR_DOSSIER", help="dossier id or '9711 AB 12a'")
    rec.add_argument("--outcome", required=True, choices=[o.value for o in ContactOutcome])
    rec.add_argument(
        "--channel", choices=[c.value for c in ContactChannel], default=ContactChannel.PHONE.value
    )
    rec.add_argument("--date", metavar="DATE", help="when (default today)")
    rec.add_argument("--note", help="what was said or agreed")
    rec.add_argument("--json", action="store_true")
    rec.set_defaults(handler=run_record)

    hist = actions.add_parser("contacts", parents=[common], help="an address's contact attempts")
    hist.add_argument("target", metavar="ADDRESS_OR_DOSSIER")
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(handler=run_contacts)

    let = actions.add_parser("letters", parents=[common], help="the letter run for the list")
    _filter_options(let)
    let.add_argument("--dossier", type=int, action="append", metavar="ID", help="only these")
    let.add_argument("--limit", type=int, metavar="N", help="at most N letters")
    target = let.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", metavar="DIR", help="one PDF per letter in this folder")
    target.add_argument("--combined", metavar="FILE", help="all letters in one PDF")
    let.add_argument("--date", metavar="DATE", help="letter date (default today)")
    let.add_argument(
        "--no-record", action="store_true", help="do not record the letters as contact attempts"
    )
    let.set_defaults(handler=run_letters_cli)


def _filter_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--phase",
        type=int,
        action="append",
        choices=[int(ph) for ph in OutreachPhase],
        help="1 damage seen by NCG, 2 NCG plans its inspection, 3 assessment/planning, 4 other",
    )
    p.add_argument("--gemeente", help="only this municipality")
    p.add_argument("--woonplaats", help="only this town")
    p.add_argument("--status", choices=[s.value for s in NcgStatus], help="only this NCG status")
    p.add_argument("--all", action="store_true", help="also addresses no longer on the worklist")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _filter(args: argparse.Namespace) -> WorklistFilter:
    return WorklistFilter(
        phases=frozenset(OutreachPhase(p) for p in args.phase or ()),
        gemeente=args.gemeente,
        woonplaats=args.woonplaats,
        ncg_status=NcgStatus(args.status) if args.status else None,
        include_closed=args.all,
    )


def _date(text: str | None, option: str) -> date:
    if not text:
        return date.today()
    try:
        return parse_date(text)
    except ValueError as exc:
        raise BuddyDeskError(f"{option}: {exc}") from None


def contact_json(c: ContactInfo) -> dict[str, object]:
    return {
        "id": c.id,
        "dossier_id": c.dossier_id,
        "date": c.attempted_on.isoformat(),
        "channel": c.channel.value,
        "outcome": c.outcome.value,
        "note": c.note,
        "recorded_by": c.recorded_by,
    }


def row_json(r: OutreachRow) -> dict[str, object]:
    return {
        "dossier_id": r.dossier_id,
        "address": r.address_line,
        "postcode": r.postcode,
        "woonplaats": r.woonplaats,
        "gemeente": r.gemeente,
        "ncg_status": r.ncg_status.value,
        "ncg_reference": r.ncg_reference,
        "damage_seen": r.damage_seen.isoformat() if r.damage_seen else None,
        "phase": int(r.phase),
        "attempts": r.attempts,
        "last": contact_json(r.last) if r.last else None,
        "open": r.open,
    }


def _sees_rows(uow: UnitOfWork, args: argparse.Namespace) -> bool:
    """Only NCG staff (--user) see the rows; anyone else, and no profile, the counts only
    (the consent gate fails closed)."""
    user = acting_username(args)
    return user is not None and sees_worklist(staff_organisation(uow, user))


def run_list(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    f = _filter(args)
    if not _sees_rows(uow, args):
        counts = {str(int(p)): n for p, n in phase_counts(uow, f).items()}

        def human_counts() -> None:
            print("De werklijst bevat gegevens van NCG; u ziet alleen de aantallen per fase.")
            print(", ".join(f"fase {p}: {n}" for p, n in counts.items()))

        return emit(args, {"counts": counts}, human_counts)

    def shown() -> Iterator[OutreachRow]:  # read a batch at a time, up to --limit
        left = args.limit or None
        for batch in worklist_batches(uow, f):
            yield from batch[:left]
            if left is not None:
                left -= min(left, len(batch))
                if not left:
                    return

    if getattr(args, "json", False):
        return emit(args, [row_json(r) for r in shown()], "")

    def human() -> None:
        for r in shown():
            last = f"{r.last.attempted_on:%d-%m-%Y} {r.last.outcome.value}" if r.last else "-"
            print(
                f"{r.dossier_id:>6}  fase {int(r.phase)}  NCG {r.ncg_status.value:<4} "
                f"{r.address_line:<28.28} {r.postcode} {r.woonplaats:<16.16} "
                f"{r.attempts:>2}x  {last}"
            )
        per_phase = phase_counts(uow, f)
        print(
            f"{sum(per_phase.values())} adres(sen) op de werklijst: "
            + ", ".join(f"fase {int(p)}: {n}" for p, n in per_phase.items())
        )

    return emit(args, None, human)


def run_record(args: argparse.Namespace) -> int:
    info = record_contact(
        open_uow(args),
        args.target,
        ContactOutcome(args.outcome),
        channel=ContactChannel(args.channel),
        on=_date(args.date, "--date"),
        note=args.note,
        user=getattr(args, "user", None),
    )
    return emit(
        args,
        contact_json(info),
        f"Contactpoging vastgelegd bij dossier {info.dossier_id}: "
        f"{info.channel.value}, {info.outcome.value}.",
    )


def run_contacts(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    found = list_contacts(uow, resolve_target(uow, args.target))

    def human() -> None:
        for c in found:
            print(
                f"{c.attempted_on:%d-%m-%Y}  {c.channel.value:<10} {c.outcome.value:<14} "
                f"{c.note or ''}"
            )
        print(f"{len(found)} contactpoging(en)")

    return emit(args, [contact_json(c) for c in found], human)


def run_letters_cli(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    if not _sees_rows(uow, args):
        raise BuddyDeskError(
            "outreach letters: de brieven bevatten gegevens van NCG; alleen NCG maakt ze."
        )
    batch = worklist_letters(
        uow,
        _filter(args),
        _date(args.date, "--date"),
        dossiers=set(args.dossier) if args.dossier else None,
        limit=args.limit or None,
    )
    result = run_letters(
        uow,
        batch,
        out_dir=Path(args.out) if args.out else None,
        combined=Path(args.combined) if args.combined else None,
        record=not args.no_record,
        user=getattr(args, "user", None),
    )

    def human() -> None:
        where = result.combined or (Path(args.out) if args.out else "")
        letters = "1 brief" if result.letters == 1 else f"{result.letters} brieven"
        pages = "1 pagina" if result.pages == 1 else f"{result.pages} pagina's"
        print(f"{letters} ({pages}) geschreven naar {where}.")
        for s in result.skipped:
            print(f"  overgeslagen: dossier {s.dossier_id}: {s.reason}")
        if result.recorded:
            attempts = (
                "1 contactpoging" if result.recorded == 1 else f"{result.recorded} contactpogingen"
            )
            print(f"{attempts} 'brief verstuurd' vastgelegd.")

    return emit(
        args,
        {
            "letters": result.letters,
            "pages": result.pages,
            "written": [str(p) for p in result.written],
            "combined": str(result.combined) if result.combined else None,
            "recorded": result.recorded,
            "skipped": [{"dossier_id": s.dossier_id, "reason": s.reason} for s in result.skipped],
        },
        human,
    )
