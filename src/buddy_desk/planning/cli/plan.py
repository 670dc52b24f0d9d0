"""``buddy-desk plan``: joint-inspection planning from the command line.

plan queue [--json]                          dossiers awaiting a joint inspection
plan propose DOSSIER --form F [--json]       the best options, with separate for comparison
plan book DOSSIER --form F --option N        book option N of ``propose``
plan book DOSSIER --form F --start T --expert ID [--expert ID]
    [--override-reason R]  book against the resident's recorded choice, with a reason
    [--move-existing R]    move the dossier's existing appointment here instead
plan queue-add DOSSIER --reason R            a dossier outside group B into the queue
plan move APPOINTMENT --start T --reason R [--expert KIND=ID]
plan cancel APPOINTMENT --reason R
plan ics APPOINTMENT --out FILE.ics          request, or cancellation once cancelled
plan letter APPOINTMENT --out FILE.pdf       confirmation letter to the resident
plan week --start DATE [--commit] [--json]   auto-plan the queue for a week (dry run first)
plan experts [--json]                        the experts register
plan expert show|add|edit|absence-add|absence-remove …   manage it (see cli/_plan_register.py)
plan settings [--damage-min N …] [--json]    durations per kind and the travel buffer
"""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path
from typing import Any

from buddy_desk.choices.rules import Actor
from buddy_desk.choices.service.consent import (
    LIST_EXPORT,
    acting_viewer,
    disclosed_sides,
    disclosures_in,
    log_disclosures_in,
)
from buddy_desk.commands import acting_username, emit, open_uow
from buddy_desk.core.inspection import AppointmentState, InspectionForm, VisitKind
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import ValidationError
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import AMSTERDAM, Proposal, ProposalSet, Visit
from buddy_desk.planning.cli._register import register_actions
from buddy_desk.planning.formatting import dutch_day, span_text
from buddy_desk.planning.info import AppointmentInfo, ExpertInfo, QueueEntry
from buddy_desk.planning.service import booking as svc
from buddy_desk.planning.service.output import write_ics
from buddy_desk.planning.service.queue import queue
from buddy_desk.planning.service.week import auto_plan_week
from buddy_desk.planning.slots import PROPOSABLE

ORDER = 60
FORMS = [f.value for f in PROPOSABLE]


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "plan", parents=[common], help="joint-inspection planning (queue, propose, book, ics)"
    )
    cmds = p.add_subparsers(title="plan commands", metavar="ACTION", required=True)

    q = cmds.add_parser("queue", parents=[common], help="dossiers awaiting a joint inspection")
    q.add_argument("--limit", type=int, default=0)
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=run_queue)

    pr = cmds.add_parser("propose", parents=[common], help="the best options for a dossier")
    pr.add_argument("dossier", type=int)
    pr.add_argument("--form", choices=FORMS, required=True)
    pr.add_argument("--today", type=_date, help="plan as if today were DATE (YYYY-MM-DD)")
    pr.add_argument("--json", action="store_true")
    pr.set_defaults(handler=run_propose)

    b = cmds.add_parser("book", parents=[common], help="book an option or an explicit slot")
    b.add_argument("dossier", type=int)
    b.add_argument("--form", choices=FORMS, required=True)
    b.add_argument("--option", type=int, help="option number from 'plan propose' (1 = best)")
    b.add_argument("--start", type=_moment, help="'YYYY-MM-DD HH:MM' (Amsterdam time)")
    b.add_argument("--expert", type=int, action="append", default=[], help="expert id")
    b.add_argument("--today", type=_date)
    b.add_argument(
        "--override-reason",
        metavar="TEXT",
        help="book although the form contradicts the resident's recorded choice; the reason "
        "is recorded on the dossier",
    )
    b.add_argument(
        "--move-existing",
        metavar="REASON",
        help="the dossier already has a joint appointment: move that one here instead",
    )
    b.add_argument("--json", action="store_true")
    b.set_defaults(handler=run_book)

    qa = cmds.add_parser(
        "queue-add", parents=[common], help="add a dossier outside group B to the queue"
    )
    qa.add_argument("dossier", type=int)
    qa.add_argument("--reason", required=True, help="why a joint inspection makes sense here")
    qa.set_defaults(handler=run_queue_add)

    m = cmds.add_parser("move", parents=[common], help="move an appointment")
    m.add_argument("appointment", type=int)
    m.add_argument("--start", type=_moment, required=True)
    m.add_argument("--reason", required=True)
    m.add_argument(
        "--expert", action="append", default=[], metavar="KIND=ID", help="damage=12 etc."
    )
    m.add_argument("--json", action="store_true")
    m.set_defaults(handler=run_move)

    c = cmds.add_parser("cancel", parents=[common], help="cancel an appointment")
    c.add_argument("appointment", type=int)
    c.add_argument("--reason", required=True)
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run_cancel)

    i = cmds.add_parser("ics", parents=[common], help="write the appointment's iCalendar file")
    i.add_argument("appointment", type=int)
    i.add_argument("--out", type=Path, required=True)
    i.set_defaults(handler=run_ics)

    lt = cmds.add_parser("letter", parents=[common], help="write the confirmation letter (PDF)")
    lt.add_argument("appointment", type=int)
    lt.add_argument("--out", type=Path, required=True)
    lt.set_defaults(handler=run_letter)

    w = cmds.add_parser("week", parents=[common], help="auto-plan the queue for one week")
    w.add_argument("--start", type=_date, required=True, help="first day (YYYY-MM-DD)")
    w.add_argument(
        "--apply",
        "--commit",
        dest="apply",
        action="store_true",
        help="book what the dry run shows (without it: only the dry run)",
    )
    w.add_argument("--limit", type=int, default=0, help="only the first N queue entries")
    w.add_argument("--today", type=_date)
    w.add_argument("--json", action="store_true")
    w.set_defaults(handler=run_week)

    e = cmds.add_parser("experts", parents=[common], help="the experts (deskundigen)")
    e.add_argument("--json", action="store_true")
    e.set_defaults(handler=run_experts)

    register_actions(cmds, common)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen datum (JJJJ-MM-DD): {text!r}") from None


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.replace("T", " "))
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen tijdstip (JJJJ-MM-DD UU:MM): {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=AMSTERDAM)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(AMSTERDAM).isoformat() if moment else None


def _visit_json(v: Visit, experts: dict[int, ExpertInfo]) -> dict[str, Any]:
    e = experts.get(v.expert_id)
    return {
        "expert_id": v.expert_id,
        "expert": e.naam if e else None,
        "organisation": e.organisation.value if e else None,
        "kind": v.kind.value,
        "start": _iso(v.start),
        "end": _iso(v.end),
    }


def _compare_text(found: ProposalSet, proposal: Proposal) -> str:
    d, s = found.separate_damage, found.separate_strengthening
    if d is None or s is None:
        return tr("planning.compare.none")
    return tr(
        "planning.compare",
        joint=found.wait_days(proposal.last_day),
        img=found.wait_days(d.day),
        ncg=found.wait_days(s.day),
    )


def _appointment_json(a: AppointmentInfo) -> dict[str, Any]:
    return {
        "id": a.id,
        "dossier_id": a.dossier_id,
        "form": a.form.value,
        "state": a.state.value,
        "uid": a.uid,
        "sequence": a.sequence,
        "start": _iso(a.start),
        "end": _iso(a.end),
        "visits": [
            {
                "expert_id": v.expert_id,
                "expert": v.expert_name,
                "kind": v.kind.value,
                "start": _iso(v.start),
                "end": _iso(v.end),
            }
            for v in a.visits
        ],
        "cancel_reason": a.cancel_reason,
    }


def _print_appointment(a: AppointmentInfo) -> None:
    print(
        f"afspraak {a.id}  dossier {a.dossier_id}  {span_text(a.start, a.end)}  "
        f"{tr(f'planning.form.{a.form.value}')}  {tr(f'planning.state.{a.state.value}')}  "
        f"(volgnummer {a.sequence})"
    )
    for v in a.visits:
        print(
            f"    {span_text(v.start, v.end)}  {tr(f'planning.kind_short.{v.kind.value}'):<13}"
            f" {v.expert_name} ({v.organisation.value})"
        )


def run_queue(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    viewer = acting_viewer(uow, acting_username(args))
    entries = queue(uow, viewer)
    if args.limit:
        entries = entries[: args.limit]
    _log_queue_disclosures(uow, viewer, entries)

    def human() -> None:
        for e in entries:
            mark = "!" if e.priority else " "
            form = tr(f"planning.form.{e.form.value}") if e.form else "-"
            print(
                f"{mark}{e.dossier_id:>7}  {e.address_line:<32.32} {e.woonplaats:<16.16} "
                f"groep {e.group_text}  {form}"
            )
        print(f"{len(entries)} dossier(s) wachten op een gezamenlijke opname")
        for line in sorted({line for e in entries for line in e.withheld}):
            print(line)

    return emit(
        args,
        [
            {
                "dossier_id": e.dossier_id,
                "address": e.address_line,
                "woonplaats": e.woonplaats,
                "gemeente": e.gemeente,
                "group": e.group.value if e.group else None,
                "group_options": sorted(g.value for g in e.group_options),
                "withheld": list(e.withheld),
                "urgent": e.urgent,
                "bijzondere_situatie": e.bijzondere_situatie,
                "form": e.form.value if e.form else None,
                "form_source": e.form_source,
                "queue_reason": e.queue_reason,
            }
            for e in entries
        ],
        human,
    )


def _log_queue_disclosures(uow: UnitOfWork, viewer: Actor, entries: list[QueueEntry]) -> None:
    """The queue leaves the app with the group, which tells the other side's phase: every row
    that shows it under consent is logged once (docs/choices.md)."""
    with uow:
        verdicts = disclosures_in(uow, viewer.organisation, [e.dossier_id for e in entries])
        both = {Organisation.IMG: True, Organisation.NCG: True}  # the queue is combinations
        shown = [
            pair
            for e in entries
            if e.group is not None and e.dossier_id in verdicts
            for pair in disclosed_sides(verdicts[e.dossier_id], both)
        ]
        if log_disclosures_in(uow, viewer, shown, LIST_EXPORT):
            uow.commit()


def run_propose(args: argparse.Namespace) -> int:
    result = svc.propose(open_uow(args), args.dossier, InspectionForm(args.form), today=args.today)
    found = result.proposals

    def human() -> None:
        print(f"Dossier {result.dossier_id}  {result.address_line}  ({result.gemeente or '-'})")
        print(f"Vorm: {tr(f'planning.form.{found.form.value}')}")
        if found.reason:
            print(found.reason)
        for n, p in enumerate(found.options, 1):
            wait = tr(
                "planning.no_longer_wait" if found.no_longer_wait(p) else "planning.longer_wait"
            )
            when = (
                span_text(p.start, p.end)
                if p.day == p.last_day
                else f"{dutch_day(p.day)} en {dutch_day(p.last_day)}"
            )
            print(f"{n}. {when}   {_compare_text(found, p)}  [{wait}]")
            for v in p.visits:
                e = result.experts[v.expert_id]
                print(
                    f"     {span_text(v.start, v.end)}  "
                    f"{tr(f'planning.kind_short.{v.kind.value}'):<13} {e.naam} (#{e.id})"
                )

    return emit(
        args,
        {
            "dossier_id": result.dossier_id,
            "form": found.form.value,
            "today": found.today.isoformat(),
            "reason": found.reason,
            "options": [
                {
                    "option": n,
                    "start": _iso(p.start),
                    "end": _iso(p.end),
                    "wait_days": found.wait_days(p.day),
                    "no_longer_wait": found.no_longer_wait(p),
                    "visits": [_visit_json(v, result.experts) for v in p.visits],
                }
                for n, p in enumerate(found.options, 1)
            ],
            "separate": {
                "damage": _visit_json(found.separate_damage, result.experts)
                if found.separate_damage
                else None,
                "strengthening": _visit_json(found.separate_strengthening, result.experts)
                if found.separate_strengthening
                else None,
            },
        },
        human,
    )


def run_book(args: argparse.Namespace) -> int:
    form = InspectionForm(args.form)
    if (args.option is None) == (args.start is None):
        raise ValidationError("boeken", "geef --option N of --start met --expert op")
    if args.option is not None:
        found = svc.propose(open_uow(args), args.dossier, form, today=args.today).proposals
        if not 1 <= args.option <= len(found.options):
            raise ValidationError(
                "--option", f"kies 1 tot en met {len(found.options)} (zie 'plan propose')"
            )
        proposal = found.options[args.option - 1]
    else:
        proposal = svc.explicit_proposal(open_uow(args), form, args.start, args.expert)
    user = getattr(args, "user", None)
    if args.move_existing is not None:
        existing = svc.dossier_appointments(open_uow(args), args.dossier)
        active = [a for a in existing if a.state is AppointmentState.BOOKED]
        if not active:
            raise ValidationError("--move-existing", "dit dossier heeft geen geplande afspraak")
        moved = svc.move_to_proposal(
            open_uow(args), active[-1].id, proposal, args.move_existing, user=user
        )
        booked = [moved]
    else:
        booked = svc.book(
            open_uow(args),
            args.dossier,
            proposal,
            user=user,
            override_reason=args.override_reason,
            today=args.today,
        )

    def human() -> None:
        for a in booked:
            _print_appointment(a)

    return emit(args, [_appointment_json(a) for a in booked], human)


def run_queue_add(args: argparse.Namespace) -> int:
    svc.add_to_queue(open_uow(args), args.dossier, args.reason, user=getattr(args, "user", None))
    print(f"dossier {args.dossier} staat in de wachtrij: {' '.join(args.reason.split())}")
    return 0


def _expert_changes(pairs: list[str]) -> dict[VisitKind, int]:
    out: dict[VisitKind, int] = {}
    for pair in pairs:
        kind, _, ident = pair.partition("=")
        try:
            out[VisitKind(kind.strip())] = int(ident)
        except ValueError:
            raise ValidationError(
                "--expert", f"{pair!r}: gebruik damage=ID, strengthening=ID of combined=ID"
            ) from None
    return out


def run_move(args: argparse.Namespace) -> int:
    info = svc.move(
        open_uow(args),
        args.appointment,
        args.start,
        args.reason,
        experts=_expert_changes(args.expert),
        user=getattr(args, "user", None),
    )

    def human() -> None:
        _print_appointment(info)

    return emit(args, _appointment_json(info), human)


def run_cancel(args: argparse.Namespace) -> int:
    info = svc.cancel(
        open_uow(args), args.appointment, args.reason, user=getattr(args, "user", None)
    )

    def human() -> None:
        _print_appointment(info)

    return emit(args, _appointment_json(info), human)


def run_ics(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    path = write_ics(uow, args.appointment, args.out, viewer=_viewer(uow, args))
    print(f"geschreven: {path}")
    return 0


def run_letter(args: argparse.Namespace) -> int:
    from buddy_desk.planning.service.output import write_letter

    uow = open_uow(args)
    path = write_letter(uow, args.appointment, args.out, viewer=_viewer(uow, args))
    print(f"geschreven: {path}")
    return 0


def run_week(args: argparse.Namespace) -> int:
    outcomes = auto_plan_week(
        open_uow(args),
        args.start,
        apply=args.apply,
        user=getattr(args, "user", None),
        today=args.today,
        limit=args.limit or None,
    )

    def human() -> None:
        planned = [o for o in outcomes if o.start]
        for o in outcomes:
            if o.start:
                when = o.start.astimezone(AMSTERDAM).strftime("%a %d-%m %H:%M")
                form = tr(f"planning.form.{o.form.value}") if o.form else ""
                print(f"  {o.dossier_id:>7}  {o.address_line:<32.32} {when}  {form}")
            else:
                print(f"- {o.dossier_id:>7}  {o.address_line:<32.32} {o.reason}")
        verb = "geboekt" if args.apply else "te plannen (proefrun; --commit boekt precies dit)"
        print(f"{len(planned)} van {len(outcomes)} dossiers {verb}")

    return emit(
        args,
        [
            {
                "dossier_id": o.dossier_id,
                "address": o.address_line,
                "form": o.form.value if o.form else None,
                "start": _iso(o.start),
                "expert_ids": list(o.expert_ids),
                "reason": o.reason,
                "appointment_ids": list(o.appointment_ids),
            }
            for o in outcomes
        ],
        human,
    )


def run_experts(args: argparse.Namespace) -> int:
    experts = svc.list_experts(open_uow(args))

    def human() -> None:
        for e in experts:
            print(f"{e.id:>5}  {e.label:<48.48} {', '.join(e.municipalities) or 'alle gemeenten'}")

    return emit(
        args,
        [
            {
                "id": e.id,
                "naam": e.naam,
                "organisation": e.organisation.value,
                "dual_qualified": e.dual_qualified,
                "municipalities": list(e.municipalities),
                "active": e.active,
            }
            for e in experts
        ],
        human,
    )


def _viewer(uow: UnitOfWork, args: argparse.Namespace) -> Actor:
    """The acting profile (``--user``): what of the other organisation the outputs show."""
    return acting_viewer(uow, acting_username(args))
