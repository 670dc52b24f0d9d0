"""Letter length: a typical dossier fits on two pages; a long history still numbers its pages."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.summaries import ReportInfo, ResidentInfo
from buddy_desk.documents.templates import Templates, load_templates
from buddy_desk.letters.content import ChoiceLine, summary_letter
from buddy_desk.letters.render import render_letter
from tests.letters_samples import TODAY, detail, group_detail, img_case, ncg_case

# What a demo combination dossier typically records (the demo's most common choices).
TYPICAL_CHOICES = (
    ChoiceLine(
        date(2026, 7, 4),
        "Toestemming gegevensdeling",
        "IMG deelt met NCG: Toestemming gegeven",
        "Keukentafelgesprek",
    ),
    ChoiceLine(
        date(2026, 7, 4),
        "Toestemming gegevensdeling",
        "NCG deelt met IMG: Toestemming gegeven",
        "Keukentafelgesprek",
    ),
    ChoiceLine(
        date(2026, 9, 22), "Eerste aanspreekpunt", "IMG (zaakbegeleider)", "Keukentafelgesprek"
    ),
)
TWO_RESIDENTS = (
    ResidentInfo("H. Pot", "eigenaar", None, None, "de heer"),
    ResidentInfo("B. Pot", "eigenaar", None, None, "mevrouw"),
)


@pytest.fixture(scope="module")
def t() -> Templates:
    return load_templates()


def _pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("group", list(CollaborationGroup))
def test_a_typical_letter_is_two_pages(group: CollaborationGroup, t: Templates) -> None:
    d = group_detail(group, residents=TWO_RESIDENTS)
    case = d.current_img_case
    assert case is not None
    # a third report, as most demo dossiers have
    extra = ReportInfo("opnamerapport", date(2026, 7, 1), None, False, None)
    d = replace(d, img_cases=(replace(case, reports=(*case.reports, extra)),))
    pages = _pages(render_letter(summary_letter(d, TYPICAL_CHOICES, TODAY, t), t))
    assert len(pages) == 2
    assert "pagina 1 van 2" in pages[0] and "pagina 2 van 2" in pages[1]
    # the letter ends on page 2: signatures and the glossary did not move on
    assert t.text("bijlage.woorden.titel") in pages[1]
    assert "Sanne Bakker" in pages[1] and "Pieter Mulder" in pages[1]


def test_a_letter_without_choices_is_two_pages(t: Templates) -> None:
    letter = summary_letter(group_detail(CollaborationGroup.E), (), TODAY, t)
    assert len(_pages(render_letter(letter, t))) == 2


def test_a_long_history_gets_a_third_page_numbered_right(t: Templates) -> None:
    reports = tuple(
        ReportInfo(kind, date(2020, 1, 1) + timedelta(days=90 * i), Decimal(1000 + i), False, None)
        for i, kind in enumerate(["melding", "opnamerapport", "adviesrapport"] * 4)
    )
    cases = tuple(
        replace(img_case(ImgPhase.ZIENSWIJZE, ident=f"IMG-00{n}"), id=n, reports=reports)
        for n in range(3)
    )
    choices = TYPICAL_CHOICES * 4
    d = replace(
        detail(
            img=cases[0],
            ncg=ncg_case(NcgStatus.S4_1),
            flags=(FlagKind.AOS, FlagKind.VASTGELOPEN),
            residents=TWO_RESIDENTS,
        ),
        img_cases=cases,
    )
    pages = _pages(render_letter(summary_letter(d, choices, TODAY, t), t))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"pagina {number} van {len(pages)}" in text
    # the signatures stay together, and the glossary title never ends a page alone
    assert any("Sanne Bakker" in text and "Pieter Mulder" in text for text in pages)
    title = t.text("bijlage.woorden.titel")
    holder = next(i for i, text in enumerate(pages) if title in text)
    assert "Opname:" in pages[holder]
