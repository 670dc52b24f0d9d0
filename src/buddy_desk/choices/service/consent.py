"""The consent gate: what a user may see of the other organisation, and the access log.

``view_dossier(uow, dossier_id, viewer)`` is the one way the dossier view loads a dossier.
It returns a ``GatedDossier`` (a ``DossierDetail`` with the gate's verdict attached):

- the viewer's own organisation's case details: always;
- the other organisation's case details and documents: only while the resident's data-sharing
  consent in the direction *other → viewer* is in force, and only the document categories it
  covers; every such view is written to the access log (GEMMA Verwerkingenlogging fields);
- without consent: only *that* a process exists there (the signalling minimum): the case is
  left out, its timeline events too, and ``withheld`` names the organisation. The A–F
  collaboration group stays: it is the coordination signal both organisations work from
  (the dossier list shows it to everyone too), and blanking it would make the view claim
  that only one process runs.

A viewer without an organisation (no profile yet) sees neither organisation's details.
The consent is read *after* the details, in its own transaction, so a withdrawal committed
while the dossier loads still hides them.

``access_log(uow, dossier_id=…, person_id=…)`` returns the log for the privacy officer.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, fields, replace
from datetime import datetime

from sqlalchemy import select

from buddy_desk import __version__
from buddy_desk.choices.anchors import (
    ACTIVITY_ID,
    CONFIDENTIALITY,
    PROCESSING_NAME,
    RETENTION,
)
from buddy_desk.choices.rules import (
    Actor,
    ChoiceState,
    Direction,
    DocumentCategory,
    consent_for,
    current_states,
)
from buddy_desk.choices.service.anchoring import append_access, dossier_problems
from buddy_desk.choices.service.log import _entries
from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import CaseInfo, DossierDetail
from buddy_desk.dossiers.service import get_dossier
from buddy_desk.errors import NotFoundError
from buddy_desk.i18n import tr
from buddy_desk.models import Dossier, DossierResident
from buddy_desk.models.access_log import AccessLogEntry
from buddy_desk.models.base import utcnow
from buddy_desk.persistence.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
ACTION_NAME = "Inzien"
HANDLING_NAME = "Dossier van de andere organisatie bekijken"

SOURCE_CATEGORIES: dict[Organisation, frozenset[DocumentCategory]] = {
    Organisation.IMG: frozenset(
        {
            DocumentCategory.CASE_DETAILS,
            DocumentCategory.DAMAGE_REPORT,
            DocumentCategory.INSPECTION_REPORT,
            DocumentCategory.ASSESSMENT_REPORT,
            DocumentCategory.DECISION,
        }
    ),
    Organisation.NCG: frozenset(
        {
            DocumentCategory.CASE_DETAILS,
            DocumentCategory.INSPECTION_REPORT,
            DocumentCategory.STRENGTHENING_ADVICE,
            DocumentCategory.BUILDING_PLAN,
        }
    ),
}
REPORT_CATEGORY = {
    "melding": DocumentCategory.DAMAGE_REPORT,
    "opnamerapport": DocumentCategory.INSPECTION_REPORT,
    "adviesrapport": DocumentCategory.ASSESSMENT_REPORT,
}


@dataclass(frozen=True, slots=True)
class Withheld:
    """A process at ``organisation`` whose details this viewer may not see."""

    organisation: Organisation
    cases: int
    consent: ChoiceState | None  # the (inactive) consent state, if any was ever recorded


@dataclass(frozen=True, slots=True)
class GatedDossier(DossierDetail):
    viewer_organisation: Organisation | None = None
    withheld: tuple[Withheld, ...] = ()
    shared_consent: ChoiceState | None = None  # the consent that let the other side through
    shown_categories: tuple[DocumentCategory, ...] = ()
    chain_warning: str | None = None  # the choice log does not verify: the gate stayed shut


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


def _filter_case(case: CaseInfo, allowed: frozenset[DocumentCategory]) -> CaseInfo:
    details = DocumentCategory.CASE_DETAILS in allowed
    decision = DocumentCategory.DECISION in allowed
    advice = DocumentCategory.STRENGTHENING_ADVICE in allowed
    return replace(
        case,
        status_date=case.status_date if details else None,
        startdatum=case.startdatum if details else None,
        einddatum=case.einddatum if details else None,
        bijzondere_situatie=case.bijzondere_situatie if details else None,
        history=case.history if details else (),
        schadebedrag=case.schadebedrag if decision else None,
        besluitdatum=case.besluitdatum if decision else None,
        advies=case.advies if advice else None,
        reports=tuple(r for r in case.reports if REPORT_CATEGORY.get(r.kind) in allowed),
    )


def gate(
    detail: DossierDetail,
    viewer_org: Organisation | None,
    states: list[ChoiceState],
) -> GatedDossier:
    """Pure: apply the consent states to a loaded dossier for a viewer of ``viewer_org``."""
    base = {f.name: getattr(detail, f.name) for f in fields(DossierDetail)}
    withheld: list[Withheld] = []
    shared: ChoiceState | None = None
    shown: tuple[DocumentCategory, ...] = ()
    hidden_events: set[Organisation] = set()
    for org in Organisation:
        if org is viewer_org:
            continue
        count = len(detail.img_cases) if org is Organisation.IMG else int(bool(detail.ncg_case))
        state = consent_for(states, Direction.towards(viewer_org)) if viewer_org else None
        if state is None or not state.consent_active:
            hidden_events.add(org)
            if count:
                withheld.append(Withheld(org, count, state))
            if org is Organisation.IMG:
                base["img_cases"] = ()
            else:
                base["ncg_case"] = None
            continue
        allowed = frozenset(state.current.categories) & SOURCE_CATEGORIES[org]
        shared = state
        shown = tuple(c for c in DocumentCategory if c in allowed)
        if org is Organisation.IMG:
            base["img_cases"] = tuple(_filter_case(c, allowed) for c in detail.img_cases)
        elif detail.ncg_case is not None:
            base["ncg_case"] = _filter_case(detail.ncg_case, allowed)
        if DocumentCategory.CASE_DETAILS not in allowed:
            hidden_events.add(org)  # its timeline entries are case details
    base["events"] = tuple(e for e in detail.events if e.organisation not in hidden_events)
    return GatedDossier(
        **base,
        viewer_organisation=viewer_org,
        withheld=tuple(withheld),
        shared_consent=shared,
        shown_categories=shown,
    )


def view_dossier(uow: UnitOfWork, dossier_id: int, viewer: Actor) -> GatedDossier:
    """Load a dossier as ``viewer`` may see it, and log any view of the other side's data.

    The gate relies on the dossier's choice log, so it first checks that chain and its
    anchors: a log that does not verify (cut, rewritten) lets nothing of the other side
    through — a withdrawn consent must not come back to life — and the view says why.
    """
    detail = get_dossier(uow, dossier_id)
    with uow:
        entries = _entries(uow, dossier_id)
        problems = dossier_problems(uow, dossier_id, entries)
        states = [] if problems else current_states(entries)
        gated = gate(detail, viewer.organisation, states)
    if problems:
        log.warning("choice log of dossier %d does not verify; consent gate closed", dossier_id)
        first = problems[0]
        warning = tr("store.chain_broken", seq=first.seq or "-", reason=first.reason)
        return replace(gated, chain_warning=warning)
    consent = gated.shared_consent
    other = viewer.organisation.other if viewer.organisation else None
    other_present = other is not None and (
        bool(gated.img_cases) if other is Organisation.IMG else gated.ncg_case is not None
    )
    if consent is not None and other is not None and other_present and viewer.organisation:
        now = utcnow()
        with uow:
            uow.for_writing()
            append_access(
                uow,
                {
                    "actie_id": str(uuid.uuid4()),
                    "actie_naam": ACTION_NAME,
                    "handeling_naam": HANDLING_NAME,
                    "verwerking_naam": PROCESSING_NAME,
                    "verwerking_id": str(uuid.uuid4()),
                    "verwerkingsactiviteit_id": ACTIVITY_ID,
                    "vertrouwelijkheid": CONFIDENTIALITY,
                    "bewaartermijn": RETENTION,
                    "uitvoerder": viewer.organisation.value,
                    "systeem": f"Buddy Desk {__version__}",
                    "gebruiker": viewer.username,
                    "gebruiker_rol": viewer.role,
                    "gegevensbron": other.value,
                    "doel": (consent.current.purpose or "")[:200],
                    "tijdstip": now,
                    "tijdstip_registratie": now,
                    "dossier_id": dossier_id,
                    "objecttype": "dossier",
                    "soorten_gegevens": ",".join(c.value for c in gated.shown_categories),
                    "consent_seq": consent.current.seq,
                },
            )
            uow.commit()
    return gated


def access_log(
    uow: UnitOfWork, *, dossier_id: int | None = None, person_id: int | None = None
) -> list[AccessRecord]:
    """The access log for one dossier, or for every dossier a resident (person) lives at."""
    if dossier_id is None and person_id is None:
        raise ValueError("give dossier_id or person_id")
    with uow:
        s = uow.session
        # the views of the other side's data; the choice-log anchors are not views
        query = (
            select(AccessLogEntry)
            .where(AccessLogEntry.actie_naam == ACTION_NAME)
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
