from __future__ import annotations

import pytest

from buddy_desk.core.address import AddressKey, normalise_postcode, validate_huisnummer
from buddy_desk.errors import ValidationError


@pytest.mark.parametrize("raw", ["9712 ab", "9712AB", " 9712ab ", "9712  AB"])
def test_postcode_is_normalised(raw: str) -> None:
    assert normalise_postcode(raw) == "9712AB"


@pytest.mark.parametrize("raw", ["0712AB", "971AB", "9712A", "9712SS", "9712 SA", "ABCDEF", ""])
def test_invalid_postcodes_are_refused_with_the_field(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalise_postcode(raw)
    assert info.value.field == "postcode"


@pytest.mark.parametrize("raw", ["0", "100000", "-3", "abc"])
def test_invalid_house_numbers(raw: str) -> None:
    with pytest.raises(ValidationError):
        validate_huisnummer(raw)


@pytest.mark.parametrize(
    ("number", "letter", "toev", "expected"),
    [
        ("12", None, None, (12, None, None)),
        ("12a", None, None, (12, "A", None)),
        ("12 A", None, None, (12, "A", None)),
        ("12-A", None, None, (12, "A", None)),
        ("12-1", None, None, (12, None, "1")),
        ("12 bis", None, None, (12, None, "BIS")),
        ("12A-2", None, None, (12, "A", "2")),
        ("12", "a", "2", (12, "A", "2")),
        ("12", None, "-3", (12, None, "3")),
    ],
)
def test_house_numbers_however_written(
    number: str, letter: str | None, toev: str | None, expected: tuple[int, str | None, str | None]
) -> None:
    key = AddressKey.parse("9712 ab", number, letter, toev)
    assert (key.huisnummer, key.huisletter, key.toevoeging) == expected
    assert key.postcode == "9712AB"


def test_match_key_distinguishes_letter_and_addition() -> None:
    a = AddressKey.parse("9712AB", "12a")
    b = AddressKey.parse("9712AB", "12", None, "A")
    c = AddressKey.parse("9712AB", "12")
    assert len({a.match_key, b.match_key, c.match_key}) == 3


def test_spelling_key_joins_case_accents_and_abbreviations() -> None:
    from buddy_desk.core.address import spelling_key

    assert spelling_key("Burg. v.d. Molenstr.") == spelling_key("BURGEMEESTER VAN DER MOLENSTRAAT")
    assert spelling_key("Ëenrum") == spelling_key("EENRUM")
    assert spelling_key("Kerkstraat") != spelling_key("Kerkweg")
