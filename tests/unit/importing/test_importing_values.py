"""Values as Dutch Excel writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from buddy_desk.core.values import parse_amount, parse_bool, parse_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5-3-2026", date(2026, 3, 5)),
        ("05-03-2026", date(2026, 3, 5)),
        ("5/3/2026", date(2026, 3, 5)),
        ("2026-03-05", date(2026, 3, 5)),
        ("2026-03-05T00:00:00", date(2026, 3, 5)),
        ("05-03-2026 00:00", date(2026, 3, 5)),
        (" 31-12-2025 ", date(2025, 12, 31)),
    ],
)
def test_dutch_and_iso_dates(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31-2-2026", "2026-13-01", "gisteren", "5-3-26", "2026/03/05"])
def test_bad_dates_are_refused_with_the_value(text: str) -> None:
    with pytest.raises(ValueError, match=text.replace("/", ".")):
        parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.234,56", Decimal("1234.56")),
        ("€ 1.234,56", Decimal("1234.56")),
        ("€1.234,56", Decimal("1234.56")),
        ("1234,5", Decimal("1234.50")),
        ("1.234", Decimal("1234.00")),
        ("1.234.567,89", Decimal("1234567.89")),
        ("1234", Decimal("1234.00")),
        ("1234.56", Decimal("1234.56")),
        ("0,00", Decimal("0.00")),
        ("EUR 12,00", Decimal("12.00")),
    ],
)
def test_dutch_amounts(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["12,345", "1,234.56", "abc", "-5,00", "1.23.4"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"bedrag|negatief"):
        parse_amount(text)


@pytest.mark.parametrize("text", ["ja", "Ja", "J", "1", "waar", "WAAR", "true", "x"])
def test_true_values(text: str) -> None:
    assert parse_bool(text) is True


@pytest.mark.parametrize("text", ["nee", "N", "0", "onwaar", "", "false"])
def test_false_values(text: str) -> None:
    assert parse_bool(text) is False


def test_unknown_boolean_is_refused() -> None:
    with pytest.raises(ValueError, match="misschien"):
        parse_bool("misschien")
