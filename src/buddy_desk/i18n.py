"""Message catalogs (Dutch default, English available) shared by the UI, CLI and letters.

Catalogs are JSON files in ``resources/i18n/<lang>/<feature>.json``; one file per feature so
features add their texts without touching each other's. Missing English falls back to Dutch,
missing Dutch to the key itself (a test checks both catalogs have the same keys).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from buddy_desk.resources import resource

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
_state = {"language": DEFAULT_LANGUAGE}
_thread = threading.local()


@cache
def catalog(language: str) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder: Path = resource("i18n", language)
    for file in sorted(folder.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        for key, value in data.items():
            if key in merged:
                raise ValueError(f"{file}: key {key!r} also defined in another catalog")
            merged[key] = value
    return merged


def set_language(language: str) -> None:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; choose one of {', '.join(LANGUAGES)}")
    _state["language"] = language


def current_language() -> str:
    override: str | None = getattr(_thread, "language", None)
    return override or _state["language"]


@contextmanager
def in_language(language: str) -> Iterator[None]:
    """Texts in ``language`` for this thread only (a Dutch letter while the UI is English)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}")
    previous = getattr(_thread, "language", None)
    _thread.language = language
    try:
        yield
    finally:
        _thread.language = previous


def tr(key: str, /, **values: object) -> str:
    """The text for ``key`` in the current language, with ``{name}`` fields filled in."""
    language = current_language()
    text = catalog(language).get(key)
    if text is None and language != DEFAULT_LANGUAGE:
        text = catalog(DEFAULT_LANGUAGE).get(key)
    if text is None:
        text = key
    return text.format(**values) if values else text


def plural_key(key_one: str, key_other: str, n: int) -> str:
    """The key for ``n`` things: ``key_one`` for exactly one, else ``key_other`` (also 0).

    Dutch and English both use the singular for one only ("1 brief", "0 brieven").
    """
    return key_one if n == 1 else key_other


def trn(key_one: str, key_other: str, n: int, /, **values: object) -> str:
    """``tr`` with a plural: the text for one thing or for ``n`` things, fields filled in."""
    return tr(plural_key(key_one, key_other, n), **values)
