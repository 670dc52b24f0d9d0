"""Dutch public holidays, computed (never a hard-coded list that runs out).

Bevrijdingsdag (5 May) is a paid day off only every fifth year for many employers (lustrum
years) but a national holiday every year; we treat it as a holiday *every* year: offering no
inspection that day is the safe side (nobody is asked to open their door on a day many have
off), and it costs at most one planning day a year.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter


@cache
def dutch_public_holidays(year: int) -> dict[date, str]:
    """Every public holiday of ``year`` with its Dutch name."""
    e = easter(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:  # on a Sunday it moves to Saturday the 26th
        kings_day = date(year, 4, 26)
    days = {
        date(year, 1, 1): "Nieuwjaarsdag",
        e - timedelta(days=2): "Goede Vrijdag",
        e: "Eerste paasdag",
        e + timedelta(days=1): "Tweede paasdag",
        kings_day: "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",
        e + timedelta(days=39): "Hemelvaartsdag",
        e + timedelta(days=49): "Eerste pinksterdag",
        e + timedelta(days=50): "Tweede pinksterdag",
        date(year, 12, 25): "Eerste kerstdag",
        date(year, 12, 26): "Tweede kerstdag",
    }
    return days


def holiday_name(day: date) -> str | None:
    return dutch_public_holidays(day.year).get(day)


def is_public_holiday(day: date) -> bool:
    return day in dutch_public_holidays(day.year)
