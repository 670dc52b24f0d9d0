"""Values as Dutch Excel and line-of-business systems write them: dates, amounts, booleans.

Each parser raises ``ValueError`` with a Dutch reason that names the value.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?Z?)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
_PLAIN_DECIMAL = re.compile(r"^\d+(\.\d{1,2})?$")
_DUTCH_AMOUNT = re.compile(r"^\d{1,3}(\.\d{3})*,\d{1,2}$|^\d+,\d{1,2}$")

_TRUE = frozenset({"ja", "j", "1", "waar", "true", "yes", "y", "x"})
_FALSE = frozenset({"nee", "n", "0", "onwaar", "false", "no"})


def parse_date(text: str) -> date:
    """'5-3-2026', '05-03-2026', '5/3/2026', '2026-03-05' (an Excel time part is ignored)."""
    value = text.strip()
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:  # the common ISO case, without a regex
            return date.fromisoformat(value)
        except ValueError:
            pass
    if m := _DUTCH_DATE.match(value):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _ISO_DATE.match(value):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise ValueError(f"'{text}' is geen datum (dd-mm-jjjj of jjjj-mm-dd)")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is geen bestaande datum") from None


def parse_amount(text: str) -> Decimal:
    """'1.234,56', '€ 1.234,56', '1234,5', '1234' and '1234.56' → Decimal; never negative."""
    value = text.strip().replace("€", "").replace("\u00a0", "").replace(" ", "")
    if value.upper().startswith("EUR"):
        value = value[3:]
    if value.startswith("-"):
        raise ValueError(f"'{text}' is negatief; een schadebedrag is nul of meer")
    if "," in value and _DUTCH_AMOUNT.match(value):
        normal = value.replace(".", "").replace(",", ".")
    elif _THOUSANDS.match(value):
        normal = value.replace(".", "")
    elif _PLAIN_DECIMAL.match(value):
        normal = value
    else:
        raise ValueError(f"'{text}' is geen bedrag (bijvoorbeeld 1.234,56)")
    try:
        return Decimal(normal).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise ValueError(f"'{text}' is geen bedrag") from None


def parse_bool(text: str) -> bool:
    """ja/nee, J/N, 1/0, waar/onwaar (and the English words); empty means no."""
    value = text.strip().lower()
    if not value or value in _FALSE:
        return False
    if value in _TRUE:
        return True
    raise ValueError(f"'{text}' is geen ja/nee-waarde (ja, nee, J, N, 1, 0)")
