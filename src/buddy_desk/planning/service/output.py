"""What a booking produces for the outside world: iCalendar files and the confirmation letter."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from buddy_desk.choices.rules import Actor
from buddy_desk.choices.service.consent import (
    PLANNING_OUTPUT,
    disclosed_sides,
    disclosures_in,
    log_disclosures_in,
    withheld_lines,
)
from buddy_desk.core.files import atomic_write
from buddy_desk.core.inspection import AppointmentState
from buddy_desk.core.phases import Organisation
from buddy_desk.dossiers.service import get_dossier
from buddy_desk.i18n import tr
from buddy_desk.models import Case, Dossier, Supervisor
from buddy_desk.models.planning import InspectionExpert
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.formatting import dutch_day
from buddy_desk.planning.ics import IcsEvent, Person, build_ics
from buddy_desk.planning.info import AppointmentInfo
from buddy_desk.planning.letter import ConfirmationLetter, Contact, render_confirmation
from buddy_desk.planning.service.booking import get_appointment

log = logging.getLogger(__name__)

PLANNER = Person("Planning gezamenlijke opname", "planning@buddy-desk.example")


@dataclass(frozen=True)
class AppointmentContext:
    """The appointment with what outputs may show: references, the buddy pair, emails."""

    appointment: AppointmentInfo
    references: tuple[str, ...]
    buddy_pair: tuple[Person, ...]
    expert_emails: dict[int, str | None]
    withheld: tuple[str, ...] = ()  # the consent gate: case numbers not shown, and why


def appointment_context(
    uow: UnitOfWork, appointment_id: int, *, viewer: Actor
) -> AppointmentContext:
    """The appointment's context as ``viewer`` may see it: the other organisation's case
    numbers only with consent for its *zaakgegevens* (logged once per output)."""
    info = get_appointment(uow, appointment_id)
    with uow:
        s = uow.session
        dossier = s.get(Dossier, info.dossier_id)
        assert dossier is not None
        verdict = disclosures_in(uow, viewer.organisation, [info.dossier_id])[info.dossier_id]
        cases = s.execute(
            select(Case.organisation, Case.identificatie)
            .where(Case.dossier_id == info.dossier_id)
            .order_by(Case.organisation, Case.identificatie)
        ).all()
        present = {org: any(o is org for o, _ in cases) for org in Organisation}
        references = tuple(ident for org, ident in cases if verdict.of(org).case_details)
        hidden = [org for org in Organisation if present[org] and not verdict.of(org).case_details]
        withheld = tuple(withheld_lines(verdict, hidden)) if hidden else ()
        if log_disclosures_in(uow, viewer, disclosed_sides(verdict, present), PLANNING_OUTPUT):
            uow.commit()
        pair: list[Person] = []
        for sup_id in (dossier.img_supervisor_id, dossier.ncg_supervisor_id):
            sup = s.get(Supervisor, sup_id) if sup_id else None
            if sup is not None:
                pair.append(Person(f"{sup.naam} ({sup.organisation.value})", sup.email, False))
        emails = {
            e.id: e.email
            for e in s.scalars(
                select(InspectionExpert).where(
                    InspectionExpert.id.in_([v.expert_id for v in info.visits])
                )
            )
        }
        return AppointmentContext(info, references, tuple(pair), emails, withheld)


def _hhmm(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%H:%M")


def ics_event(ctx: AppointmentContext) -> IcsEvent:
    a = ctx.appointment
    reference = ", ".join(ctx.references) or f"dossier {a.dossier_id}"
    parts = [
        f"{_hhmm(v.start)}–{_hhmm(v.end)} {tr(f'planning.kind_short.{v.kind.value}')}: "
        f"{v.expert_name} ({v.organisation.value})"
        for v in a.visits
    ]
    description = "\n".join(
        [
            f"{tr(f'planning.form.{a.form.value}').capitalize()} — {reference}",
            *parts,
            *ctx.withheld,
            "Gegevens van de bewoner staan in het dossier (Buddy Desk).",
        ]
    )
    if a.state is AppointmentState.CANCELLED and a.cancel_reason:
        description += "\nGeannuleerd."
    attendees = [
        Person(f"{v.expert_name} ({v.organisation.value})", ctx.expert_emails.get(v.expert_id))
        for v in a.visits
    ]
    return IcsEvent(
        uid=a.uid,
        sequence=a.sequence,
        start=a.start,
        end=a.end,
        summary=f"Opname {reference} ({tr(f'planning.form.{a.form.value}')})",
        location=f"{a.address_line}, {a.postcode[:4]} {a.postcode[4:]} {a.woonplaats}",
        description=description,
        organizer=PLANNER,
        attendees=(*attendees, *ctx.buddy_pair),
        cancelled=a.state is AppointmentState.CANCELLED,
    )


def appointment_ics(uow: UnitOfWork, appointment_id: int, *, viewer: Actor) -> str:
    """The appointment as an iCalendar file: a request, or a cancellation once cancelled."""
    return build_ics(ics_event(appointment_context(uow, appointment_id, viewer=viewer)))


def write_ics(uow: UnitOfWork, appointment_id: int, out: Path, *, viewer: Actor) -> Path:
    text = appointment_ics(uow, appointment_id, viewer=viewer)
    return atomic_write(out, text)


def ics_filename(info: AppointmentInfo) -> str:
    day: date = info.start.astimezone(AMSTERDAM).date()
    suffix = "-geannuleerd" if info.state is AppointmentState.CANCELLED else ""
    return f"opname-{info.dossier_id}-{day:%Y%m%d}-{info.id}{suffix}.ics"


def _window_name(naam: str, aanhef: str | None) -> str:
    a = (aanhef or "").strip().lower()
    if a in {"de heer", "heer", "dhr.", "dhr"}:
        return f"De heer {naam}"
    if a in {"mevrouw", "mevr.", "mw.", "mw"}:
        return f"Mevrouw {naam}"
    return naam


def _salutation(naam: str, aanhef: str | None) -> str:
    a = (aanhef or "").strip().lower()
    surname = " ".join(p for p in naam.split() if not p.endswith("."))
    surname = surname[:1].upper() + surname[1:]
    if a in {"de heer", "heer", "dhr.", "dhr"}:
        return f"Geachte heer {surname},"
    if a in {"mevrouw", "mevr.", "mw.", "mw"}:
        return f"Geachte mevrouw {surname},"
    return "Geachte bewoner,"


def confirmation_letter(
    uow: UnitOfWork, appointment_id: int, *, viewer: Actor, today: date | None = None
) -> ConfirmationLetter:
    ctx = appointment_context(uow, appointment_id, viewer=viewer)
    detail = get_dossier(uow, ctx.appointment.dossier_id)
    residents = [r for r in detail.residents if r.naam.strip()][:2]
    contacts = tuple(
        Contact(role, sup.naam, sup.telefoon)
        for role, sup in (
            ("zaakbegeleider (IMG)", detail.img_supervisor),
            ("bewonersbegeleider (NCG)", detail.ncg_supervisor),
        )
        if sup is not None
    )
    moves = [c for c in ctx.appointment.changes if c.action == "moved" and c.old_start]
    previous = None
    if moves and moves[-1].old_start is not None:
        old = moves[-1].old_start.astimezone(AMSTERDAM)
        previous = f"{dutch_day(old.date())} om {old:%H:%M} uur"
    return ConfirmationLetter(
        appointment=ctx.appointment,
        recipient_names=tuple(_window_name(r.naam, r.aanhef) for r in residents)
        or ("De bewoner(s) van",),
        salutation=_salutation(residents[0].naam, residents[0].aanhef)
        if residents
        else "Geachte bewoner,",
        references=ctx.references + ctx.withheld,
        contacts=contacts,
        today=today or datetime.now(AMSTERDAM).date(),
        previous_start=previous,
    )


def write_letter(uow: UnitOfWork, appointment_id: int, out: Path, *, viewer: Actor) -> Path:
    """The confirmation (or cancellation) letter as a PDF, written atomically."""
    data = render_confirmation(confirmation_letter(uow, appointment_id, viewer=viewer))
    return atomic_write(out, data)


def export_appointments(
    uow: UnitOfWork, appointment_ids: Sequence[int], folder: Path, *, viewer: Actor
) -> list[Path]:
    """Write the confirmation letter (PDF) and the calendar file (.ics) of each appointment,
    showing the other organisation's details only as far as ``viewer`` may see them."""
    written: list[Path] = []
    for appointment_id in appointment_ids:
        info = get_appointment(uow.fresh(), appointment_id)
        stem = ics_filename(info).removesuffix(".ics")
        written.append(
            write_ics(uow.fresh(), appointment_id, folder / f"{stem}.ics", viewer=viewer)
        )
        written.append(
            write_letter(uow.fresh(), appointment_id, folder / f"{stem}-brief.pdf", viewer=viewer)
        )
    log.info("wrote %d planning file(s)", len(written))
    return written
