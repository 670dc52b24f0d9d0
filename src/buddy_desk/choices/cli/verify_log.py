"""``buddy-desk verify-log``: check every choice log, its anchors and the access log.

``--digest CODE`` checks a code printed on a receipt or letter: it must occur in the access
log's running digest (exit 1 if not: the log was rewritten after the paper was printed).
"""

from __future__ import annotations

import argparse

from buddy_desk.choices.anchors import short_digest
from buddy_desk.choices.service.log import verify_log
from buddy_desk.commands import EXIT_FAILED, emit, open_uow

ORDER = 32
_WIPE_REASONS = {"revoked": "laptop ingetrokken door de teamserver"}


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "verify-log",
        parents=[common],
        help="check that no choice-log entry was changed, removed or reordered (exit 1 if so)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--digest",
        metavar="CODE",
        help="a check code from a receipt or letter (full, or the short 16-digit form)",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    report = verify_log(open_uow(args))
    found = report.find_digest(args.digest) if args.digest else None
    digest_ok = args.digest is None or found is not None

    def human() -> None:
        for p in report.problems:
            where = f"regel {p.seq}" if p.seq is not None else "hele keten"
            print(f"FOUT  dossier {p.dossier_id}, {where}: {p.reason}")
        for a in report.access_problems:
            where = f"regel {a.seq}" if a.seq is not None else "hele logboek"
            print(f"FOUT  inzagelogboek, {where}: {a.reason}")
        for w in report.wipes:
            why = _WIPE_REASONS.get(w.reason, w.reason)
            print(
                f"GEWIST  {w.wiped_at.astimezone().strftime('%d-%m-%Y %H:%M')}: {why}; "
                f"{w.dossiers} dossier(s) en {w.access_rows} regel(s) van het inzagelogboek "
                f"verwijderd (gebruiker {w.username})."
            )
            if not w.intact:
                print("FOUT  de vastlegging van het wissen is achteraf gewijzigd.")
        broken = len(report.problems) + len(report.access_problems)
        broken += sum(not w.intact for w in report.wipes)
        verdict = "in orde" if report.ok else f"{broken} keten(s) aangetast"
        print(
            f"Keuzelogboek: {report.chains} dossier(s), {report.entries} regel(s); "
            f"inzagelogboek: {report.access_rows} regel(s) gecontroleerd — {verdict}."
        )
        if args.digest is not None:
            if found is not None:
                print(
                    f"Controlecode {short_digest(found[0])} komt voor: dossier {found[1]}, "
                    f"regel {found[2]}."
                )
            else:
                print("FOUT  deze controlecode komt niet voor in het logboek.")

    return emit(
        args,
        {
            "ok": report.ok and digest_ok,
            "chains": report.chains,
            "entries": report.entries,
            "access_rows": report.access_rows,
            "problems": [
                {"dossier": p.dossier_id, "entry": p.seq, "reason": p.reason}
                for p in report.problems
            ],
            "access_problems": [{"row": p.seq, "reason": p.reason} for p in report.access_problems],
            "wipes": [
                {
                    "at": w.wiped_at.isoformat(),
                    "reason": w.reason,
                    "user": w.username,
                    "dossiers": w.dossiers,
                    "access_rows": w.access_rows,
                    "intact": w.intact,
                }
                for w in report.wipes
            ],
            "digest": None
            if args.digest is None
            else {
                "found": found is not None,
                "dossier": found and found[1],
                "entry": found and found[2],
            },
        },
        human,
        code=0 if report.ok and digest_ok else EXIT_FAILED,
    )
