"""``buddy-desk pairs``: list, couple and re-couple buddy pairs, their history, the workload."""

from __future__ import annotations

import argparse
from datetime import date

from buddy_desk.commands import emit, open_uow
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.errors import BuddyDeskError
from buddy_desk.pairs.service import (
    Buddy,
    BulkResult,
    PairChangeInfo,
    PairFilter,
    PairRow,
    accept_proposals,
    couple_many,
    pair_batches,
    pair_history,
    supervisor_id,
    workload,
)

ORDER = 45


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "pairs",
        parents=[common],
        help="the buddy-pair desk: list (default), couple, history, workload",
    )
    _list_options(p)
    p.set_defaults(handler=run_list)
    actions = p.add_subparsers(title="actions", metavar="ACTION")

    ls = actions.add_parser("list", parents=[common], help="dossiers with their buddy pair")
    _list_options(ls)
    ls.set_defaults(handler=run_list)

    c = actions.add_parser(
        "couple",
        parents=[common],
        help="couple (or re-couple) a pair on one or more dossiers (coordinators only)",
    )
    c.add_argument("dossiers", type=int, nargs="+", metavar="DOSSIER", help="dossier id(s)")
    c.add_argument("--img", metavar="USERNAME", help="the IMG zaakbegeleider")
    c.add_argument("--ncg", metavar="USERNAME", help="the NCG bewonersbegeleider")
    c.add_argument("--reason", required=True, help="why (kept in the dossier's history)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run_couple)

    a = actions.add_parser(
        "accept",
        parents=[common],
        help="couple dossiers with their own proposed pair (coordinators only)",
    )
    a.add_argument("dossiers", type=int, nargs="+", metavar="DOSSIER", help="dossier id(s)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=run_accept)

    h = actions.add_parser("history", parents=[common], help="a dossier's pair history")
    h.add_argument("dossier", type=int, help="dossier id")
    h.add_argument("--json", action="store_true")
    h.set_defaults(handler=run_history)

    w = actions.add_parser(
        "workload", parents=[common], help="dossiers per buddy and per group, open signals"
    )
    w.add_argument("--json", action="store_true")
    w.set_defaults(handler=run_workload)


def _list_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--unpaired", action="store_true", help="only dossiers without a full pair")
    p.add_argument("--supervisor", metavar="USERNAME", help="only this buddy's dossiers")
    p.add_argument("--group", choices=[g.value for g in CollaborationGroup])
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _buddy_json(b: Buddy | None) -> dict[str, object] | None:
    return None if b is None else {"id": b.id, "naam": b.naam, "organisation": b.organisation}


def pair_json(r: PairRow) -> dict[str, object]:
    return {
        "dossier_id": r.dossier_id,
        "address": r.address,
        "gemeente": r.gemeente,
        "group": r.group.value if r.group else None,
        "img": _buddy_json(r.img),
        "ncg": _buddy_json(r.ncg),
        "open_signals": r.open_signals,
        "proposal": (
            {"img": _buddy_json(r.proposal[0]), "ncg": _buddy_json(r.proposal[1])}
            if r.proposal
            else None
        ),
    }


def change_json(c: PairChangeInfo) -> dict[str, object]:
    return {
        "id": c.id,
        "dossier_id": c.dossier_id,
        "kind": c.kind.value,
        "img_before": _buddy_json(c.img_before),
        "ncg_before": _buddy_json(c.ncg_before),
        "img_after": _buddy_json(c.img_after),
        "ncg_after": _buddy_json(c.ncg_after),
        "reason": c.reason,
        "changed_at": c.changed_at.isoformat(),
        "changed_by": c.changed_by,
        "changed_by_name": c.changed_by_name,
    }


def _name(b: Buddy | None) -> str:
    return b.naam if b else "—"


def run_list(args: argparse.Namespace) -> int:
    uow = open_uow(args)
    sid = supervisor_id(uow, args.supervisor) if args.supervisor else None
    f = PairFilter(
        only_unpaired=args.unpaired,
        supervisor_id=sid,
        group=CollaborationGroup(args.group) if args.group else None,
    )
    if getattr(args, "json", False):
        return emit(args, [pair_json(r) for batch in pair_batches(uow, f) for r in batch], "")

    def human() -> None:  # printed batch by batch: the whole province is never in memory
        shown = unpaired = 0
        for batch in pair_batches(uow, f):
            for r in batch:
                group = r.group.value if r.group else "-"
                line = (
                    f"{r.dossier_id:>6}  {group}  {r.address:<36.36}  IMG {_name(r.img):<24.24} "
                    f"NCG {_name(r.ncg):<24.24} {r.open_signals:>3} open"
                )
                if r.proposal:
                    line += f"  voorstel: {_name(r.proposal[0])} / {_name(r.proposal[1])}"
                print(line)
            shown += len(batch)
            unpaired += sum(1 for r in batch if not r.paired)
        print(f"{shown} dossier(s), {unpaired} zonder volledig paar")

    return emit(args, None, human)


def run_couple(args: argparse.Namespace) -> int:
    if not args.img and not args.ncg:
        raise BuddyDeskError("pairs couple: geef --img en/of --ncg")
    uow = open_uow(args)
    result = couple_many(
        uow,
        args.dossiers,
        img_id=supervisor_id(uow, args.img) if args.img else None,
        ncg_id=supervisor_id(uow, args.ncg) if args.ncg else None,
        reason=args.reason,
        by_username=getattr(args, "user", None),
        today=date.today(),
    )
    return _print_result(args, result)


def _print_result(args: argparse.Namespace, result: BulkResult) -> int:

    def human() -> None:
        for c in result.changed:
            verb = "gekoppeld" if c.kind.value == "coupled" else "opnieuw gekoppeld"
            print(f"Dossier {c.dossier_id} {verb}: {_name(c.img_after)} en {_name(c.ncg_after)}.")
        for d_id in result.unchanged:
            print(f"Dossier {d_id} had dit paar al; niets gewijzigd.")

    return emit(
        args,
        {
            "changed": [change_json(c) for c in result.changed],
            "unchanged": list(result.unchanged),
        },
        human,
    )


def run_accept(args: argparse.Namespace) -> int:
    result = accept_proposals(
        open_uow(args),
        args.dossiers,
        by_username=getattr(args, "user", None),
        today=date.today(),
    )
    return _print_result(args, result)


def run_history(args: argparse.Namespace) -> int:
    found = pair_history(open_uow(args), args.dossier)

    def human() -> None:
        for c in found:
            who = c.changed_by_name or c.changed_by or "-"
            print(
                f"{c.changed_at:%d-%m-%Y %H:%M}  {c.kind.value:<9}  IMG {_name(c.img_before)} → "
                f"{_name(c.img_after)};  NCG {_name(c.ncg_before)} → {_name(c.ncg_after)}"
            )
            print(f"{'':>18}door {who}: {c.reason}")
        print(f"{len(found)} wijziging(en)")

    return emit(args, [change_json(c) for c in found], human)


def run_workload(args: argparse.Namespace) -> int:
    w = workload(open_uow(args))

    def human() -> None:
        for b in w.buddies:
            groups = " ".join(f"{g}:{n}" for g, n in b.by_group.items())
            print(
                f"{b.buddy.organisation.value}  {b.buddy.naam:<28.28} {b.dossiers:>4} dossiers  "
                f"{b.open_signals:>3} open signalen  {groups}"
            )
        print("per groep: " + " ".join(f"{g}:{n}" for g, n in w.by_group.items()))
        print(f"combinatiedossiers zonder volledig paar: {w.unpaired}")

    return emit(
        args,
        {
            "buddies": [
                {
                    "buddy": _buddy_json(b.buddy),
                    "dossiers": b.dossiers,
                    "by_group": b.by_group,
                    "open_signals": b.open_signals,
                }
                for b in w.buddies
            ],
            "by_group": w.by_group,
            "unpaired": w.unpaired,
        },
        human,
    )
