"""The dossier timeline shows exactly the events it was given, also when shown again."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import EventInfo
from buddy_desk.i18n import tr
from buddy_desk.ui.dossiers.timeline_section import TimelineSection


def _event(
    day: int, title: str, detail: str | None = None, org: Organisation | None = None
) -> EventInfo:
    return EventInfo(
        occurred_at=datetime(2026, 11, day, 10, tzinfo=UTC),
        organisation=org,
        kind="note",
        stored_title=title,
        stored_detail=detail,
    )


def _show(qtbot: QtBot, section: TimelineSection, events: tuple[EventInfo, ...]) -> list[str]:
    section.show_events(events)
    qtbot.wait(10)  # the deleted rows go on the next turn
    section.grid.activate()
    return [w.text() for w in section.findChildren(QLabel) if w.isVisibleTo(section)]


def test_showing_fewer_more_or_no_events_leaves_no_stale_row(qtbot: QtBot) -> None:
    section = TimelineSection()
    qtbot.addWidget(section)
    section.show()
    three = (
        _event(3, "Opname gepland", "Door de zaakbegeleider", Organisation.IMG),
        _event(2, "Versterkingsadvies", None, Organisation.NCG),
        _event(1, "Dossier aangemaakt"),
    )
    texts = _show(qtbot, section, three)
    assert {
        "Opname gepland",
        "Door de zaakbegeleider",
        "Versterkingsadvies",
        "Dossier aangemaakt",
    } <= set(texts)
    assert texts.count("—") == 1  # the event without an organisation

    texts = _show(qtbot, section, (_event(4, "Besluit verstuurd", None, Organisation.IMG),))
    assert "Besluit verstuurd" in texts
    assert not {
        "Opname gepland",
        "Door de zaakbegeleider",
        "Versterkingsadvies",
        "Dossier aangemaakt",
    } & set(texts)

    texts = _show(qtbot, section, ())
    assert texts == [tr("ui.timeline.empty")]

    texts = _show(qtbot, section, three[:2])
    assert tr("ui.timeline.empty") not in texts
    assert {"Opname gepland", "Door de zaakbegeleider", "Versterkingsadvies"} <= set(texts)
    assert section.shown_titles == ["Opname gepland", "Versterkingsadvies"]


def test_shown_again_the_rows_get_new_texts_in_the_same_labels(qtbot: QtBot) -> None:
    section = TimelineSection()
    qtbot.addWidget(section)
    section.show()
    _show(qtbot, section, (_event(3, "Eerste", "uitleg", Organisation.IMG), _event(2, "Tweede")))
    before = set(section.findChildren(QLabel))
    texts = _show(
        qtbot,
        section,
        (_event(3, "Eerste (nieuw)", None, Organisation.NCG), _event(2, "Tweede", "nu met uitleg")),
    )
    assert set(section.findChildren(QLabel)) == before  # nothing made or deleted
    assert "uitleg" not in texts and "nu met uitleg" in texts and "Eerste (nieuw)" in texts
