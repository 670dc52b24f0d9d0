"""SQLAlchemy 2.x entities, shaped after ZGW (Zaakgericht Werken).

- ``Address`` is the case object (ZGW *zaakobject*, BAG nummeraanduiding).
- ``Dossier`` binds everything at one address: the two organisations' cases, the residents,
  the buddy pair, flags, timeline and notes. One dossier per address.
- ``Case`` is one organisation's process (ZGW *zaak*) with its own identification and
  ``CaseStatus`` history; an IMG and an NCG case on the same dossier are linked through it.
- People are roles: ``DossierResident`` (belanghebbende/eigenaar) and the buddy pair
  (behandelaar per organisation) referencing ``Supervisor`` (ZGW *medewerker*).
"""

from buddy_desk.models.base import Base
from buddy_desk.models.case import Case, CaseStatus, DamageReport
from buddy_desk.models.dossier import (
    ConversationNote,
    Dossier,
    DossierFlag,
    DossierResident,
    TimelineEvent,
)
from buddy_desk.models.party import Address, Person, Supervisor

__all__ = [
    "Address",
    "Base",
    "Case",
    "CaseStatus",
    "ConversationNote",
    "DamageReport",
    "Dossier",
    "DossierFlag",
    "DossierResident",
    "Person",
    "Supervisor",
    "TimelineEvent",
]
