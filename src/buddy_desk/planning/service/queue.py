"""The queue of dossiers awaiting a joint inspection (the planner's work list)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from buddy_desk.choices.rules import NOT_DECIDED, Actor, visible_group
from buddy_desk.choices.service.consent import (
    disclosures_in,
    no_consent_verdict,
    withheld_lines,
)
from buddy_desk.choices.service.log import decided_in_session
from buddy_desk.core.address import house_number, street_line
from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.inspection import AppointmentState, InspectionForm
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.dossiers.service import img_rank
from buddy_desk.models import Address, Case, Dossier, DossierFlag
from buddy_desk.models.planning import InspectionAppointment, PlanningPreference
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.info import QueueEntry
from buddy_desk.planning.rules import JOINT_GROUP, chosen_form, queue_reason

PRIORITY_GROUPS = (CollaborationGroup.B,)


_Candidate = tuple[
    CollaborationGroup | None, bool, bool, tuple[str, ...], InspectionForm | None, str | None, str
]


def chosen_forms(session: Session) -> dict[int, InspectionForm | None]:
    """The resident's joint-inspection choice from the choice log, for every dossier that has
    one (``SEPARATE``: declined; None: recorded, then withdrawn)."""
    return {d: chosen_form(c) for d, c in decided_in_session(session).items()}


def queue(uow: UnitOfWork, viewer: Actor | None = None) -> list[QueueEntry]:
    """Combination dossiers awaiting a joint inspection (``rules.queue_reason``): group B —
    both inspections still to come — unless the resident declined; another group only when a
    buddy added it with a reason. Urgent and bijzondere situatie on top.

    A dossier leaves the queue once it has a booked (or done) joint appointment or a note of
    why a joint inspection was not possible.

    ``viewer``: the consent gate — the other organisation's case numbers and the group they
    would give away are shown only while the resident's consent lets them through (None: the
    service itself, ungated, for the auto-plan and tests).
    """
    with uow:
        s = uow.session
        img: dict[int, list[tuple[str, date | None, bool, str]]] = defaultdict(list)
        ncg: dict[int, tuple[str, bool, str]] = {}
        # only dossiers that can be in the queue: NCG in 2.1 (group B), or added by a buddy
        possible = (
            select(Case.dossier_id)
            .where(Case.organisation == Organisation.NCG, Case.status == NcgStatus.S2_1.value)
            .union(
                select(PlanningPreference.dossier_id).where(
                    PlanningPreference.queue_reason.is_not(None)
                ),
            )
        )
        for d_id, org, status, start, urgent, special_text, ident in s.execute(
            select(
                Case.dossier_id,
                Case.organisation,
                Case.status,
                Case.startdatum,
                Case.urgent,
                Case.bijzondere_situatie,
                Case.identificatie,
            ).where(Case.dossier_id.in_(possible))
        ):
            if org is Organisation.IMG:
                img[d_id].append((status, start, urgent, ident))
            else:
                ncg[d_id] = (status, bool(special_text and special_text.strip()), ident)
        prefs = {p.dossier_id: p for p in s.scalars(select(PlanningPreference))}
        choices = decided_in_session(s)
        planned = set(
            s.scalars(
                select(InspectionAppointment.dossier_id).where(
                    InspectionAppointment.state.in_(
                        [AppointmentState.BOOKED, AppointmentState.DONE]
                    ),
                    InspectionAppointment.form != InspectionForm.SEPARATE,
                )
            )
        )
        flags: dict[int, set[FlagKind]] = defaultdict(set)
        for d_id, kind in s.execute(
            select(DossierFlag.dossier_id, DossierFlag.kind).where(
                DossierFlag.active, DossierFlag.dossier_id.in_(possible)
            )
        ):
            flags[d_id].add(kind)
        candidates: dict[int, _Candidate] = {}
        phases: dict[int, tuple[NcgStatus, ImgPhase, int]] = {}
        for d_id, cases in img.items():
            if d_id not in ncg or d_id in planned:
                continue
            pref = prefs.get(d_id)
            cases.sort(key=lambda c: img_rank(c[0], c[1]), reverse=True)
            ncg_status, special, ncg_ident = ncg[d_id]
            group = collaboration_group(NcgStatus(ncg_status), ImgPhase(cases[0][0]))
            decided = choices.get(d_id, NOT_DECIDED)
            why = queue_reason(
                group,
                decided,
                planner_form=pref.form if pref else None,
                no_joint_reason=pref.no_joint_reason if pref else None,
                added_reason=pref.queue_reason if pref else None,
            )
            if why is None:
                continue
            form: InspectionForm | None = None
            source: str | None = None
            if decided.joint_inspection is not None:  # the resident's choice is leading
                form, source = chosen_form(decided), "keuzelog"
            elif pref is not None and pref.form is not None:
                form, source = pref.form, "planner"
            f = flags.get(d_id, set())
            urgent = cases[0][2] or bool(f & {FlagKind.URGENT, FlagKind.AOS})
            special = special or FlagKind.BIJZONDERE_SITUATIE in f
            idents = (*(c[3] for c in cases), ncg_ident)
            phases[d_id] = (NcgStatus(ncg_status), ImgPhase(cases[0][0]), len(cases))
            candidates[d_id] = (group, urgent, special, idents, form, source, why)
        entries: list[QueueEntry] = []
        if candidates:
            for d_id, straat, nr, letter, toev, pc, wp, gem in s.execute(
                select(
                    Dossier.id,
                    Address.straat,
                    Address.huisnummer,
                    Address.huisletter,
                    Address.huisnummertoevoeging,
                    Address.postcode,
                    Address.woonplaats,
                    Address.gemeente,
                )
                .join(Address, Address.id == Dossier.address_id)
                .where(Dossier.id.in_(possible))
            ):
                if d_id not in candidates:
                    continue
                group, urgent, special, idents, form, source, why = candidates[d_id]
                pref = prefs.get(d_id)
                entries.append(
                    QueueEntry(
                        dossier_id=d_id,
                        address_line=street_line(straat, house_number(nr, letter, toev)),
                        postcode=pc,
                        woonplaats=wp,
                        gemeente=gem,
                        group=group,
                        urgent=urgent,
                        bijzondere_situatie=special,
                        flags=frozenset(flags.get(d_id, ())),
                        form=form,
                        form_source=source,
                        no_joint_reason=None,
                        zaaknummers=idents,
                        queue_reason=None if group is JOINT_GROUP else why,
                    )
                )
        if viewer is not None:
            entries = _gated(uow, viewer, entries, phases)
        entries.sort(key=queue_order)
        return entries


def _gated(
    uow: UnitOfWork,
    viewer: Actor,
    entries: list[QueueEntry],
    phases: dict[int, tuple[NcgStatus, ImgPhase, int]],
) -> list[QueueEntry]:
    """The queue as ``viewer`` may see it: without consent no case number of the other
    organisation, and only the groups that do not give its phase away."""
    verdicts = disclosures_in(uow, viewer.organisation, [e.dossier_id for e in entries])
    gated = []
    for e in entries:
        verdict = verdicts.get(e.dossier_id) or no_consent_verdict(
            e.dossier_id, viewer.organisation
        )
        ncg_status, img_phase, img_count = phases[e.dossier_id]
        img_numbers, ncg_number = e.zaaknummers[:img_count], e.zaaknummers[img_count:]
        numbers = (img_numbers if verdict.img.case_details else ()) + (
            ncg_number if verdict.ncg.case_details else ()
        )
        if numbers == e.zaaknummers:
            gated.append(e)
            continue
        options = visible_group(ncg_status, img_phase, verdict.img, verdict.ncg)
        gated.append(
            replace(
                e,
                zaaknummers=numbers,
                group=next(iter(options)) if len(options) == 1 else None,
                group_options=options if len(options) == 2 else frozenset(),
                withheld=tuple(withheld_lines(verdict)),
            )
        )
    return gated


def queue_order(e: QueueEntry) -> tuple[int, int, int]:
    return (0 if e.priority else 1, 0 if e.group in PRIORITY_GROUPS else 1, e.dossier_id)
