"""The letter frame IMG and NCG share, for any letter: build a PDF from flowables.

Page 1 has both letterheads, the sender column (both organisations' visit and postal
addresses, kenmerk, zaaknummers, date), the resident's address in the envelope window and
fold marks; later pages a small header. Every page gets "pagina X van Y" per letter, also when
many letters go into one combined PDF for the printer. Reuse it for another letter type::

    from buddy_desk.documents.layout import LetterFrame, Sender, render_pdf
    frame = LetterFrame(recipient_lines=(...), references=(("Ons kenmerk", "…"),), ...)
    pdf_bytes = render_pdf([(frame, [Paragraph(..., STYLE.body), ...])], meta)

``senders_from_templates()`` gives the two organisations' blocks from the coordinator's
templates (``resources/letters/nl/briefhoofd.txt``).
"""

from __future__ import annotations

import bisect
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)

from buddy_desk.documents.style import (
    FONT,
    FONT_BOLD,
    FONT_SEMIBOLD,
    GEOMETRY,
    IMG_COLOR,
    INK,
    MUTED,
    NCG_COLOR,
    RULE,
    register_fonts,
)
from buddy_desk.documents.templates import Templates, load_templates

G = GEOMETRY
PAGE_W, PAGE_H = A4


@dataclass(frozen=True, slots=True)
class Sender:
    short: str  # "IMG"
    name: str  # "Instituut Mijnbouwschade Groningen"
    address_lines: tuple[str, ...]  # blank string = small gap
    color: Any  # a reportlab Color


@dataclass(frozen=True, slots=True)
class LetterFrame:
    """Everything around the body of one letter."""

    recipient_lines: tuple[str, ...]
    return_address: str
    senders: tuple[Sender, Sender]
    references: tuple[tuple[str, str], ...]  # (label, value) in the sender column
    footer_text: str  # left of the footer, e.g. "Ons kenmerk BD-000123-20261126"
    page_label: str  # with {pagina} and {paginas}: "pagina {pagina} van {paginas}"


@dataclass(frozen=True, slots=True)
class PdfMeta:
    title: str
    subject: str
    author: str = "Instituut Mijnbouwschade Groningen en Nationaal Coördinator Groningen"
    creator: str = "Buddy Desk"
    lang: str = "nl-NL"
    keywords: str = ""


def senders_from_templates(templates: Templates | None = None) -> tuple[Sender, Sender]:
    t = templates or load_templates()

    def lines(key: str) -> tuple[str, ...]:
        out: list[str] = []
        for paragraph in t.paragraphs(key):
            if out:
                out.append("")
            out.extend(paragraph.split("\n"))
        return tuple(out)

    return (
        Sender("IMG", " ".join(lines("afzender.img.naam")), lines("afzender.img.adres"), IMG_COLOR),
        Sender("NCG", " ".join(lines("afzender.ncg.naam")), lines("afzender.ncg.adres"), NCG_COLOR),
    )


# --- drawing -----------------------------------------------------------------------------------


def _wordmark(c: Canvas, x: float, top: float, sender: Sender, align_right: bool) -> None:
    """A coloured tile with the short name, and the full name beside it."""
    tile = 11.5 * 2.8346  # 11.5 mm
    y = PAGE_H - top - tile
    name_words = sender.name.split(" ")
    half = (len(name_words) + 1) // 2
    name_lines = [" ".join(name_words[:half]), " ".join(name_words[half:])]
    c.setFont(FONT_SEMIBOLD, 8.6)
    text_w = max(c.stringWidth(line, FONT_SEMIBOLD, 8.6) for line in name_lines)
    gap = 2.6 * 2.8346
    tile_x = x - tile - gap - text_w if align_right else x
    c.setFillColor(sender.color)
    c.roundRect(tile_x, y, tile, tile, 1.6, stroke=0, fill=1)
    c.setFillColorRGB(1, 1, 1)
    c.setFont(FONT_BOLD, 9.5)
    c.drawCentredString(tile_x + tile / 2, y + tile / 2 - 3.3, sender.short)
    c.setFillColor(INK)
    c.setFont(FONT_SEMIBOLD, 8.6)
    text_x = tile_x + tile + gap
    c.drawString(text_x, y + tile - 12, name_lines[0])
    c.drawString(text_x, y + tile - 23, name_lines[1])


def _first_page_chrome(c: Canvas, frame: LetterFrame) -> None:
    c.saveState()
    img, ncg = frame.senders
    _wordmark(c, G.left, G.letterhead_top, img, align_right=False)
    _wordmark(c, PAGE_W - G.left + 2 * 2.8346, G.letterhead_top, ncg, align_right=True)
    # A two-colour rule: the pair, side by side.
    rule_y = PAGE_H - 32 * 2.8346
    mid = PAGE_W / 2
    c.setLineWidth(1.4)
    c.setStrokeColor(img.color)
    c.line(G.left, rule_y, mid - 1.5, rule_y)
    c.setStrokeColor(ncg.color)
    c.line(mid + 1.5, rule_y, PAGE_W - G.left + 2 * 2.8346, rule_y)

    # Envelope window: return address in small type, then the recipient.
    x = G.left
    y = PAGE_H - G.window_top - 3.2 * 2.8346
    c.setFillColor(MUTED)
    c.setFont(FONT, 6.6)
    c.drawString(x, y, frame.return_address)
    c.setFillColor(INK)
    c.setFont(FONT, 10)
    y -= 6.2 * 2.8346
    max_w = G.window_width - 4 * 2.8346
    for line in frame.recipient_lines[:6]:
        c.drawString(x, y, _fit(c, line, FONT, 10, max_w))
        y -= 4.6 * 2.8346

    # Sender column: both organisations, then our references.
    x = G.right_column_x
    y = PAGE_H - G.window_top - 3.2 * 2.8346
    width = G.right_column_width
    for sender in frame.senders:
        c.setFillColor(sender.color)
        c.setFont(FONT_BOLD, 7.2)
        for part in _wrap(c, sender.name, FONT_BOLD, 7.2, width):
            c.drawString(x, y, part)
            y -= 9.4
        c.setFillColor(INK)
        for line in sender.address_lines:
            if not line:
                y -= 3.5
                continue
            is_label = line in {"Bezoekadres", "Postadres"}
            c.setFont(FONT_SEMIBOLD if is_label else FONT, 7.2)
            if is_label:
                c.setFillColor(MUTED)
            c.drawString(x, y, _fit(c, line, FONT, 7.2, width))
            c.setFillColor(INK)
            y -= 9.4
        y -= 7
    for label, value in frame.references:
        c.setFillColor(MUTED)
        c.setFont(FONT_SEMIBOLD, 7.2)
        c.drawString(x, y, label)
        y -= 9.4
        c.setFillColor(INK)
        c.setFont(FONT, 7.2)
        for line in value.split("\n"):  # a value may take a few lines (a check code)
            c.drawString(x, y, _fit(c, line, FONT, 7.2, width))
            y -= 9.4
        y -= 3.6
    _fold_marks(c)
    c.restoreState()


def _fold_marks(c: Canvas) -> None:
    c.setStrokeColor(RULE)
    c.setLineWidth(0.5)
    for from_top in G.fold_marks:
        y = PAGE_H - from_top
        c.line(5 * 2.8346, y, 9 * 2.8346, y)


def _later_page_chrome(c: Canvas, frame: LetterFrame) -> None:
    c.saveState()
    img, ncg = frame.senders
    y = PAGE_H - 14 * 2.8346
    size = 3.2 * 2.8346
    c.setFillColor(img.color)
    c.rect(G.left, y, size, size, stroke=0, fill=1)
    c.setFillColor(ncg.color)
    c.rect(G.left + size + 1.5, y, size, size, stroke=0, fill=1)
    c.setFillColor(MUTED)
    c.setFont(FONT, 7.2)
    c.drawString(G.left + 2 * size + 6, y + 1.8, f"{img.short} en {ncg.short}")
    c.drawRightString(G.left + G.body_width, y + 1.8, frame.footer_text)
    c.restoreState()


def _footer(c: Canvas, frame: LetterFrame, page: int, pages: int) -> None:
    c.saveState()
    c.setFillColor(MUTED)
    c.setFont(FONT, 7.2)
    c.drawString(G.left, G.footer_y, frame.footer_text)
    c.drawRightString(
        G.left + G.body_width, G.footer_y, frame.page_label.format(pagina=page, paginas=pages)
    )
    c.restoreState()


def _fit(c: Canvas, text: str, font: str, size: float, width: float) -> str:
    """Shorten a single line with an ellipsis so it never runs out of its box."""
    if c.stringWidth(text, font, size) <= width:
        return text
    while text and c.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _wrap(c: Canvas, text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and c.stringWidth(trial, font, size) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    if current:
        lines.append(current)
    return lines


# --- the canvas that knows which letter a page belongs to ---------------------------------------


class LetterCanvas(Canvas):  # type: ignore[misc]  # ReportLab is untyped
    """Keeps pages until save, so each page can say 'pagina X van Y' of its own letter."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self.letter_starts: list[int] = []  # page index (0-based) where each letter begins
        self.letter_frames: list[LetterFrame] = []

    def begin_letter(self, frame: LetterFrame) -> None:
        self.letter_starts.append(len(self._pages))
        self.letter_frames.append(frame)

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for index, state in enumerate(self._pages):
            self.__dict__.update(state)
            letter = bisect.bisect_right(self.letter_starts, index) - 1
            if letter >= 0:
                start = self.letter_starts[letter]
                end = (
                    self.letter_starts[letter + 1]
                    if letter + 1 < len(self.letter_starts)
                    else total
                )
                frame = self.letter_frames[letter]
                if index > start:
                    _later_page_chrome(self, frame)
                _footer(self, frame, index - start + 1, end - start)
            Canvas.showPage(self)
        Canvas.save(self)


class LetterStart(Flowable):  # type: ignore[misc]  # ReportLab is untyped
    """Zero-size marker at the top of a letter's first page: draws the page-1 chrome."""

    def __init__(self, frame: LetterFrame, on_drawn: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.frame = frame
        self.on_drawn = on_drawn
        self.width = self.height = 0

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return 0, 0

    def drawOn(  # noqa: N802 - ReportLab's name
        self,
        canvas: Canvas,
        x: float,
        y: float,
        _sW: float = 0,  # noqa: N803 - ReportLab passes it by this name
    ) -> None:
        if isinstance(canvas, LetterCanvas):
            canvas.begin_letter(self.frame)
        _first_page_chrome(canvas, self.frame)
        if self.on_drawn is not None:
            self.on_drawn()

    def draw(self) -> None:  # pragma: no cover - drawOn does the work
        pass


def _body_frame(top: float, frame_id: str) -> Frame:
    """The text area from ``top`` down to the footer, full body width, no padding."""
    return Frame(
        G.left,
        G.body_bottom,
        G.body_width,
        PAGE_H - top - G.body_bottom,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id=frame_id,
    )


def _doc(out: BinaryIO, meta: PdfMeta) -> BaseDocTemplate:
    first = _body_frame(G.first_body_top, "first")
    later = _body_frame(G.later_body_top, "later")
    doc = BaseDocTemplate(
        out,
        pagesize=A4,
        title=meta.title,
        author=meta.author,
        subject=meta.subject,
        creator=meta.creator,
        keywords=meta.keywords,
        lang=meta.lang,
        pageCompression=1,
        # Without this, every page references an unembedded Helvetica (ReportLab's default).
        initialFontName=FONT,
        initialFontSize=10,
    )
    doc.addPageTemplates(
        [
            PageTemplate("first", frames=[first], autoNextPageTemplate="later"),
            PageTemplate("later", frames=[later]),
        ]
    )
    return doc


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes  # empty when written to a file
    pages: int


def render_pdf(
    letters: Iterable[tuple[LetterFrame, Sequence[Flowable]]],
    meta: PdfMeta,
    out: BinaryIO | None = None,
    on_letter: Callable[[], None] | None = None,
) -> Rendered:
    """One PDF with one or more letters, each starting on a new page with its own page 1.

    ``on_letter`` is called as each letter starts being drawn (progress and cancel: raise from
    it to stop). Returns the bytes (when ``out`` is None; else they go to ``out``) and the
    number of pages.
    """
    register_fonts()
    target: BinaryIO = out if out is not None else io.BytesIO()
    story: list[Flowable] = []
    for index, (frame, flowables) in enumerate(letters):
        if index:
            story += [NextPageTemplate("first"), PageBreak()]
        story.append(LetterStart(frame, on_letter))
        story.extend(flowables)
    doc = _doc(target, meta)
    doc.build(story, canvasmaker=LetterCanvas)
    pages = int(doc.page)
    if out is None:
        assert isinstance(target, io.BytesIO)
        return Rendered(target.getvalue(), pages)
    return Rendered(b"", pages)
