"""The Signalen workspace: "Mijn signalen" (or everyone's), open or done, by due date.

Enter or a double-click opens the dossier; "Afhandelen…" closes the selected signal with its
outcome; "Regels toepassen" runs the signal rules over every dossier on a worker.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import Progress
from buddy_desk.signals.service import (
    EvaluationResult,
    SignalInfo,
    evaluate_signals,
    list_signals,
)
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_count
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.signals.common import SignalsTable, ask_close
from buddy_desk.ui.widgets import accessible, text_size
from buddy_desk.ui.widgets.language import follow_language

STATES = ("open", "done", "all")


class SignalsWorkspace(QWidget):
    signals_loaded = Signal(int)
    """The list was (re)loaded; arg: number of signals shown."""
    evaluated = Signal(int)
    """The rules ran over every dossier; arg: number of new signals."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signalsWorkspace")
        self.ctx = ctx
        self.today = date.today()
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        text_size.set_points(self.title, 12, bold=True)
        head.addWidget(self.title, 1)
        self.mine = QCheckBox()
        self.mine.setObjectName("signalsMine")
        self.mine.setChecked(ctx.user.supervisor_id is not None)
        self.mine.setEnabled(ctx.user.supervisor_id is not None)
        self.mine.toggled.connect(self.reload)
        head.addWidget(self.mine)
        self.state = QComboBox()
        self.state.setObjectName("signalsState")
        self.state.currentIndexChanged.connect(self.reload)
        head.addWidget(self.state)
        self.evaluate_button = QPushButton()
        self.evaluate_button.clicked.connect(self.evaluate)
        head.addWidget(self.evaluate_button)
        layout.addLayout(head)
        self.summary = QLabel()
        self.summary.setProperty("muted", True)
        layout.addWidget(self.summary)
        self.table = SignalsTable(with_address=True)
        self.table.setObjectName("signalsTable")
        accessible.name(self.table, "signals.workspace")
        self.table.itemActivated.connect(lambda _item: self.open_selected())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.open_selected)
        self.close_button = QPushButton()
        self.close_button.clicked.connect(self.close_selected)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        ctx.events.dossiers_reloaded.connect(self.reload)
        ctx.events.dossier_changed.connect(lambda _id: self.reload())
        follow_language(self, ctx.events.language_changed, self.retranslate)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(tr("signals.workspace.title"))
        self.mine.setText(tr("signals.mine"))
        self.evaluate_button.setText(tr("signals.evaluate"))
        self.open_button.setText(tr("signals.open_dossier"))
        self.close_button.setText(tr("signals.close"))
        index = max(0, self.state.currentIndex())
        self.state.blockSignals(True)
        self.state.clear()
        for key in STATES:
            self.state.addItem(tr(f"signals.filter.{key}"), key)
        self.state.setCurrentIndex(index)
        self.state.blockSignals(False)
        self.table.retranslate()
        self.reload()

    def reload(self) -> None:
        """Load the signals off the GUI thread; a burst of reloads paints once, the newest."""
        owner = self.ctx.user.supervisor_id if self.mine.isChecked() else None
        state = self.state.currentData() or "open"
        viewer = viewer_of(self.ctx.user)

        def load(uow: UnitOfWork) -> list[SignalInfo]:
            found = list_signals(uow, viewer=viewer, owner_id=owner, only_open=state == "open")
            return [s for s in found if not s.is_open] if state == "done" else found

        self.ctx.ops.read(load, on_done=self._show_signals, parent=self, key=self)

    def _show_signals(self, found: list[SignalInfo]) -> None:
        self.table.set_signals(found, self.today)
        overdue = sum(1 for s in found if s.overdue(self.today))
        self.summary.setText(
            tr("signals.summary", n=format_count(len(found)), overdue=format_count(overdue))
        )
        self._update_buttons()
        self.signals_loaded.emit(len(found))

    def _update_buttons(self) -> None:
        s = self.table.selected()
        self.open_button.setEnabled(s is not None)
        self.close_button.setEnabled(s is not None and s.is_open)

    def selected(self) -> SignalInfo | None:
        return self.table.selected()

    def open_selected(self) -> None:
        if (s := self.selected()) is not None:
            self.ctx.events.open_dossier_requested.emit(s.dossier_id)

    def close_selected(self) -> None:
        if (s := self.selected()) is not None and s.is_open:
            ask_close(self.ctx, s, self, on_done=self.reload)

    def evaluate(self) -> None:
        self.evaluate_button.setEnabled(False)
        uow = self.ctx.new_uow()
        user = self.ctx.user.username
        today = self.today

        def job(progress: Progress) -> EvaluationResult:
            return evaluate_signals(uow, today, user=user)

        self.ctx.tasks.start(job, on_done=self._on_task_done, on_error=self._on_task_error)

    def _on_task_done(self, result: EvaluationResult) -> None:
        self.evaluate_button.setEnabled(True)
        self.reload()
        self.summary.setText(
            self.summary.text() + "  " + tr("signals.evaluated", n=format_count(result.created))
        )
        self.evaluated.emit(result.created)

    def _on_task_error(self, exc: BaseException) -> None:
        self.evaluate_button.setEnabled(True)
        show_error(self, tr("signals.evaluate"), str(exc))
