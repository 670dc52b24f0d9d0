"""``buddy-desk choices``: the resident's choices — read them, and record them.

choices DOSSIER [--json] [--pdf F] [--csv F] [--receipt SEQ --out F]   (= choices show …)
choices record DOSSIER --type TYPE --value VALUE [consent and channel options]
choices withdraw DOSSIER SEQ --reason TEXT [--channel C] [--effective YYYY-MM-DD]
choices correct DOSSIER SEQ [--value V …] --reason TEXT

Writes need the acting user (``buddy-desk --user USERNAME …``).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from buddy_desk.choices.cli._record import register_writes
from buddy_desk.choices.rules import ChoiceEntry, ChoiceState, canonical_time
from buddy_desk.choices.service.exports import choice_log_csv, choice_log_pdf, receipt_pdf
from buddy_desk.choices.service.log import choice_log
from buddy_desk.choices.texts import state_label, type_label, value_label
from buddy_desk.commands import emit, open_uow
from buddy_desk.errors import BuddyDeskError
from buddy_desk.models.base import utcnow

ORDER = 30


class OutputError(BuddyDeskError):
    """An output file cannot be written where the user asked."""


class _ShowByDefault(argparse._SubParsersAction):  # type: ignore[type-arg]
    """Subcommands where a dossier number means ``show``: ``choices 12`` keeps working next
    to ``choices record 12 …``."""

    class _Names(dict[str, argparse.ArgumentParser]):
        def __init__(self, names: dict[str, argparse.ArgumentParser]) -> None:
            super().__init__()
            self.names = names

        def __contains__(self, key: object) -> bool:
            return (isinstance(key, str) and key.isdigit()) or key in self.names

        def __iter__(self) -> Iterator[str]:
            return iter(self.names)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.choices = self._Names(self._name_parser_map)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if values and str(values[0]).isdigit():
            values = ["show", *values]
        super().__call__(parser, namespace, values, option_string)


def register(
    sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    top = sub.add_parser(
        "choices",
        parents=[common],
        help="the resident's choices of a dossier: show (default), record, withdraw, correct",
    )
    actions = top.add_subparsers(
        action=_ShowByDefault,
        title="choices commands (a dossier number alone means 'show')",
        metavar="[show|record|withdraw|correct] DOSSIER",
        required=True,
    )
    p = actions.add_parser(
        "show", parents=[common], help="current state, history, PDF/CSV, receipts"
    )
    p.add_argument("dossier", type=int, metavar="DOSSIER", help="dossier id")
    p.add_argument("--json", action="store_true", help="current state and history as JSON")
    p.add_argument("--pdf", metavar="FILE", type=Path, help="write the choice log as PDF")
    p.add_argument("--csv", metavar="FILE", type=Path, help="write the choice log as CSV")
    p.add_argument(
        "--receipt",
        metavar="SEQ",
        type=int,
        help="write the resident's receipt of entry SEQ (with --out FILE)",
    )
    p.add_argument("--out", metavar="FILE", type=Path, help="file for --receipt")
    p.set_defaults(handler=run)
    register_writes(actions, common)


def _writable(path: Path) -> Path:
    path = path.expanduser()
    if not path.parent.is_dir():
        raise OutputError(
            f"Map {path.parent} bestaat niet; kies een bestaande map voor {path.name}."
        )
    if path.is_dir():
        raise OutputError(f"{path} is een map; geef een bestandsnaam.")
    return path


def entry_json(e: ChoiceEntry) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "kind": e.kind.value,
        "refers_to": e.refers_to_seq,
        "type": e.choice_type.value,
        "value": e.value,
        "label": value_label(e),
        "made_at": canonical_time(e.made_at),
        "recorded_at": canonical_time(e.recorded_at),
        "effective_from": canonical_time(e.effective_from),
        "recorded_by": e.recorded_by,
        "organisation": e.recorded_by_org,
        "channel": e.channel.value,
        "direction": e.direction.value if e.direction else None,
        "purpose": e.purpose,
        "categories": [c.value for c in e.categories],
        "method": e.method.value if e.method else None,
        "only_if_no_delay": e.only_if_no_delay,
        "explanation_version": e.explanation_version,
        "form_reference": e.form_reference,
        "note": e.note,
        "hash": e.entry_hash,
    }


def state_json(s: ChoiceState) -> dict[str, Any]:
    return {
        "type": s.choice_type.value,
        "title": type_label(s.choice_type),
        "direction": s.key.direction.value if s.key.direction else None,
        "status": s.status.value,
        "value": s.value,
        "label": state_label(s),
        "consent_active": s.consent_active if s.key.direction else None,
        "record_seq": s.record_seq,
        "current_seq": s.current.seq,
        "history": [e.seq for e in s.history],
    }


def run(args: argparse.Namespace) -> int:
    if args.receipt is not None and args.out is None:
        raise OutputError("--receipt heeft --out BESTAND nodig (waar het bewijs komt).")
    for path in (args.pdf, args.csv, args.out):
        if path is not None:
            _writable(path)  # fail before any work, not after the first file
    data = choice_log(open_uow(args), args.dossier)
    if args.pdf:
        choice_log_pdf(data, _writable(args.pdf), printed=utcnow())
    if args.csv:
        choice_log_csv(data.entries, _writable(args.csv))
    if args.receipt is not None:
        receipt_pdf(data, args.receipt, _writable(args.out))

    def human() -> None:
        if not (args.pdf or args.csv or args.receipt is not None):
            for s in data.states:
                print(f"{type_label(s.choice_type):<55.55} {state_label(s)}")
            print(f"{len(data.states)} keuze(s), {len(data.entries)} regel(s) in het logboek")

    data_json = {
        "dossier": data.dossier_id,
        "current": [state_json(s) for s in data.states],
        "history": [entry_json(e) for e in data.entries],
    }
    return emit(args, data_json, human)
