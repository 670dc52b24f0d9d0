"""The Contactmomenten tab: add by keyboard, see the letter saved, the other side gated."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from buddy_desk.choices.rules import Actor
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.journal.rules import ContactKind
from buddy_desk.journal.service import add_contact, journal
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.journal.section import JournalSection
from buddy_desk.ui.letters.preview import LetterPreviewDialog
from tests.factories import make_dossier
from tests.ui.conftest import loaded


def test_a_contact_moment_is_added_by_keyboard_and_the_other_side_is_gated(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    add_contact(uow, d, ContactKind.PHONE, "IMG belde", Actor("i", "Ineke", Organisation.IMG))
    section = loaded(qtbot, JournalSection(ctx, d))  # ctx.user is NCG
    assert section.table.rowCount() == 0
    assert "1 contactmoment(en) van IMG afgeschermd" in section.banner.text()
    section.kind.setCurrentIndex(section.kind.findData(ContactKind.KITCHEN_TABLE.value))
    section.text.setFocus()
    QTest.keyClicks(section.text, "Keuzes doorgenomen")
    with qtbot.waitSignal(section.loaded, timeout=2_000):
        QTest.keyClick(section.text, Qt.Key.Key_Return)
    assert section.table.rowCount() == 1
    assert section.table.item(0, 1).text() == "Keukentafelgesprek"  # type: ignore[union-attr]
    assert section.text.text() == ""
    QTest.keyClick(section.text, Qt.Key.Key_Return)  # empty: one clear message, nothing saved
    qtbot.waitUntil(lambda: section.error.isVisibleTo(section), timeout=5_000)
    assert "tekst" in section.error.text()
    assert section.table.rowCount() == 1


def test_saving_a_letter_from_the_preview_lands_in_the_journal(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    from tests.ui.letters.test_ui_letters import TODAY, _dossier

    d = _dossier(uow)
    dialog = LetterPreviewDialog(ctx, d, today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.letter_ready, timeout=20_000):
        dialog.show()
    with qtbot.waitSignal(dialog.saved, timeout=10_000):  # written off the GUI thread
        dialog.save_to(tmp_path / "brief.pdf")
    viewer = Actor("tester", "Test Gebruiker", Organisation.NCG)
    [moment] = journal(uow, d, viewer).moments
    assert moment.kind is ContactKind.LETTER and moment.author == "Test Gebruiker"
    assert moment.letter_kenmerk == dialog.rendered.letter.kenmerk  # type: ignore[union-attr]
