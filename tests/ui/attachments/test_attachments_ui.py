"""The Documenten tab: attach a PDF, see it in the timeline, open a private copy."""

from __future__ import annotations

import stat
from datetime import date
from pathlib import Path

from PySide6.QtCore import QUrl
from pytestqt.qtbot import QtBot

from buddy_desk.attachments.rules import MAX_BYTES, DocumentKind
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.errors import BuddyDeskError
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.attachments.section import DocumentsSection
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.dossier_view import DossierView
from tests.factories import make_dossier
from tests.ui.conftest import loaded


def test_attach_open_and_timeline(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S4_1)
    section = loaded(qtbot, DocumentsSection(ctx, d))
    opened: list[QUrl] = []
    section.open_url = lambda url: opened.append(url) or True  # type: ignore[func-returns-value]
    scan = tmp_path / "advies.pdf"
    scan.write_bytes(b"%PDF-1.4\nadvies\n")
    with qtbot.waitSignal(section.loaded, timeout=2_000):
        section.attach(scan, DocumentKind.STRENGTHENING_ADVICE, date(2026, 11, 2), "Advies")
    assert section.table.rowCount() == 1
    section.table.selectRow(0)
    assert section.open_button.isEnabled()
    section.open_selected()
    [url] = opened
    copy = Path(url.toLocalFile())
    assert copy.read_bytes() == scan.read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    view = DossierView(ctx, d)
    qtbot.addWidget(view)
    assert any(e.title == "Document: Advies" for e in view.detail.events)


def test_a_too_big_file_gets_one_clear_message_and_nothing_is_stored(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    d = make_dossier(uow, ncg_status=NcgStatus.S4_1)
    section = loaded(qtbot, DocumentsSection(ctx, d))
    big = tmp_path / "scan.pdf"
    with big.open("wb") as fh:
        fh.write(b"%PDF-")
        fh.truncate(MAX_BYTES + 1)
    refused: list[BaseException] = []
    section.attach(big, DocumentKind.OTHER, date(2026, 11, 2), "Scan", on_refused=refused.append)
    qtbot.waitUntil(lambda: bool(refused), timeout=5_000)  # read off the GUI thread
    assert isinstance(refused[0], BuddyDeskError)
    assert "scan.pdf is 20,0 MB; het maximum is 20,0 MB" in str(refused[0])
    section.reload()
    assert section.table.rowCount() == 0
