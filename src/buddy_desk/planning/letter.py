"""The confirmation letter to the resident for an inspection appointment (PDF).

Same frame and house style as the summary letter (``letters.layout`` and ``letters.style``):
both letterheads, the window address, kenmerk and page numbers. The content is short and in
plain Dutch (B1): when, who comes, what each form means, what we ask, whom to call.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from buddy_desk.core.formatting import dutch_date, postcode_line
from buddy_desk.core.inspection import InspectionForm, VisitKind
from buddy_desk.documents.layout import LetterFrame, PdfMeta, render_pdf, senders_from_templates
from buddy_desk.documents.style import GEOMETRY, IMG_COLOR, RULE, STYLE, TINT, register_fonts
from buddy_desk.documents.templates import load_templates
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.formatting import clock, dutch_day
from buddy_desk.planning.info import AppointmentInfo

W = GEOMETRY.body_width

FORM_EXPLAINED = {
    InspectionForm.SIMULTANEOUS: (
        "Twee deskundigen komen tegelijk: één voor de schade (IMG) en één voor de versterking "
        "(NCG). Zo heeft u deze fase in één keer achter de rug."
    ),
    InspectionForm.SEQUENTIAL: (
        "Twee deskundigen komen op dezelfde dag, na elkaar. Er is dus steeds één deskundige "
        "tegelijk bij u in huis."
    ),
    InspectionForm.COMBINED: (
        "Eén deskundige bekijkt zowel de schade als de versterking. U krijgt dus maar één "
        "deskundige over de vloer."
    ),
    InspectionForm.CLOSE: (
        "De deskundigen van IMG en NCG komen op twee verschillende dagen, kort na elkaar "
        "(binnen twee dagen)."
    ),
    InspectionForm.SEPARATE: "De deskundige komt de opname doen.",
}

KIND_TEXT = {
    VisitKind.DAMAGE: "schade-opname (IMG)",
    VisitKind.STRENGTHENING: "opname voor de versterking (NCG)",
    VisitKind.COMBINED: "opname voor schade en versterking",
}

QUESTIONS = "Past de afspraak niet, of heeft u vragen?"
QUESTIONS_CANCELLED = "Heeft u vragen?"

ASK = (
    "Wilt u zorgen dat de deskundigen overal in huis kunnen kijken, ook op zolder, in de "
    "kelder of kruipruimte en in bijgebouwen? Heeft u foto's of papieren over de schade of "
    "over eerdere verbouwingen, legt u die dan klaar."
)


@dataclass(frozen=True)
class Contact:
    role: str  # "zaakbegeleider (IMG)"
    name: str
    telefoon: str | None


@dataclass(frozen=True)
class ConfirmationLetter:
    appointment: AppointmentInfo
    recipient_names: tuple[str, ...]  # for the window, e.g. "De heer J. Jansen"
    salutation: str  # "Geachte heer Jansen,"
    references: tuple[str, ...]  # zaaknummers
    contacts: tuple[Contact, ...]
    today: date
    previous_start: str | None = None  # "dinsdag 1 december 2026 om 10:00" after a move

    @property
    def kenmerk(self) -> str:
        return f"BD-OP-{self.appointment.id:06d}-{self.appointment.sequence}"


def _p(text: str, style: object = STYLE.body) -> Paragraph:
    return Paragraph(escape(text), style)


def _facts(rows: list[tuple[str, str]]) -> Table:
    cells = [[_p(label, STYLE.label), _p(value, STYLE.cell)] for label, value in rows]
    table = Table(cells, colWidths=[34 * mm, W - 34 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
                ("LINEBEFORE", (0, 0), (0, -1), 2.2, IMG_COLOR),
            ]
        )
    )
    return table


def content(letter: ConfirmationLetter) -> tuple[str, list[Flowable]]:
    """The subject and the body flowables."""
    a = letter.appointment
    cancelled = a.state.value == "cancelled"
    start, end = a.start.astimezone(AMSTERDAM), a.end.astimezone(AMSTERDAM)
    if cancelled:
        subject = "Uw afspraak voor de opname gaat niet door"
    elif letter.previous_start:
        subject = "Nieuwe datum voor uw opname"
    else:
        subject = "Bevestiging van uw afspraak voor de opname"
    flow: list[Flowable] = [_p(subject, STYLE.title), Spacer(1, 4 * mm), _p(letter.salutation)]
    when = f"{dutch_day(start.date())} van {clock(a.start)} tot {clock(a.end)} uur"
    if cancelled:
        flow.append(
            _p(
                f"De afspraak voor de opname op {when} gaat niet door. Wij nemen contact met u "
                "op om een nieuwe afspraak te maken. U hoeft zelf niets te doen."
            )
        )
    else:
        intro = (
            f"Wij hebben de afspraak verzet. De afspraak van {letter.previous_start} vervalt. "
            if letter.previous_start
            else "Met deze brief bevestigen wij de afspraak die wij met u hebben gemaakt. "
        )
        flow.append(_p(intro + FORM_EXPLAINED[a.form]))
        rows = [
            ("Datum", dutch_day(start.date())),
            ("Tijd", f"{clock(a.start)} tot ongeveer {clock(a.end)} uur"),
            ("Adres", f"{a.address_line}, {a.postcode[:4]} {a.postcode[4:]} {a.woonplaats}"),
        ]
        for v in a.visits:
            rows.append(
                (
                    f"{clock(v.start)}–{clock(v.end)}",
                    f"{KIND_TEXT[v.kind][:1].upper()}{KIND_TEXT[v.kind][1:]}: {v.expert_name}",
                )
            )
        flow += [Spacer(1, 2 * mm), _facts(rows), Spacer(1, 4 * mm)]
        flow += [_p("Wat vragen wij van u?", STYLE.heading), _p(ASK)]
        if end.date() != start.date():
            flow.append(_p("Let op: de twee bezoeken zijn op verschillende dagen."))
    # A cancelled appointment has nothing left to fit: only questions remain.
    flow.append(_p(QUESTIONS_CANCELLED if cancelled else QUESTIONS, STYLE.heading))
    who = "; ".join(
        f"{c.name}, uw {c.role}" + (f", telefoon {c.telefoon}" if c.telefoon else "")
        for c in letter.contacts
    )
    flow.append(
        _p(
            (
                "Neem dan contact op met "
                if cancelled
                else "Neem dan zo snel mogelijk contact op met "
            )
            + (who if who else "ons via het telefoonnummer bovenaan deze brief")
            + "."
        )
    )
    names = [Paragraph(escape(c.name), STYLE.signature_name) for c in letter.contacts]
    flow.append(KeepTogether([_p("Met vriendelijke groet,"), Spacer(1, 3 * mm), *names]))
    return subject, flow


def render_confirmation(letter: ConfirmationLetter) -> bytes:
    register_fonts()  # before any Paragraph is parsed
    templates = load_templates()
    subject, flow = content(letter)
    a = letter.appointment
    frame = LetterFrame(
        recipient_lines=(
            *letter.recipient_names,
            a.address_line,
            postcode_line(a.postcode, a.woonplaats),
        ),
        return_address=templates.text("retouradres"),
        senders=senders_from_templates(templates),
        references=(
            ("Ons kenmerk", letter.kenmerk),
            *(("Zaaknummer", r) for r in letter.references),
            ("Datum", dutch_date(letter.today)),
        ),
        footer_text=f"Ons kenmerk {letter.kenmerk}",
        page_label=templates.blocks["label.pagina"].paragraphs[0],
    )
    meta = PdfMeta(title=subject, subject=f"Opname, kenmerk {letter.kenmerk}", keywords="opname")
    return render_pdf([(frame, flow)], meta).data
