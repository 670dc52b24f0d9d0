"""Join PDF files (parts of one combined letter run) into one, with PDFium (``pypdfium2``).

A combined run for the printer renders its letters in parts on a process pool and joins the
parts here. The first part's document is the base, so its metadata (title, author, subject,
``/Lang``) stays; every part keeps its own embedded font subsets. PDFium is not thread-safe:
call this from a worker process (as the runs do) or from a thread that is alone in using it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pypdfium2 as pdfium


def merge_pdfs(parts: Sequence[Path], target: Path) -> int:
    """Write ``parts`` in order into ``target``; returns the number of pages."""
    if not parts:
        raise ValueError("no parts to merge")
    base = pdfium.PdfDocument(parts[0])
    try:
        for path in parts[1:]:
            part = pdfium.PdfDocument(path)
            try:
                base.import_pages(part)
            finally:
                part.close()
        pages = len(base)
        with target.open("wb") as fh:
            base.save(fh)
    finally:
        base.close()
    return pages
