"""The dossier's Contactmomenten tab: dated contact moments beside the shared notes."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.choices.service.log import LOCAL
from buddy_desk.i18n import tr
from buddy_desk.journal.rules import TEXT_MAX, ContactKind, ContactMomentInfo, Journal
from buddy_desk.journal.service import add_contact, journal
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.operations import failure_text
from buddy_desk.ui.widgets import accessible
from buddy_desk.ui.widgets.language import follow_language


def _local(value: datetime) -> str:
    return value.astimezone(LOCAL).strftime("%d-%m-%Y %H:%M")


class JournalSection(QWidget):
    loaded = Signal(int)
    """The journal was (re)loaded; arg: how many moments are shown."""

    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_id = dossier_id
        self.moments: tuple[ContactMomentInfo, ...] = ()
        layout = QVBoxLayout(self)
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setProperty("muted", True)
        layout.addWidget(self.banner)
        self.table = QTableWidget(0, 4)
        accessible.name(self.table, "journal.a11y.table")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

        form = QGridLayout()
        self.kind = QComboBox()
        for kind in ContactKind:
            self.kind.addItem("", kind.value)
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.text = QLineEdit()
        self.text.setMaxLength(TEXT_MAX)
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.text.returnPressed.connect(self.add)
        self._captions: list[tuple[QLabel, str]] = []
        for col, (key, widget) in enumerate(
            (("journal.kind", self.kind), ("journal.when", self.when))
        ):
            caption = QLabel()
            caption.setBuddy(widget)
            self._captions.append((caption, key))
            form.addWidget(caption, 0, col)
            form.addWidget(widget, 1, col)
        text_caption = QLabel()
        text_caption.setBuddy(self.text)
        self._captions.append((text_caption, "journal.text"))
        # the text gets a line of its own: the section pane is narrow on a laptop screen
        form.addWidget(text_caption, 2, 0, 1, 3)
        form.addWidget(self.text, 3, 0, 1, 2)
        form.addWidget(self.add_button, 3, 2)
        form.setColumnStretch(1, 1)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318; font-weight: 600;")
        self.error.hide()
        layout.addWidget(self.error)
        ctx.events.dossier_changed.connect(self._on_events_dossier_changed)
        self._journal: Journal | None = None
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
                tr("journal.col.when"),
                tr("journal.col.kind"),
                tr("journal.col.by"),
                tr("journal.col.text"),
            ]
        )
        for i in range(self.kind.count()):
            self.kind.setItemText(i, tr(f"journal.kind.{self.kind.itemData(i)}"))
        for caption, key in self._captions:
            caption.setText(tr(key))
        self.text.setPlaceholderText(tr("journal.text.placeholder"))
        self.add_button.setText(tr("journal.add"))

    def reload(self) -> None:
        """Read the journal anew off the GUI thread (of a burst, the newest read is shown)."""
        dossier_id, viewer = self.dossier_id, viewer_of(self.ctx.user)
        self.ctx.ops.read(
            lambda uow: journal(uow, dossier_id, viewer),
            on_done=self._on_read,
            on_error=self._on_read_failed,
            parent=self,
            key=self,
            quick=True,
        )

    def _on_read(self, result: Journal) -> None:
        self._journal = result
        self._show()
        self.loaded.emit(len(result.moments))

    def _on_read_failed(self, exc: BaseException) -> None:
        self.banner.setText(failure_text(exc))
        self.banner.show()

    def _show(self) -> None:
        result = self._journal
        if result is None:
            return
        self.moments = result.moments
        parts = []
        if not result.moments:
            parts.append(tr("journal.empty"))
        if result.hidden and result.hidden_organisation:
            parts.append(
                tr("journal.hidden", count=result.hidden, org=result.hidden_organisation.value)
            )
        self.banner.setText("\n".join(parts))
        self.banner.setVisible(bool(parts))
        self.table.setRowCount(len(result.moments))
        for r, m in enumerate(result.moments):
            org = f" ({m.organisation.value})" if m.organisation else ""
            text = m.text
            if m.letter_sha256:
                text += f"\nSHA-256 {m.letter_sha256}"
            cells = [
                _local(m.occurred_at),
                tr(f"journal.kind.{m.kind.value}"),
                m.author + org,
                text,
            ]
            for c, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.resizeRowsToContents()

    def add(self) -> None:
        when = self.when.dateTime().toPython()
        assert isinstance(when, datetime)
        if not self.add_button.isEnabled():
            return  # the previous one is still being saved
        kind, text = ContactKind(self.kind.currentData()), self.text.text()
        actor, dossier_id = viewer_of(self.ctx.user), self.dossier_id
        self.add_button.setEnabled(False)
        self.ctx.ops.write(
            lambda uow: add_contact(uow, dossier_id, kind, text, actor, when.replace(tzinfo=LOCAL)),
            dossiers=[dossier_id],  # dossier_changed reloads this section
            on_done=self._on_added,
            on_error=self._on_add_refused,
            parent=self,
        )

    def _on_added(self, _moment: ContactMomentInfo) -> None:
        self.add_button.setEnabled(True)
        self.error.hide()
        self.text.clear()
        self.when.setDateTime(QDateTime.currentDateTime())

    def _on_add_refused(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        self.error.setText(failure_text(exc))
        self.error.show()
        self.text.setFocus()

    def _on_events_dossier_changed(self, dossier_id: int) -> None:
        if dossier_id == self.dossier_id:
            self.reload()
