"""The dossier section "Keuzes": the current state of every choice, its history a click away.

Above the table: what the resident's consent means for this user right now (may they see the
other organisation's data?). Below: record (Ctrl+K), correct, withdraw, a receipt for the
resident, and the whole log as PDF or CSV. Enter or a double-click shows a choice's history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.choices.rules import (
    ChoiceEntry,
    ChoiceState,
    Direction,
    EntryKind,
    consent_for,
)
from buddy_desk.choices.service.exports import choice_log_csv, choice_log_pdf, receipt_pdf
from buddy_desk.choices.service.log import (
    ChoiceLog,
    choice_log,
    correct_choice,
    record_choice,
    withdraw_choice,
)
from buddy_desk.choices.texts import (
    categories_label,
    kind_label,
    local_date,
    local_time,
    state_label,
    type_label,
    value_label,
)
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.models.base import utcnow
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.choices.common import ask_save_path, viewer_of
from buddy_desk.ui.choices.dialog import RecordChoiceDialog, Refused, Saved, WithdrawDialog
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog

log = logging.getLogger(__name__)


def _cell(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item


class ChoicesSection(QWidget):
    changed = Signal(int)
    """An entry was added to this dossier's choice log; arg: dossier id."""

    def __init__(self, ctx: AppContext, dossier_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("choicesSection")
        self.ctx = ctx
        self.dossier_id = dossier_id
        self.data: ChoiceLog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.setSpacing(6)
        self.banner = QLabel()
        self.banner.setObjectName("consentBanner")
        self.banner.setWordWrap(True)
        layout.addWidget(self.banner)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b42318; font-weight: 600;")
        self.warning.hide()
        layout.addWidget(self.warning)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("choicesTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        text_size.set_column_widths(self.table, {0: 170})
        # the channel is in the history and on the receipt; the side panel has no room for it
        self.table.setColumnHidden(3, True)
        self.table.itemActivated.connect(self._on_table_item_activated)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.setProperty("muted", True)
        layout.addWidget(self.empty)
        # The side panel is narrow: two short rows, printing and export in one menu.
        row, row2 = QHBoxLayout(), QHBoxLayout()
        self.record_button = QPushButton()
        self.correct_button = QPushButton()
        self.withdraw_button = QPushButton()
        self.history_button = QPushButton()
        for button, handler in (
            (self.record_button, self.record),
            (self.correct_button, self.correct_selected),
            (self.withdraw_button, self.withdraw_selected),
        ):
            button.clicked.connect(handler)
            row.addWidget(button)
        self.history_button.clicked.connect(self.show_history)
        row2.addWidget(self.history_button)
        self.output_button = QPushButton()
        self.output_menu = QMenu(self.output_button)
        self.receipt_action = self.output_menu.addAction("", self.receipt_selected)
        self.pdf_action = self.output_menu.addAction("", self.export_pdf)
        self.csv_action = self.output_menu.addAction("", self.export_csv)
        self.output_button.setMenu(self.output_menu)
        row2.addWidget(self.output_button)
        row.addStretch(1)
        row2.addStretch(1)
        layout.addLayout(row)
        layout.addLayout(row2)
        ctx.events.dossier_changed.connect(self._on_events_dossier_changed)
        ctx.events.language_changed.connect(self._on_events_language_changed)
        self.reload()

    # -- data ------------------------------------------------------------------------------
    def reload(self) -> None:
        try:
            self.data = choice_log(self.ctx.new_uow(), self.dossier_id)
        except BuddyDeskError as exc:
            log.warning(
                "choice log of dossier %d not loaded: %s", self.dossier_id, type(exc).__name__
            )
            return
        self._render()
        self.check_chain()

    @property
    def states(self) -> tuple[ChoiceState, ...]:
        return self.data.states if self.data else ()

    def selected_state(self) -> ChoiceState | None:
        row = self.table.currentRow()
        return self.states[row] if 0 <= row < len(self.states) else None

    def _render(self) -> None:
        self.retranslate()
        current = self.table.currentRow()
        self.table.setRowCount(len(self.states))
        for row, state in enumerate(self.states):
            shown = state.withdrawal or state.current
            value = state_label(state)
            if state.consent_active:
                value += "\n" + categories_label(state.current.categories)
            cells = [
                type_label(state.choice_type),
                value,
                local_date(shown.made_at),
                tr(f"choices.channel.{shown.channel.value}"),
            ]
            for col, text in enumerate(cells):
                item = _cell(text)
                if state.withdrawal is not None:
                    item.setForeground(Qt.GlobalColor.darkGray)
                self.table.setItem(row, col, item)
        self.table.resizeRowsToContents()
        if self.states:
            self.table.selectRow(min(max(current, 0), len(self.states) - 1))
        self.table.setVisible(bool(self.states))
        self.empty.setVisible(not self.states)
        self._render_banner()
        self._update_buttons()

    def _render_banner(self) -> None:
        viewer = viewer_of(self.ctx.user)
        if viewer.organisation is None:
            self.banner.setText(tr("choices.dialog.no_profile"))
            return
        source = viewer.organisation.other
        state = consent_for(self.states, Direction.towards(viewer.organisation))
        if state is not None and state.consent_active:
            text = tr(
                "choices.section.consent_banner.active",
                org=viewer.organisation.value,
                source=source.value,
                categories=categories_label(state.current.categories),
            )
            colour = "#e7f5ec; border: 1px solid #a6d8b8"
        else:
            text = tr(
                "choices.section.consent_banner.none",
                org=viewer.organisation.value,
                source=source.value,
            )
            colour = "#fff6e5; border: 1px solid #f0c36d"
        self.banner.setText(text)
        self.banner.setStyleSheet(
            f"QLabel#consentBanner {{ background: {colour}; border-radius: 4px; padding: 6px; }}"
        )

    def _update_buttons(self) -> None:
        state = self.selected_state()
        self.correct_button.setEnabled(state is not None and state.withdrawal is None)
        self.withdraw_button.setEnabled(state is not None and state.withdrawal is None)
        self.history_button.setEnabled(state is not None)
        self.receipt_action.setEnabled(state is not None)
        has_entries = bool(self.data and self.data.entries)
        self.pdf_action.setEnabled(has_entries)
        self.csv_action.setEnabled(has_entries)

    def retranslate(self) -> None:
        self.table.setHorizontalHeaderLabels(
            [
                tr("choices.col.choice"),
                tr("choices.col.value"),
                tr("choices.col.made"),
                tr("choices.col.channel"),
            ]
        )
        self.empty.setText(tr("choices.section.empty"))
        self.record_button.setText(tr("choices.action.record_short"))
        self.record_button.setToolTip(tr("choices.action.record") + "  (Ctrl+K)")
        self.correct_button.setText(tr("choices.action.correct"))
        self.withdraw_button.setText(tr("choices.action.withdraw"))
        self.history_button.setText(tr("choices.action.history"))
        self.output_button.setText(tr("choices.action.output"))
        self.receipt_action.setText(tr("choices.action.receipt"))
        self.pdf_action.setText(tr("choices.action.pdf"))
        self.csv_action.setText(tr("choices.action.csv"))

    # -- actions ---------------------------------------------------------------------------
    def _after_save(self, _entry: ChoiceEntry) -> None:
        self.changed.emit(self.dossier_id)  # dossier_changed came from ops.write already

    def _write_entry(
        self, job: Callable[[UnitOfWork], ChoiceEntry], saved: Saved, refused: Refused
    ) -> None:
        self.ctx.ops.write(
            job, dossiers=[self.dossier_id], on_done=saved, on_error=refused, parent=self
        )

    def _address(self) -> str:
        return self.data.address_line if self.data else str(self.dossier_id)

    def record_dialog(self) -> RecordChoiceDialog:
        actor, dossier_id = viewer_of(self.ctx.user), self.dossier_id
        dialog = RecordChoiceDialog(
            lambda c, saved, refused: self._write_entry(
                lambda uow: record_choice(uow, dossier_id, c, actor), saved, refused
            ),
            self._address(),
            self,
            default_direction=Direction.towards(actor.organisation) if actor.organisation else None,
        )
        dialog.recorded.connect(self._after_save)
        return dialog

    def record(self) -> None:
        self.record_dialog().exec()

    def correct_dialog(self) -> RecordChoiceDialog | None:
        state = self.selected_state()
        if state is None:
            return None
        actor, dossier_id = viewer_of(self.ctx.user), self.dossier_id
        target = state.current
        dialog = RecordChoiceDialog(
            lambda c, saved, refused: self._write_entry(
                lambda uow: correct_choice(uow, dossier_id, target.seq, c, actor), saved, refused
            ),
            self._address(),
            self,
            correcting=target,
        )
        dialog.recorded.connect(self._after_save)
        return dialog

    def correct_selected(self) -> None:
        dialog = self.correct_dialog()
        if dialog is not None:
            dialog.exec()

    def withdraw_dialog(self) -> WithdrawDialog | None:
        state = self.selected_state()
        if state is None:
            return None
        actor, dossier_id = viewer_of(self.ctx.user), self.dossier_id
        record_seq = state.record_seq
        dialog = WithdrawDialog(
            lambda channel, effective, note, ref, saved, refused: self._write_entry(
                lambda uow: withdraw_choice(
                    uow,
                    dossier_id,
                    record_seq,
                    actor,
                    channel=channel,
                    effective_from=effective,
                    note=note,
                    form_reference=ref,
                ),
                saved,
                refused,
            ),
            tr(
                "choices.dialog.withdraw_title",
                type=type_label(state.choice_type),
                address=self._address(),
            ),
            self,
        )
        dialog.withdrawn.connect(self._after_save)
        return dialog

    def withdraw_selected(self) -> None:
        dialog = self.withdraw_dialog()
        if dialog is not None:
            dialog.exec()

    def history_dialog(self) -> QDialog | None:
        state = self.selected_state()
        if state is None:
            return None
        dialog = FittedDialog(self)
        dialog.setObjectName("choiceHistoryDialog")
        dialog.setWindowTitle(
            tr("choices.section.history_title", type=type_label(state.choice_type))
        )
        dialog.resize(820, 320)
        layout = QVBoxLayout(dialog)
        table = QTableWidget(len(state.history), 6)
        table.setObjectName("choiceHistoryTable")
        table.verticalHeader().hide()
        table.setHorizontalHeaderLabels(
            [
                tr("choices.col.seq"),
                tr("choices.col.kind"),
                tr("choices.col.value"),
                tr("choices.col.made"),
                tr("choices.col.recorded"),
                tr("choices.col.by"),
            ]
        )
        for row, e in enumerate(state.history):
            kind = kind_label(e.kind)
            if e.refers_to_seq:
                kind += " " + tr("choices.pdf.refers", seq=e.refers_to_seq)
            value = value_label(e)
            if e.note:
                value += f"\n{e.note}"
            date = e.effective_from if e.kind is EntryKind.WITHDRAWAL else e.made_at
            for col, text in enumerate(
                [
                    str(e.seq),
                    kind,
                    value,
                    local_date(date),
                    local_time(e.recorded_at),
                    e.recorded_by,
                ]
            ):
                table.setItem(row, col, _cell(text))
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeRowsToContents()
        layout.addWidget(table)
        return dialog

    def show_history(self) -> None:
        dialog = self.history_dialog()
        if dialog is not None:
            dialog.exec()

    def _on_table_item_activated(self, _item: QTableWidgetItem) -> None:
        self.show_history()

    def _write(self, what: str, suggested: str, pattern: str) -> Path | None:
        path = ask_save_path(self, tr(what).rstrip("…"), suggested, pattern)
        return path

    def receipt_selected(self) -> None:
        state = self.selected_state()
        if state is None or self.data is None:
            return
        entry = state.withdrawal or state.current
        path = self._write(
            "choices.action.receipt",
            f"bewijs-dossier{self.dossier_id}-regel{entry.seq}.pdf",
            "PDF (*.pdf)",
        )
        if path is not None:
            receipt_pdf(self.data, entry.seq, path)

    def export_pdf(self) -> None:
        if self.data is None:
            return
        path = self._write(
            "choices.action.pdf", f"keuzelogboek-dossier{self.dossier_id}.pdf", "PDF (*.pdf)"
        )
        if path is not None:
            choice_log_pdf(self.data, path, printed=utcnow())

    def export_csv(self) -> None:
        if self.data is None:
            return
        path = self._write(
            "choices.action.csv", f"keuzelogboek-dossier{self.dossier_id}.csv", "CSV (*.csv)"
        )
        if path is not None:
            choice_log_csv(self.data.entries, path)

    def check_chain(self) -> None:
        """Warn in the section if this dossier's chain (or its anchors) no longer verifies."""
        mine = self.data.problems if self.data else ()
        if mine:
            self.warning.setText(
                tr("choices.section.verify_failed", seq=mine[0].seq or "-", reason=mine[0].reason)
            )
        self.warning.setVisible(bool(mine))

    # -- events ----------------------------------------------------------------------------
    def _on_events_dossier_changed(self, dossier_id: int) -> None:
        if dossier_id == self.dossier_id:
            self.reload()

    def _on_events_language_changed(self, _language: str) -> None:
        self._render()
