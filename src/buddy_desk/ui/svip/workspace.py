"""The SVIP workspace: every information request as a queue, filtered by kind and state,
answered from the queue. Per request it shows the address, the group and the viewer's *own*
organisation's phase; the other organisation's case data never appears here."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import Organisation
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.rules import RequestKind
from buddy_desk.signals.service import QueueRow, answer_request, request_queue
from buddy_desk.signals.svip import QueueState
from buddy_desk.ui import messages
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_count, format_short_date
from buddy_desk.ui.svip.answer_dialog import AnswerChoice, AnswerDialog
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.language import follow_language
from buddy_desk.ui.widgets.row_table import PreparedRows, RowTableModel, RowTableView

OVERDUE = QColor("#b42318")
DONE = QColor("#667085")
KINDS = (RequestKind.STATUS_EXCHANGE, RequestKind.COUPLING_STAFF, RequestKind.SPEED_UP)


def _color(row: QueueRow, col: int) -> QColor | None:
    if row.state is QueueState.OVERDUE and col in (0, 1):
        return OVERDUE
    if row.state is QueueState.ANSWERED:
        return DONE
    return None


class SvipWorkspace(QWidget):
    queue_loaded = Signal(int)
    """The queue was (re)loaded; arg: number of requests shown."""
    answered = Signal(int)
    """A request was answered from the queue; arg: its id."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("svipWorkspace")
        self.ctx = ctx
        self.today = date.today()
        org = ctx.user.organisation
        self.viewer = Organisation(org) if org in ("IMG", "NCG") else None
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        text_size.set_points(self.title, 12, bold=True)
        head.addWidget(self.title, 1)
        self.incoming = QCheckBox()
        self.incoming.setObjectName("svipIncoming")
        self.incoming.setEnabled(self.viewer is not None)
        self.incoming.setChecked(self.viewer is not None)
        self.incoming.toggled.connect(self.reload)
        head.addWidget(self.incoming)
        self.kind = QComboBox()
        self.kind.setObjectName("svipKind")
        self.kind.currentIndexChanged.connect(self.reload)
        head.addWidget(self.kind)
        self.state = QComboBox()
        self.state.setObjectName("svipState")
        self.state.currentIndexChanged.connect(self.reload)
        head.addWidget(self.state)
        layout.addLayout(head)
        self.summary = QLabel()
        self.summary.setProperty("muted", True)
        layout.addWidget(self.summary)
        self.model: RowTableModel[QueueRow] = RowTableModel(
            [
                ("svip.col.state", lambda r: tr(f"svip.state.{r.state.value}")),
                ("svip.col.asked", lambda r: format_short_date(r.request.asked_at)),
                (
                    "svip.col.direction",
                    lambda r: (
                        f"{r.request.from_organisation.value} → {r.request.to_organisation.value}"
                    ),
                ),
                ("svip.col.kind", lambda r: tr(f"svip.kind.{r.request.kind.value}")),
                ("svip.col.group", lambda r: r.group or "—"),
                ("svip.col.own", lambda r: r.own_status or "—"),
                ("svip.col.address", lambda r: r.address),
                ("svip.col.question", lambda r: r.request.question),
                ("svip.col.answer", lambda r: r.request.answer or ""),
            ],
            color=_color,
            tooltip=lambda r: f"{r.request.question}\n\n{r.request.answer or ''}".strip(),
        )
        self.table = RowTableView(self.model)
        self.table.setObjectName("svipTable")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.doubleClicked.connect(lambda _i: self.answer_selected())
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.answer_button = QPushButton()
        self.answer_button.setObjectName("svipAnswer")
        self.answer_button.clicked.connect(self.answer_selected)
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_selected)
        buttons.addWidget(self.answer_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        ctx.events.dossiers_reloaded.connect(self.reload)
        follow_language(self, ctx.events.language_changed, self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("svip.workspace.title"))
        self.incoming.setText(
            tr("svip.incoming", org=self.viewer.value) if self.viewer else tr("svip.incoming.none")
        )
        self.answer_button.setText(tr("svip.answer.button"))
        self.open_button.setText(tr("signals.open_dossier"))
        self.table.setAccessibleName(tr("a11y.svip.table"))
        for combo, items in (
            (
                self.kind,
                [(tr("svip.kind.all"), None)] + [(tr(f"svip.kind.{k.value}"), k) for k in KINDS],
            ),
            (
                self.state,
                [(tr("svip.state.all"), None)]
                + [(tr(f"svip.state.{s.value}"), s) for s in QueueState],
            ),
        ):
            index = max(0, combo.currentIndex())
            combo.blockSignals(True)
            combo.clear()
            for text, data in items:
                combo.addItem(text, data)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self.model.retranslate()
        self.reload()

    def reload(self) -> None:
        viewer, today = self.viewer, self.today
        # Qt hands enum data back as plain str
        kind_data, state_data = self.kind.currentData(), self.state.currentData()
        kind = RequestKind(kind_data) if kind_data is not None else None
        state = QueueState(state_data) if state_data is not None else None
        incoming = self.incoming.isChecked()
        prepare = self.model.prepare

        def job(uow: UnitOfWork) -> tuple[PreparedRows[QueueRow], dict[QueueState, int]]:
            rows = request_queue(
                uow, today, viewer=viewer, kind=kind, state=state, incoming_only=incoming
            )
            counts = dict.fromkeys(QueueState, 0)
            for r in rows:
                counts[r.state] += 1
            return prepare(rows), counts

        self.ctx.ops.read(
            job, on_done=self._on_load_done, on_error=self._on_task_error, parent=self, key=self
        )

    def _on_load_done(self, loaded: tuple[PreparedRows[QueueRow], dict[QueueState, int]]) -> None:
        prepared, counts = loaded
        rows = prepared.rows
        self.model.set_prepared(prepared)
        self.table.resizeColumnsToContents()
        for col in (7, 8):
            self.table.setColumnWidth(col, min(self.table.columnWidth(col), text_size.scaled(320)))
        self.summary.setText(
            tr(
                "svip.summary",
                n=format_count(len(rows)),
                open=format_count(counts[QueueState.OPEN]),
                overdue=format_count(counts[QueueState.OVERDUE]),
                answered=format_count(counts[QueueState.ANSWERED]),
            )
        )
        self._update_buttons()
        self.queue_loaded.emit(len(rows))

    def _on_task_error(self, exc: BaseException) -> None:
        messages.show_error(self, tr("svip.workspace.title"), str(exc))

    def selected(self) -> QueueRow | None:
        rows = self.table.selected_rows()
        return self.model.rows[rows[0]] if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        row = self.selected()
        may_answer = (
            row is not None
            and self.viewer is not None
            and row.request.to_organisation is self.viewer
        )
        self.answer_button.setEnabled(may_answer)
        self.answer_button.setToolTip("" if may_answer else tr("svip.answer.only_asked"))
        self.open_button.setEnabled(row is not None)

    def open_selected(self) -> None:
        if (row := self.selected()) is not None:
            self.ctx.events.open_dossier_requested.emit(row.request.dossier_id)

    def answer_selected(self) -> None:
        row = self.selected()
        if row is None or not self.answer_button.isEnabled():
            return
        dialog = AnswerDialog(row.request, self)
        if dialog.exec() != AnswerDialog.DialogCode.Accepted:
            return
        self.answer(row, dialog.value())

    def answer(self, row: QueueRow, choice: AnswerChoice) -> None:
        """Record the answer off the GUI thread; a refusal (no consent, not IMG…) is shown,
        nothing is written; ``answered`` once it landed."""
        request_id, user = row.request.id, self.ctx.user.username
        self.ctx.ops.write(
            lambda uow: answer_request(
                uow,
                request_id,
                choice.answer,
                user,
                without_data=choice.without_data,
                prioritise=choice.prioritise,
            ),
            dossiers=[row.request.dossier_id],
            on_done=lambda _info: self._on_answered(request_id),
            parent=self,
            title=tr("svip.answer.button"),
        )

    def _on_answered(self, request_id: int) -> None:
        self.answered.emit(request_id)
        self.reload()
