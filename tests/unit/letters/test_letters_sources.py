"""Every resident-facing block of the summary letter is traced to a source passage.

``docs/letters.md`` keeps a table: block → seed file → quoted passage. A block added without
an entry fails here; where the seed files are present (``../shared/seeds`` next to the
repository, or ``BUDDY_DESK_SEEDS``), every quoted passage must occur in the named seed.
"""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import Path

import pytest

from buddy_desk.documents.templates import load_templates

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "letters.md"
# Not claims: headings, labels, addresses, salutations, the organisations' names.
NOT_CLAIMS = (
    "label.*",
    "*.titel",
    "afzender.*",
    "retouradres",
    "onderwerp",
    "aanhef.*",
    "adres.zonder_naam",
    "groet",
    "ondertekening.*",
    "rapport.*",
)


def _table_rows() -> list[tuple[str, str, str]]:
    """(block, seed cell, passage cell) of the summary letter's source table."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("### The summary letter", 1)[1].split("\n### ", 1)[0]
    rows = []
    for line in section.splitlines():
        m = re.match(r"\| `([^`]+)` \| .* \| (.*?) \| (.*?) \|$", line)
        if m:
            rows.append((m.group(1), m.group(2), m.group(3)))
    return rows


def test_every_letter_block_has_a_source_row() -> None:
    listed = [block for block, _, _ in _table_rows()]
    blocks = load_templates().blocks
    missing = [
        key
        for key in blocks
        if not any(fnmatch.fnmatch(key, p) for p in NOT_CLAIMS)
        and not any(fnmatch.fnmatch(key, pattern) for pattern in listed)
    ]
    assert missing == []
    stale = [p for p in listed if not any(fnmatch.fnmatch(k, p) for k in blocks)]
    assert stale == []


def _seeds() -> Path | None:
    env = os.environ.get("BUDDY_DESK_SEEDS")
    for candidate in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "seeds"]:
        if candidate.is_dir():
            return candidate
    return None


@pytest.mark.skipif(_seeds() is None, reason="the seed documents are not next to the repository")
def test_every_quoted_passage_is_in_its_seed() -> None:
    folder = _seeds()
    assert folder is not None
    seeds = {
        f.name[:3]: re.sub(r"\s+", " ", f.read_text(encoding="utf-8")) for f in folder.glob("*.txt")
    }
    wrong = []
    for block, seed_cell, passage_cell in _table_rows():
        for seed, passage in zip(seed_cell.split("<br>"), passage_cell.split("<br>"), strict=True):
            quote = re.fullmatch(r"“(.*)”", passage.strip())
            if seed.strip() == "—":
                continue
            assert quote is not None, f"{block}: passage not quoted"
            if re.sub(r"\s+", " ", quote.group(1)) not in seeds[seed.strip()[:3]]:
                wrong.append((block, seed, quote.group(1)[:60]))
    assert wrong == []
