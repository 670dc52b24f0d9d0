"""The conflicts dialog shows what the server kept of a field and a refused booking's
alternatives, next to the change that was not applied."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pytestqt.qtbot import QtBot

from buddy_desk.sync.service import ConflictInfo
from buddy_desk.ui.sync.conflicts import ConflictsDialog

AT = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)


def test_field_and_booking_conflicts_show_their_details(qtbot: QtBot, tmp_path: Path) -> None:
    conflicts = [
        ConflictInfo(
            uuid="a",
            dossier_id=3,
            table_name="signal_field",
            reason="concurrent_edit",
            mine="Niet bereikt, brief gestuurd",
            author="bram",
            created_at=AT,
            address="Teststraat 3",
            field="outcome",
            theirs="Teruggebeld",
        ),
        ConflictInfo(
            uuid="b",
            dossier_id=4,
            table_name="inspection_appointment",
            reason="slot_taken",
            mine="12-01-2027 09:00–11:00",
            author="anna",
            created_at=AT,
            address="Teststraat 4",
            alternatives=("12-01-2027 11:00–13:00 (Evert Bakker)", "13-01-2027 08:00–10:00"),
        ),
    ]
    dialog = ConflictsDialog(conflicts, None)
    qtbot.addWidget(dialog)
    details = [dialog.table.item(row, 4).text() for row in range(2)]  # type: ignore[union-attr]
    assert details[0] == "uitkomst: server houdt Teruggebeld"
    assert details[1] == "Vrij: 12-01-2027 11:00–13:00 (Evert Bakker); 13-01-2027 08:00–10:00"
    assert dialog.table.item(1, 1).text() == "tijdstip al bezet"  # type: ignore[union-attr]
    dialog.resize(1100, 260)
    dialog.grab().save(str(tmp_path / "conflicts.png"))
