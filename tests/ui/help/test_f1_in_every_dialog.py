"""F1 opens the help in every dialog the app can open — modal ones included — by one event
filter that each window gets as it takes the focus (ui/help.HelpKey), not by code in each
dialog; and every dialog opens as large as its contents ask (ui/widgets/dialog_fit)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget
from pytestqt.qtbot import QtBot

import buddy_desk.ui
from buddy_desk.core.inspection import AppointmentState, InspectionForm
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.core.summaries import SupervisorInfo
from buddy_desk.errors import NoteConflictError
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.info import AppointmentInfo, ExpertInfo
from buddy_desk.planning.service.register import get_settings
from buddy_desk.resources import resource
from buddy_desk.signals.rules import RequestKind
from buddy_desk.signals.service import RequestInfo
from buddy_desk.ui.app import ensure_application
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.help.dialog import HelpDialog
from tests.factories import make_dossier

# abstract bases of other dialogs, never opened themselves
BASES = {"_ReasonDialog", "_Form", "_SavingDialog", "FittedDialog"}
TODAY = date(2026, 11, 26)
WHEN = datetime(2026, 11, 26, 9, tzinfo=UTC)


@pytest.fixture
def db_url(sqlite_url: str) -> str:
    """Key handling, not storage: SQLite only (the walk runs once per dialog)."""
    return sqlite_url


def app_dialog_classes() -> set[str]:
    """Every QDialog subclass defined anywhere in buddy_desk.ui."""
    return {name for name, _cls in _app_dialogs() if name not in BASES}


def _app_dialogs() -> list[tuple[str, type[QDialog]]]:
    found = []
    for info in pkgutil.walk_packages(buddy_desk.ui.__path__, "buddy_desk.ui."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and obj.__module__ == module.__name__
                and issubclass(obj, QDialog)
            ):
                found.append((name, obj))
    return found


def test_every_dialog_of_the_app_fits_its_contents() -> None:
    """Qt's own file dialog aside (ui/file_dialogs), every dialog derives from FittedDialog."""
    from buddy_desk.ui.file_dialogs import SafeFileDialog
    from buddy_desk.ui.widgets.dialog_fit import FittedDialog

    unfitted = [
        name for name, cls in _app_dialogs() if not issubclass(cls, FittedDialog | SafeFileDialog)
    ]
    assert unfitted == []


def factories(ctx: AppContext, uow: UnitOfWork) -> dict[str, Callable[[QWidget], QDialog]]:
    """How the app opens each dialog, with the window that opens it as parent."""
    from buddy_desk.ui.attachments.section import AttachDialog
    from buddy_desk.ui.choices.dialog import RecordChoiceDialog, WithdrawDialog
    from buddy_desk.ui.dossiers.new_dossier_dialog import NewDossierDialog
    from buddy_desk.ui.dossiers.note_conflict_dialog import NoteConflictDialog
    from buddy_desk.ui.file_dialogs import Purpose, SafeFileDialog
    from buddy_desk.ui.importing.dialog import ImportDialog
    from buddy_desk.ui.letters.preview import LetterPreviewDialog
    from buddy_desk.ui.outreach.contact_dialog import ContactDialog
    from buddy_desk.ui.pairs.couple_dialog import CoupleDialog
    from buddy_desk.ui.planning.dialogs import (
        CancelDialog,
        MoveDialog,
        MoveExistingDialog,
        OverrideDialog,
        QueueAddDialog,
    )
    from buddy_desk.ui.planning.experts_dialogs import ExpertDialog, SettingsDialog
    from buddy_desk.ui.profile_dialog import ProfileDialog
    from buddy_desk.ui.signals.dialogs import (
        AddSignalDialog,
        ObservationDialog,
        RequestDialog,
        TextDialog,
    )
    from buddy_desk.ui.svip.answer_dialog import AnswerDialog
    from buddy_desk.ui.sync.conflicts import ConflictsDialog

    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    appointment = AppointmentInfo(
        id=1, dossier_id=d, form=InspectionForm.SEPARATE, state=AppointmentState.BOOKED,
        uid="x", sequence=0, start=WHEN, end=WHEN, visits=(), cancel_reason=None, changes=(),
    )  # fmt: skip
    expert = ExpertInfo(1, "Test Expert", Organisation.NCG, False, ("Groningen",), None, None)
    request = RequestInfo(
        id=1, dossier_id=d, kind=RequestKind.SPEED_UP, from_organisation=Organisation.NCG,
        question="Kan het sneller?", asked_at=WHEN, asked_by="tester", answer=None,
        answered_at=None, answered_by=None,
    )  # fmt: skip
    buddies = [
        SupervisorInfo(1, Organisation.IMG, "zaakbegeleider", "Ineke", None, None),
        SupervisorInfo(2, Organisation.NCG, "bewonersbegeleider", "Niels", None, None),
    ]
    conflict = NoteConflictError(d, "hun tekst", WHEN, "jan")

    def no_save(*_args: object) -> object:
        raise AssertionError("not saved in this test")

    return {
        "AttachDialog": lambda p: AttachDialog("rapport.pdf", p),
        "RecordChoiceDialog": lambda p: RecordChoiceDialog(no_save, "Teststraat 1", p),  # type: ignore[arg-type]
        "WithdrawDialog": lambda p: WithdrawDialog(no_save, "Intrekken", p),  # type: ignore[arg-type]
        "NewDossierDialog": lambda p: NewDossierDialog(ctx, p),
        "NoteConflictDialog": lambda p: NoteConflictDialog(conflict, "mijn tekst", p),
        "SafeFileDialog": lambda p: SafeFileDialog(p, "Opslaan", Purpose.SAVE),
        "HelpDialog": lambda p: HelpDialog("dossier", p),
        "ImportDialog": lambda p: ImportDialog(ctx, p),
        "LetterPreviewDialog": lambda p: LetterPreviewDialog(ctx, d, p, today=TODAY),
        "ContactDialog": lambda p: ContactDialog("Teststraat 1", TODAY, p),
        "CoupleDialog": lambda p: CoupleDialog(buddies, 2, parent=p),
        "MoveDialog": lambda p: MoveDialog(appointment, [expert], p),
        "CancelDialog": lambda p: CancelDialog(p),
        "OverrideDialog": lambda p: OverrideDialog("een botsing", p),
        "MoveExistingDialog": lambda p: MoveExistingDialog(appointment, p),
        "QueueAddDialog": lambda p: QueueAddDialog(p),
        "ExpertDialog": lambda p: ExpertDialog(ctx, None, ["Groningen"], TODAY, p),
        "SettingsDialog": lambda p: SettingsDialog(ctx, get_settings(ctx.new_uow()), p),
        "ProfileDialog": lambda p: ProfileDialog([], None, p),
        "AddSignalDialog": lambda p: AddSignalDialog(Organisation.NCG, TODAY, p),
        "TextDialog": lambda p: TextDialog("Afsluiten", "Uitkomst", "Vul iets in", p),
        "RequestDialog": lambda p: RequestDialog(Organisation.NCG, p),
        "ObservationDialog": lambda p: ObservationDialog(TODAY, p),
        "AnswerDialog": lambda p: AnswerDialog(request, p),
        "ConflictsDialog": lambda p: ConflictsDialog([], p),
    }


def open_help_dialogs() -> list[HelpDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, HelpDialog) and w.isVisible()
    ]


def show_focused(qtbot: QtBot, window: QWidget) -> None:
    """Show ``window`` and wait until it has the keyboard, as a user's F1 finds it."""
    window.show()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() == window.windowHandle())


def test_the_walk_knows_every_dialog_of_the_app(ctx: AppContext, uow: UnitOfWork) -> None:
    """A new dialog must be added to the walk below (and so be checked for F1)."""
    assert app_dialog_classes() == set(factories(ctx, uow))


@pytest.mark.parametrize("name", sorted(app_dialog_classes() - {"HelpDialog"}))
def test_f1_in_a_modal_dialog_opens_help(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, name: str
) -> None:
    ensure_application()  # installs the F1 filter, as the app does at start
    opener = QWidget()
    opener.setProperty("helpTopic", "dossier")  # as if opened from a dossier
    qtbot.addWidget(opener)
    opener.show()
    dialog = factories(ctx, uow)[name](opener)
    qtbot.addWidget(dialog)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    show_focused(qtbot, dialog)
    target = dialog.focusWidget() or dialog
    QTest.keyClick(target, Qt.Key.Key_F1)
    [help_dialog] = open_help_dialogs()
    qtbot.addWidget(help_dialog)
    # a child of the modal dialog, so it can be read and closed while the dialog waits
    assert help_dialog.parentWidget() is dialog
    assert resource("help", "nl", f"{help_dialog.topic}.md").is_file(), help_dialog.topic
    assert "nog geen hulptekst" not in help_dialog.browser.toPlainText()
    help_dialog.close()
    dialog.close()


def test_f1_topic_follows_the_dialogs_feature_or_its_opener(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    from buddy_desk.ui.help import topic_of

    made = factories(ctx, uow)
    opener = QWidget()
    opener.setProperty("helpTopic", "kitchen")
    qtbot.addWidget(opener)
    expected = {
        "CancelDialog": "planning",
        "ImportDialog": "import",
        "LetterPreviewDialog": "letters",
        "AnswerDialog": "svip",
        "RecordChoiceDialog": "kitchen",  # a choice recorded at the kitchen table
        "AttachDialog": "kitchen",
        "NewDossierDialog": "dossiers",  # its own section there, not the kitchen's page
        "NoteConflictDialog": "dossier",  # the notes are the dossier's
    }
    for name, topic in expected.items():
        dialog = made[name](opener)
        qtbot.addWidget(dialog)
        assert topic_of(dialog) == topic, name


def test_f1_in_a_message_box_and_the_help_itself(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMessageBox

    ensure_application()
    opener = QWidget()
    opener.setProperty("helpTopic", "planning")
    qtbot.addWidget(opener)
    box = QMessageBox(QMessageBox.Icon.Warning, "Let op", "Tekst", parent=opener)
    qtbot.addWidget(box)
    show_focused(qtbot, box)
    QTest.keyClick(box, Qt.Key.Key_F1)
    [help_dialog] = open_help_dialogs()
    qtbot.addWidget(help_dialog)
    assert help_dialog.topic == "planning"
    QTest.keyClick(help_dialog.browser, Qt.Key.Key_F1)  # F1 in the help: no second window
    assert open_help_dialogs() == [help_dialog]
    help_dialog.close()
    box.close()


def test_the_main_window_keeps_its_own_f1(qtbot: QtBot, ctx: AppContext) -> None:
    """One window, one help: the menu action and the filter never both answer."""
    from buddy_desk.ui.extensions import discover
    from tests.ui.conftest import make_window

    window = make_window(qtbot, ctx, discover())
    window.activateWindow()
    QTest.keyClick(window.list_view.search, Qt.Key.Key_F1)
    helps = open_help_dialogs()
    for h in helps:
        qtbot.addWidget(h)
    assert [h.topic for h in helps] == ["dossiers"]
