"""The shared letter house style: embedded fonts, colours, paragraph styles, page geometry.

Any letter Buddy Desk sends (the summary letter, an inspection confirmation, …) uses these,
so all letters look like they come from the same two organisations::

    from buddy_desk.documents.style import STYLE, register_fonts
    register_fonts()
    story = [Paragraph("Uw afspraak", STYLE.heading), Paragraph(text, STYLE.body)]

Fonts: Open Sans (Apache 2.0) from ``resources/fonts/open-sans``, embedded as subsets that
are made once per process (``documents/fonts.py``).
Registration happens once per process; styles are module constants (cheap to reuse in runs).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics

from buddy_desk.documents.fonts import SharedSubsetFont
from buddy_desk.resources import resource

FONT = "OpenSans"
FONT_BOLD = "OpenSans-Bold"
FONT_SEMIBOLD = "OpenSans-Semibold"
FONT_ITALIC = "OpenSans-Italic"
FONT_BOLD_ITALIC = "OpenSans-BoldItalic"
_FONT_FILES = {
    FONT: "OpenSans-Regular.ttf",
    FONT_BOLD: "OpenSans-Bold.ttf",
    FONT_SEMIBOLD: "OpenSans-Semibold.ttf",
    FONT_ITALIC: "OpenSans-Italic.ttf",
    FONT_BOLD_ITALIC: "OpenSans-BoldItalic.ttf",
}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the letter fonts with ReportLab (idempotent, thread-safe)."""
    global _registered
    with _lock:
        if _registered:
            return
        folder = resource("fonts", "open-sans")
        for name, file in _FONT_FILES.items():
            pdfmetrics.registerFont(SharedSubsetFont(name, str(folder / file)))
        pdfmetrics.registerFontFamily(
            FONT, normal=FONT, bold=FONT_BOLD, italic=FONT_ITALIC, boldItalic=FONT_BOLD_ITALIC
        )
        pdfmetrics.registerFontFamily(
            FONT_SEMIBOLD,
            normal=FONT_SEMIBOLD,
            bold=FONT_BOLD,
            italic=FONT_ITALIC,
            boldItalic=FONT_BOLD_ITALIC,
        )
        _registered = True


# Colours: one per organisation (used in pairs, never alone), ink and quiet greys.
IMG_COLOR = colors.HexColor("#0B4F8A")
NCG_COLOR = colors.HexColor("#00796B")
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#D5DBE1")
TINT = colors.HexColor("#EEF3F7")
TINT_HEADER = colors.HexColor("#E3E9EF")


@dataclass(frozen=True)
class Geometry:
    """A4 positions in points. The address sits in a DIN 680 / EA5/6 'venster links' window."""

    page_width: float = 210 * mm
    page_height: float = 297 * mm
    left: float = 22 * mm  # body and address text start (window at 20 mm, 2 mm inset)
    body_width: float = 128 * mm
    right_column_x: float = 156 * mm
    right_column_width: float = 44 * mm
    letterhead_top: float = 14 * mm  # from the top edge
    # Envelope window: 20 mm from the left, 50 mm from the top, 90 x 45 mm (DIN 680 DL /
    # PostNL EA5/6 with window left); the address block stays 2 mm inside it.
    window_x: float = 20 * mm
    window_top: float = 50 * mm
    window_width: float = 90 * mm
    window_height: float = 45 * mm
    first_body_top: float = 101 * mm  # from the top edge: below the window
    later_body_top: float = 23 * mm  # the small header of later pages ends at 14 mm
    body_bottom: float = 20 * mm  # from the bottom edge: above the footer
    footer_y: float = 12 * mm
    fold_marks: tuple[float, float] = (99 * mm, 198 * mm)  # three-fold for DL envelopes


GEOMETRY = Geometry()


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    box_heading: ParagraphStyle
    subheading: ParagraphStyle
    heading_img: ParagraphStyle
    heading_ncg: ParagraphStyle
    label: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    cell_header: ParagraphStyle
    small: ParagraphStyle
    signature_name: ParagraphStyle
    glossary_heading: ParagraphStyle
    glossary: ParagraphStyle


def _styles() -> Styles:
    body = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=9.5,
        leading=13.1,
        textColor=INK,
        spaceAfter=5,
    )
    heading = ParagraphStyle(
        "heading",
        parent=body,
        fontName=FONT_SEMIBOLD,
        fontSize=11.5,
        leading=15,
        spaceBefore=10,
        spaceAfter=4,
        textColor=INK,
    )
    cell = ParagraphStyle("cell", parent=body, fontSize=8.8, leading=11.4, spaceAfter=0)
    return Styles(
        body=body,
        title=ParagraphStyle(
            "title",
            parent=body,
            fontName=FONT_SEMIBOLD,
            fontSize=13.5,
            leading=17,
            spaceAfter=8,
        ),
        heading=heading,
        box_heading=ParagraphStyle("box_heading", parent=heading, spaceBefore=0, spaceAfter=3),
        subheading=ParagraphStyle(
            "subheading",
            parent=body,
            fontName=FONT_SEMIBOLD,
            fontSize=9.5,
            spaceBefore=7,
            spaceAfter=3,
        ),
        heading_img=ParagraphStyle("heading_img", parent=heading, textColor=IMG_COLOR),
        heading_ncg=ParagraphStyle("heading_ncg", parent=heading, textColor=NCG_COLOR),
        label=ParagraphStyle(
            "label", parent=cell, fontName=FONT_SEMIBOLD, textColor=MUTED, fontSize=8.6
        ),
        cell=cell,
        cell_bold=ParagraphStyle("cell_bold", parent=cell, fontName=FONT_SEMIBOLD),
        cell_header=ParagraphStyle(
            "cell_header", parent=cell, fontName=FONT_SEMIBOLD, fontSize=8.2, textColor=MUTED
        ),
        small=ParagraphStyle(
            "small", parent=body, fontSize=8.2, leading=11.2, textColor=MUTED, spaceAfter=3
        ),
        signature_name=ParagraphStyle(
            "signature_name", parent=body, fontName=FONT_SEMIBOLD, spaceAfter=0
        ),
        glossary_heading=ParagraphStyle(
            "glossary_heading", parent=heading, spaceBefore=12, spaceAfter=3
        ),
        glossary=ParagraphStyle("glossary", parent=cell, spaceAfter=2.5),
    )


STYLE = _styles()
