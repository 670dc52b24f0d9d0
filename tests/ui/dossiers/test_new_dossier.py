"""Bestand → Nieuw dossier…: bad postcodes and numbers are refused at the field; a valid
entry creates the dossier and asks to open it; an existing address offers its dossier."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLineEdit
from pytestqt.qtbot import QtBot

from buddy_desk.dossiers.intake import EVENT_TITLE, NewDossier, create_dossier
from buddy_desk.dossiers.service import get_dossier, load_summaries
from buddy_desk.i18n import catalog
from buddy_desk.ui.app import ensure_application
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.new_dossier_dialog import NewDossierDialog
from buddy_desk.ui.extensions import discover
from tests.factories import make_dossier


def _dialog(qtbot: QtBot, ctx: AppContext) -> NewDossierDialog:
    ensure_application()
    dialog = NewDossierDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(dialog.isActiveWindow)  # focus (and so leaving a field) needs it
    return dialog


def _type(edit: QLineEdit, text: str, *, leave: bool = True) -> None:
    """Type ``text`` into ``edit`` (and leave it), then wait for the address lookup it
    started, as a user waits for the banner before going on."""
    edit.setFocus()
    edit.selectAll()
    QTest.keyClick(edit, Qt.Key.Key_Delete)
    QTest.keyClicks(edit, text)
    if leave:
        QTest.keyClick(edit, Qt.Key.Key_Tab)
    dialog = edit.window()
    deadline = time.monotonic() + 10
    while isinstance(dialog, NewDossierDialog) and dialog.address_pending:
        assert time.monotonic() < deadline, "the address lookup did not answer"
        QTest.qWait(5)


def _fill_valid(dialog: NewDossierDialog) -> None:
    _type(dialog.postcode, "9712ab")
    _type(dialog.huisnummer, "12")
    _type(dialog.huisletter, "a")
    _type(dialog.straat, "Oude Ebbingestraat")
    _type(dialog.woonplaats, "Groningen")
    _type(dialog.voorletters, "P.")
    _type(dialog.tussenvoegsel, "de")
    _type(dialog.achternaam, "Vries")
    _type(dialog.telefoon, "06-12345678")
    _type(dialog.email, "p.devries@example.org")


def _recorder(ctx: AppContext) -> tuple[list[int], list[bool]]:
    opened: list[int] = []
    reloaded: list[bool] = []
    ctx.events.open_dossier_requested.connect(opened.append)
    ctx.events.dossiers_reloaded.connect(lambda: reloaded.append(True))
    return opened, reloaded


@pytest.mark.parametrize(
    ("text", "reason"),
    [("0712 AB", "geen geldige postcode"), ("9712 SS", "SS bestaat niet"), ("9712", "1234 AB")],
)
def test_bad_postcode_is_refused_at_the_field(
    qtbot: QtBot, ctx: AppContext, text: str, reason: str
) -> None:
    dialog = _dialog(qtbot, ctx)
    _fill_valid(dialog)
    assert dialog.ok_button.isEnabled()
    _type(dialog.postcode, text)
    assert not dialog.postcode.hasAcceptableInput()
    assert dialog.postcode.property("invalid") is True
    message = dialog.messages["postcode"]
    assert message.isVisible() and reason in message.text()
    assert not dialog.ok_button.isEnabled()
    QTest.keyClick(dialog.postcode, Qt.Key.Key_Return)  # Enter does not get past it
    assert dialog.isVisible() and load_summaries(ctx.new_uow()) == []


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("0", "tussen 1 en 99999"),
        ("100000", "tussen 1 en 99999"),
        ("12x3", "geen huisnummer"),
        ("1_2", "geen huisnummer"),
    ],
)
def test_bad_house_number_is_refused_at_the_field(
    qtbot: QtBot, ctx: AppContext, text: str, reason: str
) -> None:
    dialog = _dialog(qtbot, ctx)
    _fill_valid(dialog)
    _type(dialog.huisnummer, text)
    assert dialog.huisnummer.text() == text
    assert not dialog.huisnummer.hasAcceptableInput()
    assert dialog.huisnummer.property("invalid") is True
    assert reason in dialog.messages["huisnummer"].text()
    assert not dialog.ok_button.isEnabled()
    # putting it right clears the red state straight away
    _type(dialog.huisnummer, "12", leave=False)
    assert dialog.huisnummer.property("invalid") is False
    assert not dialog.messages["huisnummer"].isVisible()
    assert dialog.ok_button.isEnabled()


def test_ok_needs_the_required_fields(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = _dialog(qtbot, ctx)
    assert not dialog.ok_button.isEnabled()
    _type(dialog.postcode, "9712 AB")
    _type(dialog.huisnummer, "12")
    _type(dialog.straat, "Oude Ebbingestraat")
    assert not dialog.ok_button.isEnabled()
    _type(dialog.woonplaats, "Groningen")
    assert dialog.ok_button.isEnabled()
    _type(dialog.telefoon, "06-12345678")  # a phone number needs a name to go with it
    assert not dialog.ok_button.isEnabled()
    _type(dialog.achternaam, "Vries")
    assert dialog.ok_button.isEnabled()


def test_postcode_with_or_without_space_is_shown_normalised(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = _dialog(qtbot, ctx)
    _type(dialog.postcode, "9712ab")
    assert dialog.postcode.text() == "9712 AB"
    _type(dialog.postcode, "9712 ab")
    assert dialog.postcode.text() == "9712 AB"
    assert dialog.postcode.property("invalid") is not True
    _type(dialog.huisletter, "b")
    _type(dialog.toevoeging, "-2")
    assert (dialog.huisletter.text(), dialog.toevoeging.text()) == ("B", "2")


def test_valid_entry_creates_the_dossier_and_opens_it(qtbot: QtBot, ctx: AppContext) -> None:
    opened, reloaded = _recorder(ctx)
    dialog = _dialog(qtbot, ctx)
    _fill_valid(dialog)
    assert dialog.ok_button.isEnabled()
    dialog.grab().save("/tmp/new_dossier.png")
    with qtbot.waitSignal(dialog.finished, timeout=10_000):  # written off the GUI thread
        QTest.keyClick(dialog.email, Qt.Key.Key_Return)  # Enter = OK
        # while the write runs, the buttons stay disabled: a second Enter does not write twice
        assert dialog.saving and not dialog.ok_button.isEnabled()
        assert not dialog.buttons.isEnabled()
        QTest.keyClick(dialog.email, Qt.Key.Key_Return)
    assert not dialog.saving
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.created_id is not None
    assert opened == [dialog.created_id] and reloaded == [True]
    detail = get_dossier(ctx.new_uow(), dialog.created_id)
    assert (detail.straat, detail.number_text, detail.postcode, detail.woonplaats) == (
        "Oude Ebbingestraat",
        "12A",
        "9712AB",
        "Groningen",
    )
    assert [(r.naam, r.telefoon, r.email) for r in detail.residents] == [
        ("P. de Vries", "06-12345678", "p.devries@example.org")
    ]
    assert [e.title for e in detail.events] == [EVENT_TITLE]
    assert [r.id for r in load_summaries(ctx.new_uow())] == [dialog.created_id]


def test_existing_address_offers_to_open_that_dossier(qtbot: QtBot, ctx: AppContext) -> None:
    existing = make_dossier(ctx.new_uow(), postcode="9712AB", huisnummer=7, straat="Kerkstraat")
    opened, reloaded = _recorder(ctx)
    dialog = _dialog(qtbot, ctx)
    _type(dialog.postcode, "9712 ab")
    _type(dialog.huisnummer, "7")
    _type(dialog.straat, "Kerkstraat")
    _type(dialog.woonplaats, "Groningen")
    assert dialog.banner.isVisible()
    assert "Kerkstraat 7, 9712 AB" in dialog.banner_text.text()
    assert dialog.existing_id == existing
    assert not dialog.ok_button.isEnabled()
    dialog.grab().save("/tmp/new_dossier_exists.png")
    # another letter is another address: the offer goes away
    _type(dialog.huisletter, "b")
    assert not dialog.banner.isVisible() and dialog.ok_button.isEnabled()
    _type(dialog.huisletter, "")
    assert dialog.banner.isVisible()
    QTest.mouseClick(dialog.open_existing, Qt.MouseButton.LeftButton)
    assert opened == [existing] and reloaded == []
    assert not dialog.isVisible()
    assert len(load_summaries(ctx.new_uow())) == 1


def test_dossier_created_meanwhile_is_offered_on_ok(qtbot: QtBot, ctx: AppContext) -> None:
    opened, _ = _recorder(ctx)
    dialog = _dialog(qtbot, ctx)
    _fill_valid(dialog)
    assert dialog.ok_button.isEnabled()
    # a colleague creates the same address's dossier while the dialog is open
    other = create_dossier(
        ctx.new_uow(),
        NewDossier(postcode="9712AB", huisnummer=12, huisletter="A", straat="X", woonplaats="Y"),
    )
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refusal:
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "9712 AB" in refusal.args[0]
    assert dialog.isVisible() and dialog.banner.isVisible() and dialog.buttons.isEnabled()
    assert dialog.existing_id == other and not dialog.ok_button.isEnabled()
    assert opened == []
    QTest.keyClick(dialog.open_existing, Qt.Key.Key_Return)
    assert opened == [other]


def test_a_field_the_service_refuses_is_shown_at_that_field(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the dialog's own checks pass; the service (the one rule for every path) still refuses
    opened, reloaded = _recorder(ctx)
    dialog = _dialog(qtbot, ctx)
    _fill_valid(dialog)
    monkeypatch.setattr(
        "buddy_desk.ui.dossiers.new_dossier_dialog.NewDossierDialog.new_dossier",
        lambda self: NewDossier(
            postcode="9712AB", huisnummer=12, straat="   ", woonplaats="Groningen"
        ),
    )
    with qtbot.waitSignal(dialog.refused, timeout=10_000) as refusal:
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    message = dialog.messages["straat"]
    assert message.isVisible() and message.text() == refusal.args[0]
    assert dialog.straat.property("invalid") is True
    assert dialog.ok_button.isEnabled() and dialog.created_id is None
    dialog.grab().save("/tmp/new_dossier_refused.png")
    assert opened == [] and reloaded == [] and load_summaries(ctx.new_uow()) == []


def test_escape_cancels_without_writing(qtbot: QtBot, ctx: AppContext) -> None:
    opened, reloaded = _recorder(ctx)
    dialog = _dialog(qtbot, ctx)
    _fill_valid(dialog)
    QTest.keyClick(dialog.email, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert opened == [] and reloaded == []
    assert load_summaries(ctx.new_uow()) == []


def test_tab_order_follows_the_form(qtbot: QtBot, ctx: AppContext) -> None:
    dialog = _dialog(qtbot, ctx)
    dialog.postcode.setFocus()
    seen = [dialog.focusWidget()]
    for _ in range(10):
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
    assert seen == [
        dialog.postcode,
        dialog.huisnummer,
        dialog.huisletter,
        dialog.toevoeging,
        dialog.straat,
        dialog.woonplaats,
        dialog.voorletters,
        dialog.tussenvoegsel,
        dialog.achternaam,
        dialog.telefoon,
        dialog.email,
    ]


def test_menu_action_is_registered_with_texts() -> None:
    actions = {a.id: a for a in discover().menu_actions}
    action = actions["dossier.new"]
    assert (action.menu, action.shortcut) == ("file", "Ctrl+Shift+N")
    assert catalog("nl")[action.text_key] == "Nieuw dossier…"
    assert catalog("en")[action.text_key] == "New dossier…"
    nl = {k for k in catalog("nl") if k.startswith("new_dossier.")}
    en = {k for k in catalog("en") if k.startswith("new_dossier.")}
    assert nl == en


def test_the_typed_address_is_looked_up_off_the_gui_thread(
    qtbot: QtBot, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each key in postcode or number asks the database; the window must not wait for it."""
    import threading

    import buddy_desk.ui.dossiers.new_dossier_dialog as module

    threads: list[str] = []
    from buddy_desk.core.address import AddressKey
    from buddy_desk.dossiers.intake import dossier_at_address as real
    from buddy_desk.persistence.unit_of_work import UnitOfWork

    def spy(uow: UnitOfWork, key: AddressKey) -> tuple[int, str] | None:
        threads.append(threading.current_thread().name)
        return real(uow, key)

    monkeypatch.setattr(module, "dossier_at_address", spy)
    existing = make_dossier(ctx.new_uow(), postcode="9712AB", huisnummer=7, straat="Kerkstraat")
    dialog = _dialog(qtbot, ctx)
    _type(dialog.postcode, "9712 ab")
    _type(dialog.huisnummer, "7")
    assert dialog.existing_id == existing and dialog.banner.isVisible()
    assert threads and threading.main_thread().name not in threads
