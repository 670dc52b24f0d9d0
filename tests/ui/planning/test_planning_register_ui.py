"""The Deskundigen tab: the register table, an absence added through the UI (with the booked
appointment inside it), the expert dialog and the settings dialog."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.planning.patterns import preset
from buddy_desk.planning.service import booking as svc
from buddy_desk.planning.service import register as reg
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.planning.experts import RegisterPanel
from buddy_desk.ui.planning.experts_dialogs import ExpertDialog, SettingsDialog
from buddy_desk.ui.planning.workspace import PlanningWorkspace
from tests.factories import make_dossier


def _team(ctx: AppContext) -> tuple[int, int]:
    img = reg.add_expert(
        ctx.new_uow(),
        naam="Ada Schade",
        organisation=Organisation.IMG,
        municipalities=["Groningen"],
        pattern=preset("ma-vr").parts,
        pattern_from=date(2026, 1, 1),
    )
    ncg = reg.add_expert(
        ctx.new_uow(),
        naam="Bram Versterk",
        organisation=Organisation.NCG,
        dual_qualified=True,
        pattern=preset("ma-do-even-vr").parts,
        pattern_from=date(2026, 1, 1),
    )
    return img.info.id, ncg.info.id


def test_add_an_absence_through_the_ui(qtbot: QtBot, ctx: AppContext) -> None:
    img, ncg = _team(ctx)
    d = make_dossier(ctx.new_uow(), img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    option = svc.propose(ctx.new_uow(), d, InspectionForm.SIMULTANEOUS).proposals.options[0]
    [booked] = svc.book(ctx.new_uow(), d, option)
    panel = RegisterPanel(ctx)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    with qtbot.waitSignal(panel.loaded, timeout=5_000):
        panel.show()
    assert panel.table.rowCount() == 2
    cells = [panel.table.item(0, c) for c in range(panel.table.columnCount())]
    assert [c.text() if c else None for c in cells] == [
        "Ada Schade",
        "IMG (schade)",
        "",
        "Groningen",
        "ma–vr 8:30–17:00",
        "—",
    ]
    both = panel.table.item(1, 2)
    assert both is not None and both.text() == "✓"
    pattern = panel.table.item(1, 4)
    assert pattern is not None and pattern.text() == "ma–do 8:00–16:30 + om de week vr 8:00–12:30"
    assert not panel.add_absence_button.isEnabled()
    panel.table.selectRow(0)
    assert panel.add_absence_button.isEnabled()
    # the end before the start: the field's message, nothing stored
    panel.set_absence_range(option.day, option.day)
    panel.absence_to.setDate(panel.absence_to.date().addDays(-1))
    assert panel.absence_to.date() < panel.absence_from.date()
    qtbot.mouseClick(panel.add_absence_button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    qtbot.waitUntil(lambda: "einddatum" in panel.absence_error.text(), timeout=5_000)
    assert reg.list_absences(ctx.new_uow(), img) == []
    # a proper range, over the booked appointment's day
    panel.set_absence_range(option.day, option.day)
    panel.absence_reason.setCurrentText("cursus")
    with qtbot.waitSignal(panel.absence_added, timeout=5_000) as blocker:
        qtbot.mouseClick(panel.add_absence_button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    [stored] = reg.list_absences(ctx.new_uow(), img)
    assert (stored.first_day, stored.last_day, stored.reason) == (option.day, option.day, "cursus")
    result = blocker.args[0]
    assert isinstance(result, reg.AbsenceResult)
    assert [a.appointment_id for a in result.affected] == [booked.id]
    # the panel shows it: the absence in the list and the table, the appointment to move
    assert panel.absence_table.rowCount() == 1
    assert panel.affected_list.count() == 1
    entry = panel.affected_list.item(0)
    assert entry is not None and entry.data(Qt.ItemDataRole.UserRole) == booked.id
    assert "in deze afwezigheid (1)" in panel.affected_title.text()
    absence_cell = panel.table.item(0, 5)
    assert absence_cell is not None and "(cursus)" in absence_cell.text()
    # and proposals no longer use that day for this expert
    again = svc.propose(ctx.new_uow(), make_dossier(ctx.new_uow()), InspectionForm.SIMULTANEOUS)
    assert all(
        v.day != option.day for p in again.proposals.options for v in p.visits if v.expert_id == img
    )
    # removing it through the UI
    panel.absence_table.selectRow(0)
    assert panel.remove_button.isEnabled()
    with qtbot.waitSignal(panel.changed, timeout=5_000):  # removed off the GUI thread
        qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)  # type: ignore[no-untyped-call]
    assert reg.list_absences(ctx.new_uow(), img) == []
    assert panel.absence_table.rowCount() == 0
    assert ncg


def test_expert_and_settings_dialogs_save_through_the_services(
    qtbot: QtBot, ctx: AppContext
) -> None:
    img, _ncg = _team(ctx)
    details = reg.get_expert(ctx.new_uow(), img)
    dialog = ExpertDialog(ctx, details, ["Groningen", "Eemsdelta"], date(2026, 11, 26))
    qtbot.addWidget(dialog)
    assert dialog.preset.currentData() == "keep"
    assert dialog.chosen_pattern() is None
    assert dialog.chosen_areas() == ["Groningen"]
    dialog.new_area.setText("het hogeland")
    dialog._on_add_area_clicked()
    dialog.day_boxes[4].setChecked(False)  # custom: Monday to Thursday
    assert dialog.preset.currentData() == "custom"
    dialog.name.setText("")
    with qtbot.waitSignal(dialog.refused, timeout=5_000) as refusal:  # refused off the GUI thread
        dialog._on_buttons_accepted()
    assert "naam" in refusal.args[0] and dialog.error.text() == refusal.args[0]
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.buttons.isEnabled()
    dialog.name.setText("Ada de Schade")
    with qtbot.waitSignal(dialog.accepted, timeout=5_000):
        dialog._on_buttons_accepted()
        # Save stays disabled while the write runs
        assert dialog.saving and not dialog.buttons.isEnabled()
    assert dialog.saved is not None and dialog.buttons.isEnabled()
    saved = reg.get_expert(ctx.new_uow(), img, today=date(2026, 11, 26))
    assert saved.info.naam == "Ada de Schade"
    assert saved.info.municipalities == ("Groningen", "het hogeland")
    assert saved.pattern_summary == "ma–do 8:30–17:00"
    # a new expert from a preset
    new = ExpertDialog(ctx, None, [], date(2026, 11, 26))
    qtbot.addWidget(new)
    assert new.preset.currentData() == "ma-vr"
    new.name.setText("Cor Beide")
    new.organisation.setCurrentIndex(new.organisation.findData("NCG"))
    new.dual.setChecked(True)
    new.preset.setCurrentIndex(new.preset.findData("ma-di-do"))
    with qtbot.waitSignal(new.accepted, timeout=5_000):
        new._on_buttons_accepted()
    assert new.added is not None and new.added.pattern_summary == "ma/di/do 9:00–16:00"
    assert new.added.info.dual_qualified and new.added.info.municipalities == ()
    assert len(reg.list_register(ctx.new_uow())) == 3
    # settings: a refused value keeps the dialog open with the message
    settings = SettingsDialog(ctx, reg.get_settings(ctx.new_uow()))
    qtbot.addWidget(settings)
    settings.spins["combined_minutes"].setValue(120)
    with qtbot.waitSignal(settings.refused, timeout=5_000):
        settings._on_buttons_accepted()
    assert "gecombineerde" in settings.error.text()
    settings.grab().save("/tmp/settings_refused.png")
    assert settings.result() != QDialog.DialogCode.Accepted
    assert reg.get_settings(ctx.new_uow()).combined_minutes != 120
    settings.spins["combined_minutes"].setValue(240)
    settings.spins["travel_buffer_minutes"].setValue(45)
    with qtbot.waitSignal(settings.accepted, timeout=5_000):
        settings._on_buttons_accepted()
    assert settings.result_settings is not None
    assert settings.result_settings.travel_buffer_minutes == 45
    assert reg.get_settings(ctx.new_uow()).travel_buffer_minutes == 45


def test_the_workspace_has_the_experts_tab(qtbot: QtBot, ctx: AppContext) -> None:
    _team(ctx)
    view = PlanningWorkspace(ctx)
    qtbot.addWidget(view)
    view.resize(1300, 760)
    index = view.tabs.indexOf(view.register_page)
    assert view.tabs.tabText(index) == "Deskundigen"
    view.show()
    with qtbot.waitSignal(view.register_panel.loaded, timeout=5_000):
        view.tabs.setCurrentIndex(index)
    assert view.register_panel.table.rowCount() == 2
