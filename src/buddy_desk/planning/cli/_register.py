"""``buddy-desk plan expert …`` and ``plan settings``: the experts register from the command line.

plan expert show ID [--json]                          details, pattern, absences
plan expert add --name N --org IMG|NCG [--dual] [--area G]… [PATTERN] [--json]
plan expert edit ID [--name N] [--org O] [--dual|--no-dual] [--area G…|--all-areas]
                    [--active|--inactive] [--email E] [--phone T] [PATTERN] [--json]
plan expert absence-add ID --from DATE --to DATE [--reason R] [--json]
plan expert absence-remove ABSENCE [--json]
plan settings [--damage-min N] [--strengthening-min N] [--combined-min N] [--buffer-min N]

PATTERN: --pattern PRESET | --days ma,di,do --hours 9:00-16:00 [--every-other-week]
         | --rrule 'FREQ=WEEKLY;BYDAY=MO,WE' --hours 8:00-17:00;  [--pattern-from DATE]
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import date
from typing import Any

from buddy_desk.commands import emit, open_uow
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import ValidationError
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.patterns import (
    PRESETS,
    PatternPart,
    parse_hours,
    parse_weekdays,
    preset,
    weekly,
)
from buddy_desk.planning.service import register as reg
from buddy_desk.planning.service.calendar import SETTING_KEYS

ORGS = [o.value for o in Organisation]
SETTING_OPTIONS = {
    "damage_minutes": "--damage-min",
    "strengthening_minutes": "--strengthening-min",
    "combined_minutes": "--combined-min",
    "travel_buffer_minutes": "--buffer-min",
}


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"geen datum (JJJJ-MM-DD): {text!r}") from None


def register_actions(
    cmds: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    """Add ``expert`` and ``settings`` to the ``plan`` command's actions."""
    e = cmds.add_parser("expert", parents=[common], help="manage an expert (deskundige)")
    actions = e.add_subparsers(title="expert actions", metavar="ACTION", required=True)

    show = actions.add_parser("show", parents=[common], help="an expert's details")
    show.add_argument("expert", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_show)

    add = actions.add_parser("add", parents=[common], help="add an expert")
    add.add_argument("--name", required=True)
    add.add_argument("--org", choices=ORGS, required=True, type=str.upper)
    add.add_argument("--dual", action="store_true", help="qualified for both (combined)")
    add.add_argument("--area", action="append", default=[], metavar="GEMEENTE")
    add.add_argument("--inactive", action="store_true")
    add.add_argument("--email", default="")
    add.add_argument("--phone", default="")
    _pattern_options(add)
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_add)

    ed = actions.add_parser("edit", parents=[common], help="change an expert")
    ed.add_argument("expert", type=int)
    ed.add_argument("--name")
    ed.add_argument("--org", choices=ORGS, type=str.upper)
    ed.add_argument("--dual", action=argparse.BooleanOptionalAction, default=None)
    ed.add_argument("--active", action=argparse.BooleanOptionalAction, default=None)
    ed.add_argument("--inactive", dest="active", action="store_false")
    areas = ed.add_mutually_exclusive_group()
    areas.add_argument("--area", action="append", metavar="GEMEENTE", help="replaces the areas")
    areas.add_argument("--all-areas", action="store_true", help="works in every municipality")
    ed.add_argument("--email", help="'' clears it")
    ed.add_argument("--phone", help="'' clears it")
    _pattern_options(ed)
    ed.add_argument("--json", action="store_true")
    ed.set_defaults(handler=run_edit)

    ab = actions.add_parser("absence-add", parents=[common], help="record an absence")
    ab.add_argument("expert", type=int)
    ab.add_argument("--from", dest="first", type=_date, required=True, help="first day")
    ab.add_argument("--to", dest="last", type=_date, required=True, help="last day (inclusive)")
    ab.add_argument("--reason", default="", help="verlof, cursus … (no medical details)")
    ab.add_argument("--json", action="store_true")
    ab.set_defaults(handler=run_absence_add)

    rm = actions.add_parser("absence-remove", parents=[common], help="remove an absence")
    rm.add_argument("absence", type=int)
    rm.add_argument("--json", action="store_true")
    rm.set_defaults(handler=run_absence_remove)

    st = cmds.add_parser(
        "settings", parents=[common], help="durations per kind and the travel buffer (minutes)"
    )
    for key, option in SETTING_OPTIONS.items():
        st.add_argument(option, dest=key, type=int, metavar="N")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=run_settings)


def _pattern_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("working pattern")
    g.add_argument(
        "--pattern",
        choices=[x.key for x in PRESETS],
        help="; ".join(f"{x.key}: {x.label}" for x in PRESETS),
    )
    g.add_argument("--days", help="ma,di,do or ma-vr")
    g.add_argument("--hours", help="9:00-16:00")
    g.add_argument("--every-other-week", action="store_true")
    g.add_argument("--rrule", help="an RFC 5545 RRULE, e.g. 'FREQ=WEEKLY;BYDAY=MO,WE'")
    g.add_argument("--pattern-from", type=_date, help="first day of the new pattern (today)")


def _pattern(args: argparse.Namespace) -> list[PatternPart] | None:
    chosen = [x for x in (args.pattern, args.days, args.rrule) if x]
    if not chosen:
        if args.hours or args.every_other_week:
            raise ValidationError("werkpatroon", "geef --days of --rrule bij --hours op")
        return None
    if len(chosen) > 1:
        raise ValidationError("werkpatroon", "kies één van --pattern, --days of --rrule")
    if args.pattern:
        return list(preset(args.pattern).parts)
    if not args.hours:
        raise ValidationError("werktijden", "geef --hours op, bijvoorbeeld 8:30-17:00")
    start, end = parse_hours(args.hours)
    if args.rrule:
        return [PatternPart(args.rrule, start, end)]
    every = 2 if args.every_other_week else 1
    return [weekly(parse_weekdays(args.days), start, end, every_weeks=every)]


def _details_json(d: reg.ExpertDetails) -> dict[str, Any]:
    e = d.info
    return {
        "id": e.id,
        "naam": e.naam,
        "organisation": e.organisation.value,
        "dual_qualified": e.dual_qualified,
        "municipalities": list(e.municipalities),
        "active": e.active,
        "email": e.email,
        "telefoon": e.telefoon,
        "pattern": d.pattern_summary,
        "patterns": [
            {
                "id": p.id,
                "rrule": p.part.rule,
                "day_start": p.part.day_start.isoformat("minutes"),
                "day_end": p.part.day_end.isoformat("minutes"),
                "valid_from": p.valid_from.isoformat(),
                "valid_until": p.valid_until.isoformat() if p.valid_until else None,
            }
            for p in d.patterns
        ],
        "absences": [_absence_json(a) for a in d.absences],
        "upcoming_visits": d.upcoming_visits,
    }


def _absence_json(a: reg.AbsenceInfo) -> dict[str, Any]:
    return {
        "id": a.id,
        "expert_id": a.expert_id,
        "first_day": a.first_day.isoformat(),
        "last_day": a.last_day.isoformat(),
        "reason": a.reason,
    }


def _affected_json(items: tuple[reg.AffectedAppointment, ...]) -> list[dict[str, Any]]:
    return [
        {
            "appointment_id": a.appointment_id,
            "dossier_id": a.dossier_id,
            "address": a.address_line,
            "kind": a.kind.value,
            "start": a.start.astimezone(AMSTERDAM).isoformat(),
            "end": a.end.astimezone(AMSTERDAM).isoformat(),
            "reason": a.reason,
        }
        for a in items
    ]


def _print_details(d: reg.ExpertDetails) -> None:
    e = d.info
    state = "" if e.active else "  (niet actief)"
    print(f"{e.id:>5}  {e.label}{state}")
    print(f"       gemeenten:   {', '.join(e.municipalities) or 'alle gemeenten'}")
    print(f"       werkpatroon: {d.pattern_summary}")
    if e.email or e.telefoon:
        print(f"       contact:     {' · '.join(x for x in (e.email, e.telefoon) if x)}")
    for a in d.absences:
        print(f"       afwezig:     {a.text}{f' ({a.reason})' if a.reason else ''}  [#{a.id}]")
    print(f"       geplande bezoeken vanaf vandaag: {d.upcoming_visits}")


def _print_affected(items: tuple[reg.AffectedAppointment, ...], title: str) -> None:
    if not items:
        return
    print(f"{title} ({len(items)}); verzet ze met 'plan move':")
    for a in items:
        print(f"  - {a.text}")


def run_show(args: argparse.Namespace) -> int:
    details = reg.get_expert(open_uow(args), args.expert)

    def human() -> None:
        _print_details(details)

    return emit(args, _details_json(details), human)


def run_add(args: argparse.Namespace) -> int:
    details = reg.add_expert(
        open_uow(args),
        naam=args.name,
        organisation=Organisation(args.org),
        dual_qualified=args.dual,
        municipalities=args.area,
        active=not args.inactive,
        email=args.email,
        telefoon=args.phone,
        pattern=_pattern(args) or (),
        pattern_from=args.pattern_from,
    )

    def human() -> None:
        _print_details(details)

    return emit(args, _details_json(details), human)


def run_edit(args: argparse.Namespace) -> int:
    areas: list[str] | None = [] if args.all_areas else args.area
    saved = reg.edit_expert(
        open_uow(args),
        args.expert,
        naam=args.name,
        organisation=Organisation(args.org) if args.org else None,
        dual_qualified=args.dual,
        municipalities=areas,
        active=args.active,
        email=args.email,
        telefoon=args.phone,
        pattern=_pattern(args),
        pattern_from=args.pattern_from,
    )

    def human() -> None:
        _print_details(saved.details)
        _print_affected(saved.affected, "Afspraken die niet meer passen")

    return emit(
        args, {**_details_json(saved.details), "affected": _affected_json(saved.affected)}, human
    )


def run_absence_add(args: argparse.Namespace) -> int:
    result = reg.add_absence(open_uow(args), args.expert, args.first, args.last, args.reason)

    def human() -> None:
        a = result.absence
        print(f"afwezigheid {a.id}: {a.text}{f' ({a.reason})' if a.reason else ''}")
        _print_affected(result.affected, "Geplande afspraken in deze afwezigheid")

    return emit(
        args, {**_absence_json(result.absence), "affected": _affected_json(result.affected)}, human
    )


def run_absence_remove(args: argparse.Namespace) -> int:
    a = reg.remove_absence(open_uow(args), args.absence)
    return emit(args, _absence_json(a), f"afwezigheid {a.id} verwijderd: {a.text}")


def run_settings(args: argparse.Namespace) -> int:
    changes = {key: getattr(args, key) for key in SETTING_OPTIONS}
    if any(v is not None for v in changes.values()):
        settings = reg.update_settings(open_uow(args), **changes)
    else:
        settings = reg.get_settings(open_uow(args))
    values = asdict(settings)

    def human() -> None:
        labels = reg.SETTING_FIELDS
        for key, option in SETTING_OPTIONS.items():
            print(f"{labels[key]:<28} {values[key]:>4} min   ({option})")

    return emit(args, {key: values[key] for key in SETTING_KEYS}, human)
