"""The letter preview (pages, save, print) and the Brieven workspace (run, cancel, summary)."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.letters.service import RunResult
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import UiRegistry
from buddy_desk.ui.letters import register
from buddy_desk.ui.letters.preview import LetterPreviewDialog
from buddy_desk.ui.letters.run import LetterRunView
from tests.factories import give_consent, make_dossier, make_supervisor

TODAY = date(2026, 11, 26)


def _dossier(uow: UnitOfWork) -> int:
    img = make_supervisor(uow, Organisation.IMG, "Anna Zaak")
    return make_dossier(
        uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1, img_supervisor_id=img
    )


def test_feature_registers_action_and_workspace() -> None:
    registry = UiRegistry()
    register(registry)
    assert [a.text_key for a in registry.dossier_actions] == ["letters.action.summary"]
    assert [w.id for w in registry.workspaces] == ["letters"]


def test_preview_shows_pages_saves_and_prints(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    dossier = _dossier(uow)
    dialog = LetterPreviewDialog(ctx, dossier, today=TODAY)
    qtbot.addWidget(dialog)
    assert not dialog.save_button.isEnabled()
    with qtbot.waitSignal(dialog.letter_ready, timeout=20_000):
        dialog.show()
    assert dialog.rendered is not None
    pages = dialog.pages_widget.findChildren(QLabel)
    assert len(pages) == len(dialog.rendered.pages) >= 2
    assert all(not label.pixmap().isNull() for label in pages)
    assert "bewonersbegeleider" in dialog.info.text()  # no NCG buddy: the letter says so
    assert dialog.save_button.isEnabled() and dialog.print_button.isEnabled()

    saved = tmp_path / "brief.pdf"
    changed: list[int] = []
    ctx.events.dossier_changed.connect(changed.append)
    with qtbot.waitSignal(dialog.saved, timeout=10_000):  # written off the GUI thread
        dialog.save_to(saved)
    assert changed == [dossier]  # the timeline shows the letter: announced once
    assert PdfReader(saved).metadata is not None
    assert saved.read_bytes() == dialog.rendered.pdf

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printed = tmp_path / "geprint.pdf"
    printer.setOutputFileName(str(printed))
    assert dialog.print_to(printer) == len(dialog.rendered.pages)
    assert len(PdfReader(printed).pages) == len(dialog.rendered.pages)


def test_preview_of_an_impossible_letter_says_why(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    empty = make_dossier(uow)
    dialog = LetterPreviewDialog(ctx, empty, today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.letter_failed, timeout=20_000) as blocker:
        dialog.show()
    assert "geen schadezaak" in str(blocker.args[0])
    assert not dialog.save_button.isEnabled()


def test_run_view_makes_a_combined_pdf_and_lists_skips(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    give_consent(uow, _dossier(uow))
    withheld = make_dossier(uow, img_phase=ImgPhase.BESCHIKKING, ncg_status=NcgStatus.S4_1)
    view = LetterRunView(ctx)
    qtbot.addWidget(view)
    view.show()
    assert not view.start_button.isEnabled()  # no target yet
    target = tmp_path / "printer.pdf"
    view.combined_edit.setText(str(target))
    assert view.start_button.isEnabled()
    with qtbot.waitSignal(view.run_finished, timeout=60_000) as blocker:
        view.start_button.click()
        assert view.cancel_button.isEnabled() and not view.start_button.isEnabled()
    result = blocker.args[0]
    assert isinstance(result, RunResult) and result.letters == 2
    assert target.exists()
    assert "2 brieven" in view.summary.text()
    # the dossiers without a buddy pair are listed with what the letter could not say, and
    # the one without the resident's consent with what the consent gate left out, and why
    assert view.details.topLevelItemCount() == 3
    rows = [view.details.topLevelItem(i) for i in range(3)]
    [gated] = [r for r in rows if r is not None and r.text(1) == "niet getoond"]
    assert gated.text(0) == str(withheld)
    assert gated.text(2) == "IMG-gegevens niet getoond: geen toestemming"
    assert "zonder (alle) gegevens van de andere organisatie" in view.summary.text()
    assert view.start_button.isEnabled() and not view.cancel_button.isEnabled()


def test_run_view_group_selection(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    view = LetterRunView(ctx)
    qtbot.addWidget(view)
    view.folder_radio.setChecked(True)
    view.folder_edit.setText(str(tmp_path / "map"))
    view.group_boxes[CollaborationGroup.E].setChecked(True)
    assert view.groups_radio.isChecked()  # ticking a group selects "only these groups"
    request = view.request()
    assert request is not None
    assert request.groups == {CollaborationGroup.E} and request.out_dir == tmp_path / "map"
    view.group_boxes[CollaborationGroup.E].setChecked(False)
    assert view.request() is None and not view.start_button.isEnabled()


def test_run_view_cancel_keeps_the_window_live_and_writes_nothing(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    for _ in range(4):
        _dossier(uow)
    view = LetterRunView(ctx)
    qtbot.addWidget(view)
    view.folder_radio.setChecked(True)
    out = tmp_path / "map"
    view.folder_edit.setText(str(out))
    with qtbot.waitSignal(view.run_stopped, timeout=60_000) as blocker:
        view.start()
        view.cancel_button.click()
    assert "Afgebroken" in str(blocker.args[0])
    assert not list(out.glob("*.pdf")) if out.exists() else True
    assert view.start_button.isEnabled() and not view.cancel_button.isEnabled()


def test_a_run_view_dropped_while_its_run_goes_on_is_destroyed_on_the_gui_thread(
    ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    """The run's job is a closure over the view. When the pool thread dropped the last
    reference, the widget was destroyed off the GUI thread: a segfault in the next
    processEvents (once seen in pytest-qt's teardown). The runner lets the GUI thread drop it."""
    for _ in range(4):
        _dossier(uow)
    target = tmp_path / "printer.pdf"
    view = LetterRunView(ctx)
    view.show()
    view.combined_edit.setText(str(target))
    view.start_button.click()
    view.close()
    del view  # the running job holds the only reference now
    gc.collect()
    assert ctx.tasks.wait(60_000)
    for _ in range(5):
        QApplication.processEvents()
    gc.collect()
    assert target.exists()  # the run finished without its window
