"""``buddy-desk signals``: list, evaluate, add and close signals; log information requests."""

from __future__ import annotations

import argparse
from datetime import date

from buddy_desk.choices.service.consent import acting_viewer
from buddy_desk.commands import acting_username, emit, open_uow
from buddy_desk.core.phases import Organisation
from buddy_desk.core.values import parse_date
from buddy_desk.errors import BuddyDeskError
from buddy_desk.signals.rules import RequestKind
from buddy_desk.signals.service import (
    RequestInfo,
    SignalInfo,
    add_signal,
    answer_request,
    close_signal,
    evaluate_signals,
    list_requests,
    list_signals,
    log_request,
    log_signal_output,
    request_queue,
    supervisor_by_username,
)
from buddy_desk.signals.svip import QueueState

ORDER = 40


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "signals",
        parents=[common],
        help="signals for the buddy pair: list (default), evaluate, add, close, requests",
    )
    p.add_argument("--mine", metavar="USERNAME", help="only the signals of this supervisor")
    p.add_argument("--open", action="store_true", help="only open signals")
    p.add_argument("--dossier", type=int, metavar="ID", help="only this dossier")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(handler=run_list)
    actions = p.add_subparsers(title="actions", metavar="ACTION")

    ev = actions.add_parser("evaluate", parents=[common], help="run the rules over all dossiers")
    ev.add_argument("--json", action="store_true")
    ev.set_defaults(handler=run_evaluate)

    add = actions.add_parser("add", parents=[common], help="add a signal by hand")
    add.add_argument("dossier", type=int, help="dossier id")
    add.add_argument("title", help="what has to be done")
    add.add_argument("--org", choices=[o.value for o in Organisation], required=True)
    add.add_argument("--owner", metavar="USERNAME", help="default: the dossier's supervisor")
    add.add_argument("--due", metavar="DATE", help="due date (5-3-2026 or 2026-03-05)")
    add.add_argument("--detail", help="explanation")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_add)

    close = actions.add_parser("close", parents=[common], help="mark a signal done")
    close.add_argument("signal", type=int, help="signal id")
    close.add_argument("--outcome", required=True, help="what was done or decided")
    close.add_argument("--json", action="store_true")
    close.set_defaults(handler=run_close)

    req = actions.add_parser("request", parents=[common], help="log an information request")
    req.add_argument("dossier", type=int, help="dossier id")
    req.add_argument("question", help="the question")
    req.add_argument("--kind", choices=[k.value for k in RequestKind], required=True)
    req.add_argument(
        "--from",
        dest="from_org",
        choices=[o.value for o in Organisation],
        required=True,
        help="the organisation that asks",
    )
    req.add_argument("--json", action="store_true")
    req.set_defaults(handler=run_request)

    ans = actions.add_parser("answer", parents=[common], help="record the answer to a request")
    _answer_arguments(ans)

    reqs = actions.add_parser("requests", parents=[common], help="a dossier's requests")
    reqs.add_argument("dossier", type=int, help="dossier id")
    reqs.add_argument("--json", action="store_true")
    reqs.set_defaults(handler=run_requests)
    register_svip(sub, common)


def _answer_arguments(ans: argparse.ArgumentParser) -> None:
    ans.add_argument("request", type=int, help="request id")
    ans.add_argument("answer", nargs="?", default="", help="the answer")
    ans.add_argument(
        "--without-data",
        action="store_true",
        help="answer without sharing data (no consent in that direction)",
    )
    prio = ans.add_mutually_exclusive_group()
    prio.add_argument(
        "--prioritise",
        dest="prioritise",
        action="store_const",
        const=True,
        help="speed-up request to IMG: IMG prioritises the damage case",
    )
    prio.add_argument(
        "--not-prioritise",
        dest="prioritise",
        action="store_const",
        const=False,
        help="speed-up request to IMG: IMG does not prioritise",
    )
    ans.add_argument("--json", action="store_true")
    ans.set_defaults(handler=run_answer, prioritise=None)


def register_svip(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "svip", parents=[common], help="the SVIP desk: every information request as a queue"
    )
    p.add_argument("--kind", choices=[k.value for k in RequestKind])
    p.add_argument("--state", choices=[q.value for q in QueueState])
    p.add_argument(
        "--org",
        choices=[o.value for o in Organisation],
        help="your organisation: shows its own phase per dossier (never the other's)",
    )
    p.add_argument("--incoming", action="store_true", help="only requests put to --org")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=run_svip)
    actions = p.add_subparsers(title="actions", metavar="ACTION")
    ans = actions.add_parser("answer", parents=[common], help="answer a request from the queue")
    _answer_arguments(ans)


def signal_json(s: SignalInfo) -> dict[str, object]:
    return {
        "id": s.id,
        "dossier_id": s.dossier_id,
        "address": s.address,
        "rule": s.rule,
        "title": s.title,
        "detail": s.detail,
        "withheld": list(s.withheld),
        "organisation": s.organisation.value,
        "owner": s.owner_name,
        "due": s.due.isoformat() if s.due else None,
        "state": s.state.value,
        "outcome": s.outcome,
    }


def request_json(r: RequestInfo) -> dict[str, object]:
    return {
        "id": r.id,
        "dossier_id": r.dossier_id,
        "kind": r.kind.value,
        "from": r.from_organisation.value,
        "question": r.question,
        "asked_at": r.asked_at.isoformat(),
        "answer": r.answer,
        "answered_at": r.answered_at.isoformat() if r.answered_at else None,
        "outcome": r.outcome.value if r.outcome else None,
    }


def _print_signal(s: SignalInfo) -> None:
    due = s.due.strftime("%d-%m-%Y") if s.due else "-"
    state = "open" if s.is_open else "klaar"
    print(
        f"{s.id:>6}  {state:<5} {due:<10} {s.organisation.value}  dossier {s.dossier_id:<6} "
        f"{s.address:<30.30}  {s.title}"
    )
    if s.outcome:
        print(f"{'':>8}uitkomst: {s.outcome}")
    for line in s.withheld:
        print(f"{'':>8}{line}")


def run_list(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    viewer = acting_viewer(uow, acting_username(args))
    owner = supervisor_by_username(uow, args.mine) if args.mine else None
    found = list_signals(
        uow, viewer=viewer, dossier_id=args.dossier, owner_id=owner, only_open=args.open
    )
    log_signal_output(uow, viewer, found)  # the texts leave the app: log what they show

    def human() -> None:
        for s in found:
            _print_signal(s)
        print(f"{len(found)} signaal/signalen")

    return emit(args, [signal_json(s) for s in found], human)


def run_evaluate(args: argparse.Namespace) -> int:
    result = evaluate_signals(open_uow(args), date.today(), user=getattr(args, "user", None))
    return emit(
        args,
        {"dossiers": result.dossiers, "created": result.created},
        f"{result.dossiers} dossiers bekeken, {result.created} nieuwe signalen.",
    )


def run_add(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    try:
        due = parse_date(args.due) if args.due else None
    except ValueError as exc:
        raise BuddyDeskError(f"--due: {exc}") from None
    owner = supervisor_by_username(uow, args.owner) if args.owner else None
    info = add_signal(
        uow,
        args.dossier,
        args.title,
        organisation=Organisation(args.org),
        owner_id=owner,
        due=due,
        detail=args.detail,
        user=getattr(args, "user", None),
    )
    return emit(args, signal_json(info), lambda: _print_signal(info))


def run_close(args: argparse.Namespace) -> int:
    info = close_signal(open_uow(args), args.signal, args.outcome, getattr(args, "user", None))
    return emit(args, signal_json(info), lambda: _print_signal(info))


def run_request(args: argparse.Namespace) -> int:
    info = log_request(
        open_uow(args),
        args.dossier,
        RequestKind(args.kind),
        Organisation(args.from_org),
        args.question,
        getattr(args, "user", None),
    )
    return emit(
        args,
        request_json(info),
        f"Informatieverzoek {info.id} vastgelegd bij dossier {info.dossier_id}.",
    )


def run_answer(args: argparse.Namespace) -> int:
    info = answer_request(
        open_uow(args),
        args.request,
        args.answer,
        getattr(args, "user", None),
        without_data=args.without_data,
        prioritise=args.prioritise,
    )
    return emit(
        args,
        request_json(info),
        f"Antwoord op informatieverzoek {info.id} vastgelegd: {info.answer}",
    )


def run_svip(args: argparse.Namespace) -> int:
    if args.incoming and not args.org:
        raise BuddyDeskError("svip --incoming: geef ook --org IMG of --org NCG")
    rows = request_queue(
        open_uow(args),
        date.today(),
        viewer=Organisation(args.org) if args.org else None,
        kind=RequestKind(args.kind) if args.kind else None,
        state=QueueState(args.state) if args.state else None,
        incoming_only=args.incoming,
    )

    def human() -> None:
        for r in rows:
            q = r.request
            print(
                f"{q.id:>6}  {r.state.value:<8} {q.asked_at:%d-%m-%Y}  "
                f"{q.from_organisation.value} → {q.to_organisation.value}  [{q.kind.value}]  "
                f"dossier {q.dossier_id:<6} groep {r.group or '-'}  {r.address:<30.30}  "
                f"{q.question}"
            )
            if q.answer:
                print(f"{'':>8}antwoord: {q.answer}")
        counts = {s: sum(1 for r in rows if r.state is s) for s in QueueState}
        print(
            f"{len(rows)} verzoek(en): {counts[QueueState.OPEN]} open, "
            f"{counts[QueueState.OVERDUE]} te laat, {counts[QueueState.ANSWERED]} beantwoord"
        )

    data = [
        {
            **request_json(r.request),
            "to": r.request.to_organisation.value,
            "address": r.address,
            "group": r.group,
            "own_status": r.own_status,
            "state": r.state.value,
        }
        for r in rows
    ]
    return emit(args, data, human)


def run_requests(args: argparse.Namespace) -> int:
    found = list_requests(open_uow(args), args.dossier)

    def human() -> None:
        for r in found:
            print(
                f"{r.id:>6}  {r.asked_at:%d-%m-%Y}  {r.from_organisation.value} → "
                f"{r.from_organisation.other.value}  [{r.kind.value}] {r.question}"
            )
            print(f"{'':>8}antwoord: {r.answer or '(nog geen antwoord)'}")
        print(f"{len(found)} verzoek(en)")

    return emit(args, [request_json(r) for r in found], human)
