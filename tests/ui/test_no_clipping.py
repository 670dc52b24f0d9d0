"""At 1280×720 and 1366×768 no label or button of the main screens is cut off."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import discover
from tests.factories import make_dossier, make_supervisor
from tests.ui.conftest import make_window


def clipped(root: QWidget) -> list[str]:
    """Visible one-line labels and buttons narrower than their text needs."""
    found = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible() or widget.width() <= 1:
            continue
        if isinstance(widget, QLabel) and not widget.wordWrap() and widget.text():
            if widget.pixmap() is not None and not widget.pixmap().isNull():
                continue
            if widget.width() + 1 < widget.minimumSizeHint().width():
                found.append(f"label {widget.text()[:40]!r}: {widget.width()}")
        elif (
            isinstance(widget, QAbstractButton)
            and widget.text()
            and widget.width() + 1 < widget.minimumSizeHint().width()
        ):
            found.append(f"button {widget.text()[:40]!r}: {widget.width()}")
        if widget.isVisible():
            right = widget.mapTo(root, widget.rect().topRight()).x()
            if isinstance(widget, QAbstractButton) and right > root.width():
                found.append(f"button {widget.text()[:40]!r} beyond the window edge")
    return found


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_dossier_view_and_its_sections_clip_nothing(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, size: tuple[int, int]
) -> None:
    img = make_supervisor(uow, Organisation.IMG, "Ineke Zaak")
    ncg = make_supervisor(uow, Organisation.NCG, "Bert Bewoner")
    d = make_dossier(
        uow,
        img_phase=ImgPhase.OPNAME,
        ncg_status=NcgStatus.S2_1,
        img_supervisor_id=img,
        ncg_supervisor_id=ncg,
    )
    window = make_window(qtbot, ctx, discover())
    window.resize(*size)
    view = window.open_dossier(d)
    assert view is not None
    problems = []
    for i in range(view.sections.count()):
        view.sections.setCurrentIndex(i)
        QApplication.processEvents()
        problems += [f"{view.sections.tabText(i)}: {p}" for p in clipped(window)]
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)])
def test_list_and_workspaces_clip_nothing(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, size: tuple[int, int]
) -> None:
    make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    window = make_window(qtbot, ctx, discover())
    window.resize(*size)
    problems = clipped(window)
    for workspace, page in window._workspaces:
        window.show_workspace(page)
        QApplication.processEvents()
        problems += [f"{workspace.id}: {p}" for p in clipped(window)]
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))


def test_text_at_200_percent_never_widens_the_window_past_a_laptop_screen(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    original = app.font()
    bigger = app.font()
    bigger.setPointSizeF(original.pointSizeF() * 2)
    app.setFont(bigger)
    try:
        d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
        window = make_window(qtbot, ctx, discover())
        window.open_dossier(d)
        QApplication.processEvents()
        # the list's filters and the dossier's actions wrap, the dossier view scrolls
        assert window.minimumSizeHint().width() <= 1366
        view = window.open_dossier(d)
        assert view is not None
        heading = view.header.address.font().pointSizeF()
        assert heading > bigger.pointSizeF()  # headings grow with the text, never shrink below
    finally:
        app.setFont(original)
