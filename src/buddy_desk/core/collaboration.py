"""The collaboration potential groups A–F of the 2021 evaluation (figure 2).

**The cells are inferred, not copied.** The evaluation's figure (NCG statuses 1.2–5.2 as
rows, the IMG statuses Voorbereiding, Opname, Zienswijze and Beschikking as columns, a
letter in each cell) did not survive the conversion of the source to text: only its row and
column labels, its legend and the group descriptions below it did
(``../shared/seeds/000_4fc5dff8954ca77b.txt``). The mapping here follows those descriptions:

- A: "NCG adressen die nog moeten worden opgenomen in een lokaal plan van aanpak" (1.2),
  while "IMG de schadeafhandeling al wel is gestart" (any running IMG phase);
- B: "zowel door NCG als IMG een opname gepland dient te worden" (2.1 with IMG in
  Voorbereiding or Opname);
- C: "NCG nog een opname moet plannen, terwijl IMG al verder gevorderd is" (2.1, IMG past
  Opname);
- D: "adressen in een NCG beoordelingsfase" (3.1, any IMG phase);
- E: "NCG heeft bepaald dat versterking nodig is, maar worden de exacte maatregelen ...
  nog bepaald" (4.1 Planvorming voorbereiden, 4.2 Uitvoeringsplan opstellen);
- F: "NCG adressen die reeds in de uitvoering zijn ... overeenkomst met de aannemer is
  gesloten" (5.1, 5.2).

The figure has no column for IMG Uitvoering (payment or repair in kind). Such a case is still
running and further ahead than Beschikking, so we place it with the "IMG is further along"
phases: group C for NCG 2.1, and the NCG status's group otherwise. That column is our
assumption, not the evaluation's. A group exists only while both processes run.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from buddy_desk.core.phases import ImgPhase, NcgStatus


class CollaborationGroup(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"


class Potential(StrEnum):
    UNLIKELY = "unlikely"
    POSSIBLE = "possible"
    LIMITED = "limited"


@dataclass(frozen=True)
class GroupMeaning:
    potential: Potential
    key: str  # i18n key of the plain-language explanation


GROUP_MEANINGS: dict[CollaborationGroup, GroupMeaning] = {
    CollaborationGroup.A: GroupMeaning(Potential.UNLIKELY, "group.A"),
    CollaborationGroup.B: GroupMeaning(Potential.POSSIBLE, "group.B"),
    CollaborationGroup.C: GroupMeaning(Potential.UNLIKELY, "group.C"),
    CollaborationGroup.D: GroupMeaning(Potential.LIMITED, "group.D"),
    CollaborationGroup.E: GroupMeaning(Potential.POSSIBLE, "group.E"),
    CollaborationGroup.F: GroupMeaning(Potential.UNLIKELY, "group.F"),
}

_EARLY_IMG = frozenset({ImgPhase.VOORBEREIDING, ImgPhase.OPNAME})


def collaboration_group(
    ncg_status: NcgStatus | None, img_phase: ImgPhase | None
) -> CollaborationGroup | None:
    """The group for a dossier running at both organisations, or None if one is not running."""
    if ncg_status is None or img_phase is None:
        return None
    if not ncg_status.is_running or not img_phase.is_running:
        return None
    match ncg_status:
        case NcgStatus.S1_2:
            return CollaborationGroup.A
        case NcgStatus.S2_1:
            return CollaborationGroup.B if img_phase in _EARLY_IMG else CollaborationGroup.C
        case NcgStatus.S3_1:
            return CollaborationGroup.D
        case NcgStatus.S4_1 | NcgStatus.S4_2:
            return CollaborationGroup.E
        case NcgStatus.S5_1 | NcgStatus.S5_2:
            return CollaborationGroup.F
    raise AssertionError(f"unhandled NCG status {ncg_status!r}")  # pragma: no cover


def img_can_prioritise(group: CollaborationGroup | None, img_phase: ImgPhase | None) -> bool:
    """In group E, IMG can prioritise its dossier while it is in Voorbereiding or Opname."""
    return group is CollaborationGroup.E and img_phase in _EARLY_IMG
