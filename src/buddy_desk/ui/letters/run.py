"""The "Brieven" workspace: summary letters for many dossiers, with progress and cancel."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QLocale, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.search import DossierFilter
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import current_language, tr, trn
from buddy_desk.letters.service import RunResult, run_letters, select_dossiers
from buddy_desk.progress import Cancelled, Progress
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.file_dialogs import ask_folder, ask_save_file
from buddy_desk.ui.tasks import TaskHandle
from buddy_desk.ui.widgets import accessible, text_size

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunRequest:
    groups: frozenset[CollaborationGroup]
    all_combination: bool
    search: str
    out_dir: Path | None
    combined: Path | None
    today: date


def run_request(ctx: AppContext, request: RunRequest, progress: Progress) -> RunResult:
    """The whole run, on a worker thread: select, load, render (a process pool for folders)."""
    viewer = viewer_of(ctx.user)
    ids = select_dossiers(
        ctx.new_uow(),
        viewer,
        groups=request.groups,
        combination_only=request.all_combination,
        dossier_filter=DossierFilter(text=request.search) if request.search.strip() else None,
    )
    return run_letters(
        ctx.new_uow(),
        ids,
        today=request.today,
        out_dir=request.out_dir,
        combined=request.combined,
        progress=progress,
        viewer=viewer,
    )


class LetterRunView(QWidget):
    """Choose dossiers and a target, start, watch progress, cancel, read the summary."""

    run_finished = Signal(object)
    """A run ended with a result (RunResult)."""
    run_stopped = Signal(str)
    """A run was cancelled or failed; arg: the message shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.handle: TaskHandle[RunResult] | None = None
        self.result: RunResult | None = None
        self._build()
        self._update_enabled()

    # -- building -------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 14, 20, 14)
        self.title = QLabel(tr("letters.run.title"))
        text_size.set_points(self.title, 16, bold=True)
        self.intro = QLabel(tr("letters.run.intro"))
        self.intro.setWordWrap(True)
        outer.addWidget(self.title)
        outer.addWidget(self.intro)

        columns = QHBoxLayout()
        selection = QGroupBox(tr("letters.run.selection"))
        sel = QVBoxLayout(selection)
        self.all_radio = QRadioButton(tr("letters.run.all"))
        self.groups_radio = QRadioButton(tr("letters.run.groups"))
        self.all_radio.setChecked(True)
        self.selection_group = QButtonGroup(self)
        self.selection_group.addButton(self.all_radio)
        self.selection_group.addButton(self.groups_radio)
        sel.addWidget(self.all_radio)
        sel.addWidget(self.groups_radio)
        boxes = QHBoxLayout()
        boxes.setContentsMargins(22, 0, 0, 0)
        self.group_boxes: dict[CollaborationGroup, QCheckBox] = {}
        for group in CollaborationGroup:
            box = QCheckBox(group.value)
            box.toggled.connect(self._on_group_toggled)
            self.group_boxes[group] = box
            boxes.addWidget(box)
        boxes.addStretch(1)
        sel.addLayout(boxes)
        self.search_label = QLabel(tr("letters.run.search"))
        self.search = QLineEdit()
        self.search_label.setBuddy(self.search)
        self.search.setPlaceholderText(tr("letters.run.search_placeholder"))
        self.search.setClearButtonEnabled(True)
        sel.addWidget(self.search_label)
        sel.addWidget(self.search)
        sel.addStretch(1)
        columns.addWidget(selection, 1)

        output = QGroupBox(tr("letters.run.output"))
        form = QFormLayout(output)
        self.folder_radio = QRadioButton(tr("letters.run.folder"))
        self.combined_radio = QRadioButton(tr("letters.run.combined"))
        self.combined_radio.setChecked(True)
        self.target_group = QButtonGroup(self)
        self.target_group.addButton(self.folder_radio)
        self.target_group.addButton(self.combined_radio)
        self.folder_edit = QLineEdit()
        accessible.name(self.folder_edit, "a11y.letters.folder")
        self.folder_button = QPushButton(tr("letters.run.choose"))
        self.combined_edit = QLineEdit()
        accessible.name(self.combined_edit, "a11y.letters.combined")
        self.combined_button = QPushButton(tr("letters.run.choose"))
        form.addRow(self.combined_radio)
        form.addRow(_row(self.combined_edit, self.combined_button))
        form.addRow(self.folder_radio)
        form.addRow(_row(self.folder_edit, self.folder_button))
        self.date_label = QLabel(tr("letters.run.date"))
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMMM yyyy")
        if current_language() == "nl":
            self.date_edit.setLocale(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
        form.addRow(self.date_label, self.date_edit)
        columns.addWidget(output, 1)
        outer.addLayout(columns)

        actions = QHBoxLayout()
        self.start_button = QPushButton(tr("letters.run.start"))
        self.start_button.setDefault(True)
        self.cancel_button = QPushButton(tr("letters.run.cancel"))
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.progress.setFormat("")
        actions.addWidget(self.start_button)
        actions.addWidget(self.cancel_button)
        actions.addWidget(self.progress, 1)
        outer.addLayout(actions)

        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        outer.addWidget(self.summary)
        self.open_folder_button = QPushButton(tr("letters.run.open_folder"))
        self.open_folder_button.setVisible(False)
        outer.addWidget(self.open_folder_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.details = QTreeWidget()
        accessible.name(self.details, "a11y.letters.details")
        self.details.setRootIsDecorated(False)
        self.details.setHeaderLabels(
            [
                tr("letters.run.col.dossier"),
                tr("letters.run.col.status"),
                tr("letters.run.col.reason"),
            ]
        )
        self.details.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.details.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.details.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.details.setToolTip(tr("letters.run.open_hint"))
        outer.addWidget(self.details, 1)

        self.start_button.clicked.connect(self._on_start_clicked)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.combined_button.clicked.connect(self._on_combined_clicked)
        self.open_folder_button.clicked.connect(self._on_open_folder_clicked)
        self.details.itemDoubleClicked.connect(self._on_details_double_clicked)
        for w in (self.folder_radio, self.combined_radio, self.all_radio, self.groups_radio):
            w.toggled.connect(self._update_enabled)
        self.folder_edit.textChanged.connect(self._update_enabled)
        self.combined_edit.textChanged.connect(self._update_enabled)

    # -- state ----------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.handle is not None and self.handle.running

    def _update_enabled(self) -> None:
        running = self.running
        for w in (
            self.all_radio,
            self.groups_radio,
            self.search,
            self.folder_radio,
            self.combined_radio,
            self.date_edit,
        ):
            w.setEnabled(not running)
        for group, box in self.group_boxes.items():
            box.setEnabled(not running)
            del group
        self.folder_edit.setEnabled(not running and self.folder_radio.isChecked())
        self.folder_button.setEnabled(not running and self.folder_radio.isChecked())
        self.combined_edit.setEnabled(not running and self.combined_radio.isChecked())
        self.combined_button.setEnabled(not running and self.combined_radio.isChecked())
        self.start_button.setEnabled(not running and self.request() is not None)
        self.cancel_button.setEnabled(running)

    def _on_group_toggled(self, checked: bool) -> None:
        if checked:
            self.groups_radio.setChecked(True)
        self._update_enabled()

    def request(self) -> RunRequest | None:
        groups = frozenset(g for g, box in self.group_boxes.items() if box.isChecked())
        if self.groups_radio.isChecked() and not groups:
            return None
        out_dir = combined = None
        if self.folder_radio.isChecked():
            if not self.folder_edit.text().strip():
                return None
            out_dir = Path(self.folder_edit.text().strip())
        else:
            if not self.combined_edit.text().strip():
                return None
            combined = Path(self.combined_edit.text().strip())
        qd = self.date_edit.date()
        return RunRequest(
            groups=groups if self.groups_radio.isChecked() else frozenset(),
            all_combination=True,
            search=self.search.text(),
            out_dir=out_dir,
            combined=combined,
            today=date(qd.year(), qd.month(), qd.day()),
        )

    # -- actions --------------------------------------------------------------------------
    def _on_folder_clicked(self) -> None:
        folder = ask_folder(self, tr("letters.run.folder"))
        if folder is not None:
            self.folder_edit.setText(str(folder))

    def _on_combined_clicked(self) -> None:
        chosen = ask_save_file(
            self,
            tr("letters.run.combined"),
            str(Path.home() / "samenvattingsbrieven.pdf"),
            tr("letters.preview.pdf_filter"),
        )
        if chosen is not None:
            name = str(chosen)
            self.combined_edit.setText(name if name.lower().endswith(".pdf") else f"{name}.pdf")

    def start(self) -> None:
        request = self.request()
        if request is None:
            self.summary.setText(tr("letters.run.no_target"))
            return
        self.result = None
        self.details.clear()
        self.summary.setText("")
        self.open_folder_button.setVisible(False)
        self.progress.setRange(0, 0)
        self.progress.setFormat(tr("letters.run.loading"))
        self.handle = self.ctx.tasks.start(
            lambda p: run_request(self.ctx, request, p),
            on_done=self._on_task_done,
            on_error=self._on_task_failed,
            on_progress=self._on_task_progress,
        )
        self._update_enabled()

    def _on_start_clicked(self) -> None:
        self.start()

    def _on_cancel_clicked(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.cancel_button.setEnabled(False)

    def _on_task_progress(self, done: int, total: int, text: str) -> None:
        if text:
            self.progress.setRange(0, 0)
            self.progress.setFormat(tr("letters.run.loading"))
            return
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(tr("letters.run.progress", done=done, total=total))

    def _on_task_done(self, result: object) -> None:
        assert isinstance(result, RunResult)
        self.result = result
        self.handle = None
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat(
            tr("letters.run.progress", done=result.letters, total=result.letters)
        )
        n = result.letters
        lines = [
            trn(
                "letters.run.done.one",
                "letters.run.done",
                n,
                letters=n,
                seconds=f"{result.seconds:.1f}",
            )
        ]
        if result.combined is not None:
            lines.append(
                trn(
                    "letters.run.done_combined.one",
                    "letters.run.done_combined",
                    n,
                    letters=n,
                    pages=result.pages,
                    path=result.combined,
                )
            )
        elif result.written:
            lines.append(
                trn(
                    "letters.run.done_folder.one",
                    "letters.run.done_folder",
                    n,
                    letters=n,
                    path=result.written[0].parent,
                )
            )
        if incomplete := len(result.incomplete):
            lines.append(
                trn(
                    "letters.run.incomplete.one",
                    "letters.run.incomplete",
                    incomplete,
                    count=incomplete,
                )
            )
        if skipped_count := len(result.skipped):
            lines.append(
                trn(
                    "letters.run.skipped.one",
                    "letters.run.skipped",
                    skipped_count,
                    count=skipped_count,
                )
            )
        if result.withheld:
            lines.append(tr("consent.gate.run_withheld", count=len(result.withheld)).rstrip(":"))
        self.summary.setText("\n".join(lines))
        self.open_folder_button.setVisible(bool(result.written))
        for skipped in result.skipped:
            self._add_detail(skipped.dossier_id, tr("letters.run.status.skipped"), skipped.reason)
        for dossier_id, unknown in result.incomplete:
            self._add_detail(dossier_id, tr("letters.run.status.incomplete"), ", ".join(unknown))
        for withheld in result.withheld:  # the consent gate: what each letter left out, and why
            self._add_detail(
                withheld.dossier_id, tr("consent.gate.cell"), "; ".join(withheld.reasons)
            )
        self._update_enabled()
        self.run_finished.emit(result)

    def _add_detail(self, dossier_id: int, status: str, reason: str) -> None:
        item = QTreeWidgetItem([str(dossier_id), status, reason])
        item.setData(0, Qt.ItemDataRole.UserRole, dossier_id)
        self.details.addTopLevelItem(item)

    def _on_task_failed(self, exc: object) -> None:
        self.handle = None
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        if isinstance(exc, Cancelled):
            message = tr("letters.run.cancelled")
        elif isinstance(exc, BuddyDeskError):
            message = f"{tr('letters.run.failed')}: {exc}"
        else:
            message = f"{tr('letters.run.failed')}: {type(exc).__name__}"
        self.summary.setText(message)
        self._update_enabled()
        self.run_stopped.emit(message)

    def _on_details_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        dossier_id = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(dossier_id, int):
            self.ctx.events.open_dossier_requested.emit(dossier_id)

    def _on_open_folder_clicked(self) -> None:
        if self.result is not None and self.result.written:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.result.written[0].parent)))


def _row(edit: QLineEdit, button: QPushButton) -> QWidget:
    w = QWidget()
    row = QHBoxLayout(w)
    row.setContentsMargins(22, 0, 0, 0)
    row.addWidget(edit, 1)
    row.addWidget(button)
    return w
