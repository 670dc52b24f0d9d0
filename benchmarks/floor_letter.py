"""Floors for the letters: a plain two-page ReportLab platypus letter, and LibreOffice
converting plain letters to PDF in one batch (when LibreOffice is installed)."""

from __future__ import annotations

import io
import shutil
import subprocess
import time
from dataclasses import dataclass
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


@dataclass(frozen=True)
class OfficeBatch:
    """LibreOffice converting plain letters: ``seconds`` is the estimate for one batch."""

    seconds: float  # the calls' total, less the start-ups of all calls but the first
    total: float  # wall time of all calls
    calls: int
    startup: float  # one call converting one letter, with a warm profile


# soffice --convert-to silently converts only the first ~247 files it is given in one call
# (LibreOffice 7.4: 247 of 1,400, exit status 0), so a batch is given in calls of this size
CALL_FILES = 200


def libreoffice_batch(folder: Path, count: int) -> OfficeBatch | None:
    """LibreOffice (``soffice --headless --convert-to pdf``) converting ``count`` plain-text
    letters to PDF; None when LibreOffice is not installed.

    One call cannot take them all (``CALL_FILES``), so they go in calls of 200, one after the
    other; each later call's start-up (a call converting one letter) is taken off the total,
    so the figure estimates one batch and stays a strict floor. LibreOffice runs with a
    profile of its own in ``folder`` (a desktop LibreOffice that is open must not take part),
    made by an untimed call first: the batch is timed with a warm profile, as a user's
    LibreOffice has one.
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
    subprocess.run([*command, "--outdir", str(folder / "warm"), files[0]], **_RUN)
    started = time.perf_counter()
    subprocess.run([*command, "--outdir", str(folder / "startup"), files[0]], **_RUN)
    startup = time.perf_counter() - started
    out = folder / "pdf"
    started = time.perf_counter()
    calls = 0
    for first in range(0, count, CALL_FILES):
        subprocess.run([*command, "--outdir", str(out), *files[first : first + CALL_FILES]], **_RUN)
        calls += 1
    total = time.perf_counter() - started
    made = len(list(out.glob("*.pdf")))
    if made != count:
        raise RuntimeError(f"LibreOffice made {made} of {count} PDFs ({office})")
    return OfficeBatch(total - (calls - 1) * startup, total, calls, startup)


_RUN: dict[str, Any] = {"check": True, "capture_output": True, "timeout": 3600}
