"""``choices record | withdraw | correct``: write the resident's choices from the command line.

The acting user is the top-level ``--user USERNAME`` (name, organisation and role come from
the staff register); without one nothing is recorded. The same rules hold as in the app's
dialog (``choices.rules.validate_new``): options, consent details, contradictions.
"""

from __future__ import annotations

import argparse
from datetime import datetime, time
from typing import Any

from buddy_desk.choices.rules import (
    OPTIONS,
    Channel,
    ChoiceEntry,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
    EntryKind,
)
from buddy_desk.choices.service.log import (
    NewChoice,
    actor_for,
    correct_choice,
    log_entries,
    record_choice,
    withdraw_choice,
)
from buddy_desk.choices.texts import LOCAL, entry_summary
from buddy_desk.commands import emit, open_uow
from buddy_desk.errors import NotFoundError, ValidationError
from buddy_desk.i18n import tr

TYPES = [t.value for t in ChoiceType]


def register_writes(
    actions: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    r = actions.add_parser(
        "record", parents=[common], help="record a new choice (needs buddy-desk --user USERNAME)"
    )
    r.add_argument("dossier", type=int, metavar="DOSSIER")
    r.add_argument("--type", dest="choice_type", choices=TYPES, required=True)
    r.add_argument("--value", required=True, help="an option of the type (see --help-values)")
    _content_options(r)
    r.add_argument("--reason", metavar="TEXT", help="a note: why, or what the resident said")
    r.add_argument("--json", action="store_true")
    r.set_defaults(handler=run_record)

    w = actions.add_parser("withdraw", parents=[common], help="the resident withdraws a choice")
    w.add_argument("dossier", type=int, metavar="DOSSIER")
    w.add_argument("seq", type=int, metavar="SEQ", help="the entry (its number in the log)")
    w.add_argument("--reason", metavar="TEXT", required=True)
    w.add_argument("--channel", choices=[c.value for c in Channel], default="brief")
    w.add_argument("--effective", type=_day, help="from this day (YYYY-MM-DD; default: now)")
    w.add_argument("--form-ref", help="the reference of the withdrawal form")
    w.add_argument("--json", action="store_true")
    w.set_defaults(handler=run_withdraw)

    c = actions.add_parser(
        "correct", parents=[common], help="correct a recording mistake (the original stays)"
    )
    c.add_argument("dossier", type=int, metavar="DOSSIER")
    c.add_argument("seq", type=int, metavar="SEQ", help="the entry to correct")
    c.add_argument("--value", help="the right value (default: unchanged)")
    _content_options(c)
    c.add_argument("--reason", metavar="TEXT", required=True, help="what was wrong")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=run_correct)


def _content_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--direction", choices=[d.value for d in Direction])
    p.add_argument("--categories", metavar="a,b", help="document categories (consent)")
    p.add_argument("--purpose", help="what the data is shared for (consent)")
    p.add_argument("--method", choices=[m.value for m in ConsentMethod])
    p.add_argument("--form-ref", help="reference of the signed form")
    p.add_argument("--channel", choices=[c.value for c in Channel])
    p.add_argument("--made-at", type=_day, help="the day the resident chose (default: now)")
    p.add_argument(
        "--only-if-no-delay",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="joint inspection only if it means no longer wait",
    )


def _day(text: str) -> datetime:
    try:
        day = datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen datum (JJJJ-MM-DD): {text!r}") from None
    return datetime.combine(day, time(0, 0), LOCAL)  # start of the day: never in the future


def _categories(text: str | None) -> tuple[DocumentCategory, ...] | None:
    if text is None:
        return None
    found = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            found.append(DocumentCategory(part))
        except ValueError:
            options = ", ".join(c.value for c in DocumentCategory)
            raise ValidationError(
                "--categories", f"'{part}' is geen documentsoort; kies uit {options}"
            ) from None
    return tuple(found)


def _check_value(choice_type: ChoiceType, value: str) -> None:
    options = OPTIONS[choice_type]
    if options and value not in options:
        raise ValidationError(
            "--value",
            f"'{value}' is geen optie voor {choice_type.value}; kies uit " + ", ".join(options),
        )


def _new_choice(args: argparse.Namespace, base: ChoiceEntry | None) -> NewChoice:
    choice_type = base.choice_type if base else ChoiceType(args.choice_type)
    value = args.value if args.value is not None else (base.value if base else "")
    _check_value(choice_type, value)
    categories = _categories(args.categories)
    channel = args.channel or (base.channel.value if base else Channel.KITCHEN_TABLE.value)
    direction = args.direction or (base.direction.value if base and base.direction else None)
    method = args.method or (base.method.value if base and base.method else None)
    only = args.only_if_no_delay
    if only is None and base is not None:
        only = base.only_if_no_delay
    if choice_type is ChoiceType.JOINT_INSPECTION and only is None:
        only = False
    return NewChoice(
        choice_type=choice_type,
        value=value,
        channel=Channel(channel),
        made_at=args.made_at or (base.made_at if base else None),
        note=args.reason,
        form_reference=args.form_ref or (base.form_reference if base else None),
        direction=Direction(direction) if direction else None,
        purpose=args.purpose or (base.purpose if base else None),
        categories=categories if categories is not None else (base.categories if base else ()),
        method=ConsentMethod(method) if method else None,
        only_if_no_delay=only,
    )


def _report(args: argparse.Namespace, entry: ChoiceEntry) -> int:
    from buddy_desk.choices.cli.choices import entry_json

    return emit(
        args,
        entry_json(entry),
        tr("choices.cli.recorded", seq=entry.seq, summary=entry_summary(entry)),
    )


def run_record(args: argparse.Namespace) -> int:
    actor = actor_for(open_uow(args), getattr(args, "user", None))
    entry = record_choice(open_uow(args), args.dossier, _new_choice(args, None), actor)
    return _report(args, entry)


def _entry(args: argparse.Namespace) -> ChoiceEntry:
    entry = next((e for e in log_entries(open_uow(args), args.dossier) if e.seq == args.seq), None)
    if entry is None:
        raise NotFoundError(f"Regel {args.seq} bestaat niet in het keuzelogboek.")
    return entry


def run_correct(args: argparse.Namespace) -> int:
    actor = actor_for(open_uow(args), getattr(args, "user", None))
    target = _entry(args)
    if target.kind is EntryKind.WITHDRAWAL:
        raise ValidationError(
            "verwijzing", "een intrekking kan niet worden gecorrigeerd; leg de keuze opnieuw vast"
        )
    entry = correct_choice(open_uow(args), args.dossier, args.seq, _new_choice(args, target), actor)
    return _report(args, entry)


def run_withdraw(args: argparse.Namespace) -> int:
    actor = actor_for(open_uow(args), getattr(args, "user", None))
    if not args.reason.strip():
        raise ValidationError("--reason", "geef de reden of de aanleiding van de intrekking")
    kwargs: dict[str, Any] = {}
    if args.effective is not None:
        kwargs["effective_from"] = args.effective
    entry = withdraw_choice(
        open_uow(args),
        args.dossier,
        args.seq,
        actor,
        channel=Channel(args.channel),
        note=args.reason,
        form_reference=args.form_ref,
        **kwargs,
    )
    return _report(args, entry)
