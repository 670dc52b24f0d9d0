"""Floors for the letters: a plain two-page ReportLab platypus letter, and LibreOffice
converting plain letters to PDF in one batch (when LibreOffice is installed)."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from pathlib import Path

_PARAGRAPH = (
    "Geachte bewoner, in dit bericht leest u hoe het staat met de schade aan uw woning en met "
    "de versterking. Wij hebben de gegevens van beide organisaties naast elkaar gelegd en "
    "beschrijven hieronder wat er de komende tijd gebeurt en wie uw vaste contactpersonen zijn. "
)


def plain_letter() -> bytes:
    """Two pages of plain paragraphs in a SimpleDocTemplate, built-in fonts."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    styles = getSampleStyleSheet()
    story = [Paragraph("Stand van zaken schade en versterking", styles["Heading1"])]
    for _ in range(15):
        story += [Paragraph(_PARAGRAPH * 2, styles["BodyText"]), Spacer(1, 6)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def libreoffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_batch(folder: Path, count: int) -> float | None:
    """Seconds for LibreOffice to convert ``count`` plain-text letters to PDF in one batch
    (one process); None when LibreOffice is not installed."""
    office = libreoffice()
    if office is None:
        return None
    source = folder / "plain"
    source.mkdir(parents=True, exist_ok=True)
    text = (_PARAGRAPH * 2 + "\n\n") * 15
    files = []
    for n in range(count):
        path = source / f"brief-{n:04d}.txt"
        path.write_text(text, encoding="utf-8")
        files.append(str(path))
    started = time.perf_counter()
    subprocess.run(
        [office, "--headless", "--convert-to", "pdf", "--outdir", str(folder / "pdf"), *files],
        check=True,
        capture_output=True,
        timeout=3600,
    )
    return time.perf_counter() - started
