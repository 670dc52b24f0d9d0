"""Floors for the letters: a plain two-page ReportLab platypus letter, and LibreOffice
converting plain letters to PDF in one batch (when LibreOffice is installed)."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

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
    (one ``soffice --headless --convert-to pdf`` process); None when LibreOffice is not
    installed.

    LibreOffice runs with a profile of its own in ``folder`` (a desktop LibreOffice that is
    open, or its profile, must not take part), made by an untimed conversion first: the
    batch is timed with a warm profile, as a user's LibreOffice has one.
    """
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
    command = [
        office,
        f"-env:UserInstallation={(folder / 'profile').resolve().as_uri()}",
        "--headless",
        "--convert-to",
        "pdf",
    ]
    warm = folder / "warm"
    subprocess.run([*command, "--outdir", str(warm), files[0]], **_RUN)
    out = folder / "pdf"
    started = time.perf_counter()
    subprocess.run([*command, "--outdir", str(out), *files], **_RUN)
    seconds = time.perf_counter() - started
    made = len(list(out.glob("*.pdf")))
    if made != count:
        raise RuntimeError(f"LibreOffice made {made} of {count} PDFs ({office})")
    return seconds


_RUN: dict[str, Any] = {"check": True, "capture_output": True, "timeout": 3600}
