"""Joint-inspection planning use cases: the queue, proposals, booking, moving, cancelling.

Every write checks the experts' calendars again inside its own transaction, after locking the
experts' rows (an UPDATE, which serialises concurrent bookings on SQLite and PostgreSQL
alike): someone may have booked the same expert since the proposals were made.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from buddy_desk.choices.rules import NOT_DECIDED
from buddy_desk.choices.service.log import decided_choices, decided_in_session
from buddy_desk.core.address import house_number, street_line
from buddy_desk.core.event_texts import span as event_span
from buddy_desk.core.event_texts import text as event_text
from buddy_desk.core.inspection import AppointmentState, DayPart, InspectionForm, VisitKind
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import NotFoundError, ValidationError
from buddy_desk.i18n import tr
from buddy_desk.models import Address, Dossier, TimelineEvent
from buddy_desk.models.base import utcnow
from buddy_desk.models.planning import (
    AppointmentChange,
    AppointmentVisit,
    InspectionAppointment,
    InspectionExpert,
    PlanningPreference,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import AMSTERDAM, Interval, Proposal, Visit
from buddy_desk.planning.holidays import holiday_name
from buddy_desk.planning.info import (
    AppointmentInfo,
    ChangeInfo,
    DossierProposals,
    ExpertInfo,
    PreferenceInfo,
    VisitInfo,
)
from buddy_desk.planning.rules import CHOICE_FORMS as CHOICE_FORMS
from buddy_desk.planning.rules import booking_conflict, chosen_form, latest_joint_day
from buddy_desk.planning.service.calendar import (
    expert_info,
    experts_for,
    load_calendar,
    load_settings,
)
from buddy_desk.planning.slots import Request, SlotFinder
from buddy_desk.signals.rules import Rule
from buddy_desk.signals.service import close_rule_signals

log = logging.getLogger(__name__)

DEFAULT_WEEKDAYS = frozenset(range(5))
DEFAULT_PARTS = frozenset({DayPart.MORNING, DayPart.AFTERNOON})


class PlanningConflictError(ValidationError):
    """A booking or move that would break an expert's calendar."""

    def __init__(self, reason: str) -> None:
        super().__init__("planning", reason)


class AlreadyBookedError(ValidationError):
    """The dossier already has an active joint appointment: move it instead of booking again."""

    def __init__(self, appointment: AppointmentInfo) -> None:
        self.appointment = appointment
        when = _when_text(appointment.start, appointment.end)
        super().__init__(
            "boeken",
            f"dossier {appointment.dossier_id} heeft al een gezamenlijke opname "
            f"(afspraak {appointment.id}, {when}); verzet die afspraak in plaats van opnieuw "
            f"te boeken (buddy-desk plan move {appointment.id} …)",
        )


class ChoiceConflictError(ValidationError):
    """Booking this form contradicts the resident's recorded choice; a planner may still book
    it with a reason (``override_reason``), which is recorded on the dossier."""

    def __init__(self, dossier_id: int, conflict: str) -> None:
        self.dossier_id = dossier_id
        self.conflict = conflict
        super().__init__(
            "vorm",
            f"niet geboekt: {conflict}. Boek een vorm die past bij de keuze, of geef een "
            "reden om er bewust van af te wijken (--override-reason)",
        )


def resolve_today(today: date | None) -> date:
    return today or datetime.now(AMSTERDAM).date()


# -- the resident's side --------------------------------------------------------------------


def _choice(uow: UnitOfWork, dossier_id: int) -> tuple[InspectionForm | None, bool]:
    """The form the resident chose in the choice log (None: not recorded, or withdrawn), and
    whether they want it only if it does not mean a longer wait."""
    choices = decided_choices(uow.fresh(), dossier_id)
    return chosen_form(choices), choices.only_if_no_delay


def parse_days(text: str) -> frozenset[int]:
    return frozenset(int(x) for x in text.split(",") if x.strip())


def parse_parts(text: str) -> frozenset[DayPart]:
    return frozenset(DayPart(x) for x in text.split(",") if x.strip())


def _preference(
    session: Session, dossier_id: int, choice: tuple[InspectionForm | None, bool]
) -> PreferenceInfo:
    row = session.scalars(
        select(PlanningPreference).where(PlanningPreference.dossier_id == dossier_id)
    ).one_or_none()
    chosen, no_delay = choice
    form, source = (chosen, "keuzelog") if chosen else (None, None)
    if row is None:
        return PreferenceInfo(
            dossier_id, DEFAULT_WEEKDAYS, DEFAULT_PARTS, 2, form, source, None, no_delay
        )
    if form is None and row.form is not None:
        form, source = row.form, "planner"
    return PreferenceInfo(
        dossier_id,
        parse_days(row.weekdays),
        parse_parts(row.day_parts),
        row.max_people,
        form,
        source,
        row.no_joint_reason,
        no_delay,
    )


def get_preference(uow: UnitOfWork, dossier_id: int) -> PreferenceInfo:
    choice = _choice(uow, dossier_id)
    with uow:
        _dossier(uow.session, dossier_id)
        return _preference(uow.session, dossier_id, choice)


def save_preference(
    uow: UnitOfWork,
    dossier_id: int,
    *,
    weekdays: Iterable[int],
    parts: Iterable[DayPart],
    max_people: int,
    form: InspectionForm | None,
    no_joint_reason: str | None,
    user: str | None,
) -> PreferenceInfo:
    """Record the resident's availability, the form (as told to the planner) and the note of
    why a joint inspection was not possible."""
    days = sorted(set(weekdays))
    if any(not 0 <= d <= 6 for d in days):
        raise ValidationError("dagen", "kies dagen van maandag (0) tot en met zondag (6)")
    if not 1 <= max_people <= 9:
        raise ValidationError("maximaal aantal personen", "kies een aantal van 1 tot en met 9")
    reason = (no_joint_reason or "").strip() or None
    choice = _choice(uow, dossier_id)
    with uow:
        s = uow.session
        _dossier(s, dossier_id)
        row = s.scalars(
            select(PlanningPreference).where(PlanningPreference.dossier_id == dossier_id)
        ).one_or_none()
        if row is None:
            row = PlanningPreference(dossier_id=dossier_id)
            s.add(row)
        old_reason = row.no_joint_reason
        row.weekdays = ",".join(str(d) for d in days)
        row.day_parts = ",".join(sorted(p.value for p in set(parts)))
        row.max_people = max_people
        row.form = form
        row.no_joint_reason = reason
        row.updated_by = user
        if reason and reason != old_reason:
            _event(s, dossier_id, "planning.timeline.no_joint", {}, reason, user)
        s.flush()
        info = _preference(s, dossier_id, choice)
        uow.commit()
        return info


def add_to_queue(uow: UnitOfWork, dossier_id: int, reason: str, *, user: str | None) -> None:
    """A buddy puts a dossier outside group B in the joint-inspection queue, with a reason
    (shown in the queue and on the dossier's timeline). A resident who declined stays out."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError("reden", "geef op waarom dit dossier een gezamenlijke opname krijgt")
    if len(reason) > 300:
        raise ValidationError("reden", "is langer dan 300 tekens")
    choices = decided_choices(uow.fresh(), dossier_id)
    if choices.joint_declined:
        raise ValidationError("wachtrij", "de bewoner heeft gekozen voor geen gezamenlijke opname")
    with uow:
        s = uow.session
        _dossier(s, dossier_id)
        row = s.scalars(
            select(PlanningPreference).where(PlanningPreference.dossier_id == dossier_id)
        ).one_or_none()
        if row is None:
            row = PlanningPreference(dossier_id=dossier_id)
            s.add(row)
        row.queue_reason = reason
        row.updated_by = user
        _event(s, dossier_id, "planning.queue.added", {}, reason, user)
        uow.commit()


# -- dossiers -------------------------------------------------------------------------------


def _dossier(session: Session, dossier_id: int) -> Dossier:
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
    return dossier


def _address_line(a: Address) -> str:
    return street_line(a.straat, house_number(a.huisnummer, a.huisletter, a.huisnummertoevoeging))


# -- proposals ------------------------------------------------------------------------------


def propose(
    uow: UnitOfWork,
    dossier_id: int,
    form: InspectionForm,
    *,
    today: date | None = None,
    extra_busy: Mapping[int, Sequence[tuple[datetime, datetime]]] | None = None,
) -> DossierProposals:
    """The best few options for a dossier and form, with the separate inspections to compare.

    ``extra_busy``: expert bookings this database does not hold (a field laptop's pulled
    calendars), so the options avoid them too."""
    today = resolve_today(today)
    choice = _choice(uow, dossier_id)
    with uow:
        s = uow.session
        dossier = _dossier(s, dossier_id)
        address = s.get(Address, dossier.address_id)
        assert address is not None
        pref = _preference(s, dossier_id, choice)
        settings = load_settings(s)
        first = today + timedelta(days=settings.lead_days)
        last = first + timedelta(days=settings.horizon_days - 1)
        calendar, experts = load_calendar(
            s, first, last, expert_ids=experts_for(s, address.gemeente), settings=settings
        )
        for expert_id, spans in (extra_busy or {}).items():
            if expert_id in calendar.experts:
                expert = calendar.experts[expert_id]
                extra = tuple(Interval(start, end) for start, end in spans)
                calendar.experts[expert_id] = replace(expert, busy=(*expert.busy, *extra))
        finder = SlotFinder(calendar, today)
        found = finder.propose(form, Request(address.gemeente, pref.availability))
        return DossierProposals(
            dossier_id, _address_line(address), address.gemeente, pref, found, experts
        )


# -- booking, moving, cancelling ------------------------------------------------------------


def _lock_experts(session: Session, ids: Iterable[int]) -> None:
    wanted = sorted(set(ids))
    # a no-op write takes the write lock (SQLite) / the rows' locks (PostgreSQL) first, so a
    # concurrent booking of the same expert waits for this transaction and then sees it
    result = session.execute(
        update(InspectionExpert)
        .where(InspectionExpert.id.in_(wanted), InspectionExpert.active)
        .values(active=InspectionExpert.active)
    )
    if result.rowcount != len(wanted):  # type: ignore[attr-defined]
        raise PlanningConflictError("een gekozen deskundige bestaat niet (meer) of is niet actief")


def _check_visits(
    session: Session,
    visits: Sequence[Visit],
    municipality: str | None,
    *,
    skip_appointment: int | None = None,
) -> dict[int, ExpertInfo]:
    if not visits:
        raise PlanningConflictError("een afspraak heeft minstens één bezoek nodig")
    _lock_experts(session, (v.expert_id for v in visits))
    days = [v.day for v in visits]
    calendar, experts = load_calendar(
        session,
        min(days),
        max(days),
        expert_ids={v.expert_id for v in visits},
        skip_appointment=skip_appointment,
    )
    finder = SlotFinder(calendar, min(days), first_day=min(days), last_day=max(days))
    for visit in visits:
        expert = calendar.experts[visit.expert_id]
        when = visit.start.astimezone(AMSTERDAM).strftime("%d-%m-%Y %H:%M")
        name = expert.name
        if visit.end <= visit.start:
            raise PlanningConflictError(f"het bezoek van {name} op {when} eindigt niet na de start")
        if not expert.can_do(visit.kind):
            kind = tr(f"planning.kind.{visit.kind.value}")
            raise PlanningConflictError(f"{name} mag {kind} niet doen")
        if not expert.works_in(municipality):
            raise PlanningConflictError(f"{name} werkt niet in de gemeente {municipality}")
        holiday = holiday_name(visit.day)
        if holiday:
            raise PlanningConflictError(f"{visit.day:%d-%m-%Y} is een feestdag ({holiday})")
        reason = finder.why_busy(visit.expert_id, visit.day, visit.start, visit.end)
        if reason is not None:
            raise PlanningConflictError(f"{name} is op {when} niet beschikbaar: {reason}")
        finder.book(visit)  # two visits of one booking must not collide either
    return experts


def _visit_info(v: AppointmentVisit, experts: dict[int, ExpertInfo]) -> VisitInfo:
    e = experts.get(v.expert_id)
    return VisitInfo(
        v.expert_id,
        e.naam if e else f"#{v.expert_id}",
        e.organisation if e else Organisation.IMG,
        v.kind,
        v.start_at,
        v.end_at,
    )


def _appointment_info(
    a: InspectionAppointment, experts: dict[int, ExpertInfo], address: Address | None
) -> AppointmentInfo:
    return AppointmentInfo(
        id=a.id,
        dossier_id=a.dossier_id,
        form=a.form,
        state=a.state,
        uid=a.uid,
        sequence=a.sequence,
        start=a.start_at,
        end=a.end_at,
        visits=tuple(_visit_info(v, experts) for v in a.visits),
        cancel_reason=a.cancel_reason,
        changes=tuple(
            ChangeInfo(
                c.changed_at, c.changed_by, c.action, c.sequence, c.old_start, c.new_start, c.reason
            )
            for c in a.changes
        ),
        address_line=_address_line(address) if address else "",
        postcode=address.postcode if address else "",
        woonplaats=address.woonplaats if address else "",
    )


def _expert_map(session: Session, ids: Iterable[int]) -> dict[int, ExpertInfo]:
    rows = session.scalars(
        select(InspectionExpert)
        .where(InspectionExpert.id.in_(set(ids)))
        .options(selectinload(InspectionExpert.areas))
    )
    return {e.id: expert_info(e) for e in rows}


def _when_text(start: datetime, end: datetime) -> str:
    a, b = start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)
    return f"{a:%d-%m-%Y %H:%M}–{b:%H:%M}"


def _event(
    session: Session,
    dossier_id: int,
    key: str,
    params: dict[str, Any],
    detail: str | None,
    user: str | None,
) -> None:
    session.add(
        TimelineEvent.about(
            "planning",
            key,
            params,
            dossier_id=dossier_id,
            occurred_at=utcnow(),
            detail=detail,
            created_by=user,
        )
    )


def book(
    uow: UnitOfWork,
    dossier_id: int,
    proposal: Proposal,
    *,
    user: str | None = None,
    override_reason: str | None = None,
    today: date | None = None,
) -> list[AppointmentInfo]:
    """Book a proposal (or explicit visits): one appointment per day, checked again first.

    Refused when the dossier already has an active joint appointment (``AlreadyBookedError``:
    move that one) and when the form contradicts the resident's recorded choice
    (``ChoiceConflictError``) unless ``override_reason`` says why; that reason is recorded
    on the booking and in the dossier's timeline.
    """
    with uow:
        infos = book_in_session(
            uow.session,
            dossier_id,
            proposal,
            user,
            override_reason=override_reason,
            today=resolve_today(today),
        )
        uow.commit()
        log.info("booked %d appointment(s) for dossier %d", len(infos), dossier_id)
        return infos


def active_appointment(session: Session, dossier_id: int) -> InspectionAppointment | None:
    """The dossier's booked joint appointment (the earliest, for a two-day one), or None."""
    return session.scalars(
        select(InspectionAppointment)
        .where(
            InspectionAppointment.dossier_id == dossier_id,
            InspectionAppointment.state == AppointmentState.BOOKED,
            InspectionAppointment.form != InspectionForm.SEPARATE,
        )
        .options(
            selectinload(InspectionAppointment.visits),
            selectinload(InspectionAppointment.changes),
        )
        .order_by(InspectionAppointment.start_at)
    ).first()


def _later_than_separate(
    s: Session, dossier_id: int, municipality: str | None, proposal: Proposal, today: date
) -> bool:
    """Would this joint inspection end later than the separate inspections would?"""
    pref = _preference(s, dossier_id, (None, False))
    settings = load_settings(s)
    first = today + timedelta(days=settings.lead_days)
    last = max(first + timedelta(days=settings.horizon_days - 1), proposal.last_day)
    calendar, _experts = load_calendar(s, first, last, settings=settings)
    found = SlotFinder(calendar, today).propose_separate(Request(municipality, pref.availability))
    separate = found.separate_last_day
    return separate is not None and proposal.last_day > latest_joint_day(proposal.form, separate)


def book_in_session(
    s: Session,
    dossier_id: int,
    proposal: Proposal,
    user: str | None,
    *,
    override_reason: str | None = None,
    today: date | None = None,
    later_than_separate: bool | None = None,
) -> list[AppointmentInfo]:
    """The booking inside a caller's transaction (``book``, the week auto-plan)."""
    dossier = _dossier(s, dossier_id)
    address = s.get(Address, dossier.address_id)
    assert address is not None
    existing = active_appointment(s, dossier_id)
    if existing is not None:
        experts_now = _expert_map(s, (v.expert_id for v in existing.visits))
        raise AlreadyBookedError(_appointment_info(existing, experts_now, address))
    choices = decided_in_session(s, [dossier_id]).get(dossier_id, NOT_DECIDED)
    if later_than_separate is None and choices.only_if_no_delay:
        later_than_separate = _later_than_separate(
            s, dossier_id, address.gemeente, proposal, resolve_today(today)
        )
    conflict = booking_conflict(choices, proposal.form, later_than_separate=later_than_separate)
    reason = (override_reason or "").strip() or None
    if conflict is not None and reason is None:
        raise ChoiceConflictError(dossier_id, conflict)
    experts = _check_visits(s, proposal.visits, address.gemeente)
    by_day: dict[date, list[Visit]] = defaultdict(list)
    for visit in sorted(proposal.visits, key=lambda v: v.start):
        by_day[visit.day].append(visit)
    booked: list[InspectionAppointment] = []
    for visits in by_day.values():
        appointment = InspectionAppointment(
            dossier_id=dossier_id,
            form=proposal.form,
            state=AppointmentState.BOOKED,
            uid=f"{uuid.uuid4()}@buddy-desk",
            sequence=0,
            start_at=min(v.start for v in visits),
            end_at=max(v.end for v in visits),
            created_by=user,
        )
        appointment.visits = [
            AppointmentVisit(expert_id=v.expert_id, kind=v.kind, start_at=v.start, end_at=v.end)
            for v in visits
        ]
        appointment.changes = [
            AppointmentChange(
                changed_by=user,
                action="booked",
                sequence=0,
                new_start=appointment.start_at,
                experts=",".join(str(v.expert_id) for v in visits),
                reason=f"{tr('planning.override.title')}: {reason}" if conflict else None,
            )
        ]
        s.add(appointment)
        booked.append(appointment)
        names = ", ".join(experts[v.expert_id].naam for v in visits)
        _event(
            s,
            dossier_id,
            "planning.timeline.booked",
            {
                "form": event_text(f"planning.form.{proposal.form.value}"),
                "when": event_span(appointment.start_at, appointment.end_at),
                "detail": event_text("planning.timeline.experts", names=names),
            },
            None,
            user,
        )
    if conflict is not None:
        _event(s, dossier_id, "planning.override.timeline", {"conflict": conflict}, reason, user)
    first = min(a.start_at for a in booked)
    close_rule_signals(
        s,
        dossier_id,
        [Rule.JOINT_INSPECTION],
        tr("planning.override.signal_closed", when=_when_text(first, first)[:10]),
        user,
    )
    s.flush()
    return [_appointment_info(a, experts, address) for a in booked]


def _load_appointment(session: Session, appointment_id: int) -> InspectionAppointment:
    appointment = session.scalars(
        select(InspectionAppointment)
        .where(InspectionAppointment.id == appointment_id)
        .options(
            selectinload(InspectionAppointment.visits),
            selectinload(InspectionAppointment.changes),
        )
    ).one_or_none()
    if appointment is None:
        raise NotFoundError(f"Afspraak {appointment_id} bestaat niet.")
    return appointment


def move(
    uow: UnitOfWork,
    appointment_id: int,
    new_start: datetime,
    reason: str,
    *,
    experts: dict[VisitKind, int] | None = None,
    user: str | None = None,
) -> AppointmentInfo:
    """Move an appointment (all its visits keep their order and gaps) and record why.

    The experts stay unless ``experts`` names a new one for a kind of visit.
    """
    if not reason.strip():
        raise ValidationError("reden", "geef een reden voor het verzetten op")
    if new_start.tzinfo is None:
        new_start = new_start.replace(tzinfo=AMSTERDAM)
    with uow:
        s = uow.session
        a = _load_appointment(s, appointment_id)
        if a.state is not AppointmentState.BOOKED:
            raise ValidationError("afspraak", "alleen een geplande afspraak kan verzet worden")
        dossier = _dossier(s, a.dossier_id)
        address = s.get(Address, dossier.address_id)
        assert address is not None
        delta = new_start - a.start_at
        changes = experts or {}
        planned = [
            Visit(changes.get(v.kind, v.expert_id), v.kind, v.start_at + delta, v.end_at + delta)
            for v in a.visits
        ]
        expert_map = _check_visits(s, planned, address.gemeente, skip_appointment=a.id)
        old_start = a.start_at
        for row, visit in zip(a.visits, planned, strict=True):
            row.expert_id, row.start_at, row.end_at = visit.expert_id, visit.start, visit.end
        a.start_at = min(v.start for v in planned)
        a.end_at = max(v.end for v in planned)
        a.sequence += 1
        a.changes.append(
            AppointmentChange(
                changed_by=user,
                action="moved",
                sequence=a.sequence,
                old_start=old_start,
                new_start=a.start_at,
                experts=",".join(str(v.expert_id) for v in planned),
                reason=reason.strip(),
            )
        )
        _event(
            s,
            a.dossier_id,
            "planning.timeline.moved",
            {"when": event_span(a.start_at, a.end_at)},
            reason.strip(),
            user,
        )
        s.flush()
        info = _appointment_info(a, expert_map, address)
        uow.commit()
        return info


def move_to_proposal(
    uow: UnitOfWork,
    appointment_id: int,
    proposal: Proposal,
    reason: str,
    *,
    user: str | None = None,
) -> AppointmentInfo:
    """Move an existing appointment to the time and experts of ``proposal`` (instead of
    booking a second joint inspection for the dossier). Only for the same kinds of visit."""
    existing = get_appointment(uow, appointment_id)
    kinds = sorted(v.kind.value for v in existing.visits)
    if existing.form is InspectionForm.CLOSE or proposal.form is InspectionForm.CLOSE:
        raise ValidationError(
            "verzetten", "een opname binnen twee dagen heeft twee afspraken: verzet elk apart"
        )
    if kinds != sorted(v.kind.value for v in proposal.visits):
        raise ValidationError(
            "verzetten",
            f"de bestaande afspraak is '{tr(f'planning.form.{existing.form.value}')}'; "
            "annuleer die eerst om een andere vorm te boeken",
        )
    experts = {v.kind: v.expert_id for v in proposal.visits}
    return move(uow, appointment_id, proposal.start, reason, experts=experts, user=user)


def cancel(
    uow: UnitOfWork, appointment_id: int, reason: str, *, user: str | None = None
) -> AppointmentInfo:
    if not reason.strip():
        raise ValidationError("reden", "geef een reden voor het annuleren op")
    with uow:
        s = uow.session
        a = _load_appointment(s, appointment_id)
        if a.state is not AppointmentState.BOOKED:
            raise ValidationError("afspraak", "deze afspraak is al geannuleerd of afgerond")
        a.state = AppointmentState.CANCELLED
        a.cancel_reason = reason.strip()
        a.sequence += 1
        a.changes.append(
            AppointmentChange(
                changed_by=user,
                action="cancelled",
                sequence=a.sequence,
                old_start=a.start_at,
                reason=reason.strip(),
            )
        )
        _event(
            s,
            a.dossier_id,
            "planning.timeline.cancelled",
            {"when": event_span(a.start_at, a.end_at)},
            reason.strip(),
            user,
        )
        s.flush()
        dossier = _dossier(s, a.dossier_id)
        info = _appointment_info(
            a, _expert_map(s, (v.expert_id for v in a.visits)), s.get(Address, dossier.address_id)
        )
        uow.commit()
        return info


def get_appointment(uow: UnitOfWork, appointment_id: int) -> AppointmentInfo:
    with uow:
        s = uow.session
        a = _load_appointment(s, appointment_id)
        dossier = _dossier(s, a.dossier_id)
        return _appointment_info(
            a, _expert_map(s, (v.expert_id for v in a.visits)), s.get(Address, dossier.address_id)
        )


def dossier_appointments(uow: UnitOfWork, dossier_id: int) -> list[AppointmentInfo]:
    """The dossier's appointments, newest first (cancelled ones too, for the history)."""
    with uow:
        s = uow.session
        dossier = _dossier(s, dossier_id)
        address = s.get(Address, dossier.address_id)
        rows = list(
            s.scalars(
                select(InspectionAppointment)
                .where(InspectionAppointment.dossier_id == dossier_id)
                .options(
                    selectinload(InspectionAppointment.visits),
                    selectinload(InspectionAppointment.changes),
                )
                .order_by(InspectionAppointment.start_at.desc())
            )
        )
        experts = _expert_map(s, (v.expert_id for a in rows for v in a.visits))
        return [_appointment_info(a, experts, address) for a in rows]


def list_experts(uow: UnitOfWork) -> list[ExpertInfo]:
    with uow:
        rows = uow.session.scalars(
            select(InspectionExpert)
            .options(selectinload(InspectionExpert.areas))
            .order_by(InspectionExpert.organisation, InspectionExpert.naam)
        )
        return [expert_info(e) for e in rows]


def explicit_proposal(
    uow: UnitOfWork, form: InspectionForm, start: datetime, expert_ids: Sequence[int]
) -> Proposal:
    """A proposal the planner composed by hand: the form, a start and the expert(s).

    Simultaneous and sequential take an IMG and an NCG expert (for sequential, the first one
    named goes first); combined takes one dual-qualified expert. Durations come from the
    settings; the calendars are checked when it is booked.
    """
    if start.tzinfo is None:
        start = start.replace(tzinfo=AMSTERDAM)
    start = start.astimezone(UTC)  # durations are elapsed time, also on DST days
    with uow:
        s = uow.session
        settings = load_settings(s)
        experts = _expert_map(s, expert_ids)
        missing = [i for i in expert_ids if i not in experts]
        if missing:
            raise NotFoundError(f"Deskundige {missing[0]} bestaat niet.")
    chosen = [experts[i] for i in expert_ids]

    def visit(e: ExpertInfo, kind: VisitKind, at: datetime) -> Visit:
        return Visit(e.id, kind, at, at + timedelta(minutes=settings.duration(kind)))

    def kind_of(e: ExpertInfo) -> VisitKind:
        return VisitKind.DAMAGE if e.organisation is Organisation.IMG else VisitKind.STRENGTHENING

    if form is InspectionForm.COMBINED:
        if len(chosen) != 1 or not chosen[0].dual_qualified:
            raise ValidationError(
                "deskundige", "gecombineerd vraagt precies één deskundige met beide kwalificaties"
            )
        return Proposal(form, (visit(chosen[0], VisitKind.COMBINED, start),))
    if len(chosen) != 2 or {e.organisation for e in chosen} != set(Organisation):
        raise ValidationError("deskundige", "kies één deskundige van IMG en één van NCG")
    if form is InspectionForm.SIMULTANEOUS:
        return Proposal(form, tuple(visit(e, kind_of(e), start) for e in chosen))
    if form is InspectionForm.SEQUENTIAL:
        first = visit(chosen[0], kind_of(chosen[0]), start)
        second_start = first.end + timedelta(minutes=settings.handover_minutes)
        return Proposal(form, (first, visit(chosen[1], kind_of(chosen[1]), second_start)))
    raise ValidationError("vorm", "kies gelijktijdig, na elkaar of gecombineerd")
