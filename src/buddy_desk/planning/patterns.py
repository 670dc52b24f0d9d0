"""Working patterns in planners' words: presets ("ma–vr 8:30–17:00"), weekly rules built from
weekdays and hours, and a short Dutch summary of the RRULE strings the model stores.

Pure: no database, no Qt. The services validate with ``check_part`` before storing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import time

from buddy_desk.errors import ValidationError
from buddy_desk.planning.calendar import validate_rule
from buddy_desk.planning.formatting import WEEKDAYS_SHORT

RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# frequencies a working pattern may use: whole days, never hours or minutes
DAY_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
EARLIEST = time(6, 0)
LATEST = time(22, 0)


class PatternError(ValidationError):
    """A pattern that cannot be stored; ``field`` names the field (Dutch) for the message."""


@dataclass(frozen=True, slots=True)
class PatternPart:
    """One RRULE with the hours worked on its days (an expert may have several)."""

    rule: str
    day_start: time
    day_end: time


@dataclass(frozen=True, slots=True)
class Preset:
    key: str
    label: str
    parts: tuple[PatternPart, ...]


def weekly_rule(weekdays: Iterable[int], *, every_weeks: int = 1) -> str:
    """``FREQ=WEEKLY;BYDAY=MO,TU`` (0 = Monday); ``INTERVAL=2`` for every other week."""
    days = sorted(set(weekdays))
    if not days:
        raise PatternError("werkdagen", "kies minstens één dag")
    if any(not 0 <= d <= 6 for d in days):
        raise PatternError("werkdagen", "kies dagen van maandag (0) tot en met zondag (6)")
    if not 1 <= every_weeks <= 4:
        raise PatternError("werkpatroon", "kies elke week, om de week, of eens per 3 of 4 weken")
    interval = f";INTERVAL={every_weeks}" if every_weeks > 1 else ""
    return f"FREQ=WEEKLY{interval};BYDAY={','.join(RRULE_DAYS[d] for d in days)}"


def weekly(weekdays: Iterable[int], start: time, end: time, *, every_weeks: int = 1) -> PatternPart:
    return PatternPart(weekly_rule(weekdays, every_weeks=every_weeks), start, end)


PRESETS: tuple[Preset, ...] = (
    Preset("ma-vr", "ma–vr 8:30–17:00", (weekly(range(5), time(8, 30), time(17)),)),
    Preset("ma-vr-vroeg", "ma–vr 8:00–16:30", (weekly(range(5), time(8), time(16, 30)),)),
    Preset("ma-do", "ma–do 8:00–16:30", (weekly(range(4), time(8), time(16, 30)),)),
    Preset("di-vr", "di–vr 8:00–16:30", (weekly(range(1, 5), time(8), time(16, 30)),)),
    Preset("ma-di-do", "ma/di/do 9:00–16:00", (weekly((0, 1, 3), time(9), time(16)),)),
    Preset(
        "ma-do-even-vr",
        "ma–do 8:00–16:30 + om de week vr 8:00–12:30",
        (
            weekly(range(4), time(8), time(16, 30)),
            weekly((4,), time(8), time(12, 30), every_weeks=2),
        ),
    ),
)
PRESETS_BY_KEY = {p.key: p for p in PRESETS}


def preset(key: str) -> Preset:
    found = PRESETS_BY_KEY.get(key)
    if found is None:
        keys = ", ".join(PRESETS_BY_KEY)
        raise PatternError("werkpatroon", f"onbekende standaard {key!r}; kies uit {keys}")
    return found


def parse_weekdays(text: str) -> frozenset[int]:
    """``ma,di,do`` or ``ma-vr`` or ``0,1,3`` (0 = Monday) as weekday numbers."""
    days: set[int] = set()
    for token in (t.strip().lower() for t in text.replace("/", ",").split(",")):
        if not token:
            continue
        first, sep, last = token.replace("–", "-").partition("-")
        a = _weekday(first)
        b = _weekday(last) if sep else a
        if b < a:
            raise PatternError("werkdagen", f"{token!r}: de eerste dag moet vóór de laatste")
        days.update(range(a, b + 1))
    if not days:
        raise PatternError("werkdagen", "kies minstens één dag")
    return frozenset(days)


def _weekday(token: str) -> int:
    token = token.strip()
    if token.isdigit() and 0 <= int(token) <= 6:
        return int(token)
    if token[:2] in WEEKDAYS_SHORT:
        return WEEKDAYS_SHORT.index(token[:2])
    raise PatternError("werkdagen", f"{token!r} is geen dag (gebruik ma, di, wo, do, vr, za, zo)")


def parse_hours(text: str) -> tuple[time, time]:
    """``9:00-16:00`` or ``8.30–17`` as (start, end)."""
    first, sep, last = text.replace("–", "-").partition("-")
    if not sep:
        raise PatternError("werktijden", f"{text!r}: gebruik begin-eind, bijvoorbeeld 8:30-17:00")
    return _clock(first), _clock(last)


def _clock(token: str) -> time:
    hours, _, minutes = token.strip().replace(".", ":").partition(":")
    try:
        return time(int(hours), int(minutes or 0))
    except ValueError:
        raise PatternError("werktijden", f"{token.strip()!r} is geen tijd (UU:MM)") from None


def check_part(part: PatternPart) -> PatternPart:
    """The part with its rule normalised, or a ``PatternError`` naming the field."""
    text = part.rule.strip()
    if not text or "\n" in text or len(text) > 200:
        raise PatternError("werkpatroon", "geef één RRULE-regel op (hoogstens 200 tekens)")
    try:
        rule = validate_rule(text)
    except ValueError as exc:
        raise PatternError("werkpatroon", str(exc).removeprefix("werkpatroon ")) from None
    freq = _fields(rule).get("FREQ", "")
    if freq not in DAY_FREQUENCIES:
        raise PatternError(
            "werkpatroon", f"{rule!r}: gebruik FREQ=WEEKLY (of DAILY, MONTHLY, YEARLY)"
        )
    if not part.day_start < part.day_end:
        raise PatternError("werktijden", "het begin moet vóór het einde liggen")
    if part.day_start < EARLIEST or part.day_end > LATEST:
        raise PatternError("werktijden", "kies tijden tussen 06:00 en 22:00")
    return PatternPart(rule, part.day_start, part.day_end)


def _fields(rule: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in rule.removeprefix("RRULE:").split(";"):
        key, _, value = item.partition("=")
        out[key.strip().upper()] = value.strip().upper()
    return out


def weekly_days(rule: str) -> tuple[frozenset[int], int] | None:
    """The weekdays and week interval of a plain weekly rule; None for anything else."""
    f = _fields(rule)
    if f.get("FREQ") != "WEEKLY" or not set(f) <= {"FREQ", "BYDAY", "INTERVAL", "WKST"}:
        return None
    tokens = [t for t in f.get("BYDAY", "").split(",") if t]
    if not tokens or any(t not in RRULE_DAYS for t in tokens):
        return None
    interval = f.get("INTERVAL", "1")
    if not interval.isdigit() or int(interval) < 1:
        return None
    return frozenset(RRULE_DAYS.index(t) for t in tokens), int(interval)


def days_text(days: Iterable[int]) -> str:
    """``ma–vr``, ``ma/di/do``, ``ma–wo/vr``: runs of three or more days as a range."""
    ordered = sorted(set(days))
    runs: list[list[int]] = []
    for d in ordered:
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    words: list[str] = []
    for run in runs:
        if len(run) >= 3:
            words.append(f"{WEEKDAYS_SHORT[run[0]]}–{WEEKDAYS_SHORT[run[-1]]}")
        else:
            words.extend(WEEKDAYS_SHORT[d] for d in run)
    return "/".join(words)


def _hours_text(start: time, end: time) -> str:
    return f"{start.hour}:{start.minute:02d}–{end.hour}:{end.minute:02d}"


def part_summary(part: PatternPart) -> str:
    """``ma–vr 8:30–17:00``, ``om de week vr 8:00–12:30``; the raw rule when unusual."""
    hours = _hours_text(part.day_start, part.day_end)
    weekly_ = weekly_days(part.rule)
    if weekly_ is None:
        if _fields(part.rule) == {"FREQ": "DAILY"}:
            return f"elke dag {hours}"
        return f"{part.rule} {hours}"
    days, interval = weekly_
    every = {1: "", 2: "om de week "}.get(interval, f"eens per {interval} weken ")
    return f"{every}{days_text(days)} {hours}"


def summary(parts: Sequence[PatternPart]) -> str:
    """All parts of a pattern in one line (``—`` when the expert has none)."""
    return " + ".join(part_summary(p) for p in parts) or "—"


def matching_preset(parts: Sequence[PatternPart]) -> Preset | None:
    """The preset that is exactly this pattern, if any (for the edit dialog)."""
    wanted = sorted((p.rule, p.day_start, p.day_end) for p in parts)
    for candidate in PRESETS:
        if sorted((p.rule, p.day_start, p.day_end) for p in candidate.parts) == wanted:
            return candidate
    return None
