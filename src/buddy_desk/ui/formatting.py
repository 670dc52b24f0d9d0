"""Dates, times, amounts and counts the way a Dutch (or English) reader expects them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from buddy_desk.core.formatting import AMSTERDAM as AMSTERDAM  # its home; imported from here too
from buddy_desk.core.formatting import amount_text, long_date
from buddy_desk.i18n import current_language, tr


def format_date(value: date | None) -> str:
    """'1 maart 2026' / '1 March 2026'; an unknown date is '—'."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = local(value).date()
    return long_date(value)


def format_day(value: date) -> str:
    """'donderdag 3 december 2026' / 'Thursday 3 December 2026'."""
    return f"{tr('ui.weekdays').split(',')[value.weekday()]} {format_date(value)}"


def weekday_short(weekday: int) -> str:
    """'ma' / 'Mon' for 0 (Monday) … 'zo' / 'Sun' for 6."""
    return tr("ui.weekdays_short").split(",")[weekday]


def format_short_date(value: date | None) -> str:
    """'01-03-2026' (nl) / '2026-03-01' (en), for dense lists."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = local(value).date()
    if current_language() == "nl":
        return value.strftime("%d-%m-%Y")
    return value.isoformat()


def local(moment: datetime) -> datetime:
    """Stored moments are UTC; show them in the machine's time zone."""
    return moment.astimezone() if moment.tzinfo is not None else moment


def format_time(moment: datetime) -> str:
    return local(moment).strftime("%H:%M")


def format_span(start: datetime, end: datetime) -> str:
    """An appointment: 'do 03-12-2026 10:00–14:00' / 'Thu 2026-12-03 10:00–14:00'."""
    a, b = start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)
    return f"{weekday_short(a.weekday())} {format_short_date(a.date())} {a:%H:%M}–{b:%H:%M}"


def format_count(n: int) -> str:
    text = f"{n:,}"
    return text.replace(",", ".") if current_language() == "nl" else text


def format_amount(amount: Decimal | None) -> str:
    return "—" if amount is None else amount_text(amount)
