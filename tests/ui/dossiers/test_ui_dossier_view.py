"""The integrated dossier view: group badge, process states, notes that are never lost."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtGui import QTextCursor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QWidget
from pytestqt.qtbot import QtBot

from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.dossiers.service import get_dossier, save_note
from buddy_desk.i18n import catalog, set_language, tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.service import booking as planning
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.dossier_view import DossierView
from buddy_desk.ui.extensions import DossierAction, DossierSection, UiRegistry
from buddy_desk.ui.formatting import AMSTERDAM
from tests.factories import give_consent, make_dossier, make_supervisor
from tests.planning_factories import make_expert
from tests.ui.conftest import make_window


def _view(qtbot: QtBot, ctx: AppContext, dossier_id: int) -> DossierView:
    view = DossierView(ctx, dossier_id)
    qtbot.addWidget(view)
    return view


def _texts(widget: QWidget) -> list[str]:
    return [lbl.text() for lbl in widget.findChildren(QLabel)]


def _shown(holder: QWidget | None) -> list[str]:
    """The texts a section holder shows (a replaced section is hidden until deleted, a new
    one shown in the next turn)."""
    assert holder is not None
    return [lbl.text() for lbl in holder.findChildren(QLabel) if not lbl.isHidden()]


def test_group_badge_shows_letter_and_meaning(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    give_consent(uow, d)
    view = _view(qtbot, ctx, d)
    assert view.collaboration.letter.letter == "B"
    assert view.collaboration.title.text() == "Samenwerkingsgroep B"
    assert view.collaboration.meaning.text() == tr("group.B")
    e = make_dossier(uow, img_phase=ImgPhase.ZIENSWIJZE, ncg_status=NcgStatus.S4_2)
    # without consent an NCG user still sees E: it follows from NCG's own status alone
    view_e = _view(qtbot, ctx, e)
    assert view_e.collaboration.letter.letter == "E"


def test_only_ncg_shows_no_damage_report_and_why_no_group(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, ncg_status=NcgStatus.S3_1)
    view = _view(qtbot, ctx, d)
    assert view.collaboration.letter.letter == "—"
    assert view.img_card.status.text() == "Geen schademelding"
    assert view.img_card.track.isHidden()
    assert "Geen schademelding" in " ".join(_texts(view.collaboration))
    # the NCG track: 1.2 and 2.1 done, 3.1 current, the rest still to come
    track = view.ncg_card.track
    assert [track.state_of(i) for i in range(4)] == ["done", "done", "current", "future"]


def test_header_shows_buddy_pair_or_missing_supervisor(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    img = make_supervisor(uow, Organisation.IMG, "Anna de Boer", "adeboer")
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, img_supervisor_id=img, flags=(FlagKind.AOS,))
    view = _view(qtbot, ctx, d)
    texts = _texts(view.header)
    assert "Anna de Boer" in texts
    assert any("nog geen begeleider toegewezen" in t for t in texts)
    assert any(t.startswith("AOS") for t in texts)


def test_notes_typed_then_tab_closed_are_saved(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME)
    window = make_window(qtbot, ctx)
    view = window.open_dossier(d)
    assert view is not None
    view.show_notes()
    QTest.keyClicks(view.notes.editor, "Bewoner wil gezamenlijke opname")
    assert view.notes.dirty
    window.close_current_tab()  # before the autosave timer fired
    assert get_dossier(uow, d).note.body == "Bewoner wil gezamenlijke opname"


def test_notes_autosave_after_a_pause_and_show_the_time(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow)
    view = _view(qtbot, ctx, d)
    QTest.keyClicks(view.notes.editor, "Afspraak 3 december")
    with qtbot.waitSignal(view.notes.saved, timeout=5000):
        pass
    assert get_dossier(uow, d).note.body == "Afspraak 3 december"
    assert view.notes.status.text().startswith("Opgeslagen om ")


def test_notes_survive_window_close(qtbot: QtBot, ctx: AppContext, uow: UnitOfWork) -> None:
    a = make_dossier(uow)
    b = make_dossier(uow)
    window = make_window(qtbot, ctx)
    for dossier_id, text in ((a, "notitie A"), (b, "notitie B")):
        view = window.open_dossier(dossier_id)
        assert view is not None
        QTest.keyClicks(view.notes.editor, text)
    window.close()
    assert get_dossier(uow, a).note.body == "notitie A"
    assert get_dossier(uow, b).note.body == "notitie B"


def test_refresh_on_dossier_changed_keeps_unsaved_typing(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow)
    view = _view(qtbot, ctx, d)
    save_note(uow, d, "van collega", "collega", base_updated_at=None)
    with qtbot.waitSignal(view.refreshed, timeout=5000):  # read on a worker
        ctx.events.dossier_changed.emit(d)
    assert view.notes.editor.toPlainText() == "van collega"
    view.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
    QTest.keyClicks(view.notes.editor, " en mij")
    with qtbot.waitSignal(view.refreshed, timeout=5000):
        ctx.events.dossier_changed.emit(d)
    assert view.notes.editor.toPlainText() == "van collega en mij"


def test_registered_sections_and_actions_appear(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow)
    called: list[int] = []
    registry = UiRegistry()
    built: list[int] = []

    def section(c: AppContext, i: int) -> QWidget:
        built.append(i)
        return QLabel(f"keuzes {i}")

    registry.add_dossier_section(DossierSection("keuzes", "ui.dossier.tab.notes", section))
    registry.add_dossier_action(
        DossierAction("brief", "ui.dossier.refresh", lambda c, i, p: called.append(i))
    )
    view = DossierView(ctx, d, registry)
    qtbot.addWidget(view)
    assert view.sections.count() == 3
    assert view.sections.tabText(2) == "Notities"
    assert built == []  # built when first shown, so opening a dossier stays fast
    view.sections.setCurrentIndex(2)
    assert built == [d]
    widget = view.section_widget("keuzes")
    assert isinstance(widget, QLabel) and widget.text() == f"keuzes {d}"
    brief = [a for a in view.toolbar.actions() if a.text() == "Vernieuwen"]
    assert len(brief) == 2  # the built-in refresh and the registered one
    brief[1].trigger()
    assert called == [d]


def test_a_booked_joint_inspection_shows_in_the_steps_in_the_language_of_the_moment(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_expert(uow, Organisation.IMG, "Ada Schade")
    make_expert(uow, Organisation.NCG, "Bram Versterk")
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    give_consent(uow, d)
    options = planning.propose(uow, d, InspectionForm.SIMULTANEOUS).proposals.options
    [appointment] = planning.book(uow, d, options[0])
    start = appointment.start.astimezone(AMSTERDAM)
    view = _view(qtbot, ctx, d)
    view.show()
    nl_day = catalog("nl")["ui.weekdays_short"].split(",")[start.weekday()]
    assert f"{nl_day} {start:%d-%m-%Y} {start:%H:%M}" in " ".join(_texts(view.collaboration))

    # a switch shows what was read in the new language; it reads nothing again
    def no_read(*_args: object) -> None:
        raise AssertionError("a language switch read the decisions again")

    monkeypatch.setattr("buddy_desk.ui.dossiers.dossier_view.load_decisions", no_read)
    set_language("en")
    try:
        ctx.events.language_changed.emit("en")
        en_day = catalog("en")["ui.weekdays_short"].split(",")[start.weekday()]
        english = f"{en_day} {start:%Y-%m-%d} {start:%H:%M}"
        qtbot.waitUntil(lambda: english in " ".join(_texts(view.collaboration)))
        texts = " ".join(_texts(view.collaboration))
        assert f"{nl_day} {start:%d-%m-%Y}" not in texts
    finally:
        set_language("nl")
        ctx.events.language_changed.emit("nl")


def test_a_refresh_asked_for_while_one_reads_reads_once_more_and_shows_the_last_write(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow)
    view = _view(qtbot, ctx, d)
    shown: list[str] = []
    view.refreshed.connect(lambda: shown.append(view.notes.editor.toPlainText()))
    first = save_note(uow, d, "eerste versie", "collega", base_updated_at=None)
    ctx.events.dossier_changed.emit(d)  # read on a worker …
    save_note(uow, d, "tweede versie", "collega", base_updated_at=first.updated_at)
    ctx.events.dossier_changed.emit(d)  # … asked again while it reads: read once more
    qtbot.waitUntil(lambda: "tweede versie" in shown, timeout=5000)
    qtbot.wait(100)
    assert shown == ["tweede versie"]  # the older read is never painted over the newer one


def test_sections_that_cannot_retranslate_are_built_anew_after_a_switch_when_shown(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow)
    registry = UiRegistry()
    built: list[str] = []

    def section(key: str) -> Callable[[AppContext, int], QWidget]:
        def build(_c: AppContext, _i: int) -> QWidget:
            built.append(key)
            return QLabel(tr(key))  # no retranslate(): built anew in the new language

        return build

    for key in ("ui.dossier.tab.notes", "ui.dossier.tab.timeline"):
        registry.add_dossier_section(DossierSection(key, key, section(key)))
    view = DossierView(ctx, d, registry)
    qtbot.addWidget(view)
    view.show()
    view.sections.setCurrentIndex(3)
    view.sections.setCurrentIndex(2)  # both built; the first one in front
    assert built == ["ui.dossier.tab.timeline", "ui.dossier.tab.notes"]
    set_language("en")
    try:
        ctx.events.language_changed.emit("en")
        # the one in front, once the window has painted the switch
        qtbot.waitUntil(lambda: _shown(view.sections.widget(2)) == ["Notes"])
        qtbot.wait(20)
        assert len(built) == 3  # the other one waits until it is shown
        view.sections.setCurrentIndex(3)
        qtbot.waitUntil(lambda: _shown(view.sections.widget(3)) == ["Timeline"])
        assert built[-1] == "ui.dossier.tab.timeline"
    finally:
        set_language("nl")
