"""The summary letter's content as ReportLab flowables, and as PDF (one or many letters)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from buddy_desk.core.formatting import check_code
from buddy_desk.core.phases import Organisation
from buddy_desk.documents.layout import LetterFrame, PdfMeta, render_pdf, senders_from_templates
from buddy_desk.documents.style import (
    FONT,
    GEOMETRY,
    IMG_COLOR,
    NCG_COLOR,
    RULE,
    STYLE,
    TINT,
    TINT_HEADER,
    register_fonts,
)
from buddy_desk.documents.templates import Templates, load_templates
from buddy_desk.i18n import in_language, tr
from buddy_desk.letters.content import Contact, Element, Facts, Section, SummaryLetter, Table
from buddy_desk.letters.content import Paragraph as TextParagraph

W = GEOMETRY.body_width


def _table_style(commands: list[tuple[object, ...]]) -> TableStyle:
    # Tables set a default font for empty cells; without ours, an unembedded Helvetica
    # would be referenced on every page.
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


class _SharedParagraph(Paragraph):  # type: ignore[misc]  # ReportLab is untyped
    """A parsed paragraph whose copies share its line breaks per width.

    Breaking lines is a pure function of the parsed fragments and the widths; a letter's
    recurring paragraphs meet the same widths in every letter, so they are broken once per
    process. Copies share ``_broken`` (a shallow copy keeps the same dict).
    """

    _broken: dict[tuple[float, ...], tuple[Any, dict[str, Any]]]
    # what ReportLab's breakLines sets on the paragraph besides returning the lines
    _STATE = ("frags", "height", "_width_max", "_splitLongWordCount", "_hyphenations")

    def breakLines(self, width: Any) -> Any:  # noqa: N802 - ReportLab's name
        broken = self.__dict__.get("_broken")
        if broken is None:  # a part made by splitting across pages: not shared
            return super().breakLines(width)
        key = tuple(width) if isinstance(width, list | tuple) else (width,)
        found = broken.get(key)
        if found is None:
            lines = super().breakLines(width)
            state = {name: getattr(self, name) for name in self._STATE if hasattr(self, name)}
            broken[key] = (lines, state)
            return lines
        lines, state = found
        self.__dict__.update(state)
        return lines


_PARSED: dict[tuple[str, str], Paragraph] = {}
_PARSED_MAX = 4096


def _p(text: str, style: ParagraphStyle = STYLE.body) -> Paragraph:
    """A paragraph of plain text (escaped).

    Most of a letter's paragraphs (labels, headings, template texts) recur in every letter of
    a run; parsing dominates ReportLab's cost, so parsed paragraphs are kept and copied
    (a shallow copy shares the parsed fragments, which layout only reads).
    """
    key = (text, style.name)
    cached = _PARSED.get(key)
    if cached is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        cached = _PARSED[key] = _SharedParagraph(escape(text), style)
        cached._broken = {}
    return copy.copy(cached)


def _cell(text: str, style: ParagraphStyle, width: float) -> Flowable | str:
    """A table cell: a plain string when it fits on one line (much cheaper), else a paragraph.

    Plain strings take the table's font commands, which ``_font_commands`` sets to the same
    style, so both kinds look alike.
    """
    if "\n" not in text and stringWidth(text, style.fontName, style.fontSize) <= width:
        return text
    return _p(text, style)


def _font_commands(
    style: ParagraphStyle, first: tuple[int, int], last: tuple[int, int]
) -> list[tuple[object, ...]]:
    return [
        ("FONTNAME", first, last, style.fontName),
        ("FONTSIZE", first, last, style.fontSize),
        ("LEADING", first, last, style.leading),
        ("TEXTCOLOR", first, last, style.textColor),
    ]


def _facts(facts: Facts, accent: object | None) -> RLTable:
    label_w, value_w = 32 * mm, W - 32 * mm
    rows = [
        [_cell(label, STYLE.label, label_w - 2), _cell(value, STYLE.cell, value_w - 8)]
        for label, value in facts.rows
    ]
    table = RLTable(rows, colWidths=[label_w, value_w], hAlign="LEFT")
    style = [
        *_font_commands(STYLE.label, (0, 0), (0, -1)),
        *_font_commands(STYLE.cell, (1, 0), (1, -1)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (1, 0), (1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.8),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, RULE),
    ]
    if accent is not None:
        style.append(("LINEABOVE", (0, 0), (-1, 0), 1.2, accent))
    table.setStyle(_table_style(style))
    return table


def _table(table: Table) -> RLTable:
    total = sum(table.widths)
    widths = [W * w / total for w in table.widths]
    rows: list[list[Flowable | str]] = [
        [_cell(h, STYLE.cell_header, w - 9) for h, w in zip(table.header, widths, strict=True)]
    ]
    rows += [
        [_cell(cell, STYLE.cell, w - 9) for cell, w in zip(row, widths, strict=True)]
        for row in table.rows
    ]
    t = RLTable(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    t.setStyle(
        _table_style(
            [
                *_font_commands(STYLE.cell_header, (0, 0), (-1, 0)),
                *_font_commands(STYLE.cell, (0, 1), (-1, -1)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), TINT_HEADER),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2.4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE),
            ]
        )
    )
    return t


def _element(element: Element, accent: object | None) -> list[Flowable]:
    # Headings never keep-with-next a whole table (that would push it to the next page
    # and leave a hole); a conditional break keeps a heading off the bottom line instead.
    if isinstance(element, TextParagraph):
        if element.subheading:
            return [CondPageBreak(28 * mm), _p(element.text, STYLE.subheading)]
        return [_p(element.text, STYLE.body)]
    if isinstance(element, Facts):
        return [_facts(element, accent)]
    return [_table(element)]


def _summary_box(section: Section) -> RLTable:
    inner: list[Flowable] = [_p(section.heading, STYLE.box_heading)]
    inner += [f for e in section.elements for f in _element(e, None)]
    box = RLTable([[inner]], colWidths=[W], hAlign="LEFT")
    box.setStyle(
        _table_style(
            [
                ("BACKGROUND", (0, 0), (-1, -1), TINT),
                ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ("RIGHTPADDING", (0, 0), (-1, -1), 10),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LINEBEFORE", (0, 0), (0, -1), 2.2, IMG_COLOR),
            ]
        )
    )
    return box


def _section(section: Section) -> list[Flowable]:
    accent = {"schade": IMG_COLOR, "versterking": NCG_COLOR}.get(section.key)
    heading_style = {"schade": STYLE.heading_img, "versterking": STYLE.heading_ncg}.get(
        section.key, STYLE.heading
    )
    flow: list[Flowable] = [CondPageBreak(38 * mm), _p(section.heading, heading_style)]
    for element in section.elements:
        flow += _element(element, accent)
    return flow


def _signature_cell(contact: Contact) -> list[Flowable]:
    """Who signs, and how to reach them: the contact card and the signature in one."""
    org = "IMG" if contact.organisation is Organisation.IMG else "NCG"
    if contact.naam is None:
        return [
            _p(f"Namens het {contact.signature_fallback}", STYLE.cell_bold),
            _p(contact.missing_text, STYLE.cell),
        ]
    cell: list[Flowable] = [
        _p(contact.naam, STYLE.signature_name),
        _p(f"{contact.role.capitalize()} {org}", STYLE.cell),
    ]
    if contact.telefoon:
        cell.append(_p(f"Telefoon {contact.telefoon}", STYLE.cell))
    if contact.email:
        cell.append(_p(f"E-mail {contact.email}", STYLE.cell))
    return cell


def _signatures(letter: SummaryLetter) -> RLTable:
    cells = [_signature_cell(contact) for contact in letter.contacts]
    t = RLTable([cells], colWidths=[W / 2, W / 2], hAlign="LEFT")
    t.setStyle(
        _table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 7),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                ("LINEBEFORE", (0, 0), (0, 0), 2.2, IMG_COLOR),
                ("LINEBEFORE", (1, 0), (1, 0), 2.2, NCG_COLOR),
            ]
        )
    )
    return t


def _closing(letter: SummaryLetter) -> Flowable:
    # Greeting, room to sign and both signatures never part; a short closing paragraph
    # goes with them so the signatures do not stand alone on a page.
    kept: list[Flowable] = [_p(text) for text in letter.closing[-1:]]
    kept += [_p(letter.groet), Spacer(1, 8 * mm), _signatures(letter)]
    return KeepTogether(kept)


def _glossary(letter: SummaryLetter) -> list[Flowable]:
    # A run-in list at full width: the explanations are short, so columns would mostly
    # add half-empty lines. A short appendix moves to the next page whole.
    if not letter.glossary:
        return []
    kept: list[Flowable] = [_p(letter.glossary_title, STYLE.glossary_heading)]
    kept += [
        Paragraph(f"<b>{escape(term)}</b>: {escape(text)}", STYLE.glossary)
        for term, text in letter.glossary
    ]
    return [KeepTogether(kept)]


def letter_flowables(letter: SummaryLetter) -> list[Flowable]:
    register_fonts()
    flow: list[Flowable] = [
        _p(letter.onderwerp, STYLE.title),
        _p(letter.salutation),
        *[_p(text) for text in letter.intro],
    ]
    for section in letter.sections:
        if section.key == "kort":
            flow += [Spacer(1, 1 * mm), _summary_box(section), Spacer(1, 1 * mm)]
        else:
            flow += _section(section)
    flow += [_p(text) for text in letter.closing[:-1]]
    flow.append(_closing(letter))
    flow += _glossary(letter)
    return flow


def _log_check(letter: SummaryLetter) -> tuple[tuple[str, str], ...]:
    """The choice logs' check code for the reference column: short, then in full."""
    if not letter.log_digest:
        return ()
    with in_language("nl"):  # the letter is Dutch, whatever language the UI speaks
        label = tr("store.check_code_label")
    digest = letter.log_digest
    full = "\n".join(digest[i : i + 16] for i in range(0, len(digest), 16))
    return ((label, f"{check_code(digest)}\n{full}"),)


def letter_frame(letter: SummaryLetter, templates: Templates) -> LetterFrame:
    return LetterFrame(
        recipient_lines=letter.recipient_lines,
        return_address=templates.text("retouradres"),
        senders=senders_from_templates(templates),
        references=letter.references + _log_check(letter),
        footer_text=f"{templates.text('label.kenmerk')} {letter.kenmerk}",
        page_label=templates.blocks["label.pagina"].paragraphs[0],
    )


def letter_meta(letter: SummaryLetter) -> PdfMeta:
    return PdfMeta(
        title=letter.onderwerp,
        subject=f"Samenvattingsbrief schade (IMG) en versterking (NCG), kenmerk {letter.kenmerk}",
        keywords="IMG, NCG, schade, versterking, samenvatting",
    )


def combined_meta(count: int) -> PdfMeta:
    """The metadata of a combined PDF of ``count`` letters for the printer."""
    return PdfMeta(
        title=f"Samenvattingsbrieven ({count})",
        subject="Samenvattingsbrieven schade (IMG) en versterking (NCG)",
    )


def render_letter(letter: SummaryLetter, templates: Templates | None = None) -> bytes:
    """One letter as PDF bytes."""
    t = templates or load_templates()
    frame = letter_frame(letter, t)
    return render_pdf([(frame, letter_flowables(letter))], letter_meta(letter)).data


def render_combined(
    letters: Sequence[SummaryLetter],
    out: BinaryIO,
    templates: Templates | None = None,
    on_letter: Callable[[], None] | None = None,
    meta: PdfMeta | None = None,
) -> int:
    """Many letters in one PDF for the printer; each has its own page numbering. → pages.

    ``meta`` defaults to ``combined_meta(len(letters))``; a part of a larger run rendered on
    a process pool passes the whole run's.
    """
    t = templates or load_templates()
    return render_pdf(
        ((letter_frame(letter, t), letter_flowables(letter)) for letter in letters),
        meta or combined_meta(len(letters)),
        out,
        on_letter,
    ).pages
