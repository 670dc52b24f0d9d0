"""The dossier list: search as you type, filters, keyboard, opening dossiers."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from sqlalchemy import select, update

from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.i18n import tr
from buddy_desk.models import Address, Dossier
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.dossier_view import DossierView
from buddy_desk.ui.dossiers.table_model import Column
from tests.factories import give_consent, make_dossier
from tests.ui.conftest import every_worker_held, make_window


def _three(uow: UnitOfWork) -> tuple[int, int, int]:
    a = make_dossier(
        uow,
        straat="Kerkstraat",
        huisnummer=1,
        postcode="9712AB",
        resident=("A.", "Bakker"),
        ncg_status=NcgStatus.S2_1,
        img_phase=ImgPhase.OPNAME,
    )
    b = make_dossier(
        uow,
        straat="Kerkstraat",
        huisnummer=2,
        postcode="9999ZZ",
        resident=("B.", "Smit"),
        ncg_status=NcgStatus.S4_1,
        flags=(FlagKind.AOS,),
    )
    c = make_dossier(
        uow,
        straat="Dorpsweg",
        huisnummer=5,
        postcode="9999ZZ",
        resident=("C.", "Visser"),
        img_phase=ImgPhase.BESCHIKKING,
        zaaknummer="IMG-2026-000777",
    )
    for d in (a, b, c):  # the list behaviour, with the resident's consent (NCG user)
        give_consent(uow, d)
    return a, b, c


def test_list_filters_as_you_type(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    _three(uow)
    window = make_window(qtbot, ctx)
    view = window.list_view
    assert view.model.visible_count == 3
    assert "3 van 3 dossiers" in view.count_label.text()
    QTest.keyClicks(view.search, "kerk")
    assert view.model.visible_count == 2
    assert "2 van 3 dossiers" in view.count_label.text()
    QTest.keyClicks(view.search, "straat 2")
    assert view.model.visible_count == 1
    assert view.model.row_at(0).address_line == "Kerkstraat 2"


def test_postcode_with_space_and_zaaknummer_find_the_dossier(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    a, _b, c = _three(uow)
    view = make_window(qtbot, ctx).list_view
    QTest.keyClicks(view.search, "9712 ab")
    assert [view.model.row_at(i).id for i in range(view.model.visible_count)] == [a]
    view.search.clear()
    QTest.keyClicks(view.search, "IMG-2026-000777")
    assert [view.model.row_at(i).id for i in range(view.model.visible_count)] == [c]


def test_no_match_shows_empty_state_and_escape_clears(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    _three(uow)
    view = make_window(qtbot, ctx).list_view
    QTest.keyClicks(view.search, "nergensstraat")
    assert view.model.visible_count == 0
    assert view.stack.currentWidget() is view.empty
    assert "nergensstraat" in view.empty.text()
    QTest.keyClick(view.search, Qt.Key.Key_Escape)
    assert view.search.text() == ""
    assert view.model.visible_count == 3
    assert view.stack.currentWidget() is view.table


def test_group_and_flag_filters(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    a, b, _c = _three(uow)
    view = make_window(qtbot, ctx).list_view
    from buddy_desk.core.collaboration import CollaborationGroup

    view.group_buttons[CollaborationGroup.B].click()
    assert [view.model.row_at(i).id for i in range(view.model.visible_count)] == [a]
    view.clear_filters()
    view.flag_actions[FlagKind.AOS].trigger()
    assert [view.model.row_at(i).id for i in range(view.model.visible_count)] == [b]
    view.clear_filters()
    assert view.model.visible_count == 3


def test_sorting_by_column_header(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    _three(uow)
    view = make_window(qtbot, ctx).list_view
    from buddy_desk.ui.dossiers.table_model import Column

    first = view.model.row_at(0).address_line
    assert first == "Dorpsweg 5"  # by address
    view.table.sortByColumn(Column.RESIDENT, Qt.SortOrder.DescendingOrder)
    assert [view.model.row_at(i).resident for i in range(3)] == [
        "C. Visser",
        "B. Smit",
        "A. Bakker",
    ]
    QTest.keyClicks(view.search, "kerk")  # the filter keeps the chosen order
    assert [view.model.row_at(i).resident for i in range(2)] == ["B. Smit", "A. Bakker"]


def test_keyboard_down_then_enter_opens_dossier_tab(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    _a, b, _c = _three(uow)
    window = make_window(qtbot, ctx)
    view = window.list_view
    window.focus_search()
    QTest.keyClicks(view.search, "smit")
    QTest.keyClick(view.search, Qt.Key.Key_Down)
    assert view.table.hasFocus() or view.table.currentIndex().row() == 0
    with qtbot.waitSignal(window.dossier_opened) as opened:
        QTest.keyClick(view.table, Qt.Key.Key_Return)
    assert opened.args == [b]
    current = window.tabs.currentWidget()
    assert isinstance(current, DossierView)
    assert current.dossier_id == b
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Kerkstraat 2"


def test_enter_in_search_opens_first_hit(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    a, _b, _c = _three(uow)
    window = make_window(qtbot, ctx)
    QTest.keyClicks(window.list_view.search, "9712ab")
    with qtbot.waitSignal(window.dossier_opened):
        QTest.keyClick(window.list_view.search, Qt.Key.Key_Return)
    current = window.tabs.currentWidget()
    assert isinstance(current, DossierView) and current.dossier_id == a


def test_opening_twice_focuses_the_same_tab(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    a, b, _c = _three(uow)
    window = make_window(qtbot, ctx)
    for dossier_id in (a, b):
        with qtbot.waitSignal(window.dossier_opened):
            ctx.events.open_dossier_requested.emit(dossier_id)
    assert window.tabs.count() == 3
    window.show_list()
    with qtbot.waitSignal(window.dossier_opened):  # already open: at once, to the front
        ctx.events.open_dossier_requested.emit(a)
    assert window.tabs.count() == 3
    assert window.tabs.currentWidget() is window.open_dossiers()[a]
    window.cycle_tabs(1)
    assert window.tabs.currentWidget() is window.open_dossiers()[b]
    window.close_current_tab()
    assert window.tabs.count() == 2
    assert b not in window.open_dossiers()


def test_list_reloads_when_dossiers_reloaded(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    _three(uow)
    view = make_window(qtbot, ctx).list_view
    make_dossier(uow, straat="Nieuweweg", huisnummer=9)
    with qtbot.waitSignal(view.rows_loaded, timeout=10_000):
        ctx.events.dossiers_reloaded.emit()
    assert view.model.total_count == 4


def test_list_texts_follow_a_changed_dossier_and_the_language(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, straat="Kerkstraat", huisnummer=1, img_phase=ImgPhase.OPNAME)
    give_consent(uow, d)
    window = make_window(qtbot, ctx)
    view = window.list_view
    index = view.model.index(0, Column.IMG)
    qtbot.waitExposed(window)
    view.table.viewport().repaint()  # the row's texts are now cached
    dutch = index.data()
    window.set_language("en")
    try:
        assert view.model.index(0, Column.IMG).data() == tr("img.phase.Opname") != dutch
    finally:
        window.set_language("nl")
    assert view.model.index(0, Column.IMG).data() == dutch

    address_id = select(Dossier.address_id).where(Dossier.id == d).scalar_subquery()
    with uow:
        uow.session.execute(
            update(Address).where(Address.id == address_id).values(straat="Dorpsweg")
        )
        uow.commit()
    with qtbot.waitSignal(view.rows_loaded, timeout=10_000):
        ctx.events.dossiers_reloaded.emit()
    assert view.model.index(0, Column.ADDRESS).data() == "Dorpsweg 1"


def test_list_withholds_the_other_side_without_consent_and_says_why(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    """The NCG user's list: no IMG phase, case number or B/C decision without consent."""
    d = make_dossier(
        uow,
        straat="Kerkstraat",
        huisnummer=1,
        ncg_status=NcgStatus.S2_1,
        img_phase=ImgPhase.OPNAME,
        zaaknummer="IMG-2026-000888",
    )
    view = make_window(qtbot, ctx).list_view
    row = view.model.index(0, Column.IMG)
    assert row.data() == "niet getoond"
    assert row.data(Qt.ItemDataRole.ToolTipRole).startswith(
        "IMG-gegevens niet getoond: geen toestemming"
    )
    assert view.model.index(0, Column.GROUP).data() == "B/C"
    QTest.keyClicks(view.search, "IMG-2026-000888")
    assert view.model.visible_count == 0  # a withheld case number finds nothing
    view.search.clear()
    give_consent(uow, d)
    with qtbot.waitSignal(view.rows_loaded, timeout=10_000):
        view.reload()
    assert view.model.index(0, Column.IMG).data() == tr("img.phase.Opname")
    assert view.model.index(0, Column.GROUP).data() == "B"


def test_a_large_result_shows_at_once_and_is_counted_after(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    from buddy_desk.ui.dossiers import table_model

    _three(uow)
    view = make_window(qtbot, ctx).list_view
    monkeypatch.setattr(table_model, "FIRST_PAGE_ROWS", 1)
    with qtbot.waitSignal(view.model.counted, timeout=10_000):
        QTest.keyClicks(view.search, "kerk")
        assert view.model.row_at(0).address_line == "Kerkstraat 1"
    assert view.model.visible_count == 2
    assert "2 van 3 dossiers" in view.count_label.text()


def test_a_dossier_asked_for_is_read_off_the_gui_thread_and_opened_once(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A double-click (or any 'open this dossier') reads the dossier on a worker; a second
    click while it loads opens no second tab; an unknown dossier says so."""
    import threading

    import buddy_desk.ui.dossiers.data as data

    a, _b, _c = _three(uow)
    window = make_window(qtbot, ctx)
    threads: list[str] = []
    real = data.load_dossier_for_view

    def spy(context: AppContext, dossier_id: int) -> object:
        threads.append(threading.current_thread().name)
        return real(context, dossier_id)

    monkeypatch.setattr(data, "load_dossier_for_view", spy)
    with qtbot.waitSignal(window.dossier_opened) as opened:
        ctx.events.open_dossier_requested.emit(a)
        ctx.events.open_dossier_requested.emit(a)  # clicked twice
    assert opened.args == [a] and window.tabs.count() == 2
    assert threads == [threads[0]] and threads[0] != threading.main_thread().name
    shown: list[str] = []
    monkeypatch.setattr(
        "buddy_desk.ui.messages.show_error", lambda _parent, _title, text, *_a: shown.append(text)
    )
    ctx.events.open_dossier_requested.emit(999_999)
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert "999999" in shown[0] and window.tabs.count() == 2


def test_a_dossier_opens_at_once_while_long_jobs_hold_every_worker(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    """An import and a letter run at the same time must not make a double-click wait."""
    a, _b, _c = _three(uow)
    window = make_window(qtbot, ctx)
    with every_worker_held(ctx) as release:
        ctx.events.open_dossier_requested.emit(a)
        # opened now (its tab in the next turn), not queued behind the jobs
        qtbot.waitUntil(lambda: a in window.open_dossiers(), timeout=2_000)
        assert not release.is_set()
