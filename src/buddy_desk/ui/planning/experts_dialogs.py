"""Dialogs of the experts register: add/edit an expert (with the working pattern from a preset
or custom days and hours) and the planning settings (durations per kind, travel buffer).

Both start their service's write on OK off the GUI thread (``ctx.ops.write``), keep their
buttons disabled while it runs, stay open with the message when it refuses (so the planner can
correct the field it names) and close when the write landed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date, time

from PySide6.QtCore import QDate, Qt, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import Organisation
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import PlanningSettings
from buddy_desk.planning.info import ExpertInfo
from buddy_desk.planning.patterns import (
    PRESETS,
    PRESETS_BY_KEY,
    PatternPart,
    weekly,
    weekly_days,
)
from buddy_desk.planning.service import register as reg
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import weekday_short
from buddy_desk.ui.operations import failure_text
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.dialog_fit import FittedDialog

KEEP = "keep"
CUSTOM = "custom"
ERROR_STYLE = "color: #b42318"


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def _qtime(clock: time) -> QTime:
    return QTime(clock.hour, clock.minute)


def _pytime(value: QTime) -> time:
    return time(value.hour(), value.minute())


class _SavingDialog(FittedDialog):
    """OK starts the write; Save stays disabled while it runs; a refusal shows in ``error``."""

    refused = Signal(str)
    """The write was refused; arg: the sentence shown in the dialog."""

    ctx: AppContext
    error: QLabel
    buttons: QDialogButtonBox
    saving = False

    def _save(self, job: Callable[[UnitOfWork], object], landed: Callable[[object], None]) -> None:
        if self.saving:
            return  # saving already (Enter twice)
        self.saving = True
        self.buttons.setEnabled(False)

        def done(result: object) -> None:
            self.saving = False
            self.buttons.setEnabled(True)
            self.error.clear()
            landed(result)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.saving = False
            self.buttons.setEnabled(True)
            text = failure_text(exc)
            self.error.setText(text)
            self.refused.emit(text)

        self.ctx.ops.write(job, on_done=done, on_error=failed, parent=self)


class ExpertDialog(_SavingDialog):
    """A new expert (``details`` None) or changes to one; ``saved`` holds the outcome."""

    def __init__(
        self,
        ctx: AppContext,
        details: reg.ExpertDetails | None,
        municipalities: list[str],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.details = details
        self.today = today
        self.saved: reg.ExpertSaved | None = None
        self.added: reg.ExpertDetails | None = None
        info = details.info if details else None
        self.setWindowTitle(
            tr("planning.register.edit.title", name=info.naam)
            if info
            else tr("planning.register.add.title")
        )
        self.setMinimumWidth(text_size.scaled(640))
        form = QFormLayout(self)
        self.name = QLineEdit(info.naam if info else "")
        form.addRow(tr("planning.register.field.name"), self.name)
        self.organisation = QComboBox()
        for org in Organisation:
            self.organisation.addItem(tr(f"planning.register.org.{org.value}"), org.value)
        if info:
            self.organisation.setCurrentIndex(self.organisation.findData(info.organisation.value))
        form.addRow(tr("planning.register.field.organisation"), self.organisation)
        self.dual = QCheckBox(tr("planning.register.field.dual"))
        self.dual.setChecked(bool(info and info.dual_qualified))
        self.active = QCheckBox(tr("planning.register.field.active"))
        self.active.setChecked(info.active if info else True)
        flags = QHBoxLayout()
        flags.addWidget(self.dual)
        flags.addWidget(self.active)
        flags.addStretch(1)
        form.addRow("", flags)
        self.email = QLineEdit((info.email or "") if info else "")
        form.addRow(tr("planning.register.field.email"), self.email)
        self.phone = QLineEdit((info.telefoon or "") if info else "")
        form.addRow(tr("planning.register.field.phone"), self.phone)
        form.addRow(tr("planning.register.field.areas"), self._areas_box(info, municipalities))
        form.addRow(tr("planning.register.field.pattern"), self._pattern_box(details))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    # -- municipalities --------------------------------------------------------------

    def _areas_box(self, info: ExpertInfo | None, municipalities: list[str]) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        self.areas = QListWidget()
        self.areas.setAccessibleName(tr("planning.register.field.areas"))
        self.areas.setMaximumHeight(130)
        mine = info.municipalities if info else ()
        chosen = {m.casefold() for m in mine}
        names = sorted(set(municipalities) | set(mine), key=str.casefold)
        for name in names:
            self._add_area(name, name.casefold() in chosen)
        v.addWidget(self.areas)
        row = QHBoxLayout()
        self.new_area = QLineEdit()
        self.new_area.setAccessibleName(tr("planning.register.field.area_other"))
        self.new_area.setPlaceholderText(tr("planning.register.field.area_other"))
        self.new_area.returnPressed.connect(self._on_add_area_clicked)
        add = QPushButton(tr("planning.register.field.area_add"))
        add.clicked.connect(self._on_add_area_clicked)
        row.addWidget(self.new_area, 1)
        row.addWidget(add)
        v.addLayout(row)
        hint = QLabel(tr("planning.register.field.areas_hint"))
        hint.setProperty("muted", True)
        v.addWidget(hint)
        return box

    def _add_area(self, name: str, checked: bool) -> None:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.areas.addItem(item)

    def _on_add_area_clicked(self) -> None:
        name = " ".join(self.new_area.text().split())
        if not name:
            return
        for row in range(self.areas.count()):
            item = self.areas.item(row)
            if item.text().casefold() == name.casefold():
                item.setCheckState(Qt.CheckState.Checked)
                break
        else:
            self._add_area(name, True)
        self.new_area.clear()

    def chosen_areas(self) -> list[str]:
        return [
            self.areas.item(r).text()
            for r in range(self.areas.count())
            if self.areas.item(r).checkState() == Qt.CheckState.Checked
        ]

    # -- the working pattern ---------------------------------------------------------

    def _pattern_box(self, details: reg.ExpertDetails | None) -> QWidget:
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        self.preset = QComboBox()
        current = details.current_parts if details else ()
        if details is not None:
            self.preset.addItem(
                tr("planning.register.pattern.keep", pattern=details.pattern_summary), KEEP
            )
        for p in PRESETS:
            self.preset.addItem(p.label, p.key)
        self.preset.addItem(tr("planning.register.pattern.custom"), CUSTOM)
        v.addWidget(self.preset)
        custom = QHBoxLayout()
        self.day_boxes = [QCheckBox(weekday_short(d)) for d in range(7)]
        for b in self.day_boxes:
            custom.addWidget(b)
        custom.addSpacing(8)
        self.start_time = QTimeEdit(QTime(8, 30))
        self.end_time = QTimeEdit(QTime(17, 0))
        self.start_time.setAccessibleName(tr("a11y.planning.start_time"))
        self.end_time.setAccessibleName(tr("a11y.planning.end_time"))
        for t in (self.start_time, self.end_time):
            t.setDisplayFormat("HH:mm")
            t.setMinimumWidth(76)
        custom.addWidget(self.start_time)
        custom.addWidget(QLabel("–"))
        custom.addWidget(self.end_time)
        custom.addStretch(1)
        v.addLayout(custom)
        since = QHBoxLayout()
        self.other_week = QCheckBox(tr("planning.register.pattern.other_week"))
        since.addWidget(self.other_week)
        since.addSpacing(16)
        from_label = QLabel(tr("planning.register.pattern.from"))
        since.addWidget(from_label)
        self.valid_from = QDateEdit(qdate(self.today))
        from_label.setBuddy(self.valid_from)
        self.valid_from.setDisplayFormat("dd-MM-yyyy")
        self.valid_from.setCalendarPopup(True)
        self.valid_from.setMinimumDate(qdate(self.today))
        since.addWidget(self.valid_from)
        since.addStretch(1)
        v.addLayout(since)
        self._custom_widgets: list[QWidget] = [
            *self.day_boxes,
            self.start_time,
            self.end_time,
            self.other_week,
        ]
        self._fill_custom(current)
        if details is None:
            self.preset.setCurrentIndex(self.preset.findData("ma-vr"))
        self.preset.currentIndexChanged.connect(self._on_preset_changed)
        for w in self._custom_widgets:
            signal = w.toggled if isinstance(w, QCheckBox) else w.timeChanged  # type: ignore[attr-defined]
            signal.connect(self._on_custom_edited)
        self._on_preset_changed()
        return box

    def _fill_custom(self, parts: tuple[PatternPart, ...] | list[PatternPart]) -> None:
        """Show a pattern in the custom fields (its first weekly part)."""
        for part in parts:
            found = weekly_days(part.rule)
            if found is None:
                continue
            days, interval = found
            for d, b in enumerate(self.day_boxes):
                b.blockSignals(True)
                b.setChecked(d in days)
                b.blockSignals(False)
            for edit, clock in ((self.start_time, part.day_start), (self.end_time, part.day_end)):
                edit.blockSignals(True)
                edit.setTime(_qtime(clock))
                edit.blockSignals(False)
            self.other_week.blockSignals(True)
            self.other_week.setChecked(interval == 2)
            self.other_week.blockSignals(False)
            return

    def _on_preset_changed(self) -> None:
        key = self.preset.currentData()
        if key in PRESETS_BY_KEY:
            self._fill_custom(PRESETS_BY_KEY[key].parts)
        self.valid_from.setEnabled(key != KEEP)

    def _on_custom_edited(self) -> None:
        if self.preset.currentData() != CUSTOM:
            self.preset.blockSignals(True)
            self.preset.setCurrentIndex(self.preset.findData(CUSTOM))
            self.preset.blockSignals(False)
            self.valid_from.setEnabled(True)

    def chosen_pattern(self) -> list[PatternPart] | None:
        """The pattern to store, or None to keep the current one."""
        key = self.preset.currentData()
        if key == KEEP:
            return None
        if key in PRESETS_BY_KEY:
            return list(PRESETS_BY_KEY[key].parts)
        days = [d for d, b in enumerate(self.day_boxes) if b.isChecked()]
        every = 2 if self.other_week.isChecked() else 1
        start, end = _pytime(self.start_time.time()), _pytime(self.end_time.time())
        return [weekly(days, start, end, every_weeks=every)]

    # -- saving ----------------------------------------------------------------------

    def _on_buttons_accepted(self) -> None:
        try:
            pattern = self.chosen_pattern()
        except BuddyDeskError as exc:
            self.error.setText(str(exc))
            return
        valid_from = pydate(self.valid_from.date())
        naam, email, telefoon = self.name.text(), self.email.text(), self.phone.text()
        org = Organisation(self.organisation.currentData())
        dual, active = self.dual.isChecked(), self.active.isChecked()
        areas, today = self.chosen_areas(), self.today
        if self.details is None:
            self._save(
                lambda uow: reg.add_expert(
                    uow,
                    naam=naam,
                    organisation=org,
                    dual_qualified=dual,
                    municipalities=areas,
                    active=active,
                    email=email,
                    telefoon=telefoon,
                    pattern=pattern or (),
                    pattern_from=valid_from,
                    today=today,
                ),
                self._on_added,
            )
            return
        expert_id = self.details.info.id
        self._save(
            lambda uow: reg.edit_expert(
                uow,
                expert_id,
                naam=naam,
                organisation=org,
                dual_qualified=dual,
                municipalities=areas,
                active=active,
                email=email,
                telefoon=telefoon,
                pattern=pattern,
                pattern_from=valid_from if pattern is not None else None,
                today=today,
            ),
            self._on_saved,
        )

    def _on_added(self, added: object) -> None:
        assert isinstance(added, reg.ExpertDetails)
        self.added = added

    def _on_saved(self, saved: object) -> None:
        assert isinstance(saved, reg.ExpertSaved)
        self.saved = saved


class SettingsDialog(_SavingDialog):
    """Durations per kind and the travel buffer, in minutes."""

    def __init__(
        self, ctx: AppContext, settings: PlanningSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.result_settings: PlanningSettings | None = None
        self.setWindowTitle(tr("planning.register.settings.title"))
        self.setMinimumWidth(text_size.scaled(400))
        form = QFormLayout(self)
        intro = QLabel(tr("planning.register.settings.intro"))
        intro.setWordWrap(True)
        intro.setProperty("muted", True)
        form.addRow(intro)
        values = {f.name: getattr(settings, f.name) for f in fields(settings)}
        self.spins: dict[str, QSpinBox] = {}
        for key, (low, high) in reg.SETTING_BOUNDS.items():
            spin = QSpinBox(minimum=low, maximum=high, value=values[key], singleStep=15)
            spin.setSuffix(tr("planning.register.settings.minutes"))
            spin.setAccelerated(True)
            self.spins[key] = spin
            form.addRow(tr(f"planning.register.settings.{key}"), spin)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(ERROR_STYLE)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _on_buttons_accepted(self) -> None:
        minutes = {key: spin.value() for key, spin in self.spins.items()}
        self._save(lambda uow: reg.update_settings(uow, **minutes), self._on_saved)

    def _on_saved(self, settings: object) -> None:
        assert isinstance(settings, PlanningSettings)
        self.result_settings = settings
