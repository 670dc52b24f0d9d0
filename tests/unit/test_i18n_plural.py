"""Plural-aware texts: one thing is singular, any other count plural (Dutch and English)."""

from __future__ import annotations

import pytest

from buddy_desk.i18n import catalog, in_language, plural_key, trn


@pytest.mark.parametrize(("n", "key"), [(0, "other"), (1, "one"), (2, "other"), (21, "other")])
def test_plural_key_picks_singular_only_for_one(n: int, key: str) -> None:
    assert plural_key("one", "other", n) == key


@pytest.mark.parametrize(
    ("language", "n", "text"),
    [
        ("nl", 1, "1 brief gemaakt in 0.4 s."),
        ("nl", 3, "3 brieven gemaakt in 0.4 s."),
        ("en", 1, "1 letter made in 0.4 s."),
        ("en", 0, "0 letters made in 0.4 s."),
    ],
)
def test_trn_fills_the_right_form(language: str, n: int, text: str) -> None:
    with in_language(language):
        assert trn("letters.run.done.one", "letters.run.done", n, letters=n, seconds="0.4") == text


def test_every_singular_key_has_its_plural() -> None:
    keys = catalog("nl")
    singles = [k for k in keys if k.endswith(".one")]
    assert singles and all(k.removesuffix(".one") in keys for k in singles)
