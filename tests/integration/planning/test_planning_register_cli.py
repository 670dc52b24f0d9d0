"""``buddy-desk plan expert …`` and ``plan settings``: the register from the command line."""

from __future__ import annotations

import json

import pytest

from buddy_desk.cli import main
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.service import booking as svc
from tests.factories import make_dossier


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, object]:
    assert main(list(argv)) == 0
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    return data


def test_expert_add_edit_absence_and_settings(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    uow = UnitOfWork(open_database(sqlite_url))
    db = ["--db", sqlite_url]
    img = _run(
        capsys,
        *("plan", "expert", "add", "--name", "Ada Schade", "--org", "img"),
        *("--pattern", "ma-vr", "--pattern-from", "2026-01-01", "--area", "Groningen", "--json"),
        *db,
    )
    assert img["organisation"] == "IMG" and img["pattern"] == "ma–vr 8:30–17:00"
    assert img["municipalities"] == ["Groningen"]
    ncg = _run(
        capsys,
        *("plan", "expert", "add", "--name", "Bram Versterk", "--org", "NCG", "--dual"),
        *("--days", "ma-do", "--hours", "8:00-16:30", "--pattern-from", "2026-01-01", "--json"),
        *db,
    )
    assert ncg["dual_qualified"] is True and ncg["pattern"] == "ma–do 8:00–16:30"
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    found = svc.propose(uow, d, InspectionForm.SIMULTANEOUS).proposals.options[0]
    [booked] = svc.book(uow, d, found)
    day = found.day.isoformat()
    absence = _run(
        capsys,
        *("plan", "expert", "absence-add", str(img["id"]), "--from", day, "--to", day),
        *("--reason", "cursus", "--json"),
        *db,
    )
    assert absence["reason"] == "cursus" and absence["first_day"] == day
    affected = absence["affected"]
    assert isinstance(affected, list) and [a["appointment_id"] for a in affected] == [booked.id]
    edited = _run(
        capsys, "plan", "expert", "edit", str(ncg["id"]), "--no-dual", "--inactive", "--json", *db
    )
    assert edited["dual_qualified"] is False and edited["active"] is False
    assert [a["appointment_id"] for a in edited["affected"]] == [booked.id]  # type: ignore[attr-defined]
    shown = _run(capsys, "plan", "expert", "show", str(img["id"]), "--json", *db)
    assert [a["id"] for a in shown["absences"]] == [absence["id"]]  # type: ignore[attr-defined]
    removed = _run(capsys, "plan", "expert", "absence-remove", str(absence["id"]), "--json", *db)
    assert removed["id"] == absence["id"]
    settings = _run(capsys, "plan", "settings", "--damage-min", "120", "--json", *db)
    assert settings["damage_minutes"] == 120 and settings["travel_buffer_minutes"] == 30
    assert main(["plan", "settings", *db]) == 0
    assert "120 min" in capsys.readouterr().out


def test_register_errors_are_clear(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    UnitOfWork(open_database(sqlite_url))
    db = ["--db", sqlite_url]
    bad = (
        "plan",
        "expert",
        "add",
        "--name",
        "X Y",
        "--org",
        "IMG",
        "--rrule",
        "FREQ=WEEKLY;BYDAY=QQ",
    )
    assert main([*bad, "--hours", "8-17", *db]) == 2
    assert "werkpatroon" in capsys.readouterr().err
    assert (
        main(["plan", "expert", "add", "--name", "X Y", "--org", "IMG", "--days", "ma", *db]) == 2
    )
    assert "werktijden" in capsys.readouterr().err
    order = ("plan", "expert", "absence-add", "1", "--from", "2027-01-08", "--to", "2027-01-04")
    assert main([*order, *db]) == 2
    assert main(["plan", "settings", "--buffer-min", "999", *db]) == 2
    assert "reistijd" in capsys.readouterr().err
