"""Dutch address keys (BAG nummeraanduiding): validation and normalisation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from buddy_desk.errors import ValidationError

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s*([A-Za-z]{2})\s*$")
# PTT never issued these letter pairs for historical reasons; BAG contains none of them.
_FORBIDDEN_LETTERS = frozenset({"SA", "SD", "SS"})
_TOEVOEGING = re.compile(r"^[A-Za-z0-9]{1,4}$")
_GLUED = re.compile(
    r"""^\s*(?P<nr>\d{1,5})            # huisnummer
        \s*(?:-\s*)?
        (?P<letter>[A-Za-z](?![A-Za-z]))?   # a single huisletter
        \s*(?:[-/ ]\s*)?
        (?P<toev>[A-Za-z0-9]{1,4})?\s*$""",
    re.VERBOSE,
)

HUISNUMMER_MIN = 1
HUISNUMMER_MAX = 99999


def normalise_postcode(text: str) -> str:
    """'9712 ab' → '9712AB'; raises ValidationError with the reason."""
    m = _POSTCODE.match(text or "")
    if not m:
        raise ValidationError("postcode", f"'{text}' is geen geldige postcode (1234 AB)")
    letters = m.group(2).upper()
    if letters in _FORBIDDEN_LETTERS:
        raise ValidationError("postcode", f"'{text}': lettercombinatie {letters} bestaat niet")
    return f"{m.group(1)}{letters}"


def format_postcode(postcode: str) -> str:
    return f"{postcode[:4]} {postcode[4:]}" if len(postcode) == 6 else postcode


def validate_huisnummer(value: int | str) -> int:
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ValidationError("huisnummer", f"'{value}' is geen huisnummer") from None
    if not HUISNUMMER_MIN <= number <= HUISNUMMER_MAX:
        raise ValidationError(
            "huisnummer", f"{number} ligt niet tussen {HUISNUMMER_MIN} en {HUISNUMMER_MAX}"
        )
    return number


def normalise_huisletter(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    letter = text.strip()
    if len(letter) != 1 or not letter.isalpha() or not letter.isascii():
        raise ValidationError("huisletter", f"'{text}' is geen huisletter (één letter)")
    return letter.upper()


def normalise_toevoeging(text: str | None) -> str | None:
    if text is None or not text.strip():
        return None
    toev = text.strip().lstrip("-/ ").strip()
    if not _TOEVOEGING.match(toev):
        raise ValidationError(
            "huisnummertoevoeging", f"'{text}' is geen toevoeging (max. 4 letters/cijfers)"
        )
    return toev.upper()


@dataclass(frozen=True, order=True)
class AddressKey:
    """How addresses are matched: postcode + huisnummer + huisletter + toevoeging."""

    postcode: str
    huisnummer: int
    huisletter: str | None = None
    toevoeging: str | None = None

    @classmethod
    def parse(
        cls,
        postcode: str,
        huisnummer: str | int,
        huisletter: str | None = None,
        toevoeging: str | None = None,
    ) -> AddressKey:
        """Normalise however a system wrote it: '12a', '12 A', '12-A', '12-1', '12A-2', '12 bis'."""
        pc = normalise_postcode(postcode)
        letter = normalise_huisletter(huisletter)
        toev = normalise_toevoeging(toevoeging)
        raw = str(huisnummer).strip()
        if raw.isdigit():
            return cls(pc, validate_huisnummer(raw), letter, toev)
        m = _GLUED.match(raw)
        if not m:
            raise ValidationError("huisnummer", f"'{huisnummer}' is geen huisnummer")
        nr = validate_huisnummer(m.group("nr"))
        glued_letter = m.group("letter")
        glued_toev = m.group("toev")
        if glued_letter and glued_toev is None and letter is not None:
            # '12-A' with a separate huisletter column: the glued part is the toevoeging
            glued_toev, glued_letter = glued_letter, None
        if glued_letter and letter and glued_letter.upper() != letter:
            raise ValidationError("huisletter", f"'{huisnummer}' en huisletter '{letter}' botsen")
        if glued_toev and toev and glued_toev.upper() != toev:
            raise ValidationError(
                "huisnummertoevoeging", f"'{huisnummer}' en toevoeging '{toev}' botsen"
            )
        return cls(
            pc,
            nr,
            letter or normalise_huisletter(glued_letter),
            toev or normalise_toevoeging(glued_toev),
        )

    @property
    def match_key(self) -> str:
        return f"{self.postcode}|{self.huisnummer}|{self.huisletter or ''}|{self.toevoeging or ''}"

    def number_text(self) -> str:
        return house_number(self.huisnummer, self.huisletter, self.toevoeging)


def house_number(huisnummer: int, huisletter: str | None, toevoeging: str | None) -> str:
    """``12``, ``12a``, ``12a-2``: the number as letters and lists write it."""
    text = f"{huisnummer}{huisletter or ''}"
    return f"{text}-{toevoeging}" if toevoeging else text


def street_line(straat: str | None, number: str) -> str:
    """``Hoofdstraat 12a``; the number alone when the street is unknown."""
    return f"{straat} {number}" if straat else number


# common abbreviations in street and place names, as exports write them
_ABBREVIATIONS = {
    "str": "straat",
    "ln": "laan",
    "wg": "weg",
    "pln": "plein",
    "kd": "kade",
    "v": "van",
    "vd": "van der",
    "d": "der",
    "burg": "burgemeester",
    "st": "sint",
    "mr": "meester",
    "dr": "dokter",
    "prof": "professor",
    "pres": "president",
}
_WORDS = re.compile(r"[^\W_]+")
_GLUED_SUFFIX = re.compile(r"(?<=[a-z])(str|ln|wg|pln|kd)$")


def spelling_key(text: str) -> str:
    """What two spellings of one street or place share when they differ only in case, accents,
    punctuation or a common abbreviation: 'Burg. v.d. Molenstr.' and 'BURGEMEESTER VAN DER
    MOLENSTRAAT' give the same key."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    words: list[str] = []
    for word in _WORDS.findall(plain):
        word = _GLUED_SUFFIX.sub(lambda m: _ABBREVIATIONS[m.group(1)], word)
        words.extend(_ABBREVIATIONS.get(word, word).split())
    return "".join(words)
