"""Dutch public holidays are computed right for several years and never offered."""

from __future__ import annotations

from datetime import date

import pytest

from buddy_desk.planning.holidays import dutch_public_holidays, holiday_name, is_public_holiday


@pytest.mark.parametrize(
    ("year", "easter_sunday"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2028, date(2028, 4, 16)),
    ],
)
def test_easter_based_holidays(year: int, easter_sunday: date) -> None:
    days = dutch_public_holidays(year)
    ordinal = easter_sunday.toordinal()
    assert days[date.fromordinal(ordinal - 2)] == "Goede Vrijdag"
    assert days[easter_sunday] == "Eerste paasdag"
    assert days[date.fromordinal(ordinal + 1)] == "Tweede paasdag"
    assert days[date.fromordinal(ordinal + 39)] == "Hemelvaartsdag"
    assert date.fromordinal(ordinal + 39).weekday() == 3  # always a Thursday
    assert days[date.fromordinal(ordinal + 50)] == "Tweede pinksterdag"
    assert len(days) == 11


def test_known_dates_2026() -> None:
    assert holiday_name(date(2026, 4, 3)) == "Goede Vrijdag"
    assert holiday_name(date(2026, 5, 14)) == "Hemelvaartsdag"
    assert holiday_name(date(2026, 5, 25)) == "Tweede pinksterdag"
    assert holiday_name(date(2026, 12, 25)) == "Eerste kerstdag"
    assert holiday_name(date(2026, 12, 26)) == "Tweede kerstdag"
    assert holiday_name(date(2027, 1, 1)) == "Nieuwjaarsdag"
    assert not is_public_holiday(date(2026, 12, 24))


def test_kings_day_moves_to_saturday_when_the_27th_is_a_sunday() -> None:
    assert date(2025, 4, 27).weekday() == 6
    assert holiday_name(date(2025, 4, 26)) == "Koningsdag"
    assert not is_public_holiday(date(2025, 4, 27))
    assert holiday_name(date(2026, 4, 27)) == "Koningsdag"
    assert date(2031, 4, 27).weekday() == 6
    assert holiday_name(date(2031, 4, 26)) == "Koningsdag"


@pytest.mark.parametrize("year", [2025, 2026, 2027])
def test_liberation_day_every_year(year: int) -> None:
    # documented choice: 5 May is never offered, lustrum year or not
    assert holiday_name(date(year, 5, 5)) == "Bevrijdingsdag"
