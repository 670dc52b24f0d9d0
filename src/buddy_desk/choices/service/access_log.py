"""The access log (GEMMA Verwerkingenlogging): writing one entry per disclosure of the other
organisation's data, and reading it back for the privacy officer.

``log_disclosures_in(uow, viewer, [(dossier_id, disclosure), …], PURPOSE)`` adds the
entries inside the caller's unit of work (the caller commits); ``access_log(uow,
dossier_id=… | person_id=…)`` returns them. The consent gate (``consent.py``) decides what
is disclosed; this module only records it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from buddy_desk import __version__
from buddy_desk.choices.anchors import (
    ACTIVITY_ID,
    ANCHOR_ACTION,
    CONFIDENTIALITY,
    PROCESSING_NAME,
    RETENTION,
)
from buddy_desk.choices.rules import Actor, Disclosure, DocumentCategory
from buddy_desk.choices.service.anchoring import append_access
from buddy_desk.errors import NotFoundError
from buddy_desk.models import Dossier, DossierResident
from buddy_desk.models.access_log import AccessLogEntry
from buddy_desk.models.base import utcnow
from buddy_desk.persistence.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Purpose:
    """What a disclosure is for: the access log's *actie* and *handeling*."""

    action: str
    handling: str


VIEW = Purpose("Inzien", "Dossier van de andere organisatie bekijken")
LIST_EXPORT = Purpose("Exporteren", "Dossierlijst met gegevens van de andere organisatie")
LETTER = Purpose("Afdrukken", "Samenvattingsbrief aan de bewoner")
CHOICES_EXPORT = Purpose("Exporteren", "Keuzeoverzicht of ontvangstbevestiging")
SAMENLOOP_EXPORT = Purpose("Exporteren", "Samenlooplijst")
SIGNAL = Purpose("Inzien", "Signaal tussen de organisaties")
PLANNING_OUTPUT = Purpose("Afdrukken", "Bevestiging gezamenlijke opname")


@dataclass(frozen=True, slots=True)
class AccessRecord:
    actie_id: str
    tijdstip: datetime
    tijdstip_registratie: datetime
    gebruiker: str
    gebruiker_rol: str | None
    uitvoerder: str
    gegevensbron: str
    dossier_id: int
    soorten_gegevens: tuple[str, ...]
    doel: str
    consent_seq: int
    actie_naam: str
    handeling_naam: str
    verwerking_naam: str
    verwerking_id: str
    verwerkingsactiviteit_id: str
    vertrouwelijkheid: str
    bewaartermijn: str
    systeem: str


def _log_values(
    viewer: Actor, dossier_id: int, d: Disclosure, purpose: Purpose, now: datetime
) -> dict[str, object]:
    assert d.consent is not None and viewer.organisation is not None
    return {
        "actie_id": str(uuid.uuid4()),
        "actie_naam": purpose.action,
        "handeling_naam": purpose.handling[:100],
        "verwerking_naam": PROCESSING_NAME,
        "verwerking_id": str(uuid.uuid4()),
        "verwerkingsactiviteit_id": ACTIVITY_ID,
        "vertrouwelijkheid": CONFIDENTIALITY,
        "bewaartermijn": RETENTION,
        "uitvoerder": viewer.organisation.value,
        "systeem": f"Buddy Desk {__version__}",
        "gebruiker": viewer.username[:120],
        "gebruiker_rol": viewer.role,
        "gegevensbron": d.source.value,
        "doel": (d.consent.current.purpose or "")[:200],
        "tijdstip": now,
        "tijdstip_registratie": now,
        "dossier_id": dossier_id,
        "objecttype": "dossier",
        "soorten_gegevens": ",".join(c.value for c in DocumentCategory if d.allows(c)),
        "consent_seq": d.consent.current.seq,
    }


def log_disclosures_in(
    uow: UnitOfWork,
    viewer: Actor,
    disclosed: Iterable[tuple[int, Disclosure]],
    purpose: Purpose,
) -> int:
    """Add one access-log entry per (dossier, other organisation) actually disclosed; the
    caller commits. Only pass what the output really shows (a side without a process there
    discloses nothing). Returns the number of entries."""
    now = utcnow()
    values = [
        _log_values(viewer, dossier_id, d, purpose, now)
        for dossier_id, d in disclosed
        if d.discloses and d.consent is not None and viewer.organisation is not None
    ]
    for row in values:  # one hash chain: each entry sealed onto the head (locked on PostgreSQL)
        append_access(uow, row)
    return len(values)


def access_log(
    uow: UnitOfWork, *, dossier_id: int | None = None, person_id: int | None = None
) -> list[AccessRecord]:
    """The access log for one dossier, or for every dossier a resident (person) lives at."""
    if dossier_id is None and person_id is None:
        raise ValueError("give dossier_id or person_id")
    with uow:
        s = uow.session
        # the disclosures; the choice-log anchors in the same chain are not views
        query = (
            select(AccessLogEntry)
            .where(AccessLogEntry.actie_naam != ANCHOR_ACTION)
            .order_by(AccessLogEntry.tijdstip, AccessLogEntry.id)
        )
        if dossier_id is not None:
            if s.get(Dossier, dossier_id) is None:
                raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
            query = query.where(AccessLogEntry.dossier_id == dossier_id)
        if person_id is not None:
            dossiers = select(DossierResident.dossier_id).where(
                DossierResident.person_id == person_id
            )
            if not s.execute(dossiers).first():
                raise NotFoundError(f"Bewoner {person_id} hoort bij geen enkel dossier.")
            query = query.where(AccessLogEntry.dossier_id.in_(dossiers))
        return [
            AccessRecord(
                actie_id=r.actie_id,
                tijdstip=r.tijdstip,
                tijdstip_registratie=r.tijdstip_registratie,
                gebruiker=r.gebruiker,
                gebruiker_rol=r.gebruiker_rol,
                uitvoerder=r.uitvoerder,
                gegevensbron=r.gegevensbron,
                dossier_id=r.dossier_id,
                soorten_gegevens=tuple(x for x in r.soorten_gegevens.split(",") if x),
                doel=r.doel,
                consent_seq=r.consent_seq,
                actie_naam=r.actie_naam,
                handeling_naam=r.handeling_naam,
                verwerking_naam=r.verwerking_naam,
                verwerking_id=r.verwerking_id,
                verwerkingsactiviteit_id=r.verwerkingsactiviteit_id,
                vertrouwelijkheid=r.vertrouwelijkheid,
                bewaartermijn=r.bewaartermijn,
                systeem=r.systeem,
            )
            for r in s.scalars(query)
        ]
