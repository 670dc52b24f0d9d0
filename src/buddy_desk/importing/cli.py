"""``buddy-desk import ncg|img FILE``: import an organisation's CSV export."""

from __future__ import annotations

import argparse
import sys
from dataclasses import asdict
from pathlib import Path

from buddy_desk.commands import emit, one_line, open_uow
from buddy_desk.errors import BuddyDeskError
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.service import (
    ImportResult,
    count_dossiers,
    import_batches,
    import_file,
    preview_import,
    read_export_file,
    undo_import,
)
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
    p.add_argument(
        "kind",
        choices=[*(k.value for k in ExportKind), "runs", "undo"],
        help="whose export; 'runs' lists the imports, 'undo RUN' takes one back",
    )
    p.add_argument("file", nargs="?", help="the CSV file (or the run number after 'undo')")
    p.add_argument("--json", action="store_true", help="machine-readable summary")
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="say what the import would do (new, updated, unchanged, rejected); change nothing",
    )
    p.add_argument(
        "--yes", action="store_true", help="do not ask before importing into a filled database"
    )
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


class ImportUsageError(BuddyDeskError):
    """The import command was called with missing or wrong arguments."""


def _runs(args: argparse.Namespace) -> int:
    batches = import_batches(open_uow(args))

    def human() -> None:
        for b in batches:
            state = f"ongedaan gemaakt {b.undone_at:%d-%m-%Y %H:%M}" if b.undone_at else "actief"
            print(
                f"run {b.id}: {b.source} ({b.kind}) {b.imported_at:%d-%m-%Y %H:%M} door "
                f"{b.imported_by}: {b.imported} nieuw, {b.updated} bijgewerkt, "
                f"{b.new_dossiers} nieuwe dossiers — {state}"
            )
        if not batches:
            print("Nog geen imports vastgelegd.")

    return emit(args, [asdict(b) for b in batches], human)


def _undo(args: argparse.Namespace) -> int:
    if not args.file or not str(args.file).isdigit():
        raise ImportUsageError("Welke import? Gebruik 'import undo RUN' (zie 'import runs').")
    result = undo_import(open_uow(args), int(args.file), getattr(args, "user", None))
    return emit(
        args,
        asdict(result),
        f"Importrun {result.batch_id} ongedaan gemaakt: {result.dossiers_removed} dossiers, "
        f"{result.cases_removed} zaken en {result.addresses_removed} adressen verwijderd, "
        f"{result.rows_restored} rijen teruggezet.",
    )


def _print_preview(filled: int, preview: ImportResult) -> None:
    print(f"Deze database heeft al {filled} dossiers. Wat deze import zou doen:")
    print_summary(preview)


def _ask(question: str) -> bool:
    print(question, end=" ", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in {"j", "ja", "y", "yes"}


def run(args: argparse.Namespace) -> int:
    if args.kind == "runs":
        return _runs(args)
    if args.kind == "undo":
        return _undo(args)
    if not args.file:
        raise ImportUsageError(f"Welk bestand? Gebruik 'import {args.kind} BESTAND'.")
    kind = ExportKind(args.kind)
    path = Path(args.file)
    uow = open_uow(args, create=True)
    filled = count_dossiers(uow)
    if args.dry_run or (filled and not args.yes and sys.stdin.isatty() and not args.json):
        data = read_export_file(path)
        preview = preview_import(uow, kind, data, path.name, progress=_progress())
        if args.dry_run:  # with --json only a dry run previews (nobody to ask)
            return emit(args, preview.to_json(), lambda: _print_preview(filled, preview))
        _print_preview(filled, preview)
        if not _ask("Importeren? [j/N]"):
            print("Niets geïmporteerd.")
            return 0
    result = import_file(uow, kind, path, progress=_progress(), user=getattr(args, "user", None))

    def human() -> None:
        print_summary(result)
        if result.batch_id is not None:
            run_id = result.batch_id
            print(f"Vastgelegd als importrun {run_id}; terugdraaien: 'import undo {run_id}'.")

    return emit(args, result.to_json(), human)
