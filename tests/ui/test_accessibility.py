"""WCAG 2.1 AA, names: every interactive control a screen reader reaches has a name — its
own accessible name or text, or the label it is the buddy of."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.extensions import discover
from tests.factories import make_dossier, make_supervisor
from tests.ui.conftest import make_window

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QComboBox,
    QAbstractSpinBox,
    QAbstractItemView,
    QTabBar,
)


def _name(widget: QWidget) -> str:
    if widget.accessibleName().strip():
        return widget.accessibleName()
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def unnamed(roots: Iterable[QWidget]) -> list[str]:
    """Visible interactive controls with no name and no label pointing at them."""
    missing = []
    for root in roots:
        buddies = {id(label.buddy()) for label in root.findChildren(QLabel) if label.buddy()}
        for widget in [root, *root.findChildren(QWidget)]:
            if not isinstance(widget, INTERACTIVE) or not widget.isVisibleTo(root):
                continue
            if isinstance(widget, QHeaderView):
                continue  # a table's header: its sections' texts name the columns
            if type(widget).__name__ in {"QLineEdit"} and isinstance(
                widget.parent(), QComboBox | QAbstractSpinBox
            ):
                continue  # the editor inside a combo or spin box: named through its owner
            if _name(widget) or id(widget) in buddies:
                continue
            path = widget.objectName() or type(widget).__name__
            parent = widget.parentWidget()
            while parent is not None and not parent.objectName():
                parent = parent.parentWidget()
            missing.append(f"{path} in {parent.objectName() if parent else '?'}")
    return missing


def test_main_window_dossier_view_and_workspaces_name_every_control(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    img = make_supervisor(uow, Organisation.IMG, "Ineke Zaak")
    d = make_dossier(
        uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1, img_supervisor_id=img
    )
    window = make_window(qtbot, ctx, discover())
    roots: list[QWidget] = [window]
    for _workspace, page in window._workspaces:
        window.show_workspace(page)
    view = window.open_dossier(d)
    assert view is not None
    for i in range(view.sections.count()):
        view.sections.setCurrentIndex(i)
    QApplication.processEvents()
    problems = []
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        QApplication.processEvents()
        problems += unnamed(roots)
    for i in range(view.sections.count()):
        view.sections.setCurrentIndex(i)
        QApplication.processEvents()
        problems += unnamed([view])
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))


def test_dialogs_and_the_kitchen_table_name_every_control(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    from datetime import UTC, date, datetime

    from buddy_desk.choices.rules import Channel
    from buddy_desk.errors import NoteConflictError
    from buddy_desk.planning.service.register import get_settings
    from buddy_desk.ui.attachments.section import AttachDialog
    from buddy_desk.ui.choices.dialog import RecordChoiceDialog, WithdrawDialog
    from buddy_desk.ui.dossiers.new_dossier_dialog import NewDossierDialog
    from buddy_desk.ui.dossiers.note_conflict_dialog import NoteConflictDialog
    from buddy_desk.ui.help.dialog import HelpDialog
    from buddy_desk.ui.importing.dialog import ImportDialog
    from buddy_desk.ui.kitchen.view import KitchenTableWindow
    from buddy_desk.ui.letters.preview import LetterPreviewDialog
    from buddy_desk.ui.planning.dialogs import CancelDialog
    from buddy_desk.ui.planning.experts_dialogs import ExpertDialog, SettingsDialog
    from buddy_desk.ui.profile_dialog import ProfileDialog
    from buddy_desk.ui.signals.dialogs import (
        AddSignalDialog,
        ObservationDialog,
        RequestDialog,
        TextDialog,
    )

    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    today = date(2026, 11, 26)
    conflict = NoteConflictError(d, "hun tekst", datetime(2026, 11, 26, tzinfo=UTC), "jan")

    def no_save(*_args: object) -> object:
        raise AssertionError("not saved in this test")

    dialogs: list[QWidget] = [
        RecordChoiceDialog(no_save, "Teststraat 1"),  # type: ignore[arg-type]
        WithdrawDialog(no_save, "Intrekken"),  # type: ignore[arg-type]
        ImportDialog(ctx),
        AttachDialog("rapport.pdf"),
        HelpDialog("dossier"),
        LetterPreviewDialog(ctx, d, today=today),
        NewDossierDialog(ctx),
        ProfileDialog([], None),
        NoteConflictDialog(conflict, "mijn tekst"),
        CancelDialog(None),
        SettingsDialog(ctx, get_settings(ctx.new_uow())),
        ExpertDialog(ctx, None, ["Groningen"], today),
        AddSignalDialog(Organisation.NCG, today),
        TextDialog("Afsluiten", "Uitkomst", "Vul iets in"),
        RequestDialog(Organisation.NCG),
        ObservationDialog(today),
        KitchenTableWindow(ctx, d, today=today),
    ]
    problems = []
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        problems += [f"{type(dialog).__name__}: {p}" for p in unnamed([dialog])]
    assert Channel.KITCHEN_TABLE  # the kitchen table's record dialog is the same dialog
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))
