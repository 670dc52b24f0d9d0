"""The integrated damage-and-strengthening summary letter as structured content (pure).

``summary_letter(detail, choices, today, templates)`` decides *what* the letter says; the
renderer decides how it looks. Every text comes from the coordinator's template blocks
(``resources/letters/nl``); this module only picks blocks and fills in the facts. Missing
data never breaks a letter: the letter says what is not known yet and ``unknown`` lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime

from buddy_desk.choices.rules import NOT_DECIDED, DecidedChoices
from buddy_desk.core.collaboration import (
    CollaborationGroup,
    collaboration_group,
    img_can_prioritise,
)
from buddy_desk.core.formatting import AMSTERDAM as AMSTERDAM  # its home; imported from here too
from buddy_desk.core.formatting import dutch_date, euro, postcode_line, surname_part
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.summaries import CaseInfo, DossierDetail, ResidentInfo, SupervisorInfo
from buddy_desk.documents.templates import IMG_DECIDED_STATE, Templates
from buddy_desk.i18n import plural_key
from buddy_desk.planning.rules import CHOICE_FORMS, FORM_NAMES

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MAX_REPORT_ROWS = 6
WITHHELD = "afgeschermd"  # a process state: it exists, its details are not in this letter
MAX_WINDOW_NAMES = 2
# IMG states in which IMG has decided on the damage: an amount is then the decided amount.
_DECIDED_STATES = frozenset({IMG_DECIDED_STATE, "uitvoering", "afgerond"})
# IMG states in which an assessed amount can exist (from Zienswijze on: the damage report).
_ASSESSED_STATES = frozenset({"zienswijze", "beschikking", *_DECIDED_STATES})


@dataclass(frozen=True, slots=True)
class ChoiceLine:
    """One recorded choice or consent of the resident, as the letter shows it."""

    datum: date
    onderwerp: str
    keuze: str
    via: str | None = None


@dataclass(frozen=True, slots=True)
class JointAppointment:
    """A booked joint inspection (one visit day; 'within two days' has two)."""

    start: datetime
    end: datetime
    form: InspectionForm


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    subheading: bool = False


@dataclass(frozen=True, slots=True)
class Facts:
    """Label/value rows (a two-column list)."""

    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative column widths


Element = Paragraph | Facts | Table


@dataclass(frozen=True, slots=True)
class Section:
    key: str  # stable id: kort, schade, versterking, samen, geld, keuzes, contact
    heading: str
    elements: tuple[Element, ...]


@dataclass(frozen=True, slots=True)
class Contact:
    organisation: Organisation
    role: str  # zaakbegeleider | bewonersbegeleider
    naam: str | None
    telefoon: str | None
    email: str | None
    missing_text: str  # shown when naam is None
    signature_fallback: str  # the organisation that signs when no buddy is assigned


@dataclass(frozen=True, slots=True)
class SummaryLetter:
    dossier_id: int
    kenmerk: str
    datum: date
    datum_text: str
    onderwerp: str
    recipient_lines: tuple[str, ...]  # for the envelope window
    salutation: str
    intro: tuple[str, ...]
    sections: tuple[Section, ...]
    closing: tuple[str, ...]
    groet: str
    contacts: tuple[Contact, Contact]  # IMG, NCG
    glossary_title: str
    glossary: tuple[tuple[str, str], ...]
    references: tuple[tuple[str, str], ...]  # (label, value) for the reference column
    unknown: tuple[str, ...]  # what the letter had to say is not known yet
    # the choice logs' running digest when the letter was made (see choices.anchors)
    log_digest: str | None = None

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def plain_text(self) -> str:
        """All the letter's words in reading order (tests, search, glossary matching)."""
        parts: list[str] = [*self.recipient_lines, self.onderwerp, self.salutation, *self.intro]
        for section in self.sections:
            parts.append(section.heading)
            for element in section.elements:
                parts.extend(_element_texts(element))
        parts.extend(self.closing)
        for contact in self.contacts:
            parts += [contact.role, contact.naam or contact.missing_text]
        return "\n".join(parts)


def _element_texts(element: Element) -> list[str]:
    if isinstance(element, Paragraph):
        return [element.text]
    if isinstance(element, Facts):
        return [f"{label}: {value}" for label, value in element.rows]
    return [" | ".join(element.header)] + [" | ".join(row) for row in element.rows]


def kenmerk_for(dossier_id: int, today: date) -> str:
    """Our reference: dossier id and date, so a returned letter finds its dossier."""
    return f"BD-{dossier_id:06d}-{today:%Y%m%d}"


def _img_phase(case: CaseInfo | None) -> ImgPhase | None:
    try:
        return ImgPhase(case.status) if case is not None else None
    except ValueError:
        return None


def _ncg_status(case: CaseInfo | None) -> NcgStatus | None:
    try:
        return NcgStatus.parse(case.status) if case is not None else None
    except ValueError:
        return None


def _window_name(resident: ResidentInfo) -> str:
    aanhef = (resident.aanhef or "").strip().lower()
    if aanhef in {"de heer", "heer", "dhr.", "dhr"}:
        return f"De heer {resident.naam}"
    if aanhef in {"mevrouw", "mevr.", "mw.", "mw"}:
        return f"Mevrouw {resident.naam}"
    return resident.naam


def _salutation_name(resident: ResidentInfo) -> str:
    aanhef = (resident.aanhef or "").strip().lower()
    title = (
        "heer"
        if aanhef in {"de heer", "heer", "dhr.", "dhr"}
        else "mevrouw"
        if aanhef in {"mevrouw", "mevr.", "mw.", "mw"}
        else None
    )
    surname = surname_part(resident.naam)
    if title and surname:
        return f"{title} {surname}"
    if title:
        return f"{title} {resident.naam}"
    return resident.naam


_PLURAL_TITLES = {"heer": "heren", "mevrouw": "dames"}


def _salutations(residents: list[ResidentInfo]) -> list[str]:
    """One salutation per person; two with the same title and surname share one.

    "heer Dekker" and "heer Dekker" (father and son) become "heren Dekker".
    """
    counts: dict[str, int] = {}
    for r in residents:
        counts[_salutation_name(r)] = counts.get(_salutation_name(r), 0) + 1
    out: list[str] = []
    for name, count in counts.items():
        title, _, rest = name.partition(" ")
        if count > 1 and title in _PLURAL_TITLES and rest:
            name = f"{_PLURAL_TITLES[title]} {rest}"
        out.append(name)
    return out


class _Builder:
    def __init__(
        self,
        detail: DossierDetail,
        choices: tuple[ChoiceLine, ...] | None,
        today: date,
        t: Templates,
        withheld: Mapping[Organisation, str],
        decided: DecidedChoices = NOT_DECIDED,
        joint: tuple[JointAppointment, ...] = (),
    ) -> None:
        self.d = detail
        # the consent gate's plain statement per organisation whose data is (partly) not in
        # this letter; a withheld case is never described as "none"
        self.withheld = withheld
        self.choices = choices
        self.decided = decided
        self.joint = tuple(sorted(joint, key=lambda a: a.start))
        self.t = t
        self.today = today
        self.kenmerk = kenmerk_for(detail.id, today)
        self.glob: dict[str, object] = {
            "adres": detail.address_line,
            "postcode": detail.postcode_text,
            "woonplaats": detail.woonplaats,
            "datum": dutch_date(today),
            "kenmerk": self.kenmerk,
        }
        self.unknown: list[str] = []
        self.img_case = detail.current_img_case
        self.ncg_case = detail.ncg_case
        self.img_phase = _img_phase(self.img_case)
        self.ncg_status = _ncg_status(self.ncg_case)
        self.group: CollaborationGroup | None = detail.group or collaboration_group(
            self.ncg_status, self.img_phase
        )
        self.flags = frozenset(f.kind for f in detail.flags)

    def text(self, key: str, **values: object) -> str:
        return self.t.text(key, **self.glob, **values)

    def paras(self, key: str, **values: object) -> list[Paragraph]:
        return [Paragraph(p) for p in self.t.paragraphs(key, **self.glob, **values)]

    def since(self, case: CaseInfo) -> str:
        day = case.status_date or (case.history[-1].datum if case.history else None)
        return dutch_date(day) if day else self.text("label.onbekend")

    # --- recipient -----------------------------------------------------------------------
    def recipient(self) -> tuple[tuple[str, ...], str]:
        named = [r for r in self.d.residents if r.naam.strip()]
        address = [self.d.address_line, postcode_line(self.d.postcode, self.d.woonplaats)]
        if not named:
            self.unknown.append("naam bewoner")
            return (self.text("adres.zonder_naam"), *address), self.text("aanhef.zonder_naam")
        # Two residents can share a name ("J. Dekker" twice, or "heer Dekker" for father and
        # son): each line and each salutation is written once.
        by_window: dict[str, ResidentInfo] = {}
        for r in named:
            by_window.setdefault(_window_name(r), r)
        names = list(by_window)[:MAX_WINDOW_NAMES]
        if len(by_window) > MAX_WINDOW_NAMES:
            names[-1] += " e.a."
        greeted = list(by_window.values())[:MAX_WINDOW_NAMES]
        salutation = ", geachte ".join(_salutations(greeted))
        return (*names, *address), self.text("aanhef.naam", naam=salutation)

    # --- sections ------------------------------------------------------------------------
    def img_state(self) -> str:
        if self.img_case is None:
            return WITHHELD if Organisation.IMG in self.withheld else "geen"
        if self.img_phase is None:
            self.unknown.append("fase schade (IMG)")
            return "onbekend"
        if self.img_phase is ImgPhase.BESCHIKKING and self.img_case.besluitdatum is not None:
            return IMG_DECIDED_STATE
        return self.img_phase.name.lower()

    def ncg_state(self) -> str:
        if self.ncg_case is None:
            return WITHHELD if Organisation.NCG in self.withheld else "geen"
        if self.ncg_status is None:
            self.unknown.append("status versterking (NCG)")
            return "onbekend"
        return self.ncg_status.name.lower()

    def summary(self, img_state: str, ncg_state: str) -> Section:
        values: dict[str, object] = {"zaaknummer": "", "sinds": ""}
        parts = [
            self.withheld[org] + "."
            if state == WITHHELD
            else self.text(f"kort.{org.value.lower()}.{state}", **values)
            for org, state in ((Organisation.IMG, img_state), (Organisation.NCG, ncg_state))
        ]
        if FlagKind.AOS in self.flags:
            parts.insert(0, self.text("samen.aos"))
        text = " ".join(parts)
        return Section("kort", self.text("kort.titel"), (Paragraph(text),))

    def amount(self, case: CaseInfo, state: str) -> str:
        """The amount as the phase tells it: decided once IMG decided, else advised."""
        values = {"zaaknummer": case.identificatie}
        if Organisation.IMG in self.withheld and case.schadebedrag is None:
            return self.withheld[Organisation.IMG]  # not unknown: not consented
        decided = state in _DECIDED_STATES
        if decided and case.schadebedrag is not None and case.besluitdatum is not None:
            return self.text(
                "schade.bedrag.besluit",
                bedrag=euro(case.schadebedrag),
                besluitdatum=dutch_date(case.besluitdatum),
                **values,
            )
        advised = next(
            (r.bedrag for r in reversed(case.reports) if r.bedrag is not None),
            case.schadebedrag,
        )
        if decided and state != IMG_DECIDED_STATE and advised is not None:
            return self.text(
                "schade.bedrag.vastgesteld", bedrag=euro(advised), besluitdatum="", **values
            )
        if not decided and advised is not None:
            return self.text(
                "schade.bedrag.advies", bedrag=euro(advised), besluitdatum="", **values
            )
        self.unknown.append("schadebedrag")
        return self.text("schade.bedrag.onbekend")

    def damage(self, state: str) -> Section:
        heading = self.text("schade.titel")
        case = self.img_case
        if case is None and state == WITHHELD:
            return Section("schade", heading, (Paragraph(self.withheld[Organisation.IMG] + "."),))
        if case is None:
            return Section("schade", heading, tuple(self.paras("schade.geen")))
        values: dict[str, object] = {"zaaknummer": case.identificatie, "sinds": self.since(case)}
        rows = [
            (self.text("label.zaak"), self.text(f"schade.fase.{state}", **values)),
            (self.text("label.sinds"), str(values["sinds"])),
        ]
        if state in _ASSESSED_STATES:
            rows.append((self.text("label.bedrag"), self.amount(case, state)))
        rows += [
            (self.text("label.volgende"), self.next_step("schade", state, values)),
            (self.text("label.wanneer"), self.when("schade", state, values)),
        ]
        elements: list[Element] = [Facts(tuple(rows))]
        reports = sorted(
            ((r, c.identificatie) for c in self.d.img_cases for r in c.reports),
            key=lambda rc: rc[0].datum,
            reverse=True,
        )
        if reports:
            shown = reports[:MAX_REPORT_ROWS]
            table_rows = tuple(
                (
                    dutch_date(r.datum),
                    self._report_kind(r.kind),
                    zaak,
                    euro(r.bedrag) if r.bedrag is not None else "–",
                )
                for r, zaak in shown
            )
            elements.append(Paragraph(self.text("schade.meldingen.titel"), subheading=True))
            elements.append(
                Table(
                    (
                        self.text("label.datum"),
                        self.text("label.wat"),
                        self.text("label.zaaknummer"),
                        self.text("label.bedrag"),
                    ),
                    table_rows,
                    (1.2, 1.4, 1.3, 1.0),
                )
            )
            if (more := len(reports) - len(shown)) > 0:
                key = plural_key("schade.meldingen.meer_een", "schade.meldingen.meer", more)
                elements.append(Paragraph(self.text(key, aantal=more)))
        if Organisation.IMG in self.withheld:  # some categories not consented: say so
            elements.append(Paragraph(self.withheld[Organisation.IMG] + "."))
        return Section("schade", heading, tuple(elements))

    # the inspection still to come in each process: a booked joint one is named instead of
    # "neemt contact met u op"
    INSPECTION_STATES = frozenset({"schade.voorbereiding", "schade.opname", "versterking.s2_1"})

    def next_step(self, process: str, state: str, values: dict[str, object]) -> str:
        # only where the next step is making the appointment that is now booked
        if self.joint and f"{process}.{state}" in {"schade.voorbereiding", "versterking.s2_1"}:
            return self.text("besluit.volgende.gepland")
        return self.text(f"{process}.volgende.{state}", **values)

    def when(self, process: str, state: str, values: dict[str, object]) -> str:
        if self.joint and f"{process}.{state}" in self.INSPECTION_STATES:
            return self.text("besluit.wanneer.gepland", wanneer=self.joint_when())
        return self.text(f"{process}.wanneer.{state}", **values)

    def joint_when(self) -> str:
        parts = []
        for a in self.joint:
            start = a.start.astimezone(AMSTERDAM)
            parts.append(
                f"{WEEKDAYS[start.weekday()]} {dutch_date(start.date())} om {start:%H:%M} uur"
            )
        return " en ".join(parts)

    def decided_together(self) -> list[Paragraph] | None:
        """The group's paragraph when the resident already answered its offer, else None."""
        d = self.decided
        if self.group is CollaborationGroup.B:
            if self.joint:
                vorm = FORM_NAMES[self.joint[0].form]
                return self.paras("besluit.opname.gepland", vorm=vorm, wanneer=self.joint_when())
            if d.joint_declined:
                return self.paras("besluit.opname.geen")
            if d.joint_chosen and d.joint_inspection is not None:
                vorm = FORM_NAMES[CHOICE_FORMS[d.joint_inspection.value]]
                return self.paras("besluit.opname.gekozen", vorm=vorm)
        if self.group is CollaborationGroup.E and d.repair_in_strengthening is not None:
            if not d.repair_in_strengthening:
                return self.paras("besluit.herstel.nee")
            key = "besluit.herstel.ja_vergoeding" if d.payment_for_repair else "besluit.herstel.ja"
            return self.paras(key)
        return None

    def _report_kind(self, kind: str) -> str:
        key = f"rapport.{kind}"
        return self.text(key) if key in self.t.blocks else self.text("rapport.anders")

    def strengthening(self, state: str) -> Section:
        heading = self.text("versterking.titel")
        case = self.ncg_case
        if case is None and state == WITHHELD:
            text = self.withheld[Organisation.NCG] + "."
            return Section("versterking", heading, (Paragraph(text),))
        if case is None:
            return Section("versterking", heading, tuple(self.paras("versterking.geen")))
        values: dict[str, object] = {"zaaknummer": case.identificatie, "sinds": self.since(case)}
        if case.advies is not None:
            advice = self.text(f"versterking.advies.{case.advies.value}")
        elif Organisation.NCG in self.withheld:
            advice = self.withheld[Organisation.NCG]  # not unknown: not consented
        else:
            advice = self.text("versterking.advies.onbekend")
            if self.ncg_status is not None and self.ncg_status.order > NcgStatus.S3_1.order:
                self.unknown.append("versterkingsadvies")
        rows = (
            (self.text("label.zaak"), self.text(f"versterking.fase.{state}", **values)),
            (self.text("label.sinds"), str(values["sinds"])),
            (self.text("label.advies"), advice),
            (self.text("label.volgende"), self.next_step("versterking", state, values)),
            (self.text("label.wanneer"), self.when("versterking", state, values)),
        )
        if Organisation.NCG in self.withheld:  # some categories not consented: say so
            text = self.withheld[Organisation.NCG] + "."
            return Section("versterking", heading, (Facts(rows), Paragraph(text)))
        return Section("versterking", heading, (Facts(rows),))

    def together(self) -> Section:
        paras: list[Paragraph] = []
        if FlagKind.AOS in self.flags:
            paras += self.paras("samen.aos")
        if any(f.needs_intervention_team for f in self.flags):
            paras += self.paras("samen.interventieteam")
        img_running = self.img_phase is not None and self.img_phase.is_running
        ncg_running = self.ncg_status is not None and self.ncg_status.is_running
        decided = self.decided_together()
        if decided is not None:
            paras += decided
        elif self.group is not None:
            group_paras = self.paras(f"samen.groep.{self.group.value}")
            if img_can_prioritise(self.group, self.img_phase):
                # one paragraph: the priority is part of the group's story
                last = group_paras[-1]
                extra = self.text("samen.groep.E.voorrang")
                group_paras[-1] = replace(last, text=f"{last.text} {extra}")
            paras += group_paras
        elif self.withheld and (self.img_case is None or self.ncg_case is None):
            # which group it is depends on the side that is not shown
            paras += [Paragraph(text + ".") for text in self.withheld.values()]
        elif img_running and not ncg_running:
            paras += self.paras("samen.alleen_img")
        elif ncg_running and not img_running:
            paras += self.paras("samen.alleen_ncg")
        else:
            paras += self.paras("samen.niets_lopend")
        paras += self.paras("samen.altijd")
        return Section("samen", self.text("samen.titel"), tuple(paras))

    def money(self) -> Section:
        # Only what the sources say: for group E a paid amount can be brought into the
        # strengthening by the resident (IMG is no party to that); no general promises.
        paras = self.paras("geld.uitleg")
        if self.group is CollaborationGroup.E:
            paras += self.paras("geld.inbrengen")
        paras += self.paras("geld.vragen")
        return Section("geld", self.text("geld.titel"), tuple(paras))

    def recorded_choices(self) -> Section:
        heading = self.text("keuzes.titel")
        if not self.choices:
            return Section("keuzes", heading, tuple(self.paras("keuzes.geen")))
        rows = tuple(
            (dutch_date(c.datum), c.onderwerp, c.keuze, c.via or "–")
            for c in sorted(self.choices, key=lambda c: c.datum)
        )
        table = Table(
            (
                self.text("label.datum"),
                self.text("label.onderwerp"),
                self.text("label.keuze"),
                self.text("label.via"),
            ),
            rows,
            # the date and "Keukentafelgesprek" on one line; subject and choice wrap
            (0.88, 0.84, 1.02, 0.9),
        )
        return Section("keuzes", heading, (*self.paras("keuzes.uitleg"), table))

    def contact(self, sup: SupervisorInfo | None, org: Organisation) -> Contact:
        role = "zaakbegeleider" if org is Organisation.IMG else "bewonersbegeleider"
        suffix = org.value.lower()
        missing = self.text(f"contact.geen_{suffix}")
        fallback = self.text(f"ondertekening.geen_{suffix}")
        if sup is None:
            self.unknown.append(role)
            return Contact(org, role, None, None, None, missing, fallback)
        return Contact(org, role, sup.naam, sup.telefoon, sup.email, missing, fallback)

    def build(self) -> SummaryLetter:
        recipient, salutation = self.recipient()
        img_state, ncg_state = self.img_state(), self.ncg_state()
        complete = self.d.img_supervisor is not None and self.d.ncg_supervisor is not None
        contact_key = "contact.uitleg" if complete else "contact.uitleg.onvolledig"
        sections = (
            self.summary(img_state, ncg_state),
            self.damage(img_state),
            self.strengthening(ncg_state),
            self.together(),
            self.money(),
            self.recorded_choices(),
            Section("contact", self.text("contact.titel"), tuple(self.paras(contact_key))),
        )
        contacts = (
            self.contact(self.d.img_supervisor, Organisation.IMG),
            self.contact(self.d.ncg_supervisor, Organisation.NCG),
        )
        references = [(self.text("label.kenmerk"), self.kenmerk)]
        if self.img_case is not None:
            references.append(("Zaaknummer IMG", self.img_case.identificatie))
        if self.ncg_case is not None:
            references.append(("Zaaknummer NCG", self.ncg_case.identificatie))
        references.append((self.text("label.uw_datum"), dutch_date(self.today)))
        letter = SummaryLetter(
            dossier_id=self.d.id,
            kenmerk=self.kenmerk,
            datum=self.today,
            datum_text=dutch_date(self.today),
            onderwerp=self.text("onderwerp"),
            recipient_lines=recipient,
            salutation=salutation,
            intro=tuple(self.t.paragraphs("inleiding", **self.glob)),
            sections=sections,
            closing=tuple(self.t.paragraphs("afsluiting", **self.glob)),
            groet=self.text("groet"),
            contacts=contacts,
            glossary_title=self.text("bijlage.woorden.titel"),
            glossary=(),
            references=tuple(references),
            unknown=tuple(dict.fromkeys(self.unknown)),
        )
        words = letter.plain_text().lower()
        glossary = tuple(
            (term, explanation) for term, explanation in self.t.glossary() if term.lower() in words
        )
        return replace(letter, glossary=glossary)


def summary_letter(
    detail: DossierDetail,
    choices: tuple[ChoiceLine, ...] | None,
    today: date,
    templates: Templates,
    withheld: Mapping[Organisation, str] | None = None,
    *,
    decided: DecidedChoices = NOT_DECIDED,
    joint: tuple[JointAppointment, ...] = (),
) -> SummaryLetter:
    """The letter's content for one dossier. ``choices`` None or empty: none recorded yet.

    ``withheld``: the consent gate's statement per organisation whose data is not shown;
    ``decided``: what the resident decided (the choice log), so the letter states it instead
    of offering it; ``joint``: the booked joint inspection, named instead of "neemt contact
    met u op"."""
    return _Builder(detail, choices, today, templates, withheld or {}, decided, joint).build()
