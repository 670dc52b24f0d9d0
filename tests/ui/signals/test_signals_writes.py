"""The dossier's Signalen tab writes through ctx.ops.write: the write lands off the GUI thread,
dossier_changed announces it once, and the tab shows the new state."""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.i18n import in_language, set_language, tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.rules import SignalState
from buddy_desk.signals.service import SignalInfo, add_signal, list_signals
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.signals.dialogs import AddSignalDialog, NewSignal, TextDialog
from buddy_desk.ui.signals.section import SignalsSection
from tests.factories import make_dossier
from tests.ui.conftest import loaded


@pytest.fixture
def dossier(uow: UnitOfWork) -> int:
    return make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)


def _section(qtbot: QtBot, ctx: AppContext, dossier: int) -> SignalsSection:
    section = loaded(qtbot, SignalsSection(ctx, dossier))
    section.show()
    return section


def _accept(monkeypatch: pytest.MonkeyPatch, dialog: type[QDialog], value: object) -> None:
    monkeypatch.setattr(dialog, "exec", lambda _self: dialog.DialogCode.Accepted)
    monkeypatch.setattr(dialog, "value", lambda _self: value)


def test_adding_a_signal_lands_and_the_tab_shows_it(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    dossier: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    section = _section(qtbot, ctx, dossier)
    assert section.table.signals == []
    _accept(
        monkeypatch,
        AddSignalDialog,
        NewSignal("Bewoner terugbellen", None, Organisation.NCG, date(2027, 1, 8)),
    )
    threads: list[int] = []

    def add_and_note_thread(*args: Any, **kwargs: Any) -> SignalInfo:
        threads.append(threading.get_ident())
        return add_signal(*args, **kwargs)

    monkeypatch.setattr("buddy_desk.ui.signals.section.add_signal", add_and_note_thread)
    changed: list[int] = []
    ctx.events.dossier_changed.connect(changed.append)
    with qtbot.waitSignals([section.changed, section.loaded], timeout=10_000):
        section.add()
    assert threads and threads != [threading.get_ident()]  # not on the GUI thread
    assert changed == [dossier]  # announced once, by ops.write
    stored = list_signals(uow, viewer=viewer_of(ctx.user), dossier_id=dossier)
    assert [s.title for s in stored] == ["Bewoner terugbellen"]
    assert [s.title for s in section.table.signals] == ["Bewoner terugbellen"]  # refreshed


def test_closing_a_signal_lands_and_the_tab_shows_it_closed(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    dossier: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_signal(uow, dossier, "Opname plannen", organisation=Organisation.NCG)
    section = _section(qtbot, ctx, dossier)
    section.table.selectRow(0)
    _accept(monkeypatch, TextDialog, "Gebeld, opname staat")
    with qtbot.waitSignals([section.changed, section.loaded], timeout=10_000):
        section.close_selected()
    stored = list_signals(uow, viewer=viewer_of(ctx.user), dossier_id=dossier)
    assert [(s.state, s.outcome) for s in stored] == [(SignalState.DONE, "Gebeld, opname staat")]
    assert [s.state for s in section.table.signals] == [SignalState.DONE]


def test_a_refused_signal_says_why_under_the_action_and_writes_nothing(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    dossier: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        "buddy_desk.ui.messages.show_error",
        lambda _p, title, text, detail=None: shown.append((title, text)),
    )
    section = _section(qtbot, ctx, dossier)
    _accept(monkeypatch, AddSignalDialog, NewSignal("   ", None, Organisation.NCG, None))
    section.add()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown[0][0] == tr("signals.add.title")  # under the action, as before
    assert list_signals(uow, viewer=viewer_of(ctx.user), dossier_id=dossier) == []


def test_the_tab_follows_a_language_switch_from_what_it_read(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    dossier: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_signal(uow, dossier, "Bewoner terugbellen", organisation=Organisation.NCG)
    section = _section(qtbot, ctx, dossier)
    behind = loaded(qtbot, SignalsSection(ctx, dossier))  # a dossier tab that is not in front

    def no_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a language switch read the signals again")

    monkeypatch.setattr("buddy_desk.ui.signals.section.list_signals", no_read)
    monkeypatch.setattr("buddy_desk.ui.signals.section.list_requests", no_read)
    set_language("en")
    try:
        ctx.events.language_changed.emit("en")
        with in_language("en"):
            english = tr("requests.title")
        qtbot.waitUntil(lambda: section.requests_title.text() == english)
        assert [s.title for s in section.table.signals] == ["Bewoner terugbellen"]
        assert behind.requests_title.text() != english  # when it is shown
        behind.show()
        assert behind.requests_title.text() == english
    finally:
        set_language("nl")
