"""A letter run over the demo data: every letter reads right on paper (issue 12, item 4)."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import Engine

from buddy_desk.demo.generator import generate
from buddy_desk.letters.service import run_letters, select_dossiers
from buddy_desk.persistence.unit_of_work import UnitOfWork

UNSOURCED = ("niets terug te betalen", "niet twee keer geld", "wie wat betaalt")


def test_every_demo_letter_reads_right(engine: Engine, tmp_path: Path) -> None:
    generate(engine, seed=11, scale=0.02)
    uow = UnitOfWork(engine)
    ids = select_dossiers(uow, combination_only=True)
    assert len(ids) >= 20
    result = run_letters(uow, ids, today=date(2026, 11, 26), out_dir=tmp_path, workers=1)
    assert result.letters == len(ids)
    pages_per_letter = []
    for path in result.written:
        pages = [
            re.sub(r"\s+", " ", p.extract_text() or "")
            for p in PdfReader(io.BytesIO(path.read_bytes())).pages
        ]
        pages_per_letter.append(len(pages))
        text = " ".join(pages)
        where = path.name
        for number, page in enumerate(pages, start=1):
            assert f"pagina {number} van {len(pages)}" in page, where
        glossary = [i for i, page in enumerate(pages) if "Wat betekenen deze woorden?" in page]
        assert all("Met vriendelijke groet" in pages[i] for i in glossary), where
        salutation = re.search(r"Geachte ([^,]+),( geachte ([^,]+),)?", text)
        assert salutation is not None and salutation.group(1) != salutation.group(3), where
        assert not re.search(r"\b1 (eerdere meldingen|brieven)\b", text), where
        assert not ("IMG neemt nu een besluit" in text and "besloten" in text), where
        for phrase in UNSOURCED:
            assert phrase not in text, where
    # most letters stay two pages; none runs away
    assert max(pages_per_letter) <= 3
    assert pages_per_letter.count(2) >= len(pages_per_letter) * 0.6
