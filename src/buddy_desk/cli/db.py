"""``buddy-desk db encrypt``: turn an older, plain SQLite database into an encrypted one."""

from __future__ import annotations

import argparse

from buddy_desk.commands import db_url
from buddy_desk.errors import DatabaseError
from buddy_desk.i18n import tr
from buddy_desk.persistence.conversion import encrypt_database
from buddy_desk.persistence.engine import sqlite_path
from buddy_desk.persistence.schema import describe

ORDER = 85


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser("db", parents=[common], help="the local database file: encrypt it")
    actions = p.add_subparsers(title="actions", metavar="ACTION", required=True)
    encrypt = actions.add_parser(
        "encrypt",
        parents=[common],
        help="encrypt a plain (older) SQLite database in place, with its backups",
    )
    encrypt.set_defaults(handler=run_encrypt)


def run_encrypt(args: argparse.Namespace) -> int:
    url = db_url(args)
    path = sqlite_path(url)
    if path is None:
        raise DatabaseError(tr("cipher.cli.not_a_file", db=describe(url)))
    done = encrypt_database(path)
    if done.already:
        print(tr("cipher.cli.already", db=done.database))
        return 0
    print(
        tr(
            "cipher.cli.encrypted",
            db=done.database,
            backups=len(done.backups),
            store=done.key.where(),
        )
    )
    return 0
