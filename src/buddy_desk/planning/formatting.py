"""Dutch day and time texts for planning (CLI, letters, calendar files)."""

from __future__ import annotations

from datetime import date, datetime

from buddy_desk.core.formatting import dutch_date
from buddy_desk.planning.calendar import AMSTERDAM

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
WEEKDAYS_SHORT = ("ma", "di", "wo", "do", "vr", "za", "zo")


def dutch_day(day: date) -> str:
    """``donderdag 3 december 2026``."""
    return f"{WEEKDAYS[day.weekday()]} {dutch_date(day)}"


def clock(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%H:%M")


def span_text(start: datetime, end: datetime) -> str:
    """``do 3-12-2026 10:00–14:00`` in Amsterdam time."""
    a = start.astimezone(AMSTERDAM)
    return f"{WEEKDAYS_SHORT[a.weekday()]} {a:%d-%m-%Y} {clock(start)}–{clock(end)}"
