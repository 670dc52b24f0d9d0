"""Importeren…: choose an NCG or IMG export, check the preview and the column mapping, import
on a worker with progress and Cancel (the window stays live), then see the counts and the
rejected rows (copy or save them)."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.spreadsheet import write_csv
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.importing.exports import ExportKind, Preview, detect_kind, preview
from buddy_desk.importing.service import (
    ImportResult,
    UndoResult,
    count_dossiers,
    import_export,
    preview_import,
    read_export_file,
)
from buddy_desk.importing.service import undo_import as undo_batch_of
from buddy_desk.progress import Cancelled, Progress
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.file_dialogs import ask_open_file, ask_save_file
from buddy_desk.ui.formatting import format_count
from buddy_desk.ui.help import install_help
from buddy_desk.ui.tasks import TaskHandle
from buddy_desk.ui.widgets.dialog_fit import FittedDialog

log = logging.getLogger(__name__)
PREVIEW_ROWS = 20


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.setAlternatingRowColors(True)
    return table


class ImportDialog(FittedDialog):
    preview_shown = Signal()
    """The preview and column mapping of the chosen file are shown."""
    import_finished = Signal(object)
    """The import committed; arg: the ImportResult."""
    import_failed = Signal(str)
    """The file was refused, the import failed or was cancelled; arg: the message."""
    dry_run_shown = Signal(object)
    """The database already held dossiers: what the import would do is shown, nothing changed
    yet; arg: the dry run's ImportResult."""
    import_undone = Signal(object)
    """The import just made was undone; arg: the UndoResult."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("importDialog")
        self.setWindowTitle(tr("import.title"))
        install_help(self, "import")
        self.resize(980, 640)
        self.data: bytes | None = None
        self.path: Path | None = None
        self.import_result: ImportResult | None = None
        self.dry_run: ImportResult | None = None  # shown and confirmed by a second click
        self.handle: TaskHandle[ImportResult] | None = None
        layout = QVBoxLayout(self)

        # file and kind
        row = QHBoxLayout()
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(tr("import.file.placeholder"))
        self.browse_button = QPushButton(tr("import.file.browse"))
        self.browse_button.clicked.connect(self.browse)
        file_label = QLabel(tr("import.file"))
        file_label.setBuddy(self.path_edit)
        row.addWidget(file_label)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout.addLayout(row)
        kinds = QHBoxLayout()
        kinds.addWidget(QLabel(tr("import.kind")))
        self.kind_group = QButtonGroup(self)
        self.kind_buttons: dict[ExportKind, QRadioButton] = {}
        for kind in ExportKind:
            button = QRadioButton(tr(f"import.kind.{kind.value}"))
            self.kind_group.addButton(button)
            self.kind_buttons[kind] = button
            kinds.addWidget(button)
            button.toggled.connect(self._on_kind_toggled)
        self.kind_buttons[ExportKind.NCG].setChecked(True)
        kinds.addStretch(1)
        layout.addLayout(kinds)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)

        self.pages = QStackedWidget()
        layout.addWidget(self.pages, 1)
        # page 0: preview
        page = QWidget()
        pv = QVBoxLayout(page)
        pv.setContentsMargins(0, 0, 0, 0)
        self.info = QLabel(tr("import.choose_file"))
        self.info.setWordWrap(True)
        pv.addWidget(self.info)
        self.mapping_title = QLabel(tr("import.mapping"))
        self.mapping_title.setStyleSheet("font-weight: 600")
        pv.addWidget(self.mapping_title)
        self.mapping = _table(2)
        self.mapping.setObjectName("importMapping")
        self.mapping_title.setBuddy(self.mapping)
        self.mapping.setHorizontalHeaderLabels([tr("import.col.column"), tr("import.col.header")])
        self.mapping.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.mapping.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping.setMaximumHeight(170)
        pv.addWidget(self.mapping)
        self.rows_title = QLabel(tr("import.first_rows", n=PREVIEW_ROWS))
        self.rows_title.setStyleSheet("font-weight: 600")
        pv.addWidget(self.rows_title)
        self.rows = _table(0)
        self.rows.setObjectName("importPreview")
        self.rows_title.setBuddy(self.rows)
        pv.addWidget(self.rows, 1)
        self.pages.addWidget(page)
        # page 1: result
        page = QWidget()
        rv = QVBoxLayout(page)
        rv.setContentsMargins(0, 0, 0, 0)
        self.summary = QLabel()
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rv.addWidget(self.summary)
        self.rejected_table = _table(3)
        self.rejected_table.setObjectName("importRejected")
        self.rejected_table.setHorizontalHeaderLabels(
            [tr("import.col.line"), tr("import.col.field"), tr("import.col.reason")]
        )
        self.rejected_table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.Stretch
        )
        rv.addWidget(self.rejected_table, 1)
        buttons = QHBoxLayout()
        self.copy_button = QPushButton(tr("import.rejected.copy"))
        self.copy_button.clicked.connect(self.copy_rejected)
        self.save_button = QPushButton(tr("import.rejected.save"))
        self.save_button.clicked.connect(self.save_rejected)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        rv.addLayout(buttons)
        self.pages.addWidget(page)

        # progress and actions
        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.setTextVisible(True)
        self.progress.hide()
        layout.addWidget(self.progress)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.import_button = QPushButton(tr("import.start"))
        self.import_button.setObjectName("importStart")
        self.import_button.setDefault(True)
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        self.cancel_button = QPushButton(tr("import.cancel"))
        self.cancel_button.setObjectName("importCancel")
        self.cancel_button.clicked.connect(self.cancel_import)
        self.cancel_button.hide()
        self.close_button = QPushButton(tr("import.close"))
        self.close_button.clicked.connect(self.reject)
        self.undo_button = QPushButton(tr("import.undo"))
        self.undo_button.setObjectName("importUndo")
        self.undo_button.clicked.connect(self.undo_import)
        self.undo_button.hide()
        for b in (self.undo_button, self.import_button, self.cancel_button, self.close_button):
            actions.addWidget(b)
        layout.addLayout(actions)

    # -- choosing a file ------------------------------------------------------------------
    @property
    def kind(self) -> ExportKind:
        for kind, button in self.kind_buttons.items():
            if button.isChecked():
                return kind
        return ExportKind.NCG

    def browse(self) -> None:
        path = ask_open_file(self, tr("import.file.dialog"), "", tr("import.file.filter"))
        if path is not None:
            self.load_file(path)

    def load_file(self, path: Path) -> None:
        """Read the file, pick NCG or IMG from its header, and show the preview."""
        self.path = path
        self.path_edit.setText(str(path))
        self.import_result = None
        self._forget_dry_run()
        self.pages.setCurrentIndex(0)
        try:
            self.data = read_export_file(path)
        except BuddyDeskError as exc:
            self.data = None
            self._show_problem(str(exc))
            return
        detected = detect_kind(self.data, path.name)
        if detected is not None and detected is not self.kind:
            self.kind_buttons[detected].setChecked(True)  # re-runs the preview
            return
        self._show_preview()

    def _forget_dry_run(self) -> None:
        self.dry_run = None
        if hasattr(self, "undo_button"):  # the kind buttons toggle while the dialog is built
            self.import_button.setText(tr("import.start"))
            self.undo_button.hide()

    def _on_kind_toggled(self, checked: bool) -> None:
        if checked:
            self._forget_dry_run()
        if checked and self.data is not None and self.handle is None:
            self._show_preview()

    def _show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b42318; font-weight: 600;")
        self.import_button.setEnabled(False)
        self.mapping.setRowCount(0)
        self.rows.setRowCount(0)
        self.info.setText("")
        self.import_failed.emit(text)

    def _show_preview(self) -> None:
        assert self.data is not None and self.path is not None
        try:
            p = preview(self.data, self.path.name, self.kind, limit=PREVIEW_ROWS)
        except BuddyDeskError as exc:
            self._show_problem(str(exc))
            return
        self.message.setText("")
        self.message.setStyleSheet("")
        self._fill_preview(p)
        self.import_button.setEnabled(True)
        self.preview_shown.emit()

    def _fill_preview(self, p: Preview) -> None:
        self.info.setText(
            tr(
                "import.info",
                kind=tr(f"import.kind.{p.kind.value}"),
                rows=format_count(p.data_rows),
                encoding=p.encoding,
                delimiter=p.delimiter,
            )
            + (tr("import.unmapped", columns=", ".join(p.unmapped)) if p.unmapped else "")
        )
        self.mapping.setRowCount(len(p.mapping))
        for i, (label, header) in enumerate(p.mapping):
            self.mapping.setItem(i, 0, _cell(label))
            item = _cell(header if header is not None else tr("import.missing"))
            if header is None:
                item.setForeground(Qt.GlobalColor.gray)
            self.mapping.setItem(i, 1, item)
        self.mapping.resizeColumnToContents(0)
        self.rows.setColumnCount(len(p.headers))
        self.rows.setHorizontalHeaderLabels(list(p.headers))
        self.rows.setRowCount(len(p.first_rows))
        for r, cells in enumerate(p.first_rows):
            for c, text in enumerate(cells):
                self.rows.setItem(r, c, _cell(text))
        self.rows.resizeColumnsToContents()

    # -- importing ------------------------------------------------------------------------
    def start_import(self) -> None:
        if self.data is None or self.path is None or self.handle is not None:
            return
        data, source, kind = self.data, self.path.name, self.kind
        uow = self.ctx.new_uow()
        user = self.ctx.user.username
        confirmed = self.dry_run is not None

        def job(progress: Progress) -> ImportResult:
            # into a database that already holds dossiers: first a dry run (rolled back) to
            # show what will happen; the second click imports
            if not confirmed and count_dossiers(uow):
                return preview_import(uow, kind, data, source, progress=progress)
            return import_export(uow, kind, data, source, progress=progress, user=user)

        self._set_running(True)
        self.handle = self.ctx.tasks.start(
            job,
            on_done=self._on_task_done,
            on_error=self._on_task_error,
            on_progress=self._on_task_progress,
        )

    def cancel_import(self) -> None:
        if self.handle is not None:
            self.cancel_button.setEnabled(False)
            self.progress.setFormat(tr("import.cancelling"))
            self.handle.cancel()

    def _set_running(self, running: bool) -> None:
        self.progress.setVisible(running)
        self.progress.setRange(0, 0)
        self.progress.setFormat(tr("import.reading"))
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.import_button.setEnabled(not running)
        self.browse_button.setEnabled(not running)
        self.close_button.setEnabled(not running)
        for button in self.kind_buttons.values():
            button.setEnabled(not running)

    def _on_task_progress(self, done: int, total: int, text: str) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
            text = tr("import.progress", done=format_count(done), total=format_count(total))
        else:
            self.progress.setRange(0, 0)
        self.progress.setFormat(text or "%p%")

    def _on_task_done(self, result: ImportResult) -> None:
        self.handle = None
        self._set_running(False)
        if result.dry_run:
            self.dry_run = result
            self._show_result(result)
            self.message.setText(tr("import.dry_run", file=result.source))
            self.message.setStyleSheet("color: #8a4b00; font-weight: 600;")
            self.import_button.setText(tr("import.confirm"))
            self.import_button.setEnabled(True)
            self.import_button.setFocus()
            self.dry_run_shown.emit(result)
            return
        self.dry_run = None
        self.import_button.setText(tr("import.start"))
        self.import_button.setEnabled(False)
        self.undo_button.setVisible(result.batch_id is not None)
        self.import_result = result
        self._show_result(result)
        self.ctx.events.dossiers_reloaded.emit()
        self.import_finished.emit(result)

    def _on_task_error(self, exc: BaseException) -> None:
        self.handle = None
        self._set_running(False)
        if isinstance(exc, Cancelled):
            text = tr("import.cancelled")
        elif isinstance(exc, BuddyDeskError):
            text = str(exc)
        else:
            text = tr("import.failed", error=type(exc).__name__)
        self.message.setText(text)
        self.message.setStyleSheet("color: #b42318; font-weight: 600;")
        self.import_failed.emit(text)

    def _show_result(self, r: ImportResult) -> None:
        self.message.setText(tr("import.done", file=r.source))
        self.message.setStyleSheet("color: #067647; font-weight: 600;")
        self.summary.setText(
            tr(
                "import.summary",
                imported=format_count(r.imported),
                updated=format_count(r.updated),
                unchanged=format_count(r.unchanged),
                rejected=format_count(len(r.rejected)),
                dossiers=format_count(r.new_dossiers),
                phases=format_count(r.phase_changes),
                signals=format_count(r.signals_created),
            )
        )
        self.rejected_table.setRowCount(len(r.rejected))
        for i, rej in enumerate(r.rejected):
            self.rejected_table.setItem(i, 0, _cell(str(rej.line)))
            self.rejected_table.setItem(i, 1, _cell(rej.field))
            self.rejected_table.setItem(i, 2, _cell(rej.reason))
        self.rejected_table.resizeColumnToContents(0)
        self.rejected_table.resizeColumnToContents(1)
        has_rejected = bool(r.rejected)
        self.rejected_table.setVisible(has_rejected)
        self.copy_button.setEnabled(has_rejected)
        self.save_button.setEnabled(has_rejected)
        self.pages.setCurrentIndex(1)

    def undo_import(self) -> None:
        """Take back the whole import just made (one transaction; refused with the reason)."""
        result = self.import_result
        if result is None or result.batch_id is None or self.handle is not None:
            return
        batch_id, user = result.batch_id, self.ctx.user.username
        uow = self.ctx.new_uow()
        self.undo_button.setEnabled(False)
        self.ctx.tasks.start(
            lambda _p: undo_batch_of(uow, batch_id, user),
            on_done=self._on_undo_done,
            on_error=self._on_undo_error,
        )

    def _on_undo_done(self, undone: UndoResult) -> None:
        self.undo_button.hide()
        self.message.setText(
            tr(
                "import.undone",
                dossiers=format_count(undone.dossiers_removed),
                rows=format_count(undone.rows_restored),
            )
        )
        self.message.setStyleSheet("color: #067647; font-weight: 600;")
        self.ctx.events.dossiers_reloaded.emit()
        self.import_undone.emit(undone)

    def _on_undo_error(self, exc: BaseException) -> None:
        self.undo_button.setEnabled(True)
        text = str(exc) if isinstance(exc, BuddyDeskError) else type(exc).__name__
        self.message.setText(tr("import.undo_failed", reason=text))
        self.message.setStyleSheet("color: #b42318; font-weight: 600;")

    def rejected_text(self) -> str:
        if self.import_result is None:
            return ""
        lines = [f"{tr('import.col.line')}\t{tr('import.col.field')}\t{tr('import.col.reason')}"]
        lines += [f"{r.line}\t{r.field}\t{r.reason}" for r in self.import_result.rejected]
        return "\n".join(lines)

    def copy_rejected(self) -> None:
        QGuiApplication.clipboard().setText(self.rejected_text())

    def save_rejected(self, path: Path | None = None) -> None:
        if self.import_result is None:
            return
        if path is None:
            path = ask_save_file(
                self, tr("import.rejected.save"), "afgewezen-regels.csv", "CSV (*.csv)"
            )
            if path is None:
                return
        try:
            write_csv(
                path,
                [tr("import.col.line"), tr("import.col.field"), tr("import.col.reason")],
                [(r.line, r.field, r.reason) for r in self.import_result.rejected],
            )
        except OSError as exc:
            self.message.setText(tr("import.save_failed", path=str(path), error=exc.strerror))

    def reject(self) -> None:
        if self.handle is not None:  # closing while importing means: cancel first
            self.cancel_import()
            return
        super().reject()
