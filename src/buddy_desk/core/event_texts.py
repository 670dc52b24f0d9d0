"""Texts stored as a key with values and translated when shown, so a timeline written in Dutch
reads in English after a language switch (and the other way round).

A value is either plain (a number, a name, a case number) or one of:

- ``{"t": KEY, "p": {...}}`` — a text of its own, translated with its own values;
- ``{"date": "2026-12-03"}`` — a date, written the way the reader's language writes dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from buddy_desk.core.formatting import long_date
from buddy_desk.i18n import tr


def text(key: str, **params: Any) -> dict[str, Any]:
    """A translatable value: ``text("planning.form.combined")``."""
    return {"t": key, "p": params} if params else {"t": key}


def day(value: date) -> dict[str, str]:
    return {"date": value.isoformat()}


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
    return value
