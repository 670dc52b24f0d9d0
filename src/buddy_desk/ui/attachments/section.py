"""The dossier's Documenten tab: attach reports and photos, open them with the system viewer."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.attachments.rules import (
    MAX_BYTES,
    DocumentInfo,
    DocumentKind,
    DocumentList,
    size_text,
)
from buddy_desk.attachments.service import attach_document, list_documents, open_document
from buddy_desk.core.formatting import long_date
from buddy_desk.core.held_stores import refuse_held
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.file_dialogs import ask_open_file
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.operations import failure_text
from buddy_desk.ui.widgets import accessible
from buddy_desk.ui.widgets.dialog_fit import FittedDialog
from buddy_desk.ui.widgets.language import follow_language

# a private folder for the copies handed to the system viewer, removed when the app quits
_PRIVATE_DIR: tempfile.TemporaryDirectory[str] | None = None


def private_copy(info: DocumentInfo, content: bytes) -> Path:
    """Write the document to a folder only this user can read (0700), for the viewer."""
    global _PRIVATE_DIR
    if _PRIVATE_DIR is None:
        _PRIVATE_DIR = tempfile.TemporaryDirectory(prefix="buddy-desk-")
        os.chmod(_PRIVATE_DIR.name, 0o700)
    suffix = Path(info.filename).suffix.lower() or ".bin"
    path = Path(_PRIVATE_DIR.name) / f"document-{info.id}{suffix}"
    path.write_bytes(content)
    os.chmod(path, 0o600)
    return path


def ask_file(parent: QWidget) -> Path | None:
    """Ask which file to attach; None when cancelled. Tests replace this function."""
    return ask_open_file(parent, tr("attachments.add"), str(Path.home()), tr("attachments.filter"))


class AttachDialog(FittedDialog):
    """Kind, date and title for a file about to be attached."""

    def __init__(self, filename: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("attachments.dialog.title", file=filename))
        form = QFormLayout(self)
        self.kind = QComboBox()
        for kind in DocumentKind:
            self.kind.addItem(tr(f"attachments.kind.{kind.value}"), kind.value)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setDisplayFormat("dd-MM-yyyy")
        self.date.setCalendarPopup(True)
        self.title = QLineEdit(Path(filename).stem.replace("_", " ")[:200])
        for key, widget in (
            ("attachments.dialog.kind", self.kind),
            ("attachments.dialog.date", self.date),
            ("attachments.dialog.doc_title", self.title),
        ):
            caption = QLabel(tr(key))
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318; font-weight: 600;")
        self.error.hide()
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @property
    def document_date(self) -> date:
        value = self.date.date().toPython()
        assert isinstance(value, date)
        return value


class DocumentsSection(QWidget):
    loaded = Signal(int)
    """The documents were (re)loaded; arg: how many are shown."""

    # replaced in tests: how a document is handed to the system viewer
    open_url: Callable[[QUrl], bool] = staticmethod(QDesktopServices.openUrl)

    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_id = dossier_id
        self.documents: tuple[DocumentInfo, ...] = ()
        layout = QVBoxLayout(self)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setProperty("muted", True)
        layout.addWidget(self.banner)
        self.table = QTableWidget(0, 4)
        accessible.name(self.table, "attachments.a11y.table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self.table.itemActivated.connect(lambda _i: self.open_selected())
        layout.addWidget(self.table, 1)
        self.limit = QLabel()
        self.limit.setWordWrap(True)
        self.limit.setProperty("muted", True)
        layout.addWidget(self.limit)
        row = QHBoxLayout()
        row.addStretch(1)
        self.add_button = QPushButton()
        self.open_button = QPushButton()
        self.open_button.setEnabled(False)
        self.add_button.clicked.connect(self.add)
        self.open_button.clicked.connect(self.open_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.open_button)
        layout.addLayout(row)
        ctx.events.dossier_changed.connect(self._on_events_dossier_changed)
        self._listing: DocumentList | None = None
        # redone from what was read: a switch must not rebuild the tab or read it again
        follow_language(self, ctx.events.language_changed, self.retranslate)
        self._retranslate_fixed()
        self.reload()

    def retranslate(self) -> None:
        self._retranslate_fixed()
        self._show()

    def _retranslate_fixed(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                tr("attachments.col.date"),
                tr("attachments.col.kind"),
                tr("attachments.col.title"),
                tr("attachments.col.from"),
            ]
        )
        self.limit.setText(tr("attachments.limit", size=size_text(MAX_BYTES)))
        self.add_button.setText(tr("attachments.add"))
        self.open_button.setText(tr("attachments.open"))

    def reload(self) -> None:
        """Read the list anew off the GUI thread (of a burst, the newest read is shown)."""
        dossier_id, viewer = self.dossier_id, viewer_of(self.ctx.user)
        self.ctx.ops.read(
            lambda uow: list_documents(uow, dossier_id, viewer),
            on_done=self._on_read,
            on_error=self._on_read_failed,
            parent=self,
            key=self,
            quick=True,
        )

    def _on_read(self, listing: DocumentList) -> None:
        self._listing = listing
        self._show()
        self.loaded.emit(len(listing.documents))

    def _on_read_failed(self, exc: BaseException) -> None:
        self.banner.setText(failure_text(exc))
        self.banner.show()

    def _show(self) -> None:
        result = self._listing
        if result is None:
            return
        self.documents = result.documents
        parts = [] if result.documents else [tr("attachments.empty")]
        if result.hidden and result.hidden_organisation:
            parts.append(
                tr("attachments.hidden", count=result.hidden, org=result.hidden_organisation.value)
            )
        self.banner.setText("\n".join(parts))
        self.banner.setVisible(bool(parts))
        self.table.setRowCount(len(result.documents))
        for r, d in enumerate(result.documents):
            cells = [
                long_date(d.document_date),
                tr(f"attachments.kind.{d.kind.value}"),
                f"{d.title} ({size_text(d.size)})",
                d.organisation.value,
            ]
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(f"{d.filename} — {d.added_by}")
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self._on_table_selection_changed()

    def selected(self) -> DocumentInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.documents[rows[0].row()] if rows else None

    def _on_table_selection_changed(self) -> None:
        self.open_button.setEnabled(self.selected() is not None)

    def attach(
        self,
        path: Path,
        kind: DocumentKind,
        document_date: date,
        title: str,
        on_refused: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Read the file and store it off the GUI thread; dossier_changed then reloads the
        section. A refusal goes to ``on_refused`` (else it is shown)."""
        dossier_id, author = self.dossier_id, viewer_of(self.ctx.user)

        def job(uow: UnitOfWork) -> DocumentInfo:
            try:
                size = path.stat().st_size
                if size > MAX_BYTES:  # refuse before reading a huge file into memory
                    raise BuddyDeskError(
                        tr(
                            "attachments.too_big",
                            file=path.name,
                            size=size_text(size),
                            max=size_text(MAX_BYTES),
                        )
                    )
                refuse_held(path)  # reading the open database would drop its locks
                data = path.read_bytes()
            except OSError as exc:
                raise BuddyDeskError(f"{path.name}: {exc.strerror}") from None
            return attach_document(
                uow,
                dossier_id,
                kind=kind,
                title=title,
                document_date=document_date,
                filename=path.name,
                data=data,
                author=author,
            )

        self.ctx.ops.write(job, dossiers=[dossier_id], on_error=on_refused, parent=self)

    def add(self) -> None:
        path = ask_file(self)
        if path is None:
            return
        self._ask_and_attach(path, AttachDialog(path.name, self))

    def _ask_and_attach(self, path: Path, dialog: AttachDialog) -> None:
        """Until stored or cancelled: a refusal reopens the dialog saying why."""
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return

        def refused(exc: BaseException) -> None:
            dialog.error.setText(failure_text(exc))
            dialog.error.show()
            self._ask_and_attach(path, dialog)

        self.attach(
            path,
            DocumentKind(dialog.kind.currentData()),
            dialog.document_date,
            dialog.title.text(),
            on_refused=refused,
        )

    def open_selected(self) -> None:
        doc = self.selected()
        if doc is None:
            return
        try:
            info, content = open_document(self.ctx.new_uow(), doc.id, viewer_of(self.ctx.user))
            path = private_copy(info, content)
        except (BuddyDeskError, OSError) as exc:
            show_error(self, tr("attachments.open_failed"), str(exc))
            return
        self.open_url(QUrl.fromLocalFile(str(path)))

    def _on_events_dossier_changed(self, dossier_id: int) -> None:
        if dossier_id == self.dossier_id:
            self.reload()
