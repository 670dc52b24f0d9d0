"""What the core demo data hands to the extras modules (``buddy_desk/<feature>/demo.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import ImgPhase, NcgStatus


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
