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
    KeepInFrame,
    KeepTogether,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable
from reportlab.platypus.flowables import _Container, _listWrapOn

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
    """A paragraph of plain text (escaped)."""
    return _shared(escape(text), style)


def _shared(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of ReportLab markup, parsed once per process.

    Most of a letter's paragraphs (labels, headings, template texts, the glossary) recur in
    every letter of a run; parsing dominates ReportLab's cost, so parsed paragraphs are kept
    and copied (a shallow copy shares the parsed fragments, which layout only reads).
    """
    key = (markup, style.name)
    cached = _PARSED.get(key)
    if cached is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        cached = _PARSED[key] = _SharedParagraph(markup, style)
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


class _KeptTable(RLTable):  # type: ignore[misc]  # ReportLab is untyped
    """A table that never leaves fewer than ``min_rows`` body rows on either side of a page.

    A facts list (no header) keeps all its rows together; a long list with a header row
    repeats the header and moves at least two rows along, so no row stands alone.
    """

    def __init__(self, *args: Any, min_rows: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._min_rows = min_rows

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        header = self.repeatRows if isinstance(self.repeatRows, int) else len(self.repeatRows)
        body = len(self._cellvalues) - header
        min_rows = min(self._min_rows, body)
        height = availHeight
        while height > 0:
            parts = super().split(availWidth, height)
            if len(parts) != 2:
                return list(parts)
            first = len(parts[0]._cellvalues) - header
            if first < min_rows:
                return []  # too few rows fit here: the whole table moves on
            if body - first >= min_rows:
                return list(parts)
            height -= parts[0]._rowHeights[-1]  # take one more row along to the next page
        return []


def _facts(facts: Facts, accent: object | None) -> RLTable:
    label_w, value_w = 32 * mm, W - 32 * mm
    rows = [
        [_cell(label, STYLE.label, label_w - 2), _cell(value, STYLE.cell, value_w - 8)]
        for label, value in facts.rows
    ]
    table = _KeptTable(rows, colWidths=[label_w, value_w], hAlign="LEFT", min_rows=len(rows))
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
    t = _KeptTable(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
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
    heading: list[Flowable] = [_p(section.heading, heading_style)]
    elements = list(section.elements)
    if elements and isinstance(elements[0], Facts):  # a facts list never leaves its heading
        heading = [KeepTogether([*heading, *_element(elements.pop(0), accent)])]
    flow: list[Flowable] = [CondPageBreak(38 * mm), *heading]
    for element in elements:
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


def _closing(letter: SummaryLetter) -> list[Flowable]:
    # A short closing paragraph goes with the greeting, the room to sign and both
    # signatures, so the signatures do not stand alone on a page.
    kept: list[Flowable] = [_p(text) for text in letter.closing[-1:]]
    kept += [_p(letter.groet), Spacer(1, 8 * mm), _signatures(letter)]
    return kept


def _glossary(letter: SummaryLetter) -> list[Flowable]:
    # A run-in list at full width: the explanations are short, so columns would mostly
    # add half-empty lines.
    if not letter.glossary:
        return []
    kept: list[Flowable] = [_p(letter.glossary_title, STYLE.glossary_heading)]
    kept += [
        _shared(f"<b>{escape(term)}</b>: {escape(text)}", STYLE.glossary)
        for term, text in letter.glossary
    ]
    return kept


class _LetterEnding(_Container, Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """The end of the letter: the contact section, closing, signatures and the glossary.

    None of it parts, so the glossary never stands alone on a page. When the glossary does
    not quite fit below the signatures it is set a little smaller (down to ``MIN_SCALE``);
    when it still does not fit, the whole ending moves to the next page.
    """

    MIN_SCALE = 0.86

    def __init__(self, body: list[Flowable], glossary: list[Flowable], kept: int) -> None:
        """``kept``: how many of ``body``'s last flowables go with the glossary at least
        (closing paragraph, greeting, room to sign, signatures); what comes before them may
        stay on the page when the rest moves on."""
        self._body = body
        self._glossary = glossary
        self._kept = kept
        self._content: list[Flowable] = [*body, *glossary]

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:  # noqa: N803
        self._content = [*self._body, *self._glossary]
        self.width, self.height = _listWrapOn(self._content, aW, self.canv)
        if self.height > aH and self._glossary:
            body_h = _listWrapOn(self._body, aW, self.canv)[1]
            glossary_h = _listWrapOn(self._glossary, aW, self.canv)[1]
            room = aH - body_h - 1
            if room >= glossary_h * self.MIN_SCALE:
                fitted = KeepInFrame(aW, room, self._glossary, mode="shrink")
                self._content = [*self._body, fitted]
                self.width, self.height = _listWrapOn(self._content, aW, self.canv)
        return self.width, self.height

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803
        frame = getattr(self, "_frame", None)
        if frame is not None and getattr(frame, "_atTop", False):
            # not even a whole page holds it: let the parts flow, the signatures together
            return [KeepTogether(self._body), *self._glossary]
        # leave as much of the lead-in (the contact section) here as fits, a heading never
        # without its first paragraph; the rest moves on together
        for cut in range(len(self._body) - self._kept, 1, -1):
            lead = self._body[:cut]
            if _listWrapOn(lead, aW, self.canv)[1] <= aH:
                rest = _LetterEnding(self._body[cut:], self._glossary, self._kept)
                return [*lead, rest]
        return []  # move on whole

    def drawOn(self, canv: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        _Container.drawOn(self, canv, x, y, _sW=_sW)


def letter_flowables(letter: SummaryLetter) -> list[Flowable]:
    register_fonts()
    flow: list[Flowable] = [
        _p(letter.onderwerp, STYLE.title),
        _p(letter.salutation),
        *[_p(text) for text in letter.intro],
    ]
    ending: list[Flowable] = []
    for section in letter.sections:
        if section.key == "kort":
            flow += [Spacer(1, 1 * mm), _summary_box(section), Spacer(1, 1 * mm)]
        elif section.key == "contact":  # goes with the closing and the signatures
            ending += [f for f in _section(section) if not isinstance(f, CondPageBreak)]
        else:
            flow += _section(section)
    ending += [_p(text) for text in letter.closing[:-1]]
    closing = _closing(letter)
    flow.append(_LetterEnding([*ending, *closing], _glossary(letter), kept=len(closing)))
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
