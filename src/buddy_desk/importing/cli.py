"""``buddy-desk import ncg|img FILE``: import an organisation's CSV export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from buddy_desk.commands import one_line, open_uow, print_json
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.service import ImportResult, import_file
from buddy_desk.progress import Progress

ORDER = 30
MAX_LISTED = 50


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    p = sub.add_parser(
        "import",
        parents=[common],
        help="import an NCG address export or an IMG case export (CSV)",
        description="Import an export in one transaction. Bad rows are reported with line, "
        "column and reason; a file that is not such an export is refused (exit 2).",
    )
    p.add_argument("kind", choices=[k.value for k in ExportKind], help="whose export")
    p.add_argument("file", type=Path, help="the CSV file")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.set_defaults(handler=run)


def _progress() -> Progress:
    def emit(done: int, total: int, text: str) -> None:
        if sys.stderr.isatty() and total:
            print(f"\r{text}", end="", file=sys.stderr, flush=True)

    return Progress(emit)


def print_summary(result: ImportResult) -> None:
    if sys.stderr.isatty():
        print("\r", end="", file=sys.stderr)
    print(
        f"{result.source} ({result.kind.label}): {result.imported} nieuw, "
        f"{result.updated} bijgewerkt, {result.unchanged} ongewijzigd, "
        f"{len(result.rejected)} afgewezen."
    )
    print(
        f"{result.new_dossiers} nieuwe dossiers, {result.phase_changes} fasewijzigingen, "
        f"{result.signals_created} nieuwe signalen."
    )
    for r in result.rejected[:MAX_LISTED]:
        # the reason may quote the file: no terminal escapes from it reach the screen
        print(f"  regel {r.line}, {one_line(str(r.field))}: {one_line(r.reason)}")
    if len(result.rejected) > MAX_LISTED:
        print(f"  … en nog {len(result.rejected) - MAX_LISTED} (gebruik --json voor alle)")


def run(args: argparse.Namespace) -> int:
    kind = ExportKind(args.kind)
    result = import_file(
        open_uow(args, create=True),
        kind,
        args.file,
        progress=_progress(),
        user=getattr(args, "user", None),
    )
    if args.json:
        print_json(result.to_json())
    else:
        print_summary(result)
    return 0
