"""Instant search and filtering over the in-memory dossier list (pure, ~ms for 30k rows)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.summaries import DossierSummary

_POSTCODE_WITH_SPACE = re.compile(r"\b([1-9][0-9]{3})\s+([a-z]{2})\b")


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
    return f" {straat} {number_text} {postcode} {woonplaats} {extra} ".lower()


def query_tokens(text: str) -> list[str]:
    """'9712 AB' and '9712ab' both become one postcode token; the rest splits on spaces."""
    lowered = _POSTCODE_WITH_SPACE.sub(r"\1\2", text.strip().lower())
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
