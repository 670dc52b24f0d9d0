"""F1 opens help for the screen at hand, offline, in the UI's language."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.i18n import in_language
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.resources import resource
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import discover
from buddy_desk.ui.help import topic_of
from buddy_desk.ui.help.dialog import HelpDialog, help_text
from buddy_desk.ui.kitchen.view import KitchenTableWindow
from tests.factories import make_dossier
from tests.ui.conftest import make_window


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_screen_has_help_in_both_languages(language: str) -> None:
    registry = discover()
    topics = {"dossiers", "dossier", "kitchen", "import"} | {w.id for w in registry.workspaces}
    for topic in topics:
        assert resource("help", language, f"{topic}.md").is_file(), (language, topic)


def _help_dialogs() -> list[HelpDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, HelpDialog) and w.isVisible()
    ]


def test_f1_follows_the_screen_in_front(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    window = make_window(qtbot, ctx, discover())
    f1 = window._actions["help.screen"][1]
    assert "F1" in [k.toString() for k in f1.shortcuts()]
    assert topic_of(window) == "dossiers"
    window.open_dossier(d)
    assert topic_of(window) == "dossier"
    f1.trigger()
    [dialog] = _help_dialogs()
    qtbot.addWidget(dialog)
    assert dialog.topic == "dossier"
    assert "Contactmomenten" in dialog.browser.toPlainText()
    dialog.close()
    planning = next(p for w, p in window._workspaces if w.id == "planning")
    window.show_workspace(planning)
    assert topic_of(window) == "planning"
    kitchen = KitchenTableWindow(ctx, d)
    qtbot.addWidget(kitchen)
    assert topic_of(kitchen) == "kitchen"


def test_help_text_falls_back_to_dutch_and_says_when_missing() -> None:
    assert help_text("kitchen", "en").startswith("# Kitchen table")
    with in_language("nl"):
        assert "nog geen hulptekst" in help_text("bestaat-niet", "nl")
