"""Importing into a database that already holds dossiers: see first, confirm, undo."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from buddy_desk.dossiers.service import load_summaries
from buddy_desk.importing.service import ImportResult
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.importing.dialog import ImportDialog
from tests.factories import make_dossier
from tests.ui.importing.test_importing_ui import ncg_file  # noqa: F401 - fixture


def test_a_filled_database_gets_a_dry_run_first_and_the_import_can_be_undone(
    qtbot: QtBot,
    ctx: AppContext,
    uow: UnitOfWork,
    ncg_file: Path,  # noqa: F811 - fixture
) -> None:
    make_dossier(uow, straat="Bestaand", postcode="9800ZZ")
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_shown):
        dialog.load_file(ncg_file)
    with qtbot.waitSignal(dialog.dry_run_shown, timeout=20_000) as shown:
        dialog.import_button.click()
    dry: ImportResult = shown.args[0]
    assert dry.dry_run and (dry.imported, len(dry.rejected)) == (2, 1)
    assert "er is nog niets veranderd" in dialog.message.text()
    assert "Nieuw: 2" in dialog.summary.text()
    assert len(load_summaries(uow)) == 1  # nothing written yet
    assert dialog.import_button.text() == "Ja, importeren"
    with qtbot.waitSignal(dialog.import_finished, timeout=20_000) as done:
        dialog.import_button.click()
    assert done.args[0].batch_id is not None
    assert len(load_summaries(uow)) == 3
    assert dialog.undo_button.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.import_undone, timeout=20_000):
        dialog.undo_button.click()
    assert [r.straat for r in load_summaries(uow)] == ["Bestaand"]
    assert "Import ongedaan gemaakt: 2 dossiers" in dialog.message.text()
