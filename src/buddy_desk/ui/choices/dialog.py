"""Recording a choice in a few keystrokes: type → option (explanation shown) → channel → save.

Keyboard: the type list has focus; arrows or 1–8 pick a type, Tab goes to the options (arrows),
then channel, date, note; Ctrl+Enter saves from anywhere, Esc cancels. A rejected entry keeps
the dialog open with a Dutch message under the form: nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.choices.rules import (
    EXPLANATION_VERSIONS,
    OPTIONS,
    Channel,
    ChoiceEntry,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import NewChoice
from buddy_desk.choices.texts import (
    LOCAL,
    explanation,
    option_help,
    option_label,
    to_utc,
    type_label,
)
from buddy_desk.i18n import tr
from buddy_desk.ui.operations import failure_text
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog

Saved = Callable[[ChoiceEntry], None]
Refused = Callable[[BaseException], None]
SaveChoice = Callable[[NewChoice, Saved, Refused], None]
"""Starts the write (off the GUI thread, ``ctx.ops.write``); then ``saved`` or ``refused``."""
SaveWithdrawal = Callable[[Channel, datetime, str, str, Saved, Refused], None]


def _qdatetime(value: datetime) -> QDateTime:
    """A naive local wall-clock datetime as QDateTime (explicit fields: stubs differ by version)."""
    return QDateTime(
        QDate(value.year, value.month, value.day),
        QTime(value.hour, value.minute, value.second),
    )


def _now_local() -> QDateTime:
    # Dutch wall-clock time whatever the machine's zone (entries are read back in it)
    return _qdatetime(datetime.now(LOCAL).replace(tzinfo=None, microsecond=0))


def _to_aware(value: QDateTime) -> datetime:
    wall = value.toPython()
    assert isinstance(wall, datetime)
    return to_utc(wall.replace(tzinfo=LOCAL))


class RecordChoiceDialog(FittedDialog):
    recorded = Signal(object)
    """A choice was saved; arg: the new ChoiceEntry."""

    def __init__(
        self,
        save: SaveChoice,
        address: str,
        parent: QWidget | None = None,
        *,
        correcting: ChoiceEntry | None = None,
        default_direction: Direction | None = None,
        default_channel: Channel | None = None,
        choice_type: ChoiceType | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self._correcting = correcting
        self.setObjectName("recordChoiceDialog")
        self.setWindowTitle(
            tr("choices.dialog.correct_title", seq=correcting.seq, address=address)
            if correcting
            else tr("choices.dialog.title", address=address)
        )
        self.setMinimumSize(920, 640)
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.types = QListWidget()
        self.types.setObjectName("choiceTypes")
        for n, t in enumerate(ChoiceType, start=1):
            item = QListWidgetItem(f"{n}  {type_label(t)}")
            item.setData(Qt.ItemDataRole.UserRole, t)
            self.types.addItem(item)
        self.types.setFixedWidth(min(text_size.scaled(340), 480))
        self.types.setWordWrap(True)
        self.types.installEventFilter(self)
        types_label = QLabel(tr("choices.dialog.type"))
        types_label.setBuddy(self.types)
        left.addWidget(types_label)
        left.addWidget(self.types, 1)
        outer.addLayout(left)

        right = QVBoxLayout()
        self.explanation_title = QLabel()
        self.explanation_title.setProperty("muted", True)
        self.explanation = QLabel()
        self.explanation.setObjectName("choiceExplanation")
        self.explanation.setWordWrap(True)
        self.explanation.setStyleSheet(
            "QLabel#choiceExplanation { background: #f3f6fa; border: 1px solid #d8dee6;"
            " border-radius: 4px; padding: 8px; }"
        )
        right.addWidget(self.explanation_title)
        right.addWidget(self.explanation)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.options = QListWidget()
        self.options.setObjectName("choiceOptions")
        self.options.setMaximumHeight(text_size.scaled(110))
        self.options.setMinimumHeight(text_size.scaled(70))  # in the scrolling form: 3 rows
        self.option_help = QLabel()
        self.option_help.setWordWrap(True)
        self.option_help.setProperty("muted", True)
        self.free_text = QPlainTextEdit()
        self.free_text.setMaximumHeight(text_size.scaled(70))
        self.free_text.setTabChangesFocus(True)
        self.only_if_no_delay = QCheckBox(tr("choices.only_if_no_delay.label"))
        self.direction = QComboBox()
        for d in Direction:
            self.direction.addItem(tr(f"choices.direction.{d.value}"), d)
        self.purpose = QLineEdit(tr("choices.dialog.purpose_default"))
        self.purpose.setCursorPosition(0)
        self.categories = QListWidget()
        self.categories.setMinimumHeight(text_size.scaled(150))
        for c in DocumentCategory:
            item = QListWidgetItem(tr(f"choices.category.{c.value}"))
            item.setData(Qt.ItemDataRole.UserRole, c)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                Qt.CheckState.Checked
                if c is DocumentCategory.CASE_DETAILS
                else Qt.CheckState.Unchecked
            )
            self.categories.addItem(item)
        self.method = QComboBox()
        for m in ConsentMethod:
            self.method.addItem(tr(f"choices.method.{m.value}"), m)
        self.method.setCurrentIndex(1)
        self.form_reference = QLineEdit()
        self.channel = QComboBox()
        for ch in Channel:
            self.channel.addItem(tr(f"choices.channel.{ch.value}"), ch)
        self.made_at = QDateTimeEdit(_now_local())
        self.made_at.setCalendarPopup(True)
        self.made_at.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.made_at.setMaximumDateTime(_now_local().addSecs(300))
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(text_size.scaled(70))
        self.note.setTabChangesFocus(True)
        self._rows: dict[str, tuple[QLabel, QWidget]] = {}
        for key, widget in (
            ("value", self.options),
            ("help", self.option_help),
            ("free_text", self.free_text),
            ("delay", self.only_if_no_delay),
            ("direction", self.direction),
            ("purpose", self.purpose),
            ("categories", self.categories),
            ("method", self.method),
            ("form_reference", self.form_reference),
            ("channel", self.channel),
            ("made_at", self.made_at),
            ("note", self.note),
        ):
            text = {
                "value": tr("choices.dialog.value"),
                "free_text": tr("choices.dialog.free_text"),
                "direction": tr("choices.dialog.direction"),
                "purpose": tr("choices.dialog.purpose"),
                "categories": tr("choices.dialog.categories"),
                "method": tr("choices.dialog.method"),
                "form_reference": tr("choices.dialog.form_reference"),
                "channel": tr("choices.dialog.channel"),
                "made_at": tr("choices.dialog.made_at"),
                "note": tr("choices.dialog.note"),
            }.get(key, "")
            row_label = QLabel(text)
            row_label.setBuddy(widget)
            form.addRow(row_label, widget)
            self._rows[key] = (row_label, widget)
        # the form scrolls when it is taller than the screen (text at 200 %); the buttons stay
        form_page = QWidget()
        form_page.setLayout(form)
        form.setContentsMargins(0, 0, 0, 0)
        form_scroll = QScrollArea()
        form_scroll.setObjectName("choiceFormScroll")
        form_scroll.setWidgetResizable(True)
        form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        form_scroll.setWidget(form_page)
        right.addWidget(form_scroll, 1)
        self.error = QLabel()
        self.error.setObjectName("choiceError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318; font-weight: 600;")
        self.error.hide()
        right.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save_button.setText(tr("choices.dialog.save") + "  (Ctrl+Enter)")
        self.buttons.accepted.connect(self.try_save)
        self.buttons.rejected.connect(self.reject)
        right.addWidget(self.buttons)
        outer.addLayout(right, 1)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.try_save)
        self.types.currentRowChanged.connect(self._on_types_current_row_changed)
        self.options.currentRowChanged.connect(self._on_options_current_row_changed)
        if default_direction is not None:
            self.direction.setCurrentIndex(list(Direction).index(default_direction))
        if default_channel is not None:
            self.channel.setCurrentIndex(list(Channel).index(default_channel))
        if correcting is not None:
            self._prefill(correcting)
        else:
            self.types.setCurrentRow(list(ChoiceType).index(choice_type) if choice_type else 0)
        self.types.setFocus()

    # -- keyboard: digits pick a type ------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt override)
        if watched is self.types and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            text = event.text()
            if text.isdigit() and 1 <= int(text) <= len(ChoiceType):
                self.types.setCurrentRow(int(text) - 1)
                if self.choice_type is ChoiceType.FREE_TEXT:
                    self.free_text.setFocus()
                else:
                    self.options.setFocus()
                return True
        return super().eventFilter(watched, event)

    # -- state -----------------------------------------------------------------------------
    @property
    def choice_type(self) -> ChoiceType:
        item = self.types.currentItem()
        # Qt hands a StrEnum back as its plain string value
        return ChoiceType(item.data(Qt.ItemDataRole.UserRole)) if item else ChoiceType.DATA_SHARING

    def _prefill(self, e: ChoiceEntry) -> None:
        self.types.setCurrentRow(list(ChoiceType).index(e.choice_type))
        self.types.setEnabled(False)  # a correction keeps the type
        if e.choice_type is ChoiceType.FREE_TEXT:
            self.free_text.setPlainText(e.value)
        elif e.value in OPTIONS[e.choice_type]:
            self.options.setCurrentRow(OPTIONS[e.choice_type].index(e.value))
        self.only_if_no_delay.setChecked(bool(e.only_if_no_delay))
        if e.direction is not None:
            self.direction.setCurrentIndex(list(Direction).index(e.direction))
            self.direction.setEnabled(False)
        if e.purpose:
            self.purpose.setText(e.purpose)
        for i in range(self.categories.count()):
            item = self.categories.item(i)
            item.setCheckState(
                Qt.CheckState.Checked
                if DocumentCategory(item.data(Qt.ItemDataRole.UserRole)) in e.categories
                else Qt.CheckState.Unchecked
            )
        if e.method is not None:
            self.method.setCurrentIndex(list(ConsentMethod).index(e.method))
        self.form_reference.setText(e.form_reference or "")
        self.channel.setCurrentIndex(list(Channel).index(e.channel))
        self.made_at.setDateTime(_qdatetime(e.made_at.astimezone(LOCAL).replace(tzinfo=None)))
        self.note.setPlainText(e.note or "")

    def _set_row_visible(self, key: str, visible: bool) -> None:
        row_label, widget = self._rows[key]
        row_label.setVisible(visible)
        widget.setVisible(visible)

    def _on_types_current_row_changed(self, _row: int) -> None:
        t = self.choice_type
        self.explanation_title.setText(
            tr("choices.dialog.explanation", version=EXPLANATION_VERSIONS[t])
        )
        self.explanation.setText(explanation(t))
        self.options.clear()
        for value in OPTIONS[t]:
            item = QListWidgetItem(option_label(t, value))
            item.setData(Qt.ItemDataRole.UserRole, value)
            self.options.addItem(item)
        consent = t is ChoiceType.DATA_SHARING
        self._set_row_visible("value", t is not ChoiceType.FREE_TEXT)
        self._set_row_visible("free_text", t is ChoiceType.FREE_TEXT)
        self._set_row_visible("delay", t is ChoiceType.JOINT_INSPECTION)
        for key in ("direction", "purpose", "categories", "method"):
            self._set_row_visible(key, consent)
        # nothing is preselected: a choice, and a consent above all, is the resident's explicit
        # answer (AVG: consent is an unambiguous act), so the buddy picks it after asking
        self.options.setCurrentRow(-1)
        self.options.clearSelection()
        self._on_options_current_row_changed(self.options.currentRow())
        self.error.hide()

    @property
    def correcting(self) -> ChoiceEntry | None:
        return self._correcting

    def _on_options_current_row_changed(self, _row: int) -> None:
        item = self.options.currentItem()
        value = item.data(Qt.ItemDataRole.UserRole) if item else None
        text = option_help(self.choice_type, str(value)) if value else ""
        self.option_help.setText(text)
        self._set_row_visible("help", bool(text))

    def choice(self) -> NewChoice:
        """What is on the form, as the service takes it."""
        t = self.choice_type
        if t is ChoiceType.FREE_TEXT:
            value = self.free_text.toPlainText()
        else:
            item = self.options.currentItem()
            value = str(item.data(Qt.ItemDataRole.UserRole)) if item else ""
        consent = t is ChoiceType.DATA_SHARING
        categories = tuple(
            DocumentCategory(self.categories.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.categories.count())
            if self.categories.item(i).checkState() == Qt.CheckState.Checked
        )
        return NewChoice(
            choice_type=t,
            value=value,
            channel=Channel(self.channel.currentData()),
            made_at=_to_aware(self.made_at.dateTime()),
            note=self.note.toPlainText(),
            form_reference=self.form_reference.text(),
            direction=Direction(self.direction.currentData()) if consent else None,
            purpose=self.purpose.text() if consent else None,
            categories=categories if consent else (),
            method=ConsentMethod(self.method.currentData()) if consent else None,
            only_if_no_delay=self.only_if_no_delay.isChecked()
            if t is ChoiceType.JOINT_INSPECTION
            else None,
        )

    def try_save(self) -> None:
        picked = self.options.currentItem() is not None and bool(self.options.selectedItems())
        if self.choice_type is not ChoiceType.FREE_TEXT and not picked:
            self._show_error(tr("choices.dialog.value").replace("&", "") + ": kies een optie")
            self.options.setFocus()
            return
        if not self.buttons.isEnabled():
            return  # saving already (Ctrl+Enter twice)
        self.buttons.setEnabled(False)
        self._save(self.choice(), self._on_saved, self._on_refused)

    def _on_saved(self, entry: ChoiceEntry) -> None:
        self.buttons.setEnabled(True)
        self.error.hide()
        self.recorded.emit(entry)
        self.accept()

    def _on_refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self._show_error(failure_text(exc))

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class WithdrawDialog(FittedDialog):
    """The resident withdraws a choice: how it reached us, from when, a note."""

    withdrawn = Signal(object)
    """The withdrawal was saved; arg: the new ChoiceEntry."""

    def __init__(
        self,
        save: SaveWithdrawal,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.setObjectName("withdrawChoiceDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(text_size.scaled(520))
        layout = QVBoxLayout(self)
        intro = QLabel(tr("choices.dialog.withdraw_confirm"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.channel = QComboBox()
        for ch in Channel:
            self.channel.addItem(tr(f"choices.channel.{ch.value}"), ch)
        self.effective_from = QDateTimeEdit(_now_local())
        self.effective_from.setCalendarPopup(True)
        self.effective_from.setDisplayFormat("dd-MM-yyyy HH:mm")
        self.effective_from.setMaximumDateTime(_now_local())
        self.form_reference = QLineEdit()
        self.note = QPlainTextEdit()
        self.note.setMaximumHeight(70)
        self.note.setTabChangesFocus(True)
        form.addRow(tr("choices.dialog.channel"), self.channel)
        form.addRow(tr("choices.dialog.effective_from"), self.effective_from)
        form.addRow(tr("choices.dialog.form_reference"), self.form_reference)
        form.addRow(tr("choices.dialog.note"), self.note)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b42318; font-weight: 600;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            tr("choices.action.withdraw").rstrip("…")
        )
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.channel.setFocus()

    def try_save(self) -> None:
        if not self.buttons.isEnabled():
            return
        self.buttons.setEnabled(False)
        self._save(
            Channel(self.channel.currentData()),
            _to_aware(self.effective_from.dateTime()),
            self.note.toPlainText(),
            self.form_reference.text(),
            self._on_saved,
            self._on_refused,
        )

    def _on_saved(self, entry: ChoiceEntry) -> None:
        self.buttons.setEnabled(True)
        self.withdrawn.emit(entry)
        self.accept()

    def _on_refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(failure_text(exc))
        self.error.show()
