"""The register of inspection experts (deskundigen): details, working patterns, absences and
the planning settings (durations per kind, travel buffer).

Every call is one transaction with one commit. Writes first lock the expert's row (a no-op
UPDATE, as booking does), so an absence or a pattern change and a concurrent booking of the
same expert are serialised; the appointments that no longer fit are returned, never moved or
cancelled here: that is the planner's decision (with a reason, via ``planning.move``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from itertools import groupby

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from buddy_desk.core.inspection import AppointmentState, InspectionForm, VisitKind
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import NotFoundError, ValidationError
from buddy_desk.i18n import tr
from buddy_desk.models import Address, Dossier
from buddy_desk.models.planning import (
    AppointmentVisit,
    ExpertAbsence,
    ExpertArea,
    ExpertPattern,
    InspectionAppointment,
    InspectionExpert,
    PlanningSetting,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import AMSTERDAM, Expert, PlanningSettings, WorkPattern, local
from buddy_desk.planning.formatting import WEEKDAYS_SHORT
from buddy_desk.planning.info import ExpertInfo
from buddy_desk.planning.patterns import PatternPart, check_part, summary
from buddy_desk.planning.service.booking import _address_line, resolve_today
from buddy_desk.planning.service.calendar import expert_info, load_settings

log = logging.getLogger(__name__)

MAX_ABSENCE_DAYS = 366
# the settings a planner may change here, with their bounds in minutes
SETTING_BOUNDS: dict[str, tuple[int, int]] = {
    "damage_minutes": (15, 480),
    "strengthening_minutes": (15, 480),
    "combined_minutes": (15, 600),
    "travel_buffer_minutes": (0, 240),
}
SETTING_FIELDS = {
    "damage_minutes": "duur schade-opname",
    "strengthening_minutes": "duur versterkingsopname",
    "combined_minutes": "duur gecombineerde opname",
    "travel_buffer_minutes": "reistijd",
}


# -- plain data -----------------------------------------------------------------------------


def _local_day(moment: datetime) -> date:
    return moment.astimezone(AMSTERDAM).date()


def _day_text(day: date) -> str:
    return f"{WEEKDAYS_SHORT[day.weekday()]} {day:%d-%m-%Y}"


@dataclass(frozen=True, slots=True)
class PatternInfo:
    id: int
    part: PatternPart
    valid_from: date
    valid_until: date | None


@dataclass(frozen=True, slots=True)
class AbsenceInfo:
    id: int
    expert_id: int
    start: datetime
    end: datetime
    reason: str | None

    @property
    def first_day(self) -> date:
        return _local_day(self.start)

    @property
    def last_day(self) -> date:
        """The last local day touched (an absence ends at midnight after its last day)."""
        return _local_day(self.end - timedelta(microseconds=1))

    @property
    def text(self) -> str:
        """``ma 07-12-2026 t/m vr 11-12-2026``, or one day."""
        if self.first_day == self.last_day:
            return _day_text(self.first_day)
        return f"{_day_text(self.first_day)} t/m {_day_text(self.last_day)}"


@dataclass(frozen=True, slots=True)
class AffectedAppointment:
    """A booked appointment that no longer fits the expert's calendar, and why (Dutch)."""

    appointment_id: int
    dossier_id: int
    form: InspectionForm
    expert_id: int
    kind: VisitKind
    start: datetime
    end: datetime
    address_line: str
    gemeente: str | None
    reason: str

    @property
    def text(self) -> str:
        a, b = self.start.astimezone(AMSTERDAM), self.end.astimezone(AMSTERDAM)
        return (
            f"{_day_text(a.date())} {a:%H:%M}–{b:%H:%M}  {self.address_line} "
            f"(dossier {self.dossier_id}, afspraak {self.appointment_id}): {self.reason}"
        )


@dataclass(frozen=True)
class ExpertDetails:
    """One expert in the register: who, where, the working pattern now and later, absences
    from today on, and how many booked visits lie ahead."""

    info: ExpertInfo
    patterns: tuple[PatternInfo, ...]
    absences: tuple[AbsenceInfo, ...]
    upcoming_visits: int
    today: date

    @property
    def current_parts(self) -> tuple[PatternPart, ...]:
        return tuple(
            p.part
            for p in self.patterns
            if p.valid_from <= self.today and (p.valid_until is None or p.valid_until >= self.today)
        )

    @property
    def pattern_summary(self) -> str:
        """``ma–vr 8:30–17:00``, plus any change already planned (``→ vanaf 04-01-2027: …``)."""
        text = summary(self.current_parts)
        later = sorted((p for p in self.patterns if p.valid_from > self.today), key=_from_key)
        for start, group in groupby(later, key=_from_key):
            text += f" → vanaf {start:%d-%m-%Y}: {summary([p.part for p in group])}"
        return text

    @property
    def next_absence(self) -> AbsenceInfo | None:
        return self.absences[0] if self.absences else None


def _from_key(p: PatternInfo) -> date:
    return p.valid_from


@dataclass(frozen=True)
class ExpertSaved:
    details: ExpertDetails
    affected: tuple[AffectedAppointment, ...]  # booked appointments that no longer fit


@dataclass(frozen=True)
class AbsenceResult:
    absence: AbsenceInfo
    affected: tuple[AffectedAppointment, ...]  # booked appointments inside the absence


# -- reading --------------------------------------------------------------------------------


def _load(session: Session, expert_id: int) -> InspectionExpert:
    expert = session.scalars(
        select(InspectionExpert)
        .where(InspectionExpert.id == expert_id)
        .options(
            selectinload(InspectionExpert.areas),
            selectinload(InspectionExpert.patterns),
            selectinload(InspectionExpert.absences),
        )
    ).one_or_none()
    if expert is None:
        raise NotFoundError(f"Deskundige {expert_id} bestaat niet.")
    return expert


def _absence_info(a: ExpertAbsence) -> AbsenceInfo:
    return AbsenceInfo(a.id, a.expert_id, a.start_at, a.end_at, a.reason)


def _details(
    session: Session, e: InspectionExpert, today: date, upcoming: int | None = None
) -> ExpertDetails:
    now = local(today, time())
    patterns = tuple(
        PatternInfo(p.id, PatternPart(p.rrule, p.day_start, p.day_end), p.valid_from, p.valid_until)
        for p in sorted(e.patterns, key=lambda p: (p.valid_from, p.day_start, p.id))
        if p.valid_until is None or p.valid_until >= today
    )
    absences = tuple(
        _absence_info(a) for a in sorted(e.absences, key=lambda a: a.start_at) if a.end_at > now
    )
    if upcoming is None:
        upcoming = _upcoming_counts(session, [e.id], now).get(e.id, 0)
    return ExpertDetails(expert_info(e), patterns, absences, upcoming, today)


def _upcoming_counts(session: Session, ids: Sequence[int], since: datetime) -> dict[int, int]:
    rows = session.execute(
        select(AppointmentVisit.expert_id, func.count())
        .join(InspectionAppointment, InspectionAppointment.id == AppointmentVisit.appointment_id)
        .where(
            AppointmentVisit.expert_id.in_(ids),
            InspectionAppointment.state == AppointmentState.BOOKED,
            AppointmentVisit.end_at > since,
        )
        .group_by(AppointmentVisit.expert_id)
    )
    return {row[0]: row[1] for row in rows}


def list_register(uow: UnitOfWork, *, today: date | None = None) -> list[ExpertDetails]:
    """Every expert (inactive ones too), IMG first, by name, with their details."""
    today = resolve_today(today)
    with uow:
        s = uow.session
        rows = list(
            s.scalars(
                select(InspectionExpert)
                .options(
                    selectinload(InspectionExpert.areas),
                    selectinload(InspectionExpert.patterns),
                    selectinload(InspectionExpert.absences),
                )
                .order_by(InspectionExpert.organisation, InspectionExpert.naam, InspectionExpert.id)
            )
        )
        counts = _upcoming_counts(s, [e.id for e in rows], local(today, time()))
        return [_details(s, e, today, counts.get(e.id, 0)) for e in rows]


def get_expert(uow: UnitOfWork, expert_id: int, *, today: date | None = None) -> ExpertDetails:
    today = resolve_today(today)
    with uow:
        return _details(uow.session, _load(uow.session, expert_id), today)


def known_municipalities(uow: UnitOfWork) -> list[str]:
    """The municipalities of the dossiers' addresses and of the experts' work areas."""
    with uow:
        s = uow.session
        names = set(s.scalars(select(Address.gemeente).where(Address.gemeente.is_not(None))))
        names |= set(s.scalars(select(ExpertArea.gemeente)))
    return sorted((n for n in names if n), key=str.casefold)


# -- experts --------------------------------------------------------------------------------


def _lock(session: Session, expert_id: int) -> None:
    """Take the expert's row lock first (see the module docstring); NotFound if missing."""
    result = session.execute(
        update(InspectionExpert)
        .where(InspectionExpert.id == expert_id)
        .values(active=InspectionExpert.active)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFoundError(f"Deskundige {expert_id} bestaat niet.")


def _clean_name(naam: str) -> str:
    text = " ".join(naam.split())
    if not text:
        raise ValidationError("naam", "geef de naam van de deskundige op")
    if len(text) > 120:
        raise ValidationError("naam", "hoogstens 120 tekens")
    return text


def _clean_optional(value: str, field: str, limit: int) -> str | None:
    text = value.strip()
    if len(text) > limit:
        raise ValidationError(field, f"hoogstens {limit} tekens")
    if field == "e-mail" and text and ("@" not in text or " " in text):
        raise ValidationError(field, f"{text!r} is geen e-mailadres")
    return text or None


def _clean_municipalities(session: Session, names: Iterable[str]) -> list[str]:
    """Trimmed, without duplicates, spelled as already known (``groningen`` → ``Groningen``)."""
    known = {n.casefold(): n for n in session.scalars(select(Address.gemeente)) if n}
    known |= {n.casefold(): n for n in session.scalars(select(ExpertArea.gemeente))}
    out: dict[str, str] = {}
    for raw in names:
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > 80:
            raise ValidationError("gemeenten", f"{name[:30]!r}…: hoogstens 80 tekens per gemeente")
        out.setdefault(name.casefold(), known.get(name.casefold(), name))
    return sorted(out.values(), key=str.casefold)


def _check_unique_name(
    session: Session, naam: str, organisation: Organisation, expert_id: int | None
) -> None:
    rows = session.execute(
        select(InspectionExpert.id, InspectionExpert.naam).where(
            InspectionExpert.organisation == organisation
        )
    )
    for ident, other in rows:
        if ident != expert_id and other.casefold() == naam.casefold():
            raise ValidationError(
                "naam", f"er is al een deskundige {other} bij {organisation.value} (#{ident})"
            )


def _set_areas(expert: InspectionExpert, names: Sequence[str]) -> None:
    """Keep the rows that stay (the unique constraint would trip over delete + re-insert)."""
    wanted = {n.casefold(): n for n in names}
    expert.areas = [a for a in expert.areas if a.gemeente.casefold() in wanted]
    have = {a.gemeente.casefold() for a in expert.areas}
    expert.areas.extend(ExpertArea(gemeente=n) for k, n in wanted.items() if k not in have)


def _checked_parts(parts: Sequence[PatternPart]) -> list[PatternPart]:
    if not parts:
        raise ValidationError("werkpatroon", "kies minstens één werkdag met werktijden")
    return [check_part(p) for p in parts]


def _apply_pattern(
    session: Session, expert: InspectionExpert, parts: Sequence[PatternPart], valid_from: date
) -> None:
    """The new pattern from ``valid_from`` on; what was valid before that day stays, so the
    past (and this week, when the change starts next week) keeps its calendar."""
    keep: list[ExpertPattern] = []
    for p in expert.patterns:
        if p.valid_from >= valid_from:
            continue  # replaced entirely
        if p.valid_until is None or p.valid_until >= valid_from:
            p.valid_until = valid_from - timedelta(days=1)
        keep.append(p)
    expert.patterns = keep + [
        ExpertPattern(rrule=p.rule, day_start=p.day_start, day_end=p.day_end, valid_from=valid_from)
        for p in parts
    ]
    session.flush()


def add_expert(
    uow: UnitOfWork,
    *,
    naam: str,
    organisation: Organisation,
    dual_qualified: bool = False,
    municipalities: Iterable[str] = (),
    active: bool = True,
    email: str = "",
    telefoon: str = "",
    pattern: Sequence[PatternPart] = (),
    pattern_from: date | None = None,
    today: date | None = None,
) -> ExpertDetails:
    """A new expert; with ``pattern`` (presets: ``planning.patterns``) from ``pattern_from``
    (default: today). No pattern: never offered until one is set."""
    today = resolve_today(today)
    name = _clean_name(naam)
    mail = _clean_optional(email, "e-mail", 120)
    phone = _clean_optional(telefoon, "telefoon", 30)
    parts = _checked_parts(pattern) if pattern else []
    with uow:
        s = uow.session
        _check_unique_name(s, name, organisation, None)
        expert = InspectionExpert(
            naam=name,
            organisation=organisation,
            dual_qualified=dual_qualified,
            email=mail,
            telefoon=phone,
            active=active,
        )
        expert.areas = [ExpertArea(gemeente=g) for g in _clean_municipalities(s, municipalities)]
        expert.patterns = []
        expert.absences = []
        s.add(expert)
        s.flush()
        if parts:
            _apply_pattern(s, expert, parts, pattern_from or today)
        details = _details(s, expert, today, 0)
        uow.commit()
        log.info("expert %d added", expert.id)
        return details


def edit_expert(
    uow: UnitOfWork,
    expert_id: int,
    *,
    naam: str | None = None,
    organisation: Organisation | None = None,
    dual_qualified: bool | None = None,
    municipalities: Iterable[str] | None = None,
    active: bool | None = None,
    email: str | None = None,
    telefoon: str | None = None,
    pattern: Sequence[PatternPart] | None = None,
    pattern_from: date | None = None,
    today: date | None = None,
) -> ExpertSaved:
    """Change what is given (None: unchanged; ``email=""`` clears it; an empty list of
    municipalities means the whole area). Returns the booked appointments from today on that
    no longer fit (not active, may not do that kind, other area, outside the new hours)."""
    today = resolve_today(today)
    name = _clean_name(naam) if naam is not None else None
    parts = _checked_parts(pattern) if pattern is not None else None
    if parts is not None and pattern_from is not None and pattern_from < today:
        raise ValidationError("geldig vanaf", "een nieuw werkpatroon begint vandaag of later")
    with uow:
        s = uow.session
        _lock(s, expert_id)
        expert = _load(s, expert_id)
        since = local(today, time())
        before = _misfits(s, expert_id, since, None, _judge(_plain(expert), expert.active))
        if name is not None or organisation is not None:
            _check_unique_name(
                s, name or expert.naam, organisation or expert.organisation, expert_id
            )
        if name is not None:
            expert.naam = name
        if organisation is not None:
            expert.organisation = organisation
        if dual_qualified is not None:
            expert.dual_qualified = dual_qualified
        if active is not None:
            expert.active = active
        if email is not None:
            expert.email = _clean_optional(email, "e-mail", 120)
        if telefoon is not None:
            expert.telefoon = _clean_optional(telefoon, "telefoon", 30)
        if municipalities is not None:
            _set_areas(expert, _clean_municipalities(s, municipalities))
        if parts is not None:
            _apply_pattern(s, expert, parts, pattern_from or today)
        s.flush()
        after = _misfits(s, expert_id, since, None, _judge(_plain(expert), expert.active))
        # only what this change breaks (older misfits are not news to the planner)
        affected = [a for visit_id, a in after.items() if visit_id not in before]
        details = _details(s, expert, today)
        uow.commit()
        return ExpertSaved(details, tuple(affected))


def set_work_pattern(
    uow: UnitOfWork,
    expert_id: int,
    parts: Sequence[PatternPart],
    *,
    valid_from: date | None = None,
    today: date | None = None,
) -> ExpertSaved:
    """Replace the working pattern from ``valid_from`` (default today) on."""
    return edit_expert(uow, expert_id, pattern=parts, pattern_from=valid_from, today=today)


# -- what no longer fits --------------------------------------------------------------------


def _plain(expert: InspectionExpert) -> Expert:
    return Expert(
        id=expert.id,
        name=expert.naam,
        organisation=expert.organisation,
        dual_qualified=expert.dual_qualified,
        municipalities=frozenset(a.gemeente for a in expert.areas),
        patterns=tuple(
            WorkPattern(p.rrule, p.day_start, p.day_end, p.valid_from, p.valid_until)
            for p in expert.patterns
        ),
    )


def _within_hours(plain: Expert, start: datetime, end: datetime) -> bool:
    a, b = start.astimezone(AMSTERDAM), end.astimezone(AMSTERDAM)
    day = a.date()
    if b.date() != day:
        return False
    blocks = sorted(
        (p.day_start, p.day_end) for p in plain.patterns if day in p.days_between(day, day)
    )
    merged: list[list[time]] = []
    for s, e in blocks:
        if merged and merged[-1][1] >= s:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return any(s <= a.time() and b.time() <= e for s, e in merged)


Judge = Callable[[AppointmentVisit, Address], str | None]


def _judge(plain: Expert, active: bool) -> Judge:
    """Why a booked visit does not fit this state of the expert (None: it fits)."""

    def why(visit: AppointmentVisit, address: Address) -> str | None:
        if not active:
            return "deskundige niet meer actief"
        if not plain.can_do(visit.kind):
            return f"mag {tr(f'planning.kind.{visit.kind.value}')} niet (meer) doen"
        if not plain.works_in(address.gemeente):
            return f"werkt niet (meer) in {address.gemeente}"
        if not _within_hours(plain, visit.start_at, visit.end_at):
            return "valt buiten het werkpatroon"
        return None

    return why


def _misfits(
    session: Session, expert_id: int, since: datetime, until: datetime | None, judge: Judge
) -> dict[int, AffectedAppointment]:
    """The expert's booked visits between ``since`` and ``until`` that ``judge`` finds do not
    fit, by visit id."""
    query = (
        select(AppointmentVisit, InspectionAppointment, Address)
        .join(InspectionAppointment, InspectionAppointment.id == AppointmentVisit.appointment_id)
        .join(Dossier, Dossier.id == InspectionAppointment.dossier_id)
        .join(Address, Address.id == Dossier.address_id)
        .where(
            AppointmentVisit.expert_id == expert_id,
            InspectionAppointment.state == AppointmentState.BOOKED,
            AppointmentVisit.end_at > since,
        )
        .order_by(AppointmentVisit.start_at, AppointmentVisit.id)
    )
    if until is not None:
        query = query.where(AppointmentVisit.start_at < until)
    out: dict[int, AffectedAppointment] = {}
    for visit, appointment, address in session.execute(query):
        reason = judge(visit, address)
        if reason is not None:
            out[visit.id] = AffectedAppointment(
                appointment.id,
                appointment.dossier_id,
                appointment.form,
                expert_id,
                visit.kind,
                visit.start_at,
                visit.end_at,
                _address_line(address),
                address.gemeente,
                reason,
            )
    return out


# -- absences -------------------------------------------------------------------------------


def add_absence(
    uow: UnitOfWork, expert_id: int, first: date, last: date, reason: str = ""
) -> AbsenceResult:
    """The expert is away from ``first`` to ``last`` (whole local days, inclusive).

    Returns the booked appointments inside it, so the planner can move them (they are not
    moved or cancelled here). Proposals and bookings no longer use those days.
    """
    if last < first:
        raise ValidationError("tot en met", "de einddatum ligt vóór de begindatum")
    if (last - first).days + 1 > MAX_ABSENCE_DAYS:
        raise ValidationError(
            "tot en met",
            f"hoogstens {MAX_ABSENCE_DAYS} dagen; zet de deskundige anders op niet actief",
        )
    why = " ".join(reason.split()) or None
    if why and len(why) > 60:
        raise ValidationError(
            "reden", "hoogstens 60 tekens (verlof, cursus …; geen medische details)"
        )
    start, end = local(first, time()), local(last + timedelta(days=1), time())
    with uow:
        s = uow.session
        _lock(s, expert_id)
        row = ExpertAbsence(expert_id=expert_id, start_at=start, end_at=end, reason=why)
        s.add(row)
        s.flush()
        label = f"afwezig ({why})" if why else "afwezig"
        affected = list(_misfits(s, expert_id, start, end, lambda _v, _a: label).values())
        info = _absence_info(row)
        uow.commit()
        log.info("absence added for expert %d (%d appointment(s) inside)", expert_id, len(affected))
        return AbsenceResult(info, tuple(affected))


def remove_absence(uow: UnitOfWork, absence_id: int) -> AbsenceInfo:
    with uow:
        s = uow.session
        row = s.get(ExpertAbsence, absence_id)
        if row is None:
            raise NotFoundError(f"Afwezigheid {absence_id} bestaat niet.")
        _lock(s, row.expert_id)
        info = _absence_info(row)
        s.delete(row)
        uow.commit()
        return info


def list_absences(
    uow: UnitOfWork, expert_id: int, *, include_past: bool = False, today: date | None = None
) -> list[AbsenceInfo]:
    """The expert's absences, earliest first; from today on unless ``include_past``."""
    today = resolve_today(today)
    with uow:
        s = uow.session
        _load(s, expert_id)
        query = select(ExpertAbsence).where(ExpertAbsence.expert_id == expert_id)
        if not include_past:
            query = query.where(ExpertAbsence.end_at > local(today, time()))
        rows = s.scalars(query.order_by(ExpertAbsence.start_at, ExpertAbsence.id))
        return [_absence_info(a) for a in rows]


# -- settings -------------------------------------------------------------------------------


def get_settings(uow: UnitOfWork) -> PlanningSettings:
    with uow:
        return load_settings(uow.session)


def update_settings(
    uow: UnitOfWork,
    *,
    damage_minutes: int | None = None,
    strengthening_minutes: int | None = None,
    combined_minutes: int | None = None,
    travel_buffer_minutes: int | None = None,
) -> PlanningSettings:
    """Change durations per kind and the travel buffer (None: unchanged); bounds in
    ``SETTING_BOUNDS``; a combined inspection is never shorter than either kind alone."""
    changes = {
        key: value
        for key, value in (
            ("damage_minutes", damage_minutes),
            ("strengthening_minutes", strengthening_minutes),
            ("combined_minutes", combined_minutes),
            ("travel_buffer_minutes", travel_buffer_minutes),
        )
        if value is not None
    }
    for key, value in changes.items():
        low, high = SETTING_BOUNDS[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(
                SETTING_FIELDS[key], f"kies een aantal minuten van {low} tot en met {high}"
            )
    with uow:
        s = uow.session
        result = replace(load_settings(s), **changes)
        longest = max(result.damage_minutes, result.strengthening_minutes)
        if result.combined_minutes < longest:
            raise ValidationError(
                SETTING_FIELDS["combined_minutes"],
                f"een gecombineerde opname duurt minstens zo lang als de langste losse opname "
                f"({longest} minuten)",
            )
        for key, value in changes.items():
            row = s.get(PlanningSetting, key)
            if row is None:
                s.add(PlanningSetting(key=key, value=value))
            else:
                row.value = value
        s.flush()
        result = load_settings(s)
        uow.commit()
        log.info("planning settings changed: %s", ", ".join(sorted(changes)) or "none")
        return result
