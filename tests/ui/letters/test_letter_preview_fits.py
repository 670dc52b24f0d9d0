"""The letter preview fits a 768 px laptop screen (it used to open 900 px tall)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from pytestqt.qtbot import QtBot

from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.letters.preview import LetterPreviewDialog
from buddy_desk.ui.widgets import screen_fit
from tests.ui.letters.test_ui_letters import TODAY, _dossier


@pytest.mark.parametrize("screen", [QRect(0, 0, 1366, 728), QRect(0, 0, 1920, 1040)])
def test_the_preview_fits_the_available_screen(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    monkeypatch: pytest.MonkeyPatch,
    screen: QRect,
) -> None:
    monkeypatch.setattr(screen_fit, "available_geometry", lambda _w: screen)
    dialog = LetterPreviewDialog(ctx, _dossier(uow), today=TODAY)
    qtbot.addWidget(dialog)
    frame = screen_fit.FRAME_MARGIN
    assert dialog.height() + frame <= screen.height()
    assert dialog.width() <= screen.width()
    # on a big screen it still gets the room it asks for
    if screen.height() > 1000:
        assert dialog.height() == 900
    with qtbot.waitSignal(dialog.letter_ready, timeout=20_000):
        dialog.show()
    assert dialog.save_button.isVisible()
    assert dialog.save_button.mapTo(dialog, dialog.save_button.rect().bottomLeft()).y() < (
        dialog.height()
    )
