"""Sync on the command line: the team server (``server init|add-user|revoke|take``) and a
laptop's ``enrol``, ``sync``, ``conflicts`` and ``take``."""

from __future__ import annotations

import argparse

from buddy_desk.commands import EXIT_OK, acting_username, db_url, emit, open_uow
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from buddy_desk.sync.server_sql import ROLES
from buddy_desk.sync.validate_sql import REFUSED_ENTRY

ORDER = 70


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    server = sub.add_parser("server", parents=[common], help="team server (PostgreSQL) set-up")
    actions = server.add_subparsers(dest="server_action", required=True)
    init = actions.add_parser(
        "init", parents=[common], help="schema, change log, roles and sync functions"
    )
    init.set_defaults(handler=_server_init)
    user = actions.add_parser(
        "add-user", parents=[common], help="a user's login; prints the enrolment secret"
    )
    user.add_argument("username")
    user.add_argument("--org", required=True, choices=service.ORGANISATIONS)
    user.add_argument("--role", required=True, choices=ROLES)
    user.set_defaults(handler=_server_add_user)
    revoke = actions.add_parser("revoke", parents=[common], help="refuse a user's laptops")
    revoke.add_argument("username")
    revoke.set_defaults(handler=_server_revoke)
    give = actions.add_parser(
        "take", parents=[common], help="add dossiers to a user's laptop scope"
    )
    give.add_argument("username")
    give.add_argument("dossiers", nargs="+", type=int, metavar="DOSSIER")
    give.set_defaults(handler=_server_take)

    enrol = sub.add_parser(
        "enrol", parents=[common], help="register this laptop's database with a team server"
    )
    enrol.add_argument("--server", required=True, metavar="postgresql://HOST/DB")
    enrol.add_argument("--secret", required=True)
    enrol.add_argument("--json", action="store_true")
    enrol.set_defaults(handler=_enrol)

    sync = sub.add_parser("sync", parents=[common], help="push queued changes, pull the scope")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=_sync)

    conflicts = sub.add_parser(
        "conflicts", parents=[common], help="changes the server kept aside or refused"
    )
    conflicts.add_argument("--json", action="store_true")
    conflicts.set_defaults(handler=_conflicts)

    take = sub.add_parser("take", parents=[common], help="take dossiers along (meenemen)")
    take.add_argument("dossiers", nargs="+", type=int, metavar="DOSSIER")
    take.add_argument("--json", action="store_true")
    take.set_defaults(handler=_take)


def _server_init(args: argparse.Namespace) -> int:
    service.init_server(db_url(args))
    print(tr("sync.cli.server_ready"))
    return EXIT_OK


def _server_add_user(args: argparse.Namespace) -> int:
    secret = service.add_user(db_url(args), args.username, args.org, args.role)
    print(tr("sync.cli.user_added", user=args.username))
    print(secret)
    return EXIT_OK


def _server_revoke(args: argparse.Namespace) -> int:
    service.revoke_user(db_url(args), args.username)
    print(tr("sync.cli.user_revoked", user=args.username))
    return EXIT_OK


def _server_take(args: argparse.Namespace) -> int:
    service.take_on_server(db_url(args), args.username, args.dossiers)
    print(tr("sync.cli.taken", count=len(args.dossiers)))
    return EXIT_OK


def _report(args: argparse.Namespace, report: service.SyncReport) -> int:
    counts = {
        "pushed": report.pushed,
        "pulled": report.pulled,
        "removed": report.removed,
        "conflicts": report.conflicts,
        "queued": report.queued,
    }
    return emit(args, counts, tr("sync.cli.report", **counts))


def _enrol(args: argparse.Namespace) -> int:
    uow = UnitOfWork(open_database(db_url(args), create=True))
    user = acting_username(args)
    if user is None:
        raise BuddyDeskError("Voor wie is deze laptop? Geef --user GEBRUIKERSNAAM.")
    return _report(args, service.enrol(uow, args.server, user, args.secret))


def _sync(args: argparse.Namespace) -> int:
    return _report(args, service.sync(open_uow(args)))


def _take(args: argparse.Namespace) -> int:
    return _report(args, service.take(open_uow(args), args.dossiers))


def _conflicts(args: argparse.Namespace) -> int:
    found = service.conflicts(open_uow(args))

    def human() -> None:
        for c in found:
            print(f"{c.dossier_id:>7}  {tr('sync.reason.' + c.reason):<28} {c.author or '-'}")
            if c.reason in REFUSED_ENTRY and c.mine:  # why the server refused it, in one line
                print(f"{'':>7}  {c.mine}")
            if c.field:
                field = tr(f"sync.rows.field.{c.field}")
                print(
                    " " * 9 + tr("sync.rows.cli.field", field=field, mine=c.mine, theirs=c.theirs)
                )
            for line in c.alternatives:
                print(" " * 9 + tr("sync.rows.cli.alternative", slot=line))
        print(tr("sync.cli.conflicts", count=len(found)))

    return emit(
        args,
        [
            {
                "uuid": c.uuid,
                "dossier": c.dossier_id,
                "table": c.table_name,
                "reason": c.reason,
                "mine": c.mine,
                "author": c.author,
                "created_at": c.created_at.isoformat(),
                "field": c.field,
                "theirs": c.theirs,
                "alternatives": list(c.alternatives),
            }
            for c in found
        ],
        human,
    )
