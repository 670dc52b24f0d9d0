"""What the resident sees at the kitchen table (pure: no database, no Qt).

Every sentence comes from the letter's text blocks (``resources/letters/nl``, written from the
sources in ``shared/seeds``) or from the ``kitchen.*`` texts; this module only picks them. It is
built from a dossier *as the consent gate returned it*: what the gate withholds never reaches
this module, and a process whose details are withheld is shown only as "there is a process".
Nothing internal enters: no notes, signals, flags other than the resident's own safety, user
names, case numbers of the other organisation, or other residents.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.formatting import dutch_date
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import AdviceOutcome, FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.summaries import CaseInfo, DossierDetail, SupervisorInfo
from buddy_desk.documents.templates import Templates
from buddy_desk.i18n import tr

# choice types as the choice log names them (choices.rules.ChoiceType values); kept as text so
# this module needs nothing from the choices feature
DATA_SHARING = "toestemming_gegevens"
JOINT_INSPECTION = "gezamenlijke_opname"
REPAIR_IN_STRENGTHENING = "herstel_in_versterking"
PAYMENT_FOR_REPAIR = "vergoeding_voor_herstel"
STRENGTHEN_OR_REBUILD = "versterken_of_nieuwbouw"
JOINT_EVEN_IF_SLOWER = "samen_ook_als_trager"
FIRST_CONTACT = "eerste_aanspreekpunt"


class StepState(StrEnum):
    DONE = "done"
    CURRENT = "current"
    FUTURE = "future"


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    state: StepState


@dataclass(frozen=True, slots=True)
class Track:
    """One process as a simple track: where you are now, what comes next, and when."""

    organisation: Organisation
    title: str
    steps: tuple[Step, ...]  # empty when there is no process or its details are withheld
    now: str
    next: str | None
    when: str | None
    since: str | None
    withheld: bool = False


@dataclass(frozen=True, slots=True)
class ChoiceFact:
    """A recorded choice, as the choices service hands it over (plain text already)."""

    choice_type: str
    subject: str
    answer: str
    made_on: date
    channel: str
    withdrawn: bool = False


@dataclass(frozen=True, slots=True)
class AppointmentFact:
    start: datetime  # local time
    end: datetime
    form: InspectionForm
    booked: bool


@dataclass(frozen=True, slots=True)
class OpenChoice:
    choice_type: str
    subject: str


@dataclass(frozen=True, slots=True)
class AppointmentLine:
    when: str
    what: str


@dataclass(frozen=True, slots=True)
class ContactCard:
    organisation: Organisation
    role: str
    name: str | None
    phone: str | None
    email: str | None
    missing: str  # what the card says when no buddy is assigned


@dataclass(frozen=True, slots=True)
class KitchenContent:
    dossier_id: int
    address_line: str
    place_line: str
    heading: str
    intro: str
    safety: str | None  # an acute unsafe situation: said first
    tracks: tuple[Track, Track]  # IMG, NCG
    together_title: str
    together: tuple[str, ...]
    choices_made: tuple[ChoiceFact, ...]
    choices_open: tuple[OpenChoice, ...]
    appointments: tuple[AppointmentLine, ...]
    contacts_title: str
    contacts_intro: str
    contacts: tuple[ContactCard, ContactCard]
    glossary: tuple[tuple[str, str], ...]
    withheld: tuple[Organisation, ...]

    def plain_text(self) -> str:
        """Every word on the screen, in reading order (tests, the handout's fallback)."""
        parts = [self.heading, self.address_line, self.place_line, self.intro]
        if self.safety:
            parts.append(self.safety)
        for track in self.tracks:
            parts += [track.title, *(s.label for s in track.steps), track.now]
            parts += [t for t in (track.since, track.next, track.when) if t]
        parts += [self.together_title, *self.together]
        parts += [f"{c.subject}: {c.answer}" for c in self.choices_made]
        parts += [c.subject for c in self.choices_open]
        parts += [f"{a.when} {a.what}" for a in self.appointments]
        for card in self.contacts:
            parts += [card.role, card.name or card.missing]
            parts += [t for t in (card.phone, card.email) if t]
        return "\n".join(parts)


def img_state_key(phase: ImgPhase | None) -> str:
    return phase.name.lower() if phase is not None else "onbekend"


def ncg_state_key(status: NcgStatus | None) -> str:
    return status.name.lower() if status is not None else "onbekend"


def _img_phase(case: CaseInfo) -> ImgPhase | None:
    try:
        return ImgPhase(case.status)
    except ValueError:
        return None


def _ncg_status(case: CaseInfo) -> NcgStatus | None:
    try:
        return NcgStatus.parse(case.status)
    except ValueError:
        return None


def _steps(current: int | None, keys: list[str], prefix: str) -> tuple[Step, ...]:
    steps = []
    for i, key in enumerate(keys):
        if current is None:
            state = StepState.FUTURE
        elif i < current:
            state = StepState.DONE
        elif i == current:
            state = StepState.CURRENT
        else:
            state = StepState.FUTURE
        steps.append(Step(tr(f"{prefix}.{key}"), state))
    return tuple(steps)


def _since(case: CaseInfo) -> str | None:
    day = case.status_date or (case.history[-1].datum if case.history else None)
    return tr("kitchen.since", date=dutch_date(day)) if day else None


def damage_track(detail: DossierDetail, withheld: bool, t: Templates) -> Track:
    title = t.text("schade.titel")
    case = detail.current_img_case
    if withheld:
        return Track(
            Organisation.IMG, title, (), tr("kitchen.withheld.IMG"), None, None, None, True
        )
    if case is None:
        return Track(
            Organisation.IMG, title, (), " ".join(t.paragraphs("schade.geen")), None, None, None
        )
    phase = _img_phase(case)
    key = img_state_key(phase)
    values = {"zaaknummer": case.identificatie, "sinds": ""}
    done = phase is ImgPhase.AFGEROND
    return Track(
        Organisation.IMG,
        title,
        _steps(phase.order if phase else None, [p.name.lower() for p in ImgPhase], "kitchen.img"),
        t.text(f"kort.img.{key}", **values),
        None if done else t.text(f"schade.volgende.{key}", **values),
        None if done else t.text(f"schade.wanneer.{key}", **values),
        _since(case),
    )


def strengthening_track(detail: DossierDetail, withheld: bool, t: Templates) -> Track:
    title = t.text("versterking.titel")
    case = detail.ncg_case
    if withheld:
        return Track(
            Organisation.NCG, title, (), tr("kitchen.withheld.NCG"), None, None, None, True
        )
    if case is None:
        return Track(
            Organisation.NCG,
            title,
            (),
            " ".join(t.paragraphs("versterking.geen")),
            None,
            None,
            None,
        )
    status = _ncg_status(case)
    key = ncg_state_key(status)
    values = {"zaaknummer": case.identificatie, "sinds": ""}
    done = status is NcgStatus.S6
    return Track(
        Organisation.NCG,
        title,
        _steps(
            status.order if status else None, [s.name.lower() for s in NcgStatus], "kitchen.ncg"
        ),
        t.text(f"kort.ncg.{key}", **values),
        None if done else t.text(f"versterking.volgende.{key}", **values),
        None if done else t.text(f"versterking.wanneer.{key}", **values),
        _since(case),
    )


def together(detail: DossierDetail, withheld: bool, t: Templates) -> tuple[str, ...]:
    """What IMG and NCG do together. With a process withheld, nothing that tells its stage:
    the group text describes both processes, so only the always-true closing is shown."""
    paras: list[str] = []
    flags = {f.kind for f in detail.flags}
    if FlagKind.AOS in flags:
        paras += t.paragraphs("samen.aos")
    if any(k.needs_intervention_team for k in flags):
        paras += t.paragraphs("samen.interventieteam")
    if withheld:
        paras.append(tr("kitchen.together.withheld"))
    else:
        img = detail.current_img_case
        ncg = detail.ncg_case
        img_running = img is not None and img.running
        ncg_running = ncg is not None and ncg.running
        if detail.group is not None:
            paras += t.paragraphs(f"samen.groep.{detail.group.value}")
        elif img_running and not ncg_running:
            paras += t.paragraphs("samen.alleen_img")
        elif ncg_running and not img_running:
            paras += t.paragraphs("samen.alleen_ncg")
        else:
            paras += t.paragraphs("samen.niets_lopend")
    paras += t.paragraphs("samen.altijd")
    return tuple(paras)


def relevant_choices(detail: DossierDetail, withheld: bool) -> tuple[str, ...]:
    """The choices that matter for this dossier now, in the order a buddy would ask them."""
    both = withheld or (bool(detail.img_cases) and detail.ncg_case is not None)
    wanted: list[str] = []
    if both:
        wanted += [DATA_SHARING, FIRST_CONTACT]
    if detail.group is CollaborationGroup.B:
        wanted.append(JOINT_INSPECTION)
    if detail.group is CollaborationGroup.E:
        wanted += [REPAIR_IN_STRENGTHENING, PAYMENT_FOR_REPAIR]
    advice = detail.ncg_case.advies if detail.ncg_case is not None else None
    if advice in {AdviceOutcome.MEASURES, AdviceOutcome.DEMOLITION_NEW_BUILD}:
        wanted.append(STRENGTHEN_OR_REBUILD)
    if detail.group in {CollaborationGroup.B, CollaborationGroup.E}:
        wanted.append(JOINT_EVEN_IF_SLOWER)
    return tuple(wanted)


def open_choices(
    detail: DossierDetail, withheld: bool, made: tuple[ChoiceFact, ...]
) -> tuple[OpenChoice, ...]:
    settled = {c.choice_type for c in made if not c.withdrawn}
    return tuple(
        OpenChoice(choice, tr(f"choices.type.{choice}"))
        for choice in relevant_choices(detail, withheld)
        if choice not in settled
    )


def appointment_lines(
    appointments: tuple[AppointmentFact, ...], today: date
) -> tuple[AppointmentLine, ...]:
    """Booked appointments from today on, soonest first (cancelled ones are not the resident's
    plan any more; the buddies' own view keeps their history)."""
    lines = []
    for a in sorted(appointments, key=lambda a: a.start):
        if not a.booked or a.start.date() < today:
            continue
        when = tr(
            "kitchen.appointment.when",
            day=dutch_date(a.start.date()),
            start=f"{a.start:%H:%M}",
            end=f"{a.end:%H:%M}",
        )
        lines.append(AppointmentLine(when, tr(f"kitchen.appointment.form.{a.form.value}")))
    return tuple(lines)


def contact_card(sup: SupervisorInfo | None, org: Organisation, t: Templates) -> ContactCard:
    role = tr("role.zaakbegeleider" if org is Organisation.IMG else "role.bewonersbegeleider")
    missing = t.text(f"contact.geen_{org.value.lower()}")
    if sup is None:
        return ContactCard(org, role, None, None, None, missing)
    return ContactCard(org, role, sup.naam, sup.telefoon, sup.email, missing)


def kitchen_content(
    detail: DossierDetail,
    withheld: frozenset[Organisation],
    choices: tuple[ChoiceFact, ...],
    appointments: tuple[AppointmentFact, ...],
    today: date,
    t: Templates,
) -> KitchenContent:
    """The resident's picture of one dossier, from the dossier as the consent gate gave it."""
    img_withheld = Organisation.IMG in withheld
    ncg_withheld = Organisation.NCG in withheld
    any_withheld = img_withheld or ncg_withheld
    flags = {f.kind for f in detail.flags}
    glossary = tuple(t.glossary())
    return KitchenContent(
        dossier_id=detail.id,
        address_line=detail.address_line,
        place_line=f"{detail.postcode_text}  {detail.woonplaats}",
        heading=tr("kitchen.heading"),
        intro=tr("kitchen.intro"),
        safety=" ".join(t.paragraphs("samen.aos")) if FlagKind.AOS in flags else None,
        tracks=(
            damage_track(detail, img_withheld, t),
            strengthening_track(detail, ncg_withheld, t),
        ),
        together_title=t.text("samen.titel"),
        together=together(detail, any_withheld, t),
        choices_made=tuple(sorted(choices, key=lambda c: c.made_on)),
        choices_open=open_choices(detail, any_withheld, choices),
        appointments=appointment_lines(appointments, today),
        contacts_title=t.text("contact.titel"),
        contacts_intro=" ".join(t.paragraphs("contact.uitleg")),
        contacts=(
            contact_card(detail.img_supervisor, Organisation.IMG, t),
            contact_card(detail.ncg_supervisor, Organisation.NCG, t),
        ),
        glossary=glossary,
        withheld=tuple(o for o in Organisation if o in withheld),
    )
