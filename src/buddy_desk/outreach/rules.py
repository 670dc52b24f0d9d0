"""Pure rules of the proactive approach: in which phase an address is approached, and what a
recorded contact means for the worklist.

The sources: on ~17,700 NCG addresses no damage report was made yet, while damage is expected
there; 37% of surveyed residents wait with reporting until strengthening is clear (seed 000,
"adressenbestand"); "bij adressen waar sprake is van nog niet gemelde mijnbouwschade [kan]
proactief geadviseerd worden deze direct te melden en mee te nemen" (seed 000). When NCG sees
non-constructive damage it points the resident to IMG (seed 002). The phase order below
follows those passages: known damage first, then the addresses where a report can still meet
the strengthening early (a joint inspection needs NCG still planning its inspection, group
B), then where repair can be taken into the plan (groups D/E), then the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum

from buddy_desk.core.phases import NcgStatus, Organisation


class OutreachPhase(IntEnum):
    DAMAGE_SEEN = 1  # NCG saw (non-constructive) damage at the address: expected damage known
    INSPECTION_AHEAD = 2  # NCG 2.1: a report now can still meet NCG's inspection
    PLAN_AHEAD = 3  # NCG 3.1, 4.1, 4.2: repair can still be taken into the plan
    OTHER = 4  # NCG 1.2 (not planned yet), building (5.x) or finished (6)


class ContactChannel(StrEnum):
    LETTER = "brief"
    PHONE = "telefoon"
    VISIT = "huisbezoek"
    EMAIL = "email"


class ContactOutcome(StrEnum):
    SENT = "verstuurd"  # a letter went out; no answer yet
    NO_ANSWER = "geen_gehoor"
    CALL_BACK = "terugbellen"  # reached, wants to be contacted again later
    WILL_REPORT = "gaat_melden"  # reached, will report damage
    REPORTED = "gemeld"  # damage reported at IMG
    NO_DAMAGE = "geen_schade"  # reached, no damage to report
    DECLINED = "geen_interesse"  # reached, does not want to be approached
    WRONG_ADDRESS = "onbestelbaar"  # letter returned / nobody lives there

    @property
    def closes(self) -> bool:
        """The address leaves the worklist: reported, nothing to report, or declined."""
        return self in _CLOSING


_CLOSING = frozenset({ContactOutcome.REPORTED, ContactOutcome.NO_DAMAGE, ContactOutcome.DECLINED})

_PHASE_BY_STATUS = {
    NcgStatus.S2_1: OutreachPhase.INSPECTION_AHEAD,
    NcgStatus.S3_1: OutreachPhase.PLAN_AHEAD,
    NcgStatus.S4_1: OutreachPhase.PLAN_AHEAD,
    NcgStatus.S4_2: OutreachPhase.PLAN_AHEAD,
}


def outreach_phase(ncg_status: NcgStatus, damage_seen: bool) -> OutreachPhase:
    if damage_seen:
        return OutreachPhase.DAMAGE_SEEN
    return _PHASE_BY_STATUS.get(ncg_status, OutreachPhase.OTHER)


@dataclass(frozen=True, slots=True)
class ContactFact:
    attempted_on: date
    channel: ContactChannel
    outcome: ContactOutcome


def is_open(contacts: tuple[ContactFact, ...]) -> bool:
    """Still on the worklist: no contact yet, or the latest outcome does not close it."""
    return not contacts or not contacts[-1].outcome.closes


def sees_worklist(viewer: Organisation | None) -> bool:
    """The worklist is NCG's address file with NCG's status and observations: NCG's own case
    data. On these addresses IMG holds nothing yet and no consent lets NCG's data through, so
    anyone else sees only the counts per phase."""
    return viewer is Organisation.NCG
