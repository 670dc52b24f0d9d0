"""The dossier section "Signalen": this dossier's signals and the information requests
between IMG and NCG, with add, close, request, answer and "what NCG saw"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import Organisation
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.service import (
    RequestInfo,
    SignalInfo,
    add_signal,
    answer_request,
    list_requests,
    list_signals,
    log_request,
    record_observation,
)
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_short_date
from buddy_desk.ui.signals.common import SignalsTable, ask_close
from buddy_desk.ui.signals.dialogs import (
    AddSignalDialog,
    ObservationDialog,
    RequestDialog,
    TextDialog,
)
from buddy_desk.ui.widgets.language import follow_language


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class SignalsSection(QWidget):
    changed = Signal(int)
    """A signal or request on this dossier was added or closed; arg: dossier id."""
    loaded = Signal()
    """The signals and requests were (re)read and are shown."""

    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signalsSection")
        self.ctx = ctx
        self.dossier_id = dossier_id
        self.today = date.today()
        self.requests: list[RequestInfo] = []
        self._signals: list[SignalInfo] = []  # as read last
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.signals_title = QLabel()
        self.signals_title.setStyleSheet("font-weight: 600")
        layout.addWidget(self.signals_title)
        self.table = SignalsTable(with_address=False)
        self.table.setObjectName("dossierSignals")
        self.signals_title.setBuddy(self.table)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemActivated.connect(lambda _i: self.close_selected())
        layout.addWidget(self.table, 3)
        row = QHBoxLayout()
        self.add_button = QPushButton()
        self.add_button.clicked.connect(self.add)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close_selected)
        self.observe_button = QPushButton()
        self.observe_button.clicked.connect(self.observe)
        for b in (self.add_button, self.close_button, self.observe_button):
            row.addWidget(b)
        row.addStretch(1)
        layout.addLayout(row)
        self.requests_title = QLabel()
        self.requests_title.setStyleSheet("font-weight: 600")
        layout.addWidget(self.requests_title)
        self.request_table = QTableWidget(0, 5)
        self.request_table.setObjectName("dossierRequests")
        self.requests_title.setBuddy(self.request_table)
        self.request_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.request_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.request_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.request_table.verticalHeader().hide()
        self.request_table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.request_table, 2)
        row = QHBoxLayout()
        self.request_button = QPushButton()
        self.request_button.clicked.connect(self.log_request)
        self.answer_button = QPushButton()
        self.answer_button.clicked.connect(self.answer_selected)
        row.addWidget(self.request_button)
        row.addWidget(self.answer_button)
        row.addStretch(1)
        layout.addLayout(row)
        ctx.events.dossier_changed.connect(self._on_events_dossier_changed)
        # on screen: in a turn of its own; in a tab behind: when shown. Redone from what was
        # read, not read again (with three dossiers open a switch read six lists)
        follow_language(self, ctx.events.language_changed, self.retranslate)
        self.retranslate()
        self.reload()

    @property
    def my_org(self) -> Organisation | None:
        org = self.ctx.user.organisation
        return Organisation(org) if org in ("IMG", "NCG") else None

    def retranslate(self) -> None:
        self.signals_title.setText(tr("signals.section.signals"))
        self.add_button.setText(tr("signals.add"))
        self.close_button.setText(tr("signals.close"))
        self.observe_button.setText(tr("observation.add"))
        self.requests_title.setText(tr("requests.title"))
        self.request_button.setText(tr("requests.add"))
        self.answer_button.setText(tr("requests.answer"))
        self.request_table.setHorizontalHeaderLabels(
            [tr(f"requests.col.{k}") for k in ("date", "direction", "kind", "question", "answer")]
        )
        header = self.request_table.horizontalHeader()
        for i in range(3):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.retranslate()
        self._show()

    def _on_events_dossier_changed(self, dossier_id: int) -> None:
        if dossier_id == self.dossier_id:
            self.reload()

    def reload(self) -> None:
        """Read signals and requests anew off the GUI thread (of a burst, the newest read is
        shown)."""
        viewer, dossier_id, org = viewer_of(self.ctx.user), self.dossier_id, self.my_org

        def read(uow: UnitOfWork) -> tuple[list[SignalInfo], list[RequestInfo]]:
            signals = list_signals(uow, viewer=viewer, dossier_id=dossier_id)
            return signals, list_requests(uow, dossier_id, org)

        self.ctx.ops.read(read, on_done=self._on_read, parent=self, key=self, quick=True)

    def _on_read(self, read: tuple[list[SignalInfo], list[RequestInfo]]) -> None:
        self._signals, self.requests = read
        self._show()
        self.loaded.emit()

    def _show(self) -> None:
        self.table.set_signals(self._signals, self.today)
        self.request_table.setRowCount(len(self.requests))
        for i, r in enumerate(self.requests):
            self.request_table.setItem(i, 0, _cell(format_short_date(r.asked_at)))
            self.request_table.setItem(
                i, 1, _cell(f"{r.from_organisation.value} → {r.from_organisation.other.value}")
            )
            self.request_table.setItem(i, 2, _cell(tr(f"requests.kind.{r.kind.value}")))
            self.request_table.setItem(i, 3, _cell(r.question))
            self.request_table.setItem(i, 4, _cell(r.answer or tr("requests.no_answer")))
        self._update_buttons()

    def _update_buttons(self) -> None:
        s = self.table.selected()
        self.close_button.setEnabled(s is not None and s.is_open)
        self.answer_button.setEnabled(self._selected_request() is not None)

    def _selected_request(self) -> RequestInfo | None:
        rows = {i.row() for i in self.request_table.selectedIndexes()}
        return self.requests[rows.pop()] if len(rows) == 1 else None

    def _write(self, job: Callable[[UnitOfWork], object], title: str) -> None:
        """Write off the GUI thread; dossier_changed then reloads this section."""
        self.ctx.ops.write(
            job,
            dossiers=[self.dossier_id],
            on_done=lambda _result: self.changed.emit(self.dossier_id),
            parent=self,
            title=title,
        )

    def add(self) -> None:
        dialog = AddSignalDialog(self.my_org, self.today, self)
        if dialog.exec() != AddSignalDialog.DialogCode.Accepted:
            return
        v, user, dossier_id = dialog.value(), self.ctx.user.username, self.dossier_id
        self._write(
            lambda uow: add_signal(
                uow,
                dossier_id,
                v.title,
                organisation=v.organisation,
                due=v.due,
                detail=v.detail,
                user=user,
            ),
            tr("signals.add.title"),
        )

    def close_selected(self) -> None:
        s = self.table.selected()
        if s is not None and s.is_open:
            ask_close(self.ctx, s, self, on_done=lambda: self.changed.emit(self.dossier_id))

    def observe(self) -> None:
        dialog = ObservationDialog(self.today, self)
        if dialog.exec() != ObservationDialog.DialogCode.Accepted:
            return
        v, user, dossier_id = dialog.value(), self.ctx.user.username, self.dossier_id
        self._write(
            lambda uow: record_observation(
                uow, dossier_id, v.kind, v.datum, bedrag=v.bedrag, note=v.note, user=user
            ),
            tr("observation.title"),
        )

    def log_request(self) -> None:
        dialog = RequestDialog(self.my_org, self)
        if dialog.exec() != RequestDialog.DialogCode.Accepted:
            return
        v, user, dossier_id = dialog.value(), self.ctx.user.username, self.dossier_id
        self._write(
            lambda uow: log_request(uow, dossier_id, v.kind, v.from_organisation, v.question, user),
            tr("requests.add.title"),
        )

    def answer_selected(self) -> None:
        r = self._selected_request()
        if r is None:
            return
        dialog = TextDialog(
            tr("requests.answer"), tr("requests.answer.label"), tr("requests.answer.empty"), self
        )
        if r.answer:
            dialog.text.setPlainText(r.answer)
        if dialog.exec() != TextDialog.DialogCode.Accepted:
            return
        answer, user = dialog.value(), self.ctx.user.username
        self._write(lambda uow: answer_request(uow, r.id, answer, user), tr("requests.answer"))
