"""Texts stored as a key with values and translated when shown, so a timeline written in Dutch
reads in English after a language switch (and the other way round).

A value is either plain (a number, a name, a case number) or one of:

- ``{"t": KEY, "p": {...}}`` — a text of its own, translated with its own values;
- ``{"date": "2026-12-03"}`` — a date, written the way the reader's language writes dates;
- ``{"span": [START, END]}`` — an appointment (ISO moments), its date written so too and its
  times in Groningen's time.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from buddy_desk.core.formatting import AMSTERDAM, long_date
from buddy_desk.i18n import tr


def text(key: str, **params: Any) -> dict[str, Any]:
    """A translatable value: ``text("planning.form.combined")``."""
    return {"t": key, "p": params} if params else {"t": key}


def day(value: date) -> dict[str, str]:
    return {"date": value.isoformat()}


def span(start: datetime, end: datetime) -> dict[str, list[str]]:
    """An appointment's date and times: ``10 december 2026 08:30–11:30`` when shown."""
    return {"span": [start.isoformat(), end.isoformat()]}


def render(key: str | None, params: Mapping[str, Any] | None, fallback: str) -> str:
    """The text in the current language; ``fallback`` (as stored) when there is no key."""
    if not key:
        return fallback
    values = {name: render_value(v) for name, v in (params or {}).items() if name != "detail"}
    return tr(key, **values)


def render_value(value: Any) -> Any:
    """One value in the current language (see the module docstring)."""
    if isinstance(value, Mapping):
        if "t" in value:
            return render(str(value["t"]), value.get("p"), str(value["t"]))
        if "date" in value:
            return long_date(date.fromisoformat(str(value["date"])))
        if "span" in value:
            start, end = (_moment(v) for v in value["span"])
            return f"{long_date(start.date())} {start:%H:%M}–{end:%H:%M}"
    return value


def _moment(iso: object) -> datetime:
    return datetime.fromisoformat(str(iso)).astimezone(AMSTERDAM)
