"""The coordinator desks' table: rows are prepared once (on the load job's thread); painting a
cell only indexes, and a filter picks prepared rows without formatting them again."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from pytestqt.qtbot import QtBot

from buddy_desk.i18n import set_language
from buddy_desk.ui.app import ensure_application
from buddy_desk.ui.widgets.row_table import RowTableModel, RowTableView

GREY = QColor("#667085")


@dataclass(frozen=True)
class Row:
    name: str
    count: int
    done: bool


def _model(calls: list[str]) -> RowTableModel[Row]:
    def name(r: Row) -> str:
        calls.append(threading.current_thread().name)
        return r.name

    return RowTableModel(
        [("outreach.col.address", name), ("outreach.col.attempts", lambda r: str(r.count))],
        color=lambda r, col: GREY if r.done and col == 0 else None,
        tooltip=lambda r: f"tip {r.name}" if r.done else None,
    )


def test_prepared_rows_show_their_texts_colours_and_tooltips_without_calling_back(
    qtbot: QtBot,
) -> None:
    ensure_application()
    calls: list[str] = []
    model = _model(calls)
    rows = [Row("Kerkstraat 1", 2, False), Row("Dorpsweg 3", 0, True)]
    prepared: list[object] = []
    worker = threading.Thread(target=lambda: prepared.append(model.prepare(rows)), name="job")
    worker.start()
    worker.join()
    assert calls == ["job", "job"]  # the texts were made on the job's thread
    model.set_prepared(prepared[0])  # type: ignore[arg-type]
    view = RowTableView(model)
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    display = Qt.ItemDataRole.DisplayRole
    assert [[model.data(model.index(r, c), display) for c in range(2)] for r in range(2)] == [
        ["Kerkstraat 1", "2"],
        ["Dorpsweg 3", "0"],
    ]
    brush = model.data(model.index(1, 0), Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color() == GREY  # type: ignore[attr-defined]
    assert model.data(model.index(1, 1), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is None
    assert model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole) == "tip Dorpsweg 3"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) is None
    assert calls == ["job", "job"]  # painting and asking did not format anything again
    assert model.rows == rows


def test_a_subset_keeps_the_order_asked_and_the_selection_maps_to_its_rows(
    qtbot: QtBot,
) -> None:
    ensure_application()
    calls: list[str] = []
    model = _model(calls)
    rows = [Row(f"Straat {i}", i, i % 2 == 0) for i in range(6)]
    everything = model.prepare(rows)
    calls.clear()
    model.set_prepared(everything.subset([4, 1, 3]))
    assert calls == []
    assert model.rowCount() == 3 and model.rows == [rows[4], rows[1], rows[3]]
    view = RowTableView(model)
    qtbot.addWidget(view)
    view.selectRow(1)
    assert [model.rows[i] for i in view.selected_rows()] == [rows[1]]
    assert model.data(model.index(0, 1)) == "4"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "tip Straat 4"


def test_headers_follow_the_language() -> None:
    ensure_application()
    model = _model([])
    horizontal = Qt.Orientation.Horizontal
    try:
        set_language("en")
        english = model.headerData(1, horizontal)
        set_language("nl")
        dutch = model.headerData(1, horizontal)
    finally:
        set_language("nl")
    assert english != dutch and english and dutch
