"""What the core demo data hands to the extras modules (``buddy_desk/<feature>/demo.py``)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import ImgPhase, NcgStatus

V = TypeVar("V")


class CodesById(Mapping[int, V], Generic[V]):
    """Dossier id → one of a few values (a phase, a status), one byte per id.

    Demo ids run from 1 without gaps; a dict of 310,000 entries at scale 10 costs ~25 MB,
    this ~0.3 MB."""

    def __init__(self, values: Sequence[V]) -> None:
        self._values: tuple[V | None, ...] = (None, *values)
        self._code = {v: i for i, v in enumerate(values, start=1)}
        self._codes = bytearray()
        self._len = 0

    def __setitem__(self, key: int, value: V) -> None:
        if key >= len(self._codes):
            self._codes.extend(bytes(key + 1 - len(self._codes)))
        self._len += not self._codes[key]
        self._codes[key] = self._code[value]

    def __getitem__(self, key: int) -> V:
        code = self._codes[key] if isinstance(key, int) and 0 <= key < len(self._codes) else 0
        value = self._values[code]
        if value is None:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[int]:
        return (i for i, code in enumerate(self._codes) if code)

    def __len__(self) -> int:
        return self._len


class IntsById(Mapping[int, int]):
    """Dossier id → a positive integer (a case id), eight bytes per id (see ``CodesById``)."""

    def __init__(self) -> None:
        self._ints = array("q")
        self._len = 0

    def __setitem__(self, key: int, value: int) -> None:
        if key >= len(self._ints):
            self._ints.extend([0] * (key + 1 - len(self._ints)))
        self._len += not self._ints[key]
        self._ints[key] = value

    def __getitem__(self, key: int) -> int:
        value = self._ints[key] if isinstance(key, int) and 0 <= key < len(self._ints) else 0
        if not value:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[int]:
        return (i for i, value in enumerate(self._ints) if value)

    def __len__(self) -> int:
        return self._len


@dataclass(frozen=True, slots=True)
class BuddyPair:
    """The two supervisors coupled on one dossier (ids in the ``supervisor`` table)."""

    img_supervisor_id: int
    ncg_supervisor_id: int


@dataclass(frozen=True)
class DemoContext:
    """The core demo data, by id, for extras that add rows of their own.

    Dossier categories (disjoint; together every dossier):

    - ``combination``: running at IMG *and* NCG (~1,400 at scale 1.0), with their group A–F.
    - ``settled_damage_ids``: NCG address whose IMG case(s) are all Afgerond (~7,700).
    - ``ncg_only_ids``: NCG address without any damage report (~17,700; the proactive pool).
    - ``img_only_ids``: damage-only IMG dossiers at addresses outside the NCG file (running
      or settled).

    Every tuple is sorted ascending. ``buddy_pairs`` has an entry for every combination dossier
    except a deliberate few (``combination`` keys missing from it have no pair); other dossiers
    may have a single supervisor but no pair. All dates in the data are before
    ``reference_date`` ("today" of the demo: 2026-11-26, never the clock).
    """

    reference_date: date
    scale: float
    seed: int
    combination: Mapping[int, CollaborationGroup]  # dossier id → group
    settled_damage_ids: tuple[int, ...]
    ncg_only_ids: tuple[int, ...]
    img_only_ids: tuple[int, ...]
    img_supervisor_ids: tuple[int, ...]  # IMG zaakbegeleiders
    ncg_supervisor_ids: tuple[int, ...]  # NCG bewonersbegeleiders
    buddy_pairs: Mapping[int, BuddyPair]  # dossier id → pair
    supervisor_usernames: Mapping[int, str]  # supervisor id → username (for set_by/created_by)
    img_phase: Mapping[int, ImgPhase]  # dossier id → phase of its leading IMG case
    ncg_status: Mapping[int, NcgStatus]  # dossier id → current NCG status code
    ncg_case_id: Mapping[int, int]  # dossier id → its NCG case (org_case.id)
    img_case_ids: Mapping[int, tuple[int, ...]]  # dossier id → its IMG cases, leading first

    @property
    def combination_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self.combination))

    def dossiers_in_group(self, group: CollaborationGroup) -> tuple[int, ...]:
        return tuple(sorted(d for d, g in self.combination.items() if g is group))
