"""Pure rules of the buddy-pair desk: who may couple, and which pair to propose.

The evaluation recommends a *centrally steered* buddy system with one point of contact
(seed 000, "Een centraal aangestuurd buddysysteem"); residents complain that contact persons
change too often ("voor één woning heb ik al drie bewonersbegeleiders gehad"). So only a
coordinator couples, every change carries a reason, and the proposal for a new dossier
prefers a supervisor who already works in the area over a slightly emptier desk elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from buddy_desk.core.phases import Organisation

COORDINATOR_ROLE = "coordinator"
"""``Supervisor.role`` of the staff who may couple buddy pairs."""

AREA_SLACK = 5
"""A supervisor already working in the area is preferred while carrying at most this many
dossiers more than the least loaded colleague (a house rule, not from the sources)."""

REASON_MIN_LENGTH = 3


class PairChangeKind(StrEnum):
    PROPOSED = "proposed"  # suggested at intake; nothing coupled yet
    COUPLED = "coupled"  # the dossier had no (complete) pair
    RECOUPLED = "recoupled"  # an existing pair was changed


@dataclass(frozen=True, slots=True)
class Candidate:
    """A supervisor who can be one half of a pair, with the dossiers on their desk."""

    supervisor_id: int
    organisation: Organisation
    naam: str
    dossiers: int
    areas: Mapping[str, int]  # gemeente → dossiers there


def may_couple(role: str | None, active: bool = True) -> bool:
    return active and role == COORDINATOR_ROLE


def change_kind(
    before: tuple[int | None, int | None], after: tuple[int | None, int | None]
) -> PairChangeKind | None:
    """COUPLED when the dossier had no complete pair, RECOUPLED when a pair changed, None
    when nothing changes."""
    if before == after:
        return None
    if before[0] is None or before[1] is None:
        return PairChangeKind.COUPLED
    return PairChangeKind.RECOUPLED


def clean_reason(reason: str) -> str | None:
    """The reason, whitespace-normalised, or None when it is too short to explain anything."""
    text = " ".join(reason.split())
    return text if len(text) >= REASON_MIN_LENGTH else None


def propose(candidates: Iterable[Candidate], area: str | None) -> Candidate | None:
    """The supervisor to propose for a new dossier in ``area`` (a gemeente).

    The least loaded colleague, unless someone already working in the area carries at most
    ``AREA_SLACK`` dossiers more: then the least loaded of those. Ties by name, then id, so the
    proposal is the same every time."""
    pool = list(candidates)
    if not pool:
        return None
    least = min(c.dossiers for c in pool)
    local = [c for c in pool if area and c.areas.get(area, 0) > 0]
    near = [c for c in local if c.dossiers <= least + AREA_SLACK]
    chosen = near or pool
    return min(chosen, key=lambda c: (c.dossiers, c.naam, c.supervisor_id))
