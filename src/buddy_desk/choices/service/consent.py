"""The consent gate: what a user may see of the other organisation, and the access log.

Every output that shows, prints or exports the other organisation's case details goes
through this module; the rule itself is pure (``choices.rules.disclosure`` and
``visible_group``): own organisation everything, the other organisation only the categories a
data-sharing consent in force (direction *other → viewer*) covers, and without consent only
the signalling minimum (that a process exists there and whether it runs, and the buddy).
A viewer without an organisation (no profile) sees neither organisation's details.

The gate's API (other features call these; see docs/choices.md, "The consent gate"):

- ``acting_viewer(uow, username)`` → the ``Actor`` a command runs as (``--user``).
- ``disclosures_in(uow, viewer_org, ids)`` → ``{id: DossierDisclosure}`` inside an open unit
  of work (bulk: one query for every dossier); ``dossier_disclosures(uow, viewer, ids)`` opens
  its own.
- ``gate_detail(detail, disclosure)`` → a ``GatedDossier`` (a ``DossierDetail`` with the other
  side filtered per category and ``withheld`` set); ``gate_summary(row, disclosure)`` → a
  list row with only what may be shown (and ``withheld`` reasons); ``gated_summaries(uow,
  viewer)`` → the whole list.
- ``log_disclosures_in(uow, viewer, disclosures, purpose)`` → one access-log entry per dossier
  whose other-organisation data was actually disclosed (the caller commits);
  ``view_dossier(uow, id, viewer)`` loads, gates and logs one dossier (the dossier view).
- ``withheld_lines(disclosure)`` → the plain sentences ("IMG-gegevens niet getoond: geen
  toestemming") every output prints instead of dropping data silently.

The consent is read *after* the details, so a withdrawal committed meanwhile still hides them.
``access_log(uow, dossier_id=…, person_id=…)`` returns the log for the privacy officer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace

from sqlalchemy import func, select

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
    Disclosure,
    DocumentCategory,
    WithholdReason,
    consent_for,
    current_states,
    visible_group,
)
from buddy_desk.choices.service.access_log import (
    CHOICES_EXPORT,
    LETTER,
    LIST_EXPORT,
    PLANNING_OUTPUT,
    SAMENLOOP_EXPORT,
    SIGNAL,
    VIEW,
    AccessRecord,
    Purpose,
    access_log,
    log_disclosures_in,
)
from buddy_desk.choices.service.anchoring import dossier_problems

# the gate over the list is Core only (the first page shows before the ORM is imported)
from buddy_desk.choices.service.list_gate import (  # re-exported: the gate's API is here
    CHUNK as CHUNK,
)
from buddy_desk.choices.service.list_gate import (
    DossierDisclosure as DossierDisclosure,
)
from buddy_desk.choices.service.list_gate import (
    disclosures_on,
    gate_summary,
    no_consent_verdict,
    verdict,
)
from buddy_desk.choices.service.list_gate import (
    gated_count as gated_count,
)
from buddy_desk.choices.service.list_gate import (
    gated_page as gated_page,
)
from buddy_desk.choices.service.list_gate import (
    still_matching as still_matching,
)
from buddy_desk.choices.service.log import _entries
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import CaseInfo, DossierDetail, DossierSummary
from buddy_desk.dossiers.service import (
    get_dossier,
    load_summaries,
)
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.models import Supervisor
from buddy_desk.persistence.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


REPORT_CATEGORY = {
    "melding": DocumentCategory.DAMAGE_REPORT,
    "opnamerapport": DocumentCategory.INSPECTION_REPORT,
    "adviesrapport": DocumentCategory.ASSESSMENT_REPORT,
}


@dataclass(frozen=True, slots=True)
class Withheld:
    """A process at ``organisation`` whose details this viewer may not see (fully or partly)."""

    organisation: Organisation
    cases: int
    consent: ChoiceState | None  # the consent state in this direction, if any was recorded
    reason: WithholdReason = WithholdReason.NO_CONSENT
    categories: tuple[DocumentCategory, ...] = ()  # what is withheld (all: nothing shown)


@dataclass(frozen=True, slots=True)
class GatedDossier(DossierDetail):
    viewer_organisation: Organisation | None = None
    withheld: tuple[Withheld, ...] = ()
    shared_consent: ChoiceState | None = None  # the consent that let the other side through
    shown_categories: tuple[DocumentCategory, ...] = ()
    group_options: frozenset[CollaborationGroup] = field(default=frozenset())
    disclosure: DossierDisclosure | None = None
    chain_warning: str | None = None  # the choice log does not verify: the gate stayed shut


# --- who is acting ---------------------------------------------------------------------------

NO_PROFILE = Actor(username="", organisation=None)


def acting_viewer(uow: UnitOfWork, username: str | None) -> Actor:
    """The actor for ``--user USERNAME`` (no username: no profile, nothing of either side)."""
    if not username:
        return NO_PROFILE
    with uow:
        sup = uow.session.scalars(
            select(Supervisor).where(func.lower(Supervisor.username) == username.strip().lower())
        ).first()
        if sup is None or sup.username is None:
            raise BuddyDeskError(tr("consent.gate.unknown_user", user=username))
        return Actor(sup.username, sup.naam, sup.organisation, sup.role)


# --- the verdict -----------------------------------------------------------------------------


def disclosures_in(
    uow: UnitOfWork, viewer: Organisation | None, ids: Sequence[int] | None = None
) -> dict[int, DossierDisclosure]:
    """The verdict for ``ids`` in one query (None: every dossier with a consent entry; any
    other dossier has ``no_consent_verdict``). Call inside ``with uow:`` (same transaction)."""
    return disclosures_on(uow.session.connection(), viewer, ids)


def dossier_disclosures(
    uow: UnitOfWork, viewer: Actor, ids: Sequence[int]
) -> dict[int, DossierDisclosure]:
    with uow:
        return disclosures_in(uow, viewer.organisation, ids)


# --- applying it -----------------------------------------------------------------------------


def _filter_case(case: CaseInfo, allowed: frozenset[DocumentCategory]) -> CaseInfo:
    """The other side's case when its *zaakgegevens* may be shown: each document category
    only when allowed (``gate_detail`` leaves the case out altogether otherwise)."""
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


def _withheld(d: Disclosure, cases: int) -> Withheld | None:
    if d.own or not cases or d.reason is None:
        return None
    return Withheld(
        d.source, cases, d.consent, d.reason, tuple(c for c in DocumentCategory if c in d.withheld)
    )


def gate_detail(
    detail: DossierDetail, verdict_: DossierDisclosure, states: Sequence[ChoiceState] = ()
) -> GatedDossier:
    """Pure: the dossier as the verdict allows. A side without *zaakgegevens* keeps no case
    at all (its phase would show); with them, each case keeps the categories allowed."""
    base = {f.name: getattr(detail, f.name) for f in fields(DossierDetail)}
    withheld: list[Withheld] = []
    shared: ChoiceState | None = None
    shown: tuple[DocumentCategory, ...] = ()
    hidden_events: set[Organisation] = set()
    img_case = detail.current_img_case
    ncg_case = detail.ncg_case
    for d in (verdict_.img, verdict_.ncg):
        org = d.source
        count = len(detail.img_cases) if org is Organisation.IMG else int(ncg_case is not None)
        if d.own:
            continue
        if (w := _withheld(d, count)) is not None:
            if w.consent is None:
                w = replace(w, consent=_state_in(states, d))
            withheld.append(w)
        if not d.case_details:
            hidden_events.add(org)
            if org is Organisation.IMG:
                base["img_cases"] = ()
            else:
                base["ncg_case"] = None
            continue
        if d.consent is not None:
            shared = d.consent
            shown = tuple(c for c in DocumentCategory if d.allows(c))
        if org is Organisation.IMG:
            base["img_cases"] = tuple(_filter_case(c, d.categories) for c in detail.img_cases)
        elif ncg_case is not None:
            base["ncg_case"] = _filter_case(ncg_case, d.categories)
    base["events"] = tuple(e for e in detail.events if e.organisation not in hidden_events)
    options = visible_group(
        ncg_case.ncg_status if ncg_case and _known_ncg(ncg_case) else None,
        img_case.img_phase if img_case and _known_img(img_case) else None,
        verdict_.img,
        verdict_.ncg,
    )
    if detail.group is None:
        options = frozenset()
    base["group"] = next(iter(options)) if len(options) == 1 else None
    return GatedDossier(
        **base,
        viewer_organisation=verdict_.img.viewer,
        withheld=tuple(withheld),
        shared_consent=shared,
        shown_categories=shown,
        group_options=options,
        disclosure=verdict_,
    )


def _state_in(states: Sequence[ChoiceState], d: Disclosure) -> ChoiceState | None:
    return consent_for(states, Direction.towards(d.viewer)) if d.viewer else None


def _known_img(case: CaseInfo) -> bool:
    try:
        case.img_phase  # noqa: B018 - an unknown code raises
    except ValueError:
        return False
    return True


def _known_ncg(case: CaseInfo) -> bool:
    try:
        case.ncg_status  # noqa: B018
    except ValueError:
        return False
    return True


def gate(
    detail: DossierDetail, viewer_org: Organisation | None, states: list[ChoiceState]
) -> GatedDossier:
    """Pure: apply the consent states to a loaded dossier for a viewer of ``viewer_org``."""
    return gate_detail(detail, verdict(detail.id, states, viewer_org), states)


def gated_summaries(
    uow: UnitOfWork, viewer: Actor
) -> tuple[list[DossierSummary], dict[int, DossierDisclosure]]:
    """The dossier list as ``viewer`` may see it, with the verdict per dossier.

    Not logged: the on-screen list shows the other side's phase only under consent, and
    logging every row each time the list loads would bury the real disclosures. What leaves
    the screen (CLI output, exports, letters) and opening a dossier is logged (docs/choices.md).
    """
    rows = load_summaries(uow)
    with uow:
        found = disclosures_in(uow, viewer.organisation, None)
    org = viewer.organisation
    img, ncg = no_consent_verdict(0, org).img, no_consent_verdict(0, org).ncg  # shared: frozen
    verdicts = {r.id: found.get(r.id) or DossierDisclosure(r.id, img, ncg) for r in rows}
    return [gate_summary(r, verdicts[r.id]) for r in rows], verdicts


# --- saying what is withheld -----------------------------------------------------------------


def withheld_lines(verdict_: DossierDisclosure, present: Iterable[Organisation] = ()) -> list[str]:
    """One plain sentence per organisation whose data (some of it) is not shown, for the
    organisations in ``present`` (those that have a process here; default: both)."""
    wanted = set(present) or set(Organisation)
    lines = []
    for d in verdict_.others:
        if d.source not in wanted or d.reason is None:
            continue
        if d.reason is WithholdReason.NOT_COVERED:
            labels = ", ".join(tr(f"consent.gate.category.{c.value}") for c in sorted(d.withheld))
            lines.append(tr("consent.gate.partly", org=d.source.value, categories=labels))
        else:
            lines.append(tr(f"consent.gate.{d.reason.value}", org=d.source.value))
    return lines


def disclosed_sides(
    verdict_: DossierDisclosure, present: Mapping[Organisation, bool]
) -> list[tuple[int, Disclosure]]:
    """The (dossier, disclosure) pairs to log for an output that shows the organisations in
    ``present`` (True: that organisation has a process in the output)."""
    return [(verdict_.dossier_id, d) for d in verdict_.others if d.discloses and present[d.source]]


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
        gated = gate(detail, viewer.organisation, [] if problems else current_states(entries))
        if not problems:
            present = {
                Organisation.IMG: bool(gated.img_cases),
                Organisation.NCG: gated.ncg_case is not None,
            }
            assert gated.disclosure is not None
            shown = disclosed_sides(gated.disclosure, present)
            if log_disclosures_in(uow, viewer, shown, VIEW):
                uow.commit()
    if problems:
        log.warning("choice log of dossier %d does not verify; consent gate closed", dossier_id)
        first = problems[0]
        warning = tr("store.chain_broken", seq=first.seq or "-", reason=first.reason)
        return replace(gated, chain_warning=warning)
    return gated


__all__ = [  # the gate's API, and the access log's names other modules import from here
    "ACTIVITY_ID",
    "CHOICES_EXPORT",
    "CONFIDENTIALITY",
    "LETTER",
    "LIST_EXPORT",
    "NO_PROFILE",
    "PLANNING_OUTPUT",
    "PROCESSING_NAME",
    "RETENTION",
    "SAMENLOOP_EXPORT",
    "SIGNAL",
    "VIEW",
    "AccessRecord",
    "DossierDisclosure",
    "GatedDossier",
    "Purpose",
    "Withheld",
    "access_log",
    "acting_viewer",
    "disclosed_sides",
    "disclosures_in",
    "dossier_disclosures",
    "gate",
    "gate_detail",
    "gate_summary",
    "gated_count",
    "gated_page",
    "gated_summaries",
    "log_disclosures_in",
    "no_consent_verdict",
    "verdict",
    "view_dossier",
    "withheld_lines",
]
