"""The letter as PDF: text, page numbers, embedded fonts, metadata, qpdf, combined runs."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import NcgStatus
from buddy_desk.documents.templates import Templates, load_templates
from buddy_desk.letters.content import SummaryLetter, summary_letter
from buddy_desk.letters.render import render_combined, render_letter
from tests.letters_samples import TODAY, detail, group_detail, img_case, ncg_case


@pytest.fixture(scope="module")
def t() -> Templates:
    return load_templates()


def _text(reader: PdfReader, pages: range | None = None) -> str:
    chosen = reader.pages if pages is None else [reader.pages[i] for i in pages]
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in chosen))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _letter(t: Templates, group: CollaborationGroup = CollaborationGroup.B) -> SummaryLetter:
    return summary_letter(group_detail(group), None, TODAY, t)


@pytest.mark.parametrize("group", list(CollaborationGroup))
def test_pdf_text_holds_every_part(group: CollaborationGroup, t: Templates) -> None:
    letter = _letter(t, group)
    reader = PdfReader(io.BytesIO(render_letter(letter, t)))
    text = _text(reader)
    for part in (
        "Instituut Mijnbouwschade Groningen",
        "Cascadeplein 10",
        "Antwoordnummer 3061",
        "8000 WB Zwolle",
        "Nationaal Coördinator Groningen",
        "Paterswoldseweg 1",
        "Postbus 3006",
        "9701 DA Groningen",
        "26 november 2026",
        letter.kenmerk,
        letter.onderwerp,
        "Mevrouw J.A. de Vries",
        "9611 AB SAPPEMEER",
        t.text("kort.titel"),
        t.text("schade.titel"),
        t.text("versterking.titel"),
        t.text("samen.titel"),
        t.text("geld.titel"),
        t.text("keuzes.titel"),
        "Sanne Bakker",
        "06-11122233",
        "s.bakker@example.org",
        "Pieter Mulder",
        "p.mulder@example.org",
    ):
        assert _flat(part) in text, part
    # the group text, as printed (line breaks may fall anywhere)
    assert _flat(t.text(f"samen.groep.{group.value}"))[:60] in text
    pages = len(reader.pages)
    for number in range(1, pages + 1):
        assert f"pagina {number} van {pages}" in _text(reader, range(number - 1, number))


def test_fonts_are_embedded(t: Templates) -> None:
    reader = PdfReader(io.BytesIO(render_letter(_letter(t), t)))
    fonts: dict[str, Any] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for name, ref in resources["/Font"].items():
            fonts[name] = ref.get_object()
    assert fonts
    for font in fonts.values():
        descendants = font.get("/DescendantFonts")
        target = descendants[0].get_object() if descendants else font
        descriptor = target["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{font['/BaseFont']} is not embedded"
        assert "OpenSans" in str(font["/BaseFont"])


def test_metadata_and_language(t: Templates) -> None:
    letter = _letter(t)
    reader = PdfReader(io.BytesIO(render_letter(letter, t)))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == letter.onderwerp
    assert meta.author and "Instituut Mijnbouwschade Groningen" in meta.author
    assert meta.author and "Nationaal Coördinator Groningen" in meta.author
    assert meta.subject and letter.kenmerk in meta.subject
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "nl-NL"


def test_qpdf_check_passes(t: Templates, tmp_path: Path) -> None:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        if os.environ.get("CI") == "true":
            pytest.fail("qpdf is required in CI (Debian package qpdf)")
        pytest.skip("qpdf not installed")
    path = tmp_path / "brief.pdf"
    path.write_bytes(render_letter(_letter(t, CollaborationGroup.F), t))
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_address_sits_in_the_envelope_window(t: Templates) -> None:
    """DIN 680 DL window left: 20-110 mm from the left, 50-95 mm from the top."""
    reader = PdfReader(io.BytesIO(render_letter(_letter(t), t)))
    hits: list[tuple[float, float]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() in {"Mevrouw J.A. de Vries", "Hoofdweg 12a", "9611 AB  SAPPEMEER"}:
            hits.append((tm[4], tm[5]))

    reader.pages[0].extract_text(visitor_text=visit)
    assert len(hits) == 3
    mm = 72 / 25.4
    height = float(reader.pages[0].mediabox.height)
    for x, y in hits:
        assert 20 * mm < x < 110 * mm
        assert 50 * mm < height - y < 95 * mm


def test_missing_data_still_makes_a_whole_letter(t: Templates) -> None:
    d = detail(
        img=img_case("Onbekend"),
        ncg=ncg_case(NcgStatus.S4_1),
        residents=(),
        img_buddy=None,
        ncg_buddy=None,
    )
    letter = summary_letter(d, None, TODAY, t)
    text = _text(PdfReader(io.BytesIO(render_letter(letter, t))))
    assert "Aan de bewoner(s) van" in text
    assert _flat(t.text("contact.geen_img")) in text
    assert "Namens het Instituut Mijnbouwschade Groningen" in text


def test_combined_pdf_numbers_pages_per_letter(t: Templates) -> None:
    letters = [
        summary_letter(group_detail(g, dossier_id=i + 1), None, TODAY, t)
        for i, g in enumerate(CollaborationGroup)
    ]
    out = io.BytesIO()
    pages = render_combined(letters, out, t)
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == pages
    single_counts = [len(PdfReader(io.BytesIO(render_letter(x, t))).pages) for x in letters]
    assert sum(single_counts) == pages
    start = 0
    for letter, count in zip(letters, single_counts, strict=True):
        first = _text(reader, range(start, start + 1))
        assert letter.kenmerk in first and f"pagina 1 van {count}" in first
        last = _text(reader, range(start + count - 1, start + count))
        assert f"pagina {count} van {count}" in last
        # identical text to the same letter rendered alone (shared parse cache is safe)
        alone = _text(PdfReader(io.BytesIO(render_letter(letter, t))))
        assert _text(reader, range(start, start + count)) == alone
        start += count


def test_shared_line_breaks_give_the_same_pdf(
    t: Templates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Recurring paragraphs are broken into lines once per process; the output must not move."""
    from reportlab import rl_config
    from reportlab.platypus import Paragraph

    from buddy_desk.letters import render

    monkeypatch.setattr(rl_config, "invariant", 1)
    letters = [
        summary_letter(group_detail(g, dossier_id=i + 1), None, TODAY, t)
        for i, g in enumerate(CollaborationGroup)
    ]
    shared = [render_letter(x, t) for x in letters] + [render_letter(letters[0], t)]
    assert shared[0] == shared[-1]
    monkeypatch.setattr(render._SharedParagraph, "breakLines", Paragraph.breakLines)
    render._PARSED.clear()
    plain = [render_letter(x, t) for x in letters]
    assert shared[:-1] == plain
