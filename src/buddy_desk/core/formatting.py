"""Dates, amounts, postcodes and names as readers expect them.

Letters are Dutch whatever the UI language (``dutch_date``, ``euro``); the app's own texts
follow the UI language (``long_date``, ``amount_text``).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from buddy_desk.i18n import current_language, tr

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
"""Groningen's time: appointments, slots and letters' times are shown in it."""

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def dutch_date(day: date) -> str:
    """``23 november 2026``."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def long_date(day: date) -> str:
    """'1 maart 2026' / '1 March 2026', in the UI language."""
    months = tr("ui.months").split(",")
    return f"{day.day} {months[day.month - 1]} {day.year}"


def amount_text(amount: Decimal) -> str:
    """'€ 1.234,56' in Dutch, '€1,234.56' in English."""
    if current_language() == "nl":
        return euro(amount)
    return f"€{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,.2f}"


def euro(amount: Decimal) -> str:
    """``€ 1.234,56`` (Dutch separators, always two decimals)."""
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    whole, _, frac = f"{abs(cents):.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"€ {sign}{'.'.join(groups)},{frac}"


def postcode_line(postcode: str, woonplaats: str) -> str:
    """PostNL: ``9712 AB  GRONINGEN`` (postcode with a space, two spaces, place in capitals)."""
    pc = postcode.replace(" ", "").upper()
    pc_text = f"{pc[:4]} {pc[4:]}" if len(pc) == 6 else pc
    return f"{pc_text}  {woonplaats.upper()}"


def surname_part(full_name: str) -> str | None:
    """``'A. de Vries'`` → ``'De Vries'`` (for 'Geachte mevrouw De Vries'); None without initials.

    Dutch: a tussenvoegsel is capitalised when no initials or first name precede it.
    """
    tokens = full_name.split()
    if not tokens or not tokens[0].endswith("."):
        return None
    rest = [t for t in tokens if not t.endswith(".")]
    if not rest:
        return None
    return " ".join([rest[0][:1].upper() + rest[0][1:], *rest[1:]])


def check_code(digest: str) -> str:
    """A SHA-256 digest's readable short form: the first 16 hex digits in groups of four,
    to be read aloud over the phone or typed back (``buddy-desk verify-log --digest``)."""
    head = digest[:16].upper()
    return " ".join(head[i : i + 4] for i in range(0, 16, 4))
