"""Signals for the buddy pair: evaluate the rules, add and close by hand, list them.

Also the log of information requests between IMG and NCG and the observations the rules
read (NCG saw damage; hidden damage found during construction).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, exists, func, insert, or_, select, union, update
from sqlalchemy.orm import Session, aliased

from buddy_desk.choices.rules import (
    NOT_DECIDED,
    Actor,
    ChoiceEntry,
    Direction,
    DocumentCategory,
    consent_for,
    current_states,
    options_label,
    visible_group,
)
from buddy_desk.choices.service.consent import (
    SIGNAL,
    DossierDisclosure,
    disclosures_in,
    log_disclosures_in,
    no_consent_verdict,
    withheld_lines,
)
from buddy_desk.choices.service.log import consent_state, decided_in_session, to_entry
from buddy_desk.core.address import house_number, street_line
from buddy_desk.core.collaboration import collaboration_group
from buddy_desk.core.event_texts import text as event_text
from buddy_desk.core.inspection import AppointmentState, InspectionForm
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import BuddyDeskError, NotFoundError, ValidationError
from buddy_desk.i18n import tr
from buddy_desk.models import (
    Address,
    Case,
    DamageReport,
    Dossier,
    DossierFlag,
    Supervisor,
    TimelineEvent,
)
from buddy_desk.models.base import utcnow
from buddy_desk.models.choices import ChoiceLogEntry
from buddy_desk.models.planning import InspectionAppointment
from buddy_desk.models.signals import InformationRequest, Observation, Signal
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.rules import (
    RULE_SOURCES,
    TEXT_VALUES,
    DossierFacts,
    ImgFact,
    NcgFact,
    ObservationFact,
    ObservationKind,
    RequestKind,
    Rule,
    SignalState,
    answered,
    evaluate,
)
from buddy_desk.signals.svip import (
    QueueState,
    queue_state,
)
from buddy_desk.signals.svip import RequestOutcome as RequestOutcome
from buddy_desk.signals.svip import answer_carries_case_data as answer_carries_case_data


@dataclass(frozen=True, slots=True)
class SignalInfo:
    id: int
    dossier_id: int
    address: str
    rule: str | None
    title: str
    detail: str | None
    organisation: Organisation
    owner_id: int | None
    owner_name: str | None
    due: date | None
    state: SignalState
    outcome: str | None
    created_at: datetime
    created_by: str | None
    closed_at: datetime | None
    closed_by: str | None
    withheld: tuple[str, ...] = ()  # the consent gate: what the text leaves out, and why
    shows_other: tuple[Organisation, ...] = ()  # other organisations' details in the text

    @property
    def is_open(self) -> bool:
        return self.state is SignalState.OPEN

    def overdue(self, today: date) -> bool:
        return self.is_open and self.due is not None and self.due < today


@dataclass(frozen=True, slots=True)
class RequestInfo:
    id: int
    dossier_id: int
    kind: RequestKind
    from_organisation: Organisation
    question: str
    asked_at: datetime
    asked_by: str | None
    answer: str | None
    answered_at: datetime | None
    answered_by: str | None
    outcome: RequestOutcome | None = None

    @property
    def to_organisation(self) -> Organisation:
        return self.from_organisation.other


@dataclass(frozen=True, slots=True)
class EvaluationResult:
    dossiers: int
    created: int


def _address_line(straat: str, nr: int, letter: str | None, toev: str | None, wp: str) -> str:
    return f"{street_line(straat, house_number(nr, letter, toev))}, {wp}".strip(", ")


_SIGNAL_COLUMNS = (
    Signal.id,
    Signal.dossier_id,
    Signal.rule,
    Signal.title,
    Signal.detail,
    Signal.organisation,
    Signal.owner_id,
    Signal.due,
    Signal.state,
    Signal.outcome,
    Signal.created_at,
    Signal.created_by,
    Signal.closed_at,
    Signal.closed_by,
)


def _signal_query() -> Select[*tuple[Any, ...]]:
    """A signal's columns (not the ORM object: the Signalen workspace reads 26,700 open
    signals at 310,000 dossiers, and an ORM instance each took a second of that), its address
    and its owner's name, as ``_info`` takes them."""
    return (
        select(
            *_SIGNAL_COLUMNS,
            Address.straat,
            Address.huisnummer,
            Address.huisletter,
            Address.huisnummertoevoeging,
            Address.woonplaats,
            Supervisor.naam,
        )
        .join(Dossier, Dossier.id == Signal.dossier_id)
        .join(Address, Address.id == Dossier.address_id)
        .outerjoin(Supervisor, Supervisor.id == Signal.owner_id)
    )


def _info(row: Any) -> SignalInfo:
    """A row of ``_signal_query`` (its columns by name)."""
    return SignalInfo(
        id=row.id,
        dossier_id=row.dossier_id,
        address=_address_line(
            row.straat, row.huisnummer, row.huisletter, row.huisnummertoevoeging, row.woonplaats
        ),
        rule=row.rule,
        title=row.title,
        detail=row.detail,
        organisation=row.organisation,
        owner_id=row.owner_id,
        owner_name=row.naam,
        due=row.due,
        state=row.state,
        outcome=row.outcome,
        created_at=row.created_at,
        created_by=row.created_by,
        closed_at=row.closed_at,
        closed_by=row.closed_by,
    )


# --- rules -----------------------------------------------------------------------------------


def load_facts(session: Session, dossier_ids: Iterable[int] | None = None) -> list[DossierFacts]:
    """The rules' view of each dossier where a rule can fire (of all dossiers if
    ``dossier_ids`` is None). A dossier without flags, observations or a running damage case
    at a strengthening address (or with constructive damage) cannot get a signal."""
    wanted = None if dossier_ids is None else set(dossier_ids)
    if wanted is not None and not wanted:
        return []

    # the candidates, found in SQL: a running damage case at a strengthening address or with
    # constructive damage, an active flag, or an observation
    settled = ImgPhase.AFGEROND.value
    ncg_case = aliased(Case)
    running_img = select(Case.dossier_id).where(
        Case.organisation == Organisation.IMG,
        Case.status != settled,
        or_(
            exists().where(
                ncg_case.dossier_id == Case.dossier_id, ncg_case.organisation == Organisation.NCG
            ),
            Case.id.in_(select(DamageReport.case_id).where(DamageReport.constructief)),
        ),
    )
    img_case = aliased(Case)
    ncg_finished = select(Case.dossier_id).where(
        Case.organisation == Organisation.NCG,
        Case.status == NcgStatus.S6.value,
        exists().where(
            img_case.dossier_id == Case.dossier_id, img_case.organisation == Organisation.IMG
        ),
    )
    candidate_query = union(
        running_img,
        ncg_finished,
        select(DossierFlag.dossier_id).where(DossierFlag.active),
        select(Observation.dossier_id),
    ).subquery()
    candidates = {d_id for (d_id,) in session.execute(select(candidate_query.c.dossier_id))}
    if wanted is not None:
        candidates &= wanted
    if not candidates:
        return []
    # the facts of the candidates only (filtered again in Python: a large IN list is slower)
    in_candidates = select(candidate_query.c.dossier_id)
    constructive = {
        case_id
        for (case_id,) in session.execute(
            select(DamageReport.case_id).where(DamageReport.constructief).distinct()
        )
    }
    ncg_rows: dict[int, tuple[str, str, date | None]] = {}
    for d_id, ident, status, start in session.execute(
        select(Case.dossier_id, Case.identificatie, Case.status, Case.startdatum)
        .where(Case.organisation == Organisation.NCG, Case.dossier_id.in_(in_candidates))
        .order_by(Case.id)
    ):
        if d_id in candidates:
            ncg_rows[d_id] = (ident, status, start)
    img_rows: dict[int, list[tuple[int, str, str, date | None]]] = defaultdict(list)
    for case_id, d_id, ident, status, start in session.execute(
        select(Case.id, Case.dossier_id, Case.identificatie, Case.status, Case.startdatum).where(
            Case.organisation == Organisation.IMG, Case.dossier_id.in_(in_candidates)
        )
    ):
        if d_id in candidates:
            img_rows[d_id].append((case_id, ident, status, start))
    for cases in img_rows.values():
        cases.sort(key=itemgetter(1))  # by zaaknummer, as SQLite's (organisation, ...) index
    flags: dict[int, set[FlagKind]] = defaultdict(set)
    for d_id, flag in session.execute(
        select(DossierFlag.dossier_id, DossierFlag.kind).where(DossierFlag.active)
    ):
        if d_id in candidates:
            flags[d_id].add(flag)
    observations: dict[int, list[ObservationFact]] = defaultdict(list)
    for d_id, kind, ref, bedrag in session.execute(
        select(
            Observation.dossier_id, Observation.kind, Observation.ref, Observation.bedrag
        ).order_by(Observation.id)
    ):
        if d_id in candidates:
            observations[d_id].append(ObservationFact(kind, ref, bedrag))
    choices = decided_in_session(session, candidates if wanted is not None else None)
    booked = {
        d_id
        for (d_id,) in session.execute(
            select(InspectionAppointment.dossier_id).where(
                InspectionAppointment.state.in_([AppointmentState.BOOKED, AppointmentState.DONE]),
                InspectionAppointment.form != InspectionForm.SEPARATE,
            )
        )
        if d_id in candidates
    }
    facts = []
    for d_id, img_sup, ncg_sup in session.execute(
        select(Dossier.id, Dossier.img_supervisor_id, Dossier.ncg_supervisor_id)
        .where(Dossier.id.in_(in_candidates))
        .order_by(Dossier.id)
    ):
        if d_id not in candidates:
            continue
        ncg = ncg_rows.get(d_id)
        facts.append(
            DossierFacts(
                dossier_id=d_id,
                ncg=NcgFact(ncg[0], NcgStatus(ncg[1]), ncg[2]) if ncg else None,
                img_cases=tuple(
                    ImgFact(ident, ImgPhase(status), start, case_id in constructive)
                    for case_id, ident, status, start in img_rows.get(d_id, ())
                ),
                flags=frozenset(flags.get(d_id, ())),
                observations=tuple(observations.get(d_id, ())),
                img_supervisor_id=img_sup,
                ncg_supervisor_id=ncg_sup,
                choices=choices.get(d_id, NOT_DECIDED),
                joint_booked=d_id in booked,
            )
        )
    return facts


def evaluate_in_session(
    session: Session,
    today: date,
    dossier_ids: Iterable[int] | None = None,
    user: str | None = None,
) -> EvaluationResult:
    """Create the signals the rules ask for that do not exist yet; the caller commits."""
    facts = load_facts(session, dossier_ids)
    existing = {
        (d_id, rule, ref)
        for d_id, rule, ref in session.execute(
            select(Signal.dossier_id, Signal.rule, Signal.ref).where(Signal.rule.is_not(None))
        )
    }
    rows = []
    now = utcnow()
    answers: dict[tuple[Rule, str], list[int]] = defaultdict(list)
    for f in facts:
        for rule, (outcome_key, values) in answered(f).items():
            answers[rule, tr(outcome_key, **values)].append(f.dossier_id)
        for p in evaluate(f, today):
            key = (f.dossier_id, p.rule.value, p.ref)
            if key in existing:
                continue
            existing.add(key)
            rows.append(
                {
                    "dossier_id": f.dossier_id,
                    "rule": p.rule.value,
                    "ref": p.ref,
                    "title": tr(p.title_key, **p.values)[:200],
                    "detail": tr(p.detail_key, **p.values),
                    "organisation": p.organisation,
                    "owner_id": p.owner_id,
                    "due": p.due,
                    "state": SignalState.OPEN,
                    "created_at": now,
                    "created_by": user or "regels",
                }
            )
    for (rule, outcome), ids in answers.items():
        for start in range(0, len(ids), 500):
            _close_open(session, ids[start : start + 500], [rule], outcome, user)
    if rows:
        session.execute(insert(Signal), rows)
    return EvaluationResult(len(facts), len(rows))


def close_rule_signals(
    session: Session, dossier_id: int, rules: Iterable[Rule], outcome: str, user: str | None
) -> int:
    """Close the dossier's open signals of ``rules`` with ``outcome`` (inside the caller's
    transaction): booking a joint inspection, or a choice that answers a proposal."""
    return _close_open(session, [dossier_id], rules, outcome, user)


def _close_open(
    session: Session, dossier_ids: list[int], rules: Iterable[Rule], outcome: str, user: str | None
) -> int:
    wanted = [r.value for r in rules]
    result = session.execute(
        update(Signal)
        .where(
            Signal.dossier_id.in_(dossier_ids),
            Signal.rule.in_(wanted),
            Signal.state == SignalState.OPEN,
        )
        .values(
            state=SignalState.DONE,
            outcome=outcome[:500],
            closed_at=utcnow(),
            closed_by=user or "regels",
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def evaluate_signals(
    uow: UnitOfWork, today: date, dossier_ids: Iterable[int] | None = None, user: str | None = None
) -> EvaluationResult:
    """Run every rule over the dossiers (all, or the given ones); idempotent."""
    with uow:
        result = evaluate_in_session(uow.session, today, dossier_ids, user)
        uow.commit()
        return result


# --- signals by hand, lists ------------------------------------------------------------------


def list_signals(
    uow: UnitOfWork,
    *,
    viewer: Actor,
    dossier_id: int | None = None,
    owner_id: int | None = None,
    only_open: bool = False,
) -> list[SignalInfo]:
    """Signals, open ones first by due date (no due date last), then closed, newest first;
    their texts as ``viewer`` may see them (the consent gate masks the other side's case
    number, phase, status or amount and says so)."""
    with uow:
        stmt = _signal_query()
        if dossier_id is not None:
            stmt = stmt.where(Signal.dossier_id == dossier_id)
        if owner_id is not None:
            stmt = stmt.where(Signal.owner_id == owner_id)
        if only_open:
            stmt = stmt.where(Signal.state == SignalState.OPEN)
        found = [_info(row) for row in uow.session.execute(stmt)]
        verdicts = disclosures_in(uow, viewer.organisation, sorted({s.dossier_id for s in found}))
    found = [gate_signal(s, verdicts[s.dossier_id]) for s in found]
    found.sort(
        key=lambda s: (
            not s.is_open,
            s.due or date.max if s.is_open else date.max,
            -(s.closed_at or s.created_at).timestamp() if not s.is_open else 0,
            s.id,
        )
    )
    return found


def gate_signal(signal: SignalInfo, verdict: DossierDisclosure) -> SignalInfo:
    """The signal as the verdict allows: a rule's text that carries another organisation's
    case details the viewer may not see is shown with those values masked, plus the plain
    statement of what is withheld. Texts typed by hand carry no rule and are shown as typed."""
    try:
        rule = Rule(signal.rule) if signal.rule else None
    except ValueError:
        rule = None
    if rule is None:
        return signal
    sources = RULE_SOURCES.get(rule, frozenset())
    hidden = [org for org in sorted(sources) if not verdict.of(org).case_details]
    shown = tuple(org for org in sorted(sources) if not verdict.of(org).own and org not in hidden)
    if not hidden:
        return replace(signal, shows_other=shown)
    masked = dict.fromkeys(TEXT_VALUES, tr("consent.gate.cell"))
    lines = tuple(withheld_lines(verdict, hidden))
    detail = tr(f"signal.rule.{rule.value}.detail", **masked)
    return replace(
        signal,
        title=tr(f"signal.rule.{rule.value}.title", **masked)[:200],
        detail=" ".join([detail, *(f"{line}." for line in lines)]),
        withheld=lines,
        shows_other=shown,
    )


def log_signal_output(uow: UnitOfWork, viewer: Actor, signals: Iterable[SignalInfo]) -> int:
    """Log the signals whose texts, as output (CLI, export), show another organisation's
    case details: one access-log entry per dossier."""
    dossiers = sorted({s.dossier_id for s in signals if s.shows_other})
    if not dossiers:
        return 0
    with uow:
        verdicts = disclosures_in(uow, viewer.organisation, dossiers)
        shown = {
            (s.dossier_id, org)
            for s in signals
            for org in s.shows_other
            if s.dossier_id in verdicts
        }
        n = log_disclosures_in(
            uow, viewer, [(d, verdicts[d].of(org)) for d, org in sorted(shown)], SIGNAL
        )
        uow.commit()
        return n


def supervisor_by_username(uow: UnitOfWork, username: str) -> int:
    with uow:
        sup_id = uow.session.scalar(select(Supervisor.id).where(Supervisor.username == username))
    if sup_id is None:
        raise NotFoundError(f"Er is geen medewerker met gebruikersnaam '{username}'.")
    return sup_id


def add_signal(
    uow: UnitOfWork,
    dossier_id: int,
    title: str,
    *,
    organisation: Organisation,
    owner_id: int | None = None,
    due: date | None = None,
    detail: str | None = None,
    user: str | None = None,
) -> SignalInfo:
    """A signal by hand, for one of the buddy pair (by default the dossier's supervisor)."""
    title = " ".join(title.split())
    if not title:
        raise ValidationError("titel", "vul in wat er moet gebeuren")
    with uow:
        s = uow.session
        dossier = s.get(Dossier, dossier_id)
        if dossier is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        if owner_id is None:
            owner_id = (
                dossier.img_supervisor_id
                if organisation is Organisation.IMG
                else dossier.ncg_supervisor_id
            )
        elif s.get(Supervisor, owner_id) is None:
            raise NotFoundError(f"Medewerker {owner_id} bestaat niet.")
        sig = Signal(
            dossier_id=dossier_id,
            title=title[:200],
            detail=detail or None,
            organisation=organisation,
            owner_id=owner_id,
            due=due,
            state=SignalState.OPEN,
            created_by=user,
        )
        s.add(sig)
        s.flush()
        info = _info(s.execute(_signal_query().where(Signal.id == sig.id)).one())
        uow.commit()
        return info


def close_signal(uow: UnitOfWork, signal_id: int, outcome: str, user: str | None) -> SignalInfo:
    """Mark a signal done with its outcome (what was done or decided)."""
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError("uitkomst", "beschrijf kort wat er is gedaan of besloten")
    with uow:
        s = uow.session
        sig = s.get(Signal, signal_id)
        if sig is None:
            raise NotFoundError(f"Signaal {signal_id} bestaat niet.")
        if sig.state is SignalState.DONE:
            raise ValidationError("signaal", f"signaal {signal_id} is al afgehandeld")
        sig.state = SignalState.DONE
        sig.outcome = outcome
        sig.closed_at = utcnow()
        sig.closed_by = user
        s.flush()
        info = _info(s.execute(_signal_query().where(Signal.id == sig.id)).one())
        uow.commit()
        return info


# --- observations and information requests ---------------------------------------------------


def record_observation(
    uow: UnitOfWork,
    dossier_id: int,
    kind: ObservationKind,
    datum: date,
    *,
    bedrag: Decimal | None = None,
    note: str | None = None,
    user: str | None = None,
) -> EvaluationResult:
    """Record what one organisation saw, then run the rules for this dossier."""
    with uow:
        s = uow.session
        if s.get(Dossier, dossier_id) is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        s.add(
            Observation(
                dossier_id=dossier_id,
                kind=kind,
                # unique on every laptop too: (dossier, kind, ref) names it when synced
                ref=f"hand-{utcnow():%Y%m%d%H%M%S%f}-{secrets.token_hex(4)}",
                organisation=Organisation.NCG,
                datum=datum,
                bedrag=bedrag,
                note=note,
                created_by=user,
            )
        )
        s.flush()
        result = evaluate_in_session(s, datum, [dossier_id], user)
        uow.commit()
        return result


def _request_info(r: InformationRequest) -> RequestInfo:
    return RequestInfo(
        r.id,
        r.dossier_id,
        r.kind,
        r.from_organisation,
        r.question,
        r.asked_at,
        r.asked_by,
        r.answer,
        r.answered_at,
        r.answered_by,
        RequestOutcome(r.outcome) if r.outcome else None,
    )


def log_request(
    uow: UnitOfWork,
    dossier_id: int,
    kind: RequestKind,
    from_organisation: Organisation,
    question: str,
    user: str | None = None,
) -> RequestInfo:
    """Log an information request from one organisation to the other."""
    question = question.strip()
    if not question:
        raise ValidationError("vraag", "vul de vraag in")
    with uow:
        s = uow.session
        if s.get(Dossier, dossier_id) is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        req = InformationRequest(
            dossier_id=dossier_id,
            kind=kind,
            from_organisation=from_organisation,
            question=question,
            asked_by=user,
        )
        s.add(req)
        s.flush()
        info = _request_info(req)
        uow.commit()
        return info


class ConsentRequiredError(BuddyDeskError):
    """An answer would share the resident's case data without consent in that direction."""


def _may_share(uow: UnitOfWork, dossier_id: int, asker: Organisation) -> bool:
    """The resident's consent lets the other organisation's case details through to ``asker``."""
    state = consent_state(uow, dossier_id, Direction.towards(asker))
    return (
        state is not None
        and state.consent_active
        and DocumentCategory.CASE_DETAILS in state.current.categories
    )


def answer_request(
    uow: UnitOfWork,
    request_id: int,
    answer: str,
    user: str | None,
    *,
    without_data: bool = False,
    prioritise: bool | None = None,
) -> RequestInfo:
    """Record the answer of the organisation that was asked (the SVIP log).

    A free-text answer that carries case data (``svip.answer_carries_case_data``) needs the
    resident's consent towards the asking organisation; without it the answer is refused
    (``ConsentRequiredError``) unless ``without_data``: then the fixed words that no data is
    shared are recorded. ``prioritise`` (speed-up requests to IMG only) records IMG's decision;
    True marks the running damage case(s) urgent with a timeline entry at IMG."""
    answer = answer.strip()
    with uow:
        req = uow.session.get(InformationRequest, request_id)
        if req is None:
            raise NotFoundError(f"Informatieverzoek {request_id} bestaat niet.")
        kind, asker, dossier_id = req.kind, req.from_organisation, req.dossier_id
    answerer = asker.other
    consent = _may_share(uow, dossier_id, asker)
    free_text_allowed = consent or not answer_carries_case_data(kind)
    if prioritise is not None:
        if kind is not RequestKind.SPEED_UP or answerer is not Organisation.IMG:
            raise ValidationError(
                "voorrang", "alleen IMG kan voorrang geven, op een verzoek tot versnelling"
            )
        outcome = RequestOutcome.PRIORITISED if prioritise else RequestOutcome.NOT_PRIORITISED
        fixed = tr(f"svip.answer.{outcome.value}")
        if answer and not free_text_allowed:
            raise ConsentRequiredError(_no_consent_message(asker))
        answer = f"{fixed} {answer}".strip() if answer else fixed
    elif without_data:
        outcome = RequestOutcome.NO_CONSENT
        answer = tr("svip.answer.no_consent", source=answerer.value, recipient=asker.value)
    else:
        if not answer:
            raise ValidationError("antwoord", "vul het antwoord in")
        if not free_text_allowed:
            raise ConsentRequiredError(_no_consent_message(asker))
        outcome = RequestOutcome.ANSWERED
    with uow:
        s = uow.session
        req = s.get(InformationRequest, request_id)
        assert req is not None
        if prioritise:
            running = s.scalars(
                select(Case).where(
                    Case.dossier_id == dossier_id,
                    Case.organisation == Organisation.IMG,
                    Case.status != ImgPhase.AFGEROND.value,
                )
            ).all()
            if not running:
                raise ValidationError("voorrang", "er loopt geen schadezaak bij IMG op dit adres")
            for case in running:
                case.urgent = True
            detail = event_text("svip.event.prioritised.detail", request=request_id)
            s.add(
                TimelineEvent.about(
                    "priority",
                    "svip.event.prioritised",
                    {"detail": detail},
                    dossier_id=dossier_id,
                    occurred_at=utcnow(),
                    organisation=Organisation.IMG,
                    created_by=user,
                )
            )
        req.answer = answer
        req.answered_at = utcnow()
        req.answered_by = user
        req.outcome = outcome.value
        s.flush()
        info = _request_info(req)
        uow.commit()
        return info


def _no_consent_message(asker: Organisation) -> str:
    return (
        f"De bewoner heeft (nog) geen toestemming gegeven om zaakgegevens van "
        f"{asker.other.value} met {asker.value} te delen: beantwoord het verzoek zonder "
        "gegevens (er wordt dan vastgelegd dat er geen gegevens zijn gedeeld)."
    )


def list_requests(
    uow: UnitOfWork, dossier_id: int, viewer: Organisation | None = None
) -> list[RequestInfo]:
    """A dossier's requests, newest first; an answer with case data that the resident's
    consent no longer lets through to the asker shows as withheld (except to its author)."""
    with uow:
        s = uow.session
        found = s.scalars(
            select(InformationRequest)
            .where(InformationRequest.dossier_id == dossier_id)
            .order_by(InformationRequest.asked_at.desc(), InformationRequest.id.desc())
        ).all()
        shared = consents_in_force(s, [dossier_id])
        return [_shown(_request_info(r), viewer, shared) for r in found]


def _shown(
    info: RequestInfo, viewer: Organisation | None, shared: set[tuple[int, Organisation]]
) -> RequestInfo:
    """The request as ``viewer`` may see it now. Its author (the asked organisation) sees the
    answer as written; anyone else only while the consent towards the asker is in force —
    otherwise a decision on priority shows in its fixed words, any other answer with case
    data as withheld (also answers logged before the SVIP desk checked consent)."""
    if (
        info.answer is None
        or viewer is info.to_organisation
        or info.outcome is RequestOutcome.NO_CONSENT
        or not answer_carries_case_data(info.kind)
        or (info.dossier_id, info.from_organisation) in shared
    ):
        return info
    if info.outcome in (RequestOutcome.PRIORITISED, RequestOutcome.NOT_PRIORITISED):
        return replace(info, answer=tr(f"svip.answer.{info.outcome.value}"))
    # the consent that let this answer through is no longer in force
    return replace(info, answer=tr("svip.answer.withheld"))


# --- notices and counts for other desks ------------------------------------------------------


def notify_in_session(
    session: Session,
    dossier_id: int,
    owner_id: int,
    organisation: Organisation,
    title: str,
    detail: str | None,
    user: str | None,
    today: date,
) -> None:
    """A notice for one staff member in their Signalen workspace (e.g. "you were coupled to
    this dossier"); a hand signal due today, closed by whoever read it. The caller commits."""
    session.add(
        Signal(
            dossier_id=dossier_id,
            title=title[:200],
            detail=detail,
            organisation=organisation,
            owner_id=owner_id,
            due=today,
            state=SignalState.OPEN,
            created_by=user,
        )
    )


def count_open_signals(
    session: Session, *, by_owner: bool = False, dossier_ids: Collection[int] | None = None
) -> dict[int, int]:
    """Open signals per dossier (or, ``by_owner``, per owning supervisor); ``dossier_ids``:
    of these dossiers only (a page of a list)."""
    column = Signal.owner_id if by_owner else Signal.dossier_id
    query = (
        select(column, func.count())
        .where(Signal.state == SignalState.OPEN, column.is_not(None))
        .group_by(column)
    )
    if dossier_ids is not None:
        query = query.where(Signal.dossier_id.in_(sorted(dossier_ids)))
    return {key: n for key, n in session.execute(query) if key is not None}


# --- the SVIP desk: every information request as a queue --------------------------------------


def consents_in_force(
    session: Session, dossier_ids: Iterable[int] | None = None
) -> set[tuple[int, Organisation]]:
    """(dossier, asker) pairs whose case details the other organisation may share with the
    asker now: the resident's consent in that direction is in force and covers case details."""
    wanted = None if dossier_ids is None else set(dossier_ids)
    entries: dict[int, list[ChoiceEntry]] = defaultdict(list)
    query = select(ChoiceLogEntry).order_by(ChoiceLogEntry.dossier_id, ChoiceLogEntry.seq)
    if wanted is not None:
        if not wanted:
            return set()
        query = query.where(ChoiceLogEntry.dossier_id.in_(wanted))
    for row in session.scalars(query):
        entries[row.dossier_id].append(to_entry(row))
    found = set()
    for d_id, rows in entries.items():
        states = current_states(rows)
        for asker in Organisation:
            state = consent_for(states, Direction.towards(asker))
            if (
                state is not None
                and state.consent_active
                and DocumentCategory.CASE_DETAILS in state.current.categories
            ):
                found.add((d_id, asker))
    return found


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One request in the SVIP queue, with only what both organisations may see: the address,
    the collaboration group, and the viewer's *own* organisation's phase (never the other's)."""

    request: RequestInfo
    address: str
    group: str | None
    own_status: str | None
    state: QueueState


def request_queue(
    uow: UnitOfWork,
    today: date,
    *,
    viewer: Organisation | None = None,
    kind: RequestKind | None = None,
    state: QueueState | None = None,
    incoming_only: bool = False,
) -> list[QueueRow]:
    """Information requests across all dossiers: overdue first, then open (oldest first), then
    answered (newest first). ``incoming_only``: the requests put to the viewer's organisation."""
    with uow:
        s = uow.session
        stmt = (
            select(InformationRequest, Address)
            .join(Dossier, Dossier.id == InformationRequest.dossier_id)
            .join(Address, Address.id == Dossier.address_id)
        )
        if kind is not None:
            stmt = stmt.where(InformationRequest.kind == kind)
        if incoming_only and viewer is not None:
            stmt = stmt.where(InformationRequest.from_organisation == viewer.other)
        found = s.execute(stmt).all()
        dossier_ids = {r.dossier_id for r, _a in found}
        shared = consents_in_force(s, dossier_ids)
        ncg: dict[int, NcgStatus] = {}
        img: dict[int, tuple[bool, date, ImgPhase]] = {}
        if dossier_ids:
            for d_id, org, status, start in s.execute(
                select(Case.dossier_id, Case.organisation, Case.status, Case.startdatum).where(
                    Case.dossier_id.in_(dossier_ids)
                )
            ):
                if org is Organisation.NCG:
                    ncg[d_id] = NcgStatus(status)
                else:
                    phase = ImgPhase(status)
                    rank = (phase.is_running, start or date.min, phase)
                    if d_id not in img or rank[:2] > img[d_id][:2]:
                        img[d_id] = rank
        # the group tells the other side's phase: only as far as consent lets it through
        verdicts = disclosures_in(uow, viewer, sorted(dossier_ids))
        rows = []
        for req, address in found:
            d_id = req.dossier_id
            lead = img.get(d_id)
            group = collaboration_group(ncg.get(d_id), lead[2] if lead else None)
            if group is not None:
                verdict = verdicts.get(d_id) or no_consent_verdict(d_id, viewer)
                options = visible_group(
                    ncg.get(d_id), lead[2] if lead else None, verdict.img, verdict.ncg
                )
                group_text = (
                    next(iter(options)).value if len(options) == 1 else options_label(options)
                ) or None
            else:
                group_text = None
            if viewer is Organisation.IMG:
                own = lead[2].value if lead else None
            elif viewer is Organisation.NCG:
                own = ncg[d_id].value if d_id in ncg else None
            else:
                own = None
            q_state = queue_state(req.asked_at.date(), req.answer is not None, today)
            if state is not None and q_state is not state:
                continue
            info = _shown(_request_info(req), viewer, shared)
            rows.append(
                QueueRow(
                    info,
                    _address_line(
                        address.straat,
                        address.huisnummer,
                        address.huisletter,
                        address.huisnummertoevoeging,
                        address.woonplaats,
                    ),
                    group_text,
                    own,
                    q_state,
                )
            )
    order = {QueueState.OVERDUE: 0, QueueState.OPEN: 1, QueueState.ANSWERED: 2}
    rows.sort(
        key=lambda r: (
            order[r.state],
            r.request.asked_at.timestamp()
            if r.state is not QueueState.ANSWERED
            else -(r.request.answered_at or r.request.asked_at).timestamp(),
            r.request.id,
        )
    )
    return rows
