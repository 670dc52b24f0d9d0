"""Font subsets made once per process: every letter still shows and carries its own text.

The reference is ReportLab's own ``TTFont`` (a subset per document, nothing shared): a letter
rendered with the shared subsets must look the same, pixel for pixel, and give the same text.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import ResidentInfo, SupervisorInfo
from buddy_desk.documents.fonts import PRESET, SharedSubsetFont
from buddy_desk.documents.style import (
    FONT,
    FONT_BOLD,
    FONT_BOLD_ITALIC,
    FONT_ITALIC,
    FONT_SEMIBOLD,
    register_fonts,
)
from buddy_desk.documents.templates import Templates, load_templates
from buddy_desk.letters.content import SummaryLetter, summary_letter
from buddy_desk.letters.render import render_combined, render_letter
from tests.letters_samples import NCG_BUDDY, TODAY, group_detail

FONTS = (FONT, FONT_BOLD, FONT_SEMIBOLD, FONT_ITALIC, FONT_BOLD_ITALIC)


@pytest.fixture(scope="module")
def t() -> Templates:
    return load_templates()


def _letter(
    t: Templates,
    resident: str,
    buddy: str = "Sanne Bakker",
    group: CollaborationGroup = CollaborationGroup.B,
    dossier_id: int = 123,
) -> SummaryLetter:
    img_buddy = SupervisorInfo(
        1, Organisation.IMG, "zaakbegeleider", buddy, "06-11122233", "s.bakker@example.org"
    )
    detail = group_detail(
        group,
        residents=(ResidentInfo(resident, "eigenaar", None, None, "mevrouw"),),
        img_buddy=img_buddy,
        ncg_buddy=NCG_BUDDY,
        dossier_id=dossier_id,
    )
    return summary_letter(detail, None, TODAY, t)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in reader.pages))


def _pixels(pdf: bytes) -> list[bytes]:
    """Every page at 100 dpi in grey, as poppler draws it (pdfium's text runs start on
    their own subpixel offsets, so a name set in two subsets moves by a pixel there)."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm is required in CI (Debian package poppler-utils)")
        pytest.skip("pdftoppm not installed")
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "letter.pdf"
        source.write_bytes(pdf)
        subprocess.run([pdftoppm, "-r", "100", "-gray", str(source), f"{tmp}/page"], check=True)
        return [page.read_bytes() for page in sorted(Path(tmp).glob("page-*.pgm"))]


def _install(monkeypatch: pytest.MonkeyPatch, make: Callable[[str, str], Any]) -> None:
    """Fresh font objects for the letter fonts (until the test ends)."""
    register_fonts()
    for name in FONTS:
        filename = pdfmetrics.getFont(name).face.filename
        monkeypatch.setitem(pdfmetrics._fonts, name, make(name, filename))


@pytest.fixture
def plain_fonts(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Switches the letter fonts to ReportLab's own TTFont, when the test calls it."""
    return lambda: _install(monkeypatch, TTFont)


def test_characters_outside_the_preset_render_and_read_back(
    t: Templates, plain_fonts: Callable[[], None]
) -> None:
    """Letters whose names need a second subset each get their own: another letter's second
    subset (same subset name, other characters) must never be reused for them."""
    odd = [
        _letter(t, "Ŀuka Szőke-Başaran", buddy="Şebnem Kılıç"),
        _letter(t, "Ωμέγα Łukasiewicz", buddy="Zoë Ōtani"),
        _letter(t, "Jan de Vries-Dijkstra"),  # preset only, after the others
    ]
    for letter, name in zip(odd, ("Ŀuka Szőke-Başaran", "Ωμέγα Łukasiewicz"), strict=False):
        assert not set(name) <= set(PRESET)  # the test is about characters outside it
        assert letter.recipient_lines[0].endswith(name)
    shared = [render_letter(letter, t) for letter in odd]
    for pdf, names in zip(
        shared,
        (
            ("Ŀuka Szőke-Başaran", "Şebnem Kılıç"),
            ("Ωμέγα Łukasiewicz", "Zoë Ōtani"),
            ("Jan de Vries-Dijkstra",),
        ),
        strict=True,
    ):
        text = _text(pdf)
        for name in names:
            assert name in text
    plain_fonts()
    plain = [render_letter(letter, t) for letter in odd]
    for ours, reportlabs in zip(shared, plain, strict=True):
        assert _text(ours) == _text(reportlabs)
        assert _pixels(ours) == _pixels(reportlabs)


def test_two_letters_share_the_first_subset_and_keep_their_own_text(
    t: Templates, plain_fonts: Callable[[], None]
) -> None:
    first = _letter(t, "Eefje Brouwer", group=CollaborationGroup.B, dossier_id=1)
    second = _letter(t, "Ömer Çelik-Ñúñez", group=CollaborationGroup.F, dossier_id=2)
    pdfs = [render_letter(first, t), render_letter(second, t)]
    texts = [_text(pdf) for pdf in pdfs]
    assert "Eefje Brouwer" in texts[0] and "Ömer Çelik-Ñúñez" not in texts[0]
    assert "Ömer Çelik-Ñúñez" in texts[1] and "Eefje Brouwer" not in texts[1]
    assert first.kenmerk in texts[0] and second.kenmerk in texts[1]
    programs = [_font_programs(pdf) for pdf in pdfs]
    assert programs[0]["AAAAAA+OpenSans"] == programs[1]["AAAAAA+OpenSans"]
    assert len(programs[1]) == len(programs[0])  # Latin-1 names need no second subset
    plain_fonts()
    for letter, pdf in zip((first, second), pdfs, strict=True):
        assert _pixels(pdf) == _pixels(render_letter(letter, t))


def _font_programs(pdf: bytes) -> dict[str, bytes]:
    reader = PdfReader(io.BytesIO(pdf))
    programs: dict[str, bytes] = {}
    for page in reader.pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font: Any = ref.get_object()
            program = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            programs[str(font["/BaseFont"]).lstrip("/")] = program
    return programs


def test_a_combined_pdf_of_odd_and_plain_letters_reads_back(
    t: Templates, plain_fonts: Callable[[], None]
) -> None:
    letters = [
        _letter(t, "Ŀuka Szőke-Başaran", dossier_id=1),
        _letter(t, "Eefje Brouwer", dossier_id=2),
        _letter(t, "Ωμέγα Łukasiewicz", dossier_id=3),
    ]
    out = io.BytesIO()
    render_combined(letters, out, t)
    text = _text(out.getvalue())
    for name in ("Ŀuka Szőke-Başaran", "Eefje Brouwer", "Ωμέγα Łukasiewicz"):
        assert name in text
    plain_fonts()
    reference = io.BytesIO()
    render_combined(letters, reference, t)
    assert _pixels(out.getvalue()) == _pixels(reference.getvalue())


def test_a_preset_character_has_the_same_code_in_every_document() -> None:
    """What makes the first subset shareable: the order of first use does not matter."""
    register_fonts()
    font = pdfmetrics.getFont(FONT)
    assert isinstance(font, SharedSubsetFont)
    docs = [Canvas(io.BytesIO())._doc for _ in range(2)]
    font.splitString("ïëé", docs[0])
    font.splitString("éëï€", docs[1])
    for ch in "éëï€":
        codes = {tuple(font.splitString(ch, doc)) for doc in docs}
        assert len(codes) == 1
        assert next(iter(codes))[0][0] == 0  # the first subset
    # a character outside the preset starts a second subset, the same way in both
    assert font.splitString("Ŀ", docs[0])[0][0] == 1
    assert font.splitString("ő", docs[1])[0][0] == 1


def test_each_subset_is_made_once_per_process(
    t: Templates, monkeypatch: pytest.MonkeyPatch
) -> None:
    register_fonts()
    made: list[tuple[str, int]] = []
    for name in FONTS:
        fresh = SharedSubsetFont(name, pdfmetrics.getFont(name).face.filename)
        original = fresh.face.makeSubset

        def counting(codes: list[int], name: str = name, original: Any = original) -> bytes:
            made.append((name, len(codes)))
            result: bytes = original(codes)
            return result

        monkeypatch.setattr(fresh.face, "makeSubset", counting)
        monkeypatch.setitem(pdfmetrics._fonts, name, fresh)
    letters = [_letter(t, f"Bewoner {n}", group=g) for n, g in enumerate(CollaborationGroup)]
    for letter in letters:
        assert "Bewoner" in _text(render_letter(letter, t))
    fonts_made = [name for name, _ in made]
    assert fonts_made and len(fonts_made) == len(set(fonts_made))  # once per font
    render_letter(_letter(t, "Ŀuka Szőke"), t)
    render_letter(_letter(t, "Ŀuka Szőke", dossier_id=9), t)
    assert len(made) == len(fonts_made) + 1  # one second subset, made once for both


def test_letters_rendered_on_threads_are_the_letters_rendered_one_by_one(
    t: Templates, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Runs and previews render on threads too: each letter keeps its own text and subsets."""
    monkeypatch.setattr(rl_config, "invariant", 1)  # same letter, same bytes
    names = ["Ŀuka Szőke", "Ωμέγα Αθηνά", "Şebnem Kılıç", "Eefje Brouwer", "Łucja Wąs"] * 2
    letters = [
        _letter(t, name, buddy=names[-1 - i], dossier_id=i + 1) for i, name in enumerate(names)
    ]
    alone = [render_letter(letter, t) for letter in letters]
    _install(monkeypatch, SharedSubsetFont)  # nothing made yet: the threads make the subsets
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda letter: render_letter(letter, t), letters))
    assert together == alone
    for pdf, name in zip(together, names, strict=True):
        assert name in _text(pdf)
