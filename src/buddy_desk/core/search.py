"""The dossier search rules: what a dossier is found by and how a query splits into tokens.

A query token matches a dossier when it is the start of one of the dossier's words (street,
house number with letter and addition, postcode without space, place, names, case numbers).
``DossierFilter.matches`` applies that to rows in memory; the dossier list applies the same
rule in the database over ``search_words`` (``dossiers.list_query``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.summaries import DossierSummary

_POSTCODE_WITH_SPACE = re.compile(r"\b([1-9][0-9]{3})\s+([a-z]{2})\b")
WORD_LENGTH = 80
"""Longest stored search word (the column's size); longer query tokens are cut to match."""


def search_key(
    straat: str,
    number_text: str,
    postcode: str,
    woonplaats: str,
    names: Iterable[str],
    zaaknummers: Iterable[str],
) -> str:
    """Lower-case text every query token is matched against (as a word prefix)."""
    extra = " ".join((*names, *zaaknummers))
    return fold(f" {straat} {number_text} {postcode} {woonplaats} {extra} ")


def fold(text: str) -> str:
    """Lower case without accents: 'Ëenrum' and 'EENRUM' are both found by 'eenr'."""
    lowered = text.lower()
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_words(
    straat: str,
    number_text: str,
    postcode: str,
    woonplaats: str,
    names: Iterable[str],
    zaaknummers: Iterable[str],
) -> set[str]:
    """The distinct words a dossier is found by, as the database stores them (folded)."""
    key = search_key(straat, number_text, postcode, woonplaats, names, zaaknummers)
    return {w[:WORD_LENGTH] for w in key.split()}


ADDRESS_KEY_LENGTH = 100
"""The stored address key's size: a street of up to 80 characters, a number of five digits,
a letter, an addition of up to four characters and their marks."""


def address_key(
    straat: str, huisnummer: int, huisletter: str | None, toevoeging: str | None
) -> str:
    """The dossier list's address order as one string: comparing two keys code point by code
    point (SQLite's BINARY, PostgreSQL's "C", Python's ``<``) orders them as the list orders
    the columns — street, number, letter (none first), addition (none first). Stored beside
    every search word, so the first page of a token's matches in address order is one index
    range, without looking up every match's address."""

    def part(value: str | None) -> str:
        return "" if value is None else "\x02" + value  # none before any value, even ""

    return f"{straat}\x01{huisnummer:05d}\x01{part(huisletter)}\x01{part(toevoeging)}"


def prefix_range(token: str) -> tuple[str, str]:
    """Bounds ``low <= word < high`` of the words that start with ``token`` (code-point order)."""
    token = token[:WORD_LENGTH]
    last = token[-1]
    if ord(last) >= 0x10FFFF:
        return token, token + "\U0010ffff"
    return token, token[:-1] + chr(ord(last) + 1)


def query_tokens(text: str) -> list[str]:
    """'9712 AB' and '9712ab' both become one postcode token; the rest splits on spaces."""
    lowered = _POSTCODE_WITH_SPACE.sub(r"\1\2", fold(text.strip()))
    return [t for t in re.split(r"[\s,]+", lowered) if t]


@dataclass(frozen=True)
class DossierFilter:
    text: str = ""
    groups: frozenset[CollaborationGroup] = frozenset()
    flags: frozenset[FlagKind] = frozenset()
    img_phases: frozenset[ImgPhase] = frozenset()
    ncg_statuses: frozenset[NcgStatus] = frozenset()
    supervisor_id: int | None = None  # "my dossiers"
    tokens: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tokens", tuple(" " + t for t in query_tokens(self.text)))

    def matches(self, row: DossierSummary) -> bool:
        key = row.search_key
        for token in self.tokens:
            if token not in key:
                return False
        if self.groups and row.group not in self.groups:
            return False
        if self.flags and not (self.flags & row.flags):
            return False
        if self.img_phases and row.img_phase not in self.img_phases:
            return False
        if self.ncg_statuses and row.ncg_status not in self.ncg_statuses:
            return False
        return self.supervisor_id is None or self.supervisor_id in (
            row.img_supervisor_id,
            row.ncg_supervisor_id,
        )


def img_phase_of(value: object) -> ImgPhase | None:
    """A filter choice back as a phase. Qt hands a StrEnum stored in a combo box back as its
    plain string, so an ``isinstance`` check never matched and the filter did nothing."""
    if value is None or value == "":
        return None
    return value if isinstance(value, ImgPhase) else ImgPhase(str(value))


def ncg_status_of(value: object) -> NcgStatus | None:
    """A filter choice back as an NCG status (see ``img_phase_of``)."""
    if value is None or value == "":
        return None
    return value if isinstance(value, NcgStatus) else NcgStatus(str(value))


def filter_dossiers(rows: Sequence[DossierSummary], f: DossierFilter) -> list[DossierSummary]:
    return [row for row in rows if f.matches(row)]


def address_sort_key(row: DossierSummary) -> tuple[str, int, str, str]:
    return (row.straat, row.huisnummer, row.huisletter or "", row.toevoeging or "")
