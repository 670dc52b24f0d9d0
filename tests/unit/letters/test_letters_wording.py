"""What the letter says is true for the dossier, and only what the sources say (issue 12)."""

from __future__ import annotations

import io
import itertools
import re
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.core.summaries import ReportInfo, ResidentInfo
from buddy_desk.documents.templates import Templates, load_templates
from buddy_desk.letters.content import ChoiceLine, SummaryLetter, summary_letter
from buddy_desk.letters.render import render_letter
from tests.letters_samples import TODAY, detail, img_case, ncg_case

# Promises the sources do not make (issue 12, item 3).
UNSOURCED = (
    "niets terug te betalen",
    "niet twee keer geld",
    "wie wat betaalt",
    "vooraf samen af",
    "Dan gebeurt alles in één keer",
)


@pytest.fixture(scope="module")
def t() -> Templates:
    return load_templates()


def _letter(
    t: Templates,
    ncg: NcgStatus,
    img: ImgPhase,
    *,
    decided: date | None = None,
    amount: Decimal | None = Decimal("4350.00"),
) -> SummaryLetter:
    return summary_letter(
        detail(img=img_case(img, amount=amount, decided=decided), ncg=ncg_case(ncg)),
        None,
        TODAY,
        t,
    )


PAIRS = list(itertools.product(NcgStatus, ImgPhase, [None, date(2026, 9, 20)]))


@pytest.mark.parametrize(("ncg", "img", "decided"), PAIRS)
def test_every_phase_pair_tells_one_story(
    t: Templates, ncg: NcgStatus, img: ImgPhase, decided: date | None
) -> None:
    text = _letter(t, ncg, img, decided=decided).plain_text()
    deciding = "IMG neemt nu een besluit" in text
    decided_text = "besloten" in text or "besluit genomen" in text
    assert not (deciding and decided_text), "both 'deciding now' and 'has decided'"
    # a decision is only claimed once IMG is at or past Beschikking
    if img.order < ImgPhase.BESCHIKKING.order:
        assert not decided_text
        amount_rows = re.findall(r"Schadebedrag: (.*)", text)
        assert all("Dit is nog geen besluit" in row for row in amount_rows)
    # the priority is offered only in group E while IMG is early
    offered = "voorrang" in text
    early = img in {ImgPhase.VOORBEREIDING, ImgPhase.OPNAME}
    assert offered is (ncg in {NcgStatus.S4_1, NcgStatus.S4_2} and early)
    for phrase in UNSOURCED:
        assert phrase not in text


def test_beschikking_decided_says_what_was_decided_and_what_follows(t: Templates) -> None:
    letter = _letter(t, NcgStatus.S3_1, ImgPhase.BESCHIKKING, decided=date(2026, 9, 20))
    text = letter.plain_text()
    assert "IMG heeft een besluit genomen over uw schadevergoeding" in text
    assert "€ 4.350,00. IMG heeft dit op 20 september 2026 besloten." in text
    assert "IMG betaalt de schadevergoeding uit of laat de schade herstellen" in text
    assert "IMG neemt nu een besluit" not in text


def test_beschikking_undecided_says_a_decision_is_coming(t: Templates) -> None:
    text = _letter(t, NcgStatus.S3_1, ImgPhase.BESCHIKKING).plain_text()
    assert "IMG neemt nu een besluit" in text
    assert "Dit is nog geen besluit" in text and "besloten" not in text


def test_a_decision_date_before_beschikking_is_not_told_as_a_decision(t: Templates) -> None:
    # inconsistent data (a date, yet still in Zienswijze): the phase decides the story
    text = _letter(t, NcgStatus.S3_1, ImgPhase.ZIENSWIJZE, decided=date(2026, 9, 1)).plain_text()
    assert "besloten" not in text and "Dit is nog geen besluit" in text


def test_group_e_money_says_what_the_evaluation_says(t: Templates) -> None:
    letter = _letter(t, NcgStatus.S4_1, ImgPhase.UITVOERING)
    money = letter.section("geld")
    assert money is not None
    text = " ".join(p.text for p in money.elements if hasattr(p, "text"))
    assert "zelf inbrengen in de versterking" in text and "IMG is daarbij geen partij" in text
    other = _letter(t, NcgStatus.S2_1, ImgPhase.OPNAME).section("geld")
    assert other is not None
    assert "inbrengen" not in " ".join(p.text for p in other.elements if hasattr(p, "text"))


@pytest.mark.parametrize(
    ("residents", "salutation", "window"),
    [
        (
            (
                ResidentInfo("J. Dekker", "eigenaar", None, None, "de heer"),
                ResidentInfo("J. Dekker", "eigenaar", None, None, "de heer"),
            ),
            "Geachte heer Dekker,",
            ("De heer J. Dekker",),
        ),
        (
            (
                ResidentInfo("J. Dekker", "eigenaar", None, None, "de heer"),
                ResidentInfo("P. Dekker", "eigenaar", None, None, "de heer"),
            ),
            "Geachte heren Dekker,",
            ("De heer J. Dekker", "De heer P. Dekker"),
        ),
        (
            (
                ResidentInfo("H. Pot", "eigenaar", None, None, "de heer"),
                ResidentInfo("B. Pot", "eigenaar", None, None, "mevrouw"),
            ),
            "Geachte heer Pot, geachte mevrouw Pot,",
            ("De heer H. Pot", "Mevrouw B. Pot"),
        ),
    ],
)
def test_salutation_and_window_name_each_person_once(
    t: Templates,
    residents: tuple[ResidentInfo, ...],
    salutation: str,
    window: tuple[str, ...],
) -> None:
    d = detail(img=img_case(ImgPhase.OPNAME), ncg=ncg_case(NcgStatus.S2_1), residents=residents)
    letter = summary_letter(d, None, TODAY, t)
    assert letter.salutation == salutation
    assert letter.recipient_lines[: len(window)] == window
    assert letter.recipient_lines[len(window)] == "Hoofdweg 12a"


@pytest.mark.parametrize(
    ("extra", "sentence"),
    [(1, "En nog 1 eerdere melding of rapport."), (2, "En nog 2 eerdere meldingen of rapporten.")],
)
def test_the_count_of_older_reports_is_plural_aware(
    t: Templates, extra: int, sentence: str
) -> None:
    reports = tuple(
        ReportInfo("melding", date(2020, 1, 1) + timedelta(days=30 * i), None, False, None)
        for i in range(6 + extra)
    )
    case = replace(img_case(ImgPhase.OPNAME), reports=reports)
    letter = summary_letter(detail(img=case, ncg=ncg_case(NcgStatus.S2_1)), None, TODAY, t)
    assert sentence in letter.plain_text()


def test_a_missing_buddy_does_not_promise_two_contacts(t: Templates) -> None:
    d = detail(img=img_case(ImgPhase.OPNAME), ncg=ncg_case(NcgStatus.S2_1), ncg_buddy=None)
    text = summary_letter(d, None, TODAY, t).plain_text()
    assert "U heeft twee vaste contactpersonen" not in text
    assert "nog niet bekend" in text


def test_group_card_e_prioritise_sentence_is_in_the_same_paragraph(t: Templates) -> None:
    letter = _letter(t, NcgStatus.S4_2, ImgPhase.VOORBEREIDING)
    together = letter.section("samen")
    assert together is not None
    texts = [p.text for p in together.elements if hasattr(p, "text")]
    assert any("meegenomen" in x and "voorrang" in x for x in texts)


def _pages(pdf: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("group", [CollaborationGroup.A, CollaborationGroup.E])
def test_the_glossary_never_stands_alone_on_the_last_page(
    t: Templates, group: CollaborationGroup
) -> None:
    # grow the letter choice by choice so the glossary lands at every height on page 2/3
    ncg = NcgStatus.S1_2 if group is CollaborationGroup.A else NcgStatus.S4_1
    d = detail(img=img_case(ImgPhase.ZIENSWIJZE), ncg=ncg_case(ncg))
    title = t.text("bijlage.woorden.titel")
    seen_pages = set()
    for n in range(0, 16):
        choices = tuple(
            ChoiceLine(
                date(2026, 1, 1) + timedelta(days=i), "Eerste aanspreekpunt", "IMG", "Telefoon"
            )
            for i in range(n)
        )
        pages = _pages(render_letter(summary_letter(d, choices, TODAY, t), t))
        seen_pages.add(len(pages))
        holder = next(i for i, text in enumerate(pages) if title in text)
        assert "Met vriendelijke groet" in pages[holder], f"{n} choices: glossary alone"
    assert {2, 3} <= seen_pages


def test_no_table_row_stands_alone_on_a_page(t: Templates) -> None:
    d = detail(img=img_case(ImgPhase.ZIENSWIJZE), ncg=ncg_case(NcgStatus.S4_1))
    split_seen = False
    for n in range(2, 30):
        choices = tuple(
            ChoiceLine(date(2026, 1, 1) + timedelta(days=i), f"Keuze{i:02d}", "IMG", "Telefoon")
            for i in range(n)
        )
        pages = _pages(render_letter(summary_letter(d, choices, TODAY, t), t))
        per_page = [len(re.findall(r"Keuze\d\d", text)) for text in pages]
        assert sum(per_page) == n
        holding = [count for count in per_page if count]
        split_seen |= len(holding) > 1
        assert all(count >= 2 for count in holding), f"{n} choices: {per_page}"
    assert split_seen  # the table did cross a page at some length
