"""The status bar tells online/offline, last sync, queued changes and conflicts; "Nu
synchroniseren" syncs in the background."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import update

from buddy_desk.choices.service.log import record_choice
from buddy_desk.dossiers.service import save_note
from buddy_desk.errors import NoteConflictError
from buddy_desk.models.sync import SyncState
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from buddy_desk.ui.context import AppContext, AppEvents, UserProfile
from buddy_desk.ui.dossiers.note_conflict_dialog import NoteChoice, NoteResolution
from buddy_desk.ui.extensions import discover
from buddy_desk.ui.sync import conflicts as conflicts_ui
from buddy_desk.ui.sync.conflicts import ConflictsDialog
from buddy_desk.ui.sync.controller import controller_for
from buddy_desk.ui.sync.status import SyncStatusWidget
from buddy_desk.ui.tasks import TaskRunner
from tests.integration.sync.conftest import Team, enrol_laptop
from tests.integration.sync.test_two_laptops import T0, _choice


def _ctx(uow: UnitOfWork) -> AppContext:
    return AppContext(
        uow=uow,
        db_label="laptop.sqlite",
        events=AppEvents(),
        tasks=TaskRunner(),
        user=UserProfile(username="anna", display_name="Anna Visser", organisation="IMG"),
    )


@pytest.fixture
def laptop(team: Team, tmp_path: Path) -> Iterator[AppContext]:
    uow = enrol_laptop(team, tmp_path, "anna")
    ctx = _ctx(uow)
    yield ctx
    ctx.close()


@pytest.mark.postgres
def test_queued_changes_show_and_sync_now_sends_them(
    qtbot: QtBot, laptop: AppContext, team: Team
) -> None:
    record_choice(laptop.uow, team.shared, _choice("aan tafel"), team.actor("anna"), now=T0)
    widget = SyncStatusWidget(laptop)
    qtbot.addWidget(widget)
    label = widget.label
    # the entry, its timeline line and the two rule signals the choice raised
    qtbot.waitUntil(lambda: "4 in wachtrij" in label.text(), timeout=10_000)
    controller = controller_for(laptop)
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.sync_now(None)
    qtbot.waitUntil(lambda: "0 in wachtrij" in label.text(), timeout=10_000)
    assert label.text().startswith("Online")
    assert "laatste sync" in label.text()


@pytest.mark.postgres
def test_an_unreachable_server_is_offline_without_a_dialog(
    qtbot: QtBot, laptop: AppContext
) -> None:
    with laptop.uow:
        laptop.uow.session.execute(
            update(SyncState).values(server="postgresql://nobody@/x?host=/nonexistent/socket")
        )
        laptop.uow.commit()
    widget = SyncStatusWidget(laptop)
    qtbot.addWidget(widget)
    controller = controller_for(laptop)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as blocker:
        controller.sync_now(None)
    assert isinstance(blocker.args[0], service.SyncError)
    qtbot.waitUntil(lambda: widget.label.text().startswith("Offline"), timeout=10_000)
    assert "niet bereikbaar" in widget.label.toolTip()


def test_a_database_that_is_not_enrolled_shows_no_sync_state(qtbot: QtBot, ctx: AppContext) -> None:
    widget = SyncStatusWidget(ctx)
    qtbot.addWidget(widget)
    controller = controller_for(ctx)
    qtbot.waitUntil(lambda: controller.status is not None, timeout=10_000)
    assert widget.label.text() == ""
    assert not widget.isVisibleTo(widget.parentWidget() or widget)


def test_the_sync_ui_registers_its_status_and_menu_entries() -> None:
    registry = discover()
    assert "sync" in {w.id for w in registry.status_widgets}
    assert {"sync.now", "sync.conflicts"} <= {a.id for a in registry.menu_actions}


@pytest.mark.postgres
def test_the_conflicts_list_shows_the_unapplied_note_and_opens_its_dossier(
    qtbot: QtBot, laptop: AppContext, team: Team
) -> None:
    save_note(
        UnitOfWork(open_database(team.url)), team.shared, "kantoor", "coord", base_updated_at=None
    )
    save_note(laptop.uow, team.shared, "veld", "anna", base_updated_at=None)
    service.sync(laptop.uow)
    dialog = ConflictsDialog(
        service.conflicts(laptop.uow), None, laptop.events.open_dossier_requested.emit
    )
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 1
    cells = [item.text() if (item := table.item(0, c)) else "" for c in range(4)]
    assert cells[0].startswith("Teststraat ")  # the address, not a bare number
    assert cells[1:] == ["tegelijk gewijzigd", "anna", "veld"]
    with qtbot.waitSignal(laptop.events.open_dossier_requested) as opened:
        table.cellDoubleClicked.emit(0, 0)
    assert opened.args == [team.shared]


@pytest.mark.postgres
def test_resolving_a_note_conflict_keeps_both_texts_and_queues_the_resolution(
    qtbot: QtBot, laptop: AppContext, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_note(
        UnitOfWork(open_database(team.url)), team.shared, "kantoor", "coord", base_updated_at=None
    )
    save_note(laptop.uow, team.shared, "veld", "anna", base_updated_at=None)
    service.sync(laptop.uow)
    asked: list[str] = []

    def keep_both(_parent: object, error: NoteConflictError, mine: str) -> NoteResolution:
        asked.append(f"{error.body}|{mine}")
        return NoteResolution(NoteChoice.MERGE, mine)

    monkeypatch.setattr(conflicts_ui, "ask_note_conflict", keep_both)
    parent = QWidget()
    qtbot.addWidget(parent)
    conflicts_ui.show_conflicts(laptop, parent)
    qtbot.waitUntil(lambda: parent.findChild(ConflictsDialog) is not None, timeout=10_000)
    dialog = parent.findChild(ConflictsDialog)
    assert dialog is not None
    dialog.table.selectRow(0)
    assert dialog.resolve_button.isEnabled()
    dialog.resolve_button.click()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 0, timeout=10_000)
    dialog.close()
    assert asked == ["kantoor|veld"]  # the notes tab's dialog, with their text and mine
    note = service.current_note(laptop.uow, team.shared)
    assert note is not None
    assert note.body.startswith("kantoor\n\n— Mijn aanvulling") and note.body.endswith("veld")
    assert service.status(laptop.uow).queued == 2  # the merged note and the resolution


@pytest.mark.postgres
def test_a_refused_laptop_says_so_in_the_status_bar(
    qtbot: QtBot, laptop: AppContext, team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    from buddy_desk.ui.sync import controller as controller_module
    from tests.integration.sync.test_heads import _truncate

    for value in ("eerste", "tweede"):
        record_choice(laptop.uow, team.shared, _choice(value), team.actor("anna"), now=T0)
    service.sync(laptop.uow)
    _truncate(laptop.uow, team.shared)  # someone with the file cut the log
    shown: list[str] = []
    monkeypatch.setattr(controller_module, "show_notice", lambda _p, _t, text: shown.append(text))
    widget = SyncStatusWidget(laptop)
    qtbot.addWidget(widget)
    controller = controller_for(laptop)
    with qtbot.waitSignal(controller.finished, timeout=30_000) as blocker:
        controller.sync_now(None)  # the automatic sync: the refusal is shown all the same
    assert isinstance(blocker.args[0], service.LaptopRefusedError)
    qtbot.waitUntil(lambda: widget.label.text().startswith("Geweigerd"), timeout=10_000)

    assert "ingekort" in widget.label.toolTip()
    assert len(shown) == 1 and "privacyfunctionaris" in shown[0]
    with qtbot.waitSignal(controller.finished, timeout=30_000):
        controller.sync_now(None)  # the next automatic sync: still refused, not told again
    assert len(shown) == 1
