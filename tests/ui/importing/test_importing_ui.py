"""The import dialog, the Samenloop and Signalen workspaces and the dossier's Signalen tab."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.service import ImportResult
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import Progress
from buddy_desk.samenloop.service import ListId
from buddy_desk.signals.rules import RequestKind
from buddy_desk.signals.service import add_signal, evaluate_signals, log_request
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.importing.dialog import ImportDialog
from buddy_desk.ui.samenloop.workspace import SamenloopWorkspace
from buddy_desk.ui.signals.section import SignalsSection
from buddy_desk.ui.signals.workspace import SignalsWorkspace
from tests.factories import give_consent, make_dossier, make_supervisor
from tests.ui.conftest import loaded

NCG = (
    "Adres-ID;Postcode;Huisnummer;Huisletter;NCG status;Bewonersbegeleider\r\n"
    "N-1;9712 AB;1;;2.1;Anna Bakker\r\n"
    "N-2;9712AB;2;a;1.2;Anna Bakker\r\n"
    "N-3;97xx;3;;1.2;\r\n"
)


@pytest.fixture
def ncg_file(tmp_path: Path) -> Path:
    path = tmp_path / "ncg-export.csv"
    path.write_bytes(NCG.encode("cp1252"))
    return path


def test_import_dialog_previews_imports_and_lists_rejected_rows(
    qtbot: QtBot, ctx: AppContext, ncg_file: Path, tmp_path: Path
) -> None:
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_shown):
        dialog.load_file(ncg_file)
    assert dialog.kind is ExportKind.NCG
    assert dialog.rows.rowCount() == 3
    mapped = {
        text(dialog.mapping, i, 0): text(dialog.mapping, i, 1)
        for i in range(dialog.mapping.rowCount())
    }
    assert mapped["Adres-ID"] == "Adres-ID"
    assert mapped["Gemeente"] == "ontbreekt (optioneel)"
    assert dialog.import_button.isEnabled()
    with (
        qtbot.waitSignal(ctx.events.dossiers_reloaded),
        qtbot.waitSignal(dialog.import_finished, timeout=20_000) as done,
    ):
        dialog.import_button.click()
    result: ImportResult = done.args[0]
    assert (result.imported, len(result.rejected)) == (2, 1)
    assert dialog.rejected_table.rowCount() == 1
    assert text(dialog.rejected_table, 0, 0) == "4"
    assert text(dialog.rejected_table, 0, 1) == "Postcode"
    assert "Nieuw: 2" in dialog.summary.text()
    assert "4\tPostcode\t'97xx'" in dialog.rejected_text()
    target = tmp_path / "afgewezen.csv"
    dialog.save_rejected(target)
    assert target.read_bytes().startswith(b"\xef\xbb\xbfRegel;Veld;Reden\r\n4;Postcode;")


def text(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def test_import_dialog_refuses_a_wrong_file_and_offers_no_import(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    wrong = tmp_path / "adressen.xlsx"
    wrong.write_bytes(b"PK\x03\x04rest-of-zip")
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.import_failed) as failed:
        dialog.load_file(wrong)
    assert "adressen.xlsx" in failed.args[0] and "Excel" in failed.args[0]
    assert not dialog.import_button.isEnabled()


def test_cancelled_import_writes_nothing(
    qtbot: QtBot, ctx: AppContext, ncg_file: Path, uow: UnitOfWork
) -> None:
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_shown):
        dialog.load_file(ncg_file)
    # keep both worker threads busy so the import is still queued when Cancel is clicked
    release = threading.Event()

    def blocker(progress: Progress) -> None:
        release.wait(10)

    ctx.tasks.start(blocker)
    ctx.tasks.start(blocker)
    dialog.start_import()
    assert not dialog.cancel_button.isHidden()
    assert not dialog.close_button.isEnabled()
    dialog.cancel_import()
    with qtbot.waitSignal(dialog.import_failed, timeout=20_000) as failed:
        release.set()
    assert "niets gewijzigd" in failed.args[0]
    from buddy_desk.dossiers.service import load_summaries

    assert load_summaries(uow) == []


def test_samenloop_tiles_lists_and_export(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, tmp_path: Path
) -> None:
    make_dossier(uow, ncg_status=NcgStatus.S1_2)
    make_dossier(uow, ncg_status=NcgStatus.S1_2)
    b = make_dossier(uow, ncg_status=NcgStatus.S2_1, img_phase=ImgPhase.OPNAME)
    give_consent(uow, b)  # without it the NCG user's group-B list leaves b out (B or C?)
    make_dossier(uow, ncg_status=NcgStatus.S3_1, img_phase=ImgPhase.AFGEROND)
    view = SamenloopWorkspace(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.overview_loaded, timeout=20_000):
        view.show()
    assert view.tiles[ListId.NCG].text().startswith("4")
    assert view.tiles[ListId.PROACTIVE].text().startswith("2")
    assert view.model.rowCount() == 2  # the proactive list is shown first
    with qtbot.waitSignal(view.list_shown) as shown:
        view.tiles[ListId.GROUP_B].click()
    assert shown.args == ["group_B", 1]
    with qtbot.waitSignal(ctx.events.open_dossier_requested) as opened:
        view.table.activated.emit(view.model.index(0, 0))
    assert opened.args == [b]
    target = tmp_path / "groep-b.csv"
    with qtbot.waitSignal(view.exported, timeout=20_000) as done:  # written on a worker
        assert view.export(target)
    assert done.args == [1]
    assert target.read_bytes().count(b"\r\n") == 2


def test_my_signals_and_the_dossier_tab(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    anna = make_supervisor(uow, Organisation.NCG, "Anna Bakker", "anna")
    ctx.user.supervisor_id = anna
    d = make_dossier(
        uow, ncg_status=NcgStatus.S4_1, img_phase=ImgPhase.OPNAME, ncg_supervisor_id=anna
    )
    evaluate_signals(uow, date.today())  # group E → include damage repair, for NCG (Anna)
    add_signal(uow, d, "Bewoner terugbellen", organisation=Organisation.IMG)
    log_request(uow, d, RequestKind.SPEED_UP, Organisation.NCG, "Kan IMG de opname versnellen?")
    view = SignalsWorkspace(ctx)
    qtbot.addWidget(view)
    with qtbot.waitSignal(view.signals_loaded):  # loaded off the GUI thread
        pass
    assert view.mine.isChecked()
    titles = [view.table.cell_text(r, 5) for r in range(view.table.rowCount())]
    assert any("Groep E" in t for t in titles)
    assert not any("terugbellen" in t for t in titles)  # not Anna's
    with qtbot.waitSignal(view.signals_loaded):
        view.mine.setChecked(False)
    assert view.table.rowCount() >= 2
    view.table.selectRow(0)
    with qtbot.waitSignal(ctx.events.open_dossier_requested) as opened:
        view.open_selected()
    assert opened.args == [d]
    section = loaded(qtbot, SignalsSection(ctx, d))
    assert section.table.rowCount() == view.table.rowCount()
    assert section.request_table.rowCount() == 1
    assert text(section.request_table, 0, 4) == "(nog geen antwoord)"


def test_a_big_import_shows_progress_while_the_window_stays_live(
    qtbot: QtBot, ctx: AppContext, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer

    from buddy_desk.importing.parallel import PARALLEL_FROM_BYTES
    from buddy_desk.importing.samples import generate_exports

    path = tmp_path / "ncg-groot.csv"
    path.write_bytes(generate_exports(9000, 100, seed=5).ncg)
    assert path.stat().st_size > PARALLEL_FROM_BYTES  # read by the second process
    dialog = ImportDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.preview_shown):
        dialog.load_file(path)
    ticks: list[int] = []
    shown: set[int] = set()
    timer = QTimer()
    timer.setInterval(20)

    def tick() -> None:
        ticks.append(1)
        shown.add(dialog.progress.value())

    timer.timeout.connect(tick)
    timer.start()
    with qtbot.waitSignal(dialog.import_finished, timeout=60_000) as done:
        dialog.import_button.click()
    timer.stop()
    assert done.args[0].imported == 9000
    assert len(ticks) >= 5  # the event loop kept running during the import
    assert len({v for v in shown if v > 0}) >= 2  # the bar moved through the file
