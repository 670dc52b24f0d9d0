"""The kitchen-table window: opened with one key, records choices, prints, fits 1280×720."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from buddy_desk.choices.rules import Channel, ChoiceType
from buddy_desk.choices.service.log import log_entries
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.dossiers.service import save_note
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import discover
from buddy_desk.ui.kitchen import _OPEN
from buddy_desk.ui.kitchen.view import KitchenTableWindow
from tests.factories import make_dossier, make_supervisor
from tests.ui.conftest import make_window


def _dossier(uow: UnitOfWork) -> int:
    img = make_supervisor(uow, Organisation.IMG, "Ineke Zaak")
    ncg = make_supervisor(uow, Organisation.NCG, "Bert Bewoner")
    d = make_dossier(
        uow,
        img_phase=ImgPhase.OPNAME,
        ncg_status=NcgStatus.S2_1,
        img_supervisor_id=img,
        ncg_supervisor_id=ncg,
    )
    save_note(
        uow, d, "Interne notitie: bewoner wantrouwt de gemeente", "tester", base_updated_at=None
    )
    return d


def _texts(window: KitchenTableWindow) -> str:
    return "\n".join(label.text() for label in window.findChildren(QLabel))


def test_f11_turns_the_open_dossier_to_the_resident(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = _dossier(uow)
    window = make_window(qtbot, ctx, discover())
    action = window._actions["dossier.kitchen"][1]
    assert "F11" in [k.toString() for k in action.shortcuts()]
    action.trigger()  # on the list: nothing to show, a message says why
    assert "Open eerst een dossier" in window.statusBar().currentMessage()
    window.open_dossier(d)
    action.trigger()
    kitchen = _OPEN[d]
    qtbot.addWidget(kitchen)
    assert kitchen.isVisible()
    text = _texts(kitchen)
    assert "Waar staat u nu?" in text and "Ineke Zaak" in text and "Bert Bewoner" in text
    # the viewer is NCG without consent: IMG's stage stays hidden, only that it exists
    assert "Er loopt een schadezaak bij IMG" in text
    for internal in ("Interne notitie", "tester", "Test Gebruiker", "J. Jansen"):
        assert internal not in text
    kitchen.close()


def test_a_choice_recorded_at_the_table_is_logged_with_channel_keukentafel(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = _dossier(uow)
    kitchen = KitchenTableWindow(ctx, d)
    qtbot.addWidget(kitchen)
    first_contact = next(
        b for b in kitchen.open_choice_buttons if b.text() == "Eerste aanspreekpunt"
    )
    assert first_contact is not None
    dialog = kitchen.record_dialog(ChoiceType.FIRST_CONTACT)
    qtbot.addWidget(dialog)
    assert dialog.choice_type is ChoiceType.FIRST_CONTACT
    assert Channel(dialog.channel.currentData()) is Channel.KITCHEN_TABLE
    dialog.options.setCurrentRow(1)  # NCG
    with qtbot.waitSignal(kitchen.refreshed, timeout=5_000):
        dialog.try_save()
    [entry] = log_entries(uow, d)
    assert entry.channel is Channel.KITCHEN_TABLE and entry.value == "NCG"
    assert "Eerste aanspreekpunt: NCG (bewonersbegeleider)" in _texts(kitchen)
    assert "Eerste aanspreekpunt" not in [b.text() for b in kitchen.open_choice_buttons]


def test_the_handout_has_the_same_words(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    d = _dossier(uow)
    kitchen = KitchenTableWindow(ctx, d)
    qtbot.addWidget(kitchen)
    out = tmp_path / "handout.pdf"
    kitchen.print_to(out)
    pdf = " ".join((p.extract_text() or "") for p in PdfReader(out).pages)
    flat = " ".join(pdf.split())
    for track in kitchen.content.tracks:
        assert " ".join(track.now.split()) in flat
    assert "Ineke Zaak" in flat and "Interne notitie" not in flat


def test_nothing_is_clipped_at_1280x720(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    d = _dossier(uow)
    kitchen = KitchenTableWindow(ctx, d)
    qtbot.addWidget(kitchen)
    kitchen.resize(1280, 720)
    kitchen.show()
    qtbot.waitExposed(kitchen)
    QApplication.processEvents()
    assert kitchen.page.minimumSizeHint().width() <= kitchen.scroller.viewport().width()
    for label in kitchen.page.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap():
            assert label.width() >= label.sizeHint().width(), label.text()
    for button in (kitchen.record_button, kitchen.close_button):
        assert button.geometry().right() <= kitchen.width()


def test_screenshot_command_renders_the_kitchen_table(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from PySide6.QtGui import QImage

    from buddy_desk.cli import main as cli_main
    from buddy_desk.persistence.schema import open_database

    d = _dossier(UnitOfWork(open_database(sqlite_url)))
    out = tmp_path / "keukentafel.png"
    args = ["screenshot", "--db", sqlite_url, "--out", str(out), "--dossier", str(d)]
    assert cli_main([*args, "--kitchen-table", "--size", "1280x720"]) == 0
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1280, 720)
    assert cli_main(["screenshot", "--db", sqlite_url, "--out", str(out), "--kitchen-table"]) == 2
    assert "--dossier" in capsys.readouterr().err


def test_the_kitchen_table_goes_full_screen_and_back(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = _dossier(uow)
    kitchen = KitchenTableWindow(ctx, d)
    qtbot.addWidget(kitchen)
    kitchen.show()
    qtbot.waitExposed(kitchen)
    assert len(QApplication.screens()) == 1  # offscreen: one screen, so full screen here
    kitchen.screen_button.click()
    qtbot.waitUntil(kitchen.isFullScreen, timeout=2_000)
    kitchen.screen_button.click()
    qtbot.waitUntil(lambda: not kitchen.isFullScreen(), timeout=2_000)
