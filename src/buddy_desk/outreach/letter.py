"""The proactive letter: "meld uw schade, u hoeft niet te wachten" (PDF).

Same frame and house style as the summary letter (``documents.layout``/``documents.style``):
both letterheads, the resident's address in the envelope window, kenmerk and page numbers.
Every sentence below is traceable to a passage of the source documents; docs/letters.md,
"De brief van de proactieve aanpak", lists sentence → seed file → passage. Change a sentence
only together with that table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from buddy_desk.core.formatting import dutch_date, postcode_line, surname_part
from buddy_desk.core.phases import NcgStatus
from buddy_desk.documents.layout import (
    LetterFrame,
    PdfMeta,
    Rendered,
    render_pdf,
    senders_from_templates,
)
from buddy_desk.documents.style import GEOMETRY, NCG_COLOR, RULE, STYLE, TINT, register_fonts
from buddy_desk.documents.templates import Templates, load_templates
from buddy_desk.outreach.rules import OutreachPhase

W = GEOMETRY.body_width

SUBJECT = "Heeft u schade? U hoeft niet te wachten met melden"

# seed 003: "op ruim 17.000 adressen [is] nog geen schademelding gedaan, terwijl de adressen
# wel in het versterkingsbestand zitten"
WHY_YOU = (
    "Uw adres staat in het bestand van de Nationaal Coördinator Groningen (NCG) voor de "
    "versterking. Bij het Instituut Mijnbouwschade Groningen (IMG) is voor dit adres nog geen "
    "schademelding gedaan."
)
# seed 000: 37% "wachten met het melden van schade totdat er duidelijkheid is rondom het
# versterkingstraject"; "proactief geadviseerd worden deze direct te melden en mee te nemen".
# Whether the damage can then be taken along depends on the NCG status: the phase paragraphs
# below say it only where a passage does (not for 1.2, building or finished).
NO_NEED_TO_WAIT = (
    "Veel bewoners wachten met het melden van schade tot er duidelijkheid is over de "
    "versterking. Dat hoeft niet. Heeft u schade door de gaswinning? Dan raden IMG en NCG u aan "
    "die nu al te melden."
)
# seed 002: "wijst de NCG bewoners actief op de mogelijkheid een schadevergoedingsverzoek bij
# het IMG in te dienen als bij een opname geconstateerd wordt dat er ook sprake is van
# niet-constructieve schade. Mocht deze schade geconstateerd worden dan vindt versneld een
# schade-opname door het IMG plaats."
DAMAGE_SEEN = (
    "Bij een opname van NCG is op uw adres schade gezien die geen gevolgen heeft voor de "
    "constructie van uw huis. Daarvoor kunt u een schadevergoedingsverzoek indienen bij IMG. "
    "Wordt deze schade vastgesteld, dan doet IMG versneld een schade-opname."
)
# seed 000, group B: "kan een gezamenlijke opname gepland worden (mits de bewoner daarmee
# instemt en tijdslijnen niet te ver uiteenlopen)"
INSPECTION_AHEAD = (
    "NCG moet bij u nog een opname plannen. Meldt u uw schade nu, dan is misschien een "
    "gezamenlijke opname van IMG en NCG mogelijk: als u daarmee instemt en als de planning van "
    "IMG en NCG niet te ver uit elkaar ligt."
)
# seed 000, group D: "moet nog vastgesteld worden of er sprake is van noodzaak tot versterking
# [...] Indien er sprake is van een noodzaak tot versterking, dan kan samenwerking plaatsvinden
# t.b.v. een integrale oplossing"; seed 001, Planvorming: "Indien bewoner dit wenst wordt
# schadeherstel meegenomen."
ASSESSMENT = (
    "NCG beoordeelt nog of uw huis versterkt moet worden. Moet uw huis versterkt worden, dan "
    "kan het herstel van uw schade bij de versterking worden meegenomen, als u dat wenst."
)
# seed 000, group E: "worden de exacte maatregelen, o.a. in afstemming met de bewoner, nog
# bepaald. Hier kan het schadeherstel ook in meegenomen worden."; seed 001 (Planvorming)
PLANNING = (
    "NCG werkt de maatregelen voor de versterking van uw huis uit. Het herstel van uw schade kan "
    "daarin worden meegenomen, als u dat wenst."
)
# seed 004: "De keuze van de bewoner is [...] leidend."
YOUR_CHOICE = "U beslist zelf of u schade meldt. Uw keuze is daarbij leidend."
# seed 002: "een schadevergoedingsverzoek bij het IMG in te dienen"; the letterhead holds IMG's
# addresses (resources/letters/nl/briefhoofd.txt)
HOW = (
    "U meldt uw schade bij het Instituut Mijnbouwschade Groningen (IMG). De adressen van IMG "
    "staan bovenaan deze brief."
)


@dataclass(frozen=True, slots=True)
class Resident:
    aanhef: str | None  # "De heer", "Mevrouw" or None
    naam: str  # "J. de Vries"


@dataclass(frozen=True, slots=True)
class OutreachLetter:
    dossier_id: int
    residents: tuple[Resident, ...]
    address_line: str  # "Dorpsstraat 12a"
    postcode: str
    woonplaats: str
    ncg_status: NcgStatus
    phase: OutreachPhase
    ncg_reference: str | None  # the NCG address id
    bewonersbegeleider: str | None
    bewonersbegeleider_telefoon: str | None
    today: date

    @property
    def kenmerk(self) -> str:
        return f"BD-PA-{self.dossier_id:06d}-{self.today:%Y%m%d}"


def _title(aanhef: str | None) -> str | None:
    a = (aanhef or "").strip().lower()
    if a in {"de heer", "heer", "dhr.", "dhr"}:
        return "heer"
    if a in {"mevrouw", "mevr.", "mw.", "mw"}:
        return "mevrouw"
    return None


def window_names(residents: tuple[Resident, ...]) -> tuple[str, ...]:
    """The names in the envelope window (each person once), or 'De bewoners van' none known."""
    names: list[str] = []
    for r in residents:
        title = _title(r.aanhef)
        name = f"{'De heer' if title == 'heer' else 'Mevrouw'} {r.naam}" if title else r.naam
        if name not in names:
            names.append(name)
    return tuple(names) or ("De bewoners van",)


def salutation(residents: tuple[Resident, ...]) -> str:
    """'Geachte heer Jansen en mevrouw De Vries,' — each name once, however often it occurs."""
    parts: list[str] = []
    for r in residents:
        title = _title(r.aanhef)
        surname = surname_part(r.naam) or r.naam
        part = f"{title} {surname}" if title else r.naam
        if part not in parts:
            parts.append(part)
    if not parts:
        return "Geachte bewoner,"
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    return f"Geachte {joined},"


def phase_texts(letter: OutreachLetter) -> tuple[str, ...]:
    """What this address's situation means, each only where its source passage applies."""
    found = []
    if letter.phase is OutreachPhase.DAMAGE_SEEN:
        found.append(DAMAGE_SEEN)
    if letter.ncg_status is NcgStatus.S2_1:
        found.append(INSPECTION_AHEAD)
    elif letter.ncg_status is NcgStatus.S3_1:
        found.append(ASSESSMENT)
    elif letter.ncg_status in (NcgStatus.S4_1, NcgStatus.S4_2):
        found.append(PLANNING)
    return tuple(found)


def questions_text(letter: OutreachLetter) -> str:
    if letter.bewonersbegeleider:
        phone = (
            f", telefoon {letter.bewonersbegeleider_telefoon}"
            if letter.bewonersbegeleider_telefoon
            else ""
        )
        return (
            f"Heeft u vragen over deze brief? Neem dan contact op met "
            f"{letter.bewonersbegeleider}, uw bewonersbegeleider van NCG{phone}."
        )
    return (
        "Heeft u vragen over deze brief? Neem dan contact op met NCG. De adressen van NCG "
        "staan bovenaan deze brief."
    )


def _p(text: str, style: object = STYLE.body) -> Paragraph:
    return Paragraph(escape(text), style)


def _callout(text: str) -> Table:
    table = Table([[_p(text, STYLE.cell)]], colWidths=[W], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
                ("LINEBEFORE", (0, 0), (0, -1), 2.2, NCG_COLOR),
                ("LINEBELOW", (0, -1), (-1, -1), 0.4, RULE),
            ]
        )
    )
    return table


def body(letter: OutreachLetter) -> list[Flowable]:
    flow: list[Flowable] = [
        _p(SUBJECT, STYLE.title),
        Spacer(1, 4 * mm),
        _p(salutation(letter.residents)),
        _p(WHY_YOU),
        _p(NO_NEED_TO_WAIT),
    ]
    specific = phase_texts(letter)
    if specific:
        flow.append(_p("Wat betekent dit voor u?", STYLE.heading))
        for text in specific:
            flow += [KeepTogether([_callout(text)]), Spacer(1, 2 * mm)]
    flow += [
        _p("Hoe meldt u schade?", STYLE.heading),
        _p(HOW),
        _p(YOUR_CHOICE),
        _p("Vragen?", STYLE.heading),
        _p(questions_text(letter)),
        KeepTogether(
            [
                _p("Met vriendelijke groet,"),
                Spacer(1, 3 * mm),
                Paragraph("Instituut Mijnbouwschade Groningen", STYLE.signature_name),
                Paragraph("Nationaal Coördinator Groningen", STYLE.signature_name),
            ]
        ),
    ]
    return flow


def frame(letter: OutreachLetter, templates: Templates) -> LetterFrame:
    references = [("Ons kenmerk", letter.kenmerk)]
    if letter.ncg_reference:
        references.append(("NCG-adres", letter.ncg_reference))
    references.append(("Datum", dutch_date(letter.today)))
    return LetterFrame(
        recipient_lines=(
            *window_names(letter.residents),
            letter.address_line,
            postcode_line(letter.postcode, letter.woonplaats),
        ),
        return_address=templates.text("retouradres"),
        senders=senders_from_templates(templates),
        references=tuple(references),
        footer_text=f"Ons kenmerk {letter.kenmerk}",
        page_label=templates.blocks["label.pagina"].paragraphs[0],
    )


def render_letters(
    letters: Sequence[OutreachLetter],
    out: BinaryIO | None = None,
    on_letter: Callable[[], None] | None = None,
) -> Rendered:
    """One PDF holding the letters (one letter: a single-letter PDF)."""
    register_fonts()  # before any Paragraph is parsed
    templates = load_templates()
    meta = PdfMeta(
        title=SUBJECT if len(letters) == 1 else f"{SUBJECT} ({len(letters)} brieven)",
        subject="Proactieve aanpak: schade melden",
        keywords="proactieve aanpak, schademelding",
    )
    return render_pdf(
        [(frame(letter, templates), body(letter)) for letter in letters],
        meta,
        out,
        on_letter,
    )
