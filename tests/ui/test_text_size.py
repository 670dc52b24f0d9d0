"""Text at 200 % (WCAG 1.4.4): headings grow with the body text, table columns are as wide as
their headers and designed widths need, and no page widens the window beyond a laptop screen
(a page that needs more room scrolls)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QTableView, QWidget
from pytestqt.qtbot import QtBot

import buddy_desk.ui
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import discover
from buddy_desk.ui.main_window import MainWindow
from buddy_desk.ui.widgets.text_size import header_width, text_scale
from tests.factories import give_consent, make_dossier
from tests.ui.conftest import make_window

LAPTOP_WIDTH = 1366


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Layout, not storage: SQLite only."""
    return sqlite_url


@pytest.fixture
def double_text(qapp: QApplication) -> Iterator[float]:
    """The app's text size at 200 % for one test (the system setting or --font-scale 2)."""
    before = qapp.font()
    font = qapp.font()
    font.setPointSizeF(before.pointSizeF() * 2)
    qapp.setFont(font)
    try:
        yield font.pointSizeF()
    finally:
        qapp.setFont(before)


def every_page(window: MainWindow) -> Iterator[QWidget]:
    yield window.list_view
    for _workspace, page in window._workspaces:
        window.show_workspace(page)
        QApplication.processEvents()
        window.ctx.tasks.wait(5000)
        QApplication.processEvents()
        yield page


def test_headings_grow_with_the_text(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, double_text: float
) -> None:
    assert text_scale() == pytest.approx(2.0)
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    give_consent(uow, d)
    window = make_window(qtbot, ctx, discover())
    roots = list(every_page(window))
    view = window.open_dossier(d)
    assert view is not None
    roots.append(view)
    small = [
        f"{label.text()[:40]!r} {label.font().pointSizeF():.1f} pt"
        for root in roots
        for label in root.findChildren(QLabel)
        if label.isVisibleTo(root)
        and label.text()
        and label.font().pointSizeF() < 0.9 * double_text
    ]
    assert small == []


def test_table_columns_fit_their_headers(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, double_text: float
) -> None:
    make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    window = make_window(qtbot, ctx, discover())
    cut = []
    for page in every_page(window):
        for table in page.findChildren(QTableView):
            if not table.isVisible() or table.model() is None:
                continue
            header = table.horizontalHeader()
            last = max(
                (c for c in range(header.count()) if not header.isSectionHidden(c)), default=-1
            )
            for column in range(header.count()):
                if header.isSectionHidden(column) or column == last:
                    continue  # the last column stretches over what is left
                # the text and the style sheet's 2 × 6 px section padding must fit
                needed = header_width(table, column, padding=6)
                if table.columnWidth(column) < needed:
                    title = table.model().headerData(column, header.orientation())
                    cut.append(
                        f"{page.objectName()}: {title!r} {table.columnWidth(column)} < {needed}"
                    )
    assert cut == [], "\n".join(cut)


def test_no_page_widens_the_window_beyond_a_laptop_screen(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, double_text: float
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    window = make_window(qtbot, ctx, discover())
    for page in every_page(window):
        assert page.minimumSizeHint().width() <= LAPTOP_WIDTH, page.objectName()
    window.open_dossier(d)
    assert window.minimumSizeHint().width() <= LAPTOP_WIDTH


def test_the_kitchen_table_grows_with_the_text_and_still_fits(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, double_text: float
) -> None:
    from buddy_desk.ui.kitchen.view import BASE_POINTS, KitchenTableWindow

    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    kitchen = KitchenTableWindow(ctx, d)
    qtbot.addWidget(kitchen)
    assert kitchen.font().pointSizeF() == pytest.approx(BASE_POINTS * 2)
    assert kitchen.minimumSizeHint().width() <= 1280


def test_no_fixed_font_size_in_a_style_sheet() -> None:
    """A style sheet's font-size (px or pt) never follows the text size; set_points does."""
    ui = Path(buddy_desk.ui.__file__).parent
    fixed = re.compile(r"font-size:\s*\{?[\w ]*\}?\s*(px|pt)")
    offenders = [
        f"{path.relative_to(ui)}:{n}"
        for path in ui.rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "font-size" in line or fixed.search(line)
    ]
    assert offenders == []


def test_a_dialog_opens_as_large_as_its_contents_ask_within_the_screen(qtbot: QtBot) -> None:
    """Qt caps a new window at two thirds of the screen; at 200 % a form asks for more."""
    from PySide6.QtCore import QSize
    from PySide6.QtWidgets import QVBoxLayout

    from buddy_desk.ui.widgets.dialog_fit import FittedDialog
    from buddy_desk.ui.widgets.screen_fit import available_geometry

    class Form(QWidget):
        def __init__(self, wanted: QSize) -> None:
            super().__init__()
            self.wanted = wanted

        def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
            return self.wanted

        def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
            return QSize(100, 100)

    dialog = FittedDialog()
    qtbot.addWidget(dialog)
    area = available_geometry(dialog)
    wanted = QSize(int(area.width() * 0.9), int(area.height() * 0.8))
    QVBoxLayout(dialog).addWidget(Form(wanted))
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() >= wanted.width() and dialog.height() >= wanted.height()
    assert dialog.width() <= area.width() and dialog.height() <= area.height()


def test_the_dossier_view_stacks_at_200_percent_instead_of_scrolling_sideways(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, double_text: float
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QBoxLayout, QScrollArea

    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    give_consent(uow, d)
    window = make_window(qtbot, ctx, discover())
    window.resize(LAPTOP_WIDTH, 768)
    view = window.open_dossier(d)
    assert view is not None
    QApplication.processEvents()
    page = view.findChild(QScrollArea, "dossierPage")
    assert page is not None
    qtbot.waitUntil(lambda: view.splitter.orientation() == Qt.Orientation.Vertical)
    QApplication.processEvents()
    # the buddy pair under the address, the processes under each other: nothing to the right
    assert view.header.row.direction() == QBoxLayout.Direction.TopToBottom
    assert view.processes.direction() == QBoxLayout.Direction.TopToBottom
    assert page.horizontalScrollBar().maximum() == 0


def test_the_dossier_view_keeps_its_columns_at_normal_text(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QBoxLayout

    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    window = make_window(qtbot, ctx, discover())
    window.resize(1280, 720)
    view = window.open_dossier(d)
    assert view is not None
    QApplication.processEvents()
    assert view.splitter.orientation() == Qt.Orientation.Horizontal
    assert view.header.row.direction() == QBoxLayout.Direction.LeftToRight
