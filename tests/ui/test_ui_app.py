"""App start, profile, language switch, screenshot command and bad databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QLabel, QMenu, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.cli import main as cli_main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.dossiers.profiles import StaffAccount
from buddy_desk.i18n import current_language
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.app import run_app
from buddy_desk.ui.context import AppContext, UserProfile
from buddy_desk.ui.dossiers.dossier_view import DossierView
from buddy_desk.ui.extensions import MenuAction, UiRegistry, Workspace
from buddy_desk.ui.main_window import MainWindow
from buddy_desk.ui.settings import load_settings, wait_for_saves
from tests.factories import give_consent, make_dossier, make_supervisor
from tests.ui.conftest import make_window


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, title: str, message: str) -> None:
        self.calls.append((title, message))


def test_unusable_database_shows_clear_error_and_returns_2(tmp_path: Path) -> None:
    errors = Recorder()
    missing_dir = tmp_path / "bestaat-niet" / "db.sqlite"
    assert run_app(f"sqlite:///{missing_dir}", show_error=errors, ask_profile=None) == 2
    assert len(errors.calls) == 1
    assert str(missing_dir.parent) in errors.calls[0][1]
    corrupt = tmp_path / "kapot.sqlite"
    corrupt.write_bytes(b"dit is geen database" * 10)
    assert run_app(f"sqlite:///{corrupt}", show_error=errors, ask_profile=None) == 2
    assert str(corrupt) in errors.calls[1][1]
    assert corrupt.read_bytes() == b"dit is geen database" * 10  # never overwritten


def test_unknown_user_is_refused(sqlite_url: str) -> None:
    errors = Recorder()
    assert run_app(sqlite_url, user="niemand", show_error=errors, ask_profile=None) == 2
    assert "niemand" in errors.calls[0][1]


def test_user_option_signs_in_as_supervisor_and_sets_title(qtbot: QtBot, sqlite_url: str) -> None:
    uow = UnitOfWork(open_database(sqlite_url))
    make_supervisor(uow, Organisation.IMG, "Anna de Boer", "adeboer")
    seen: list[str] = []

    def loop(app: object, window: MainWindow) -> int:
        seen.append(window.windowTitle())
        assert window.ctx.user.supervisor_id is not None
        assert window.list_view.mine_check.isEnabled()
        return 0

    assert run_app(sqlite_url, user="ADEBOER", ask_profile=None, exec_loop=loop) == 0
    assert seen == ["Buddy Desk — Anna de Boer (IMG, zaakbegeleider) — test.sqlite"]


def test_first_start_asks_profile_once_and_stores_it(sqlite_url: str) -> None:

    asked: list[list[StaffAccount]] = []
    cancel_texts: list[str] = []

    def ask(accounts: list[StaffAccount], current: UserProfile | None) -> UserProfile:
        asked.append(accounts)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        button = box.button(QDialogButtonBox.StandardButton.Cancel)
        cancel_texts.append(button.text() if button is not None else "")
        box.deleteLater()
        return UserProfile("piet", "Piet Planner", "NCG", "planner")

    titles: list[str] = []

    def loop(app: object, window: MainWindow) -> int:
        titles.append(window.windowTitle())
        return 0

    assert run_app(sqlite_url, ask_profile=ask, exec_loop=loop) == 0
    assert run_app(sqlite_url, ask_profile=ask, exec_loop=loop) == 0
    assert len(asked) == 1
    assert cancel_texts == ["Annuleren"]  # Qt's own buttons speak Dutch from the first dialog
    assert titles[1] == "Buddy Desk — Piet Planner (NCG, planner) — test.sqlite"
    stored = load_settings().profile
    assert stored is not None and stored.display_name == "Piet Planner"


def test_language_switch_changes_visible_texts_and_persists(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    give_consent(uow, d)
    window = make_window(qtbot, ctx)
    view = window.open_dossier(d)
    assert view is not None
    assert window.list_view.model.headerData(0, Qt.Orientation.Horizontal) == "Adres"
    assert view.sections.tabText(1) == "Notities"
    window.set_language("en")
    try:
        assert current_language() == "en"
        assert window.menuBar().actions()[0].text() == "&File"
        # each view on screen follows in a turn of the event loop of its own
        qtbot.waitUntil(lambda: view.sections.tabText(1) == "Notes")
        assert view.collaboration.title.text() == "Collaboration group B"
        assert window.list_view.model.headerData(0, Qt.Orientation.Horizontal) == "Address"
        assert "of 1 dossiers" in window.list_view.count_label.text()
        wait_for_saves()  # the settings file is written off the GUI thread
        assert load_settings().language == "en"
        qtbot.waitUntil(lambda: _cancel_text() == "Cancel")  # Qt's own texts too
    finally:
        window.set_language("nl")
    qtbot.waitUntil(lambda: view.sections.tabText(1) == "Notities")
    qtbot.waitUntil(lambda: _cancel_text() == "Annuleren")


def _cancel_text() -> str:
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    button = box.button(QDialogButtonBox.StandardButton.Cancel)
    assert button is not None
    text = button.text().replace("&", "")
    box.deleteLater()
    return text


def test_workspaces_and_menu_actions_from_extensions(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    called: list[str] = []
    registry = UiRegistry()
    registry.add_workspace(Workspace("planning", "ui.action.list", lambda c: QLabel("planning")))
    registry.add_menu_action(
        MenuAction("tools", "import", "ui.action.reload", lambda c, p: called.append("import"))
    )
    window = make_window(qtbot, ctx, registry)
    assert window.tabs.count() == 2
    assert window.tabs.tabText(1) == "Dossierlijst"
    tools = [a for a in window.menuBar().actions() if a.text() == "&Extra"]
    assert tools and tools[0].isVisible()
    menu = tools[0].menu()
    assert isinstance(menu, QMenu)
    entries = [a for a in menu.actions() if a.text() == "Lijst vernieuwen"]
    entries[0].trigger()
    assert called == ["import"]
    # workspaces are not closable; Ctrl+W there does nothing
    window.tabs.setCurrentIndex(1)
    window.close_current_tab()
    assert window.tabs.count() == 2


def test_screenshot_command_writes_png(
    tmp_path: Path, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from buddy_desk.ui.settings import AppSettings, save_settings

    uow = UnitOfWork(open_database(sqlite_url))
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    mine = AppSettings(language="nl", profile=UserProfile("anna", "Anna", "IMG", "supervisor"))
    save_settings(mine)
    out = tmp_path / "lijst.png"
    assert cli_main(["screenshot", "--db", sqlite_url, "--out", str(out), "--size", "900x600"]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dossier_png = tmp_path / "dossier.png"
    assert (
        cli_main(["screenshot", "--db", sqlite_url, "--out", str(dossier_png), "--dossier", str(d)])
        == 0
    )
    from PySide6.QtGui import QImage

    image = QImage(str(dossier_png))
    assert (image.width(), image.height()) == (1400, 900)
    assert cli_main(["screenshot", "--db", sqlite_url, "--out", str(out), "--dossier", "999"]) == 2
    assert "999" in capsys.readouterr().err
    english = tmp_path / "english.png"
    assert cli_main(["screenshot", "--db", sqlite_url, "--out", str(english), "--lang", "en"]) == 0
    assert load_settings() == mine  # the user's profile and language are left as they were


def test_views_that_cannot_retranslate_are_rebuilt_in_the_new_language(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    """The planning workspace, and a dossier tab a feature registers without a retranslate of
    its own, are built anew in the new language."""
    from datetime import date

    from buddy_desk.i18n import in_language, tr
    from buddy_desk.ui.extensions import DossierSection, discover
    from buddy_desk.ui.planning.workspace import PlanningWorkspace

    def tr_in(language: str, key: str) -> str:
        with in_language(language):
            return tr(key)

    registry = discover()
    registry.add_dossier_section(
        DossierSection(
            id="plain",
            title_key="ui.dossier.tab.notes",
            factory=lambda _ctx, _id: QLabel(tr("ui.dossier.tab.notes")),
            order=99,
        )
    )
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    window = make_window(qtbot, ctx, registry)
    page = next(p for w, p in window._workspaces if w.id == "planning")
    window.tabs.setCurrentWidget(page)
    workspace = page.content()
    assert isinstance(workspace, PlanningWorkspace)
    assert workspace.filter.placeholderText() == tr_in("nl", "planning.queue.filter")
    view = window.open_dossier(d)
    assert view is not None
    plain = view.section_widget("plain")
    assert isinstance(plain, QLabel) and plain.text() == tr_in("nl", "ui.dossier.tab.notes")
    window.tabs.setCurrentWidget(page)
    window.set_language("en")
    try:
        rebuilt = page.content()
        assert isinstance(rebuilt, PlanningWorkspace) and rebuilt is not workspace
        assert rebuilt.filter.placeholderText() == tr_in("en", "planning.queue.filter")
        rebuilt.show_week(date(2026, 12, 7))
        assert rebuilt.week_label.text() == "Week of Monday 7 December 2026"
        new_plain = view.section_widget("plain")
        assert isinstance(new_plain, QLabel) and new_plain is not plain
        assert new_plain.text() == tr_in("en", "ui.dossier.tab.notes")
    finally:
        window.set_language("nl")


@pytest.mark.parametrize(
    ("section_id", "module", "readers"),
    [
        ("planning", "buddy_desk.ui.planning.section", ("svc.dossier_appointments",)),
        ("documents", "buddy_desk.ui.attachments.section", ("list_documents",)),
        ("journal", "buddy_desk.ui.journal.section", ("journal",)),
    ],
)
def test_a_dossier_tab_follows_a_language_switch_in_place_from_what_it_read(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    monkeypatch: pytest.MonkeyPatch,
    section_id: str,
    module: str,
    readers: tuple[str, ...],
) -> None:
    """Afspraken, Documenten and Contact redo their texts at a switch: the same widget, no
    read of the database (rebuilding and reading each of them held the window at a switch)."""
    from buddy_desk.i18n import in_language, tr

    window, view, section = _dossier_tab(qtbot, ctx, uow, section_id)
    holder = section.parentWidget()
    assert holder is not None
    view.sections.setCurrentWidget(holder)
    dutch = [b.text() for b in section.findChildren(QPushButton)]

    def no_read(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a language switch read the tab again")

    for reader in readers:
        monkeypatch.setattr(f"{module}.{reader}", no_read)
    window.set_language("en")
    try:
        with in_language("en"):
            english_tab = tr(
                f"{'attachments' if section_id == 'documents' else section_id}.section"
            )
        qtbot.waitUntil(lambda: view.sections.tabText(view.sections.indexOf(holder)) == english_tab)
        qtbot.waitUntil(lambda: [b.text() for b in section.findChildren(QPushButton)] != dutch)
        assert view.section_widget(section_id) is section
        english = [b.text() for b in section.findChildren(QPushButton)]
        with in_language("en"):
            assert all(text in english for text in _english_buttons(section_id))
    finally:
        window.set_language("nl")


def _dossier_tab(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, section_id: str
) -> tuple[MainWindow, DossierView, QWidget]:
    """A dossier open in the window with every feature, its ``section_id`` tab built and its
    first read (off the GUI thread) shown."""
    from buddy_desk.ui.extensions import discover

    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    window = make_window(qtbot, ctx, discover())
    view = window.open_dossier(d)
    assert view is not None
    section = view.section_widget(section_id)
    assert section is not None
    with qtbot.waitSignal(section.loaded, timeout=10_000):  # type: ignore[attr-defined]
        pass
    return window, view, section


def _english_buttons(section_id: str) -> list[str]:
    from buddy_desk.i18n import tr

    keys = {
        "planning": ["planning.action.move", "planning.action.cancel", "planning.export"],
        "documents": ["attachments.add", "attachments.open"],
        "journal": ["journal.add"],
    }[section_id]
    return [tr(k) for k in keys]


def test_a_dossier_tab_in_the_background_follows_the_language_when_shown(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    """Only the dossier in front is redone at the switch; the others when they are shown."""
    from buddy_desk.i18n import in_language, tr

    first = make_dossier(uow, straat="Voorstraat")
    second = make_dossier(uow, straat="Achterstraat")
    window = make_window(qtbot, ctx)
    behind = window.open_dossier(first)
    front = window.open_dossier(second)
    assert behind is not None and front is not None and not behind.isVisible()
    window.set_language("en")
    try:
        with in_language("en"):
            notes_en = tr("ui.dossier.tab.notes")
        qtbot.waitUntil(lambda: front.sections.tabText(1) == notes_en)  # in a turn of its own
        window.tabs.setCurrentWidget(behind)
        assert behind.isVisible() and behind.sections.tabText(1) == notes_en
    finally:
        window.set_language("nl")


@pytest.mark.parametrize(
    ("section_id", "module", "reader"),
    [
        ("planning", "buddy_desk.ui.planning.section", "svc.dossier_appointments"),
        ("documents", "buddy_desk.ui.attachments.section", "list_documents"),
        ("journal", "buddy_desk.ui.journal.section", "journal"),
        ("signals", "buddy_desk.ui.signals.section", "list_signals"),
    ],
)
def test_a_dossier_tab_reads_anew_off_the_gui_thread_after_a_change(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    monkeypatch: pytest.MonkeyPatch,
    section_id: str,
    module: str,
    reader: str,
) -> None:
    """A write in a dossier with its tabs built must not run their reads in its slot."""
    import importlib
    import threading

    _window, view, section = _dossier_tab(qtbot, ctx, uow, section_id)
    owner_name, _, name = reader.rpartition(".")
    owner = importlib.import_module(module)
    if owner_name:
        owner = getattr(owner, owner_name)
    original = getattr(owner, name)
    threads: list[int] = []

    def noted(*args: object, **kwargs: object) -> object:
        threads.append(threading.get_ident())
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, name, noted)
    with qtbot.waitSignal(section.loaded, timeout=10_000):  # type: ignore[attr-defined]
        ctx.events.dossier_changed.emit(view.dossier_id)
    assert threads and threading.get_ident() not in threads
