"""``buddy-desk plan``: JSON output of propose, book, move, cancel, queue; ics file; errors."""

from __future__ import annotations

import json
from pathlib import Path

import icalendar
import pytest

from buddy_desk.cli import main
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier
from tests.planning_factories import make_expert


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_propose_book_move_cancel_by_json(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    uow = UnitOfWork(open_database(sqlite_url))
    img = make_expert(uow, Organisation.IMG, "Ada Schade")
    make_expert(uow, Organisation.NCG, "Bram Versterk")
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    urgent = make_dossier(
        uow, img_phase=ImgPhase.VOORBEREIDING, ncg_status=NcgStatus.S2_1, flags=(FlagKind.AOS,)
    )
    db = ["--db", sqlite_url]
    queue = _run(capsys, "plan", "queue", "--json", *db)
    assert isinstance(queue, list)
    assert [q["dossier_id"] for q in queue] == [urgent, d]
    assert queue[0]["urgent"] is True
    found = _run(
        capsys,
        "plan",
        "propose",
        str(d),
        "--form",
        "simultaneous",
        "--today",
        "2026-11-26",
        "--json",
        *db,
    )
    assert isinstance(found, dict)
    first = found["options"][0]
    assert first["start"] == "2026-11-30T08:00:00+01:00"
    assert {v["kind"] for v in first["visits"]} == {"damage", "strengthening"}
    assert first["no_longer_wait"] is True
    assert found["separate"]["damage"]["start"] == "2026-11-30T08:00:00+01:00"
    booked = _run(
        capsys,
        "plan",
        "book",
        str(d),
        "--form",
        "simultaneous",
        "--option",
        "1",
        "--today",
        "2026-11-26",
        "--json",
        *db,
    )
    assert isinstance(booked, list)
    [appointment] = booked
    assert appointment["sequence"] == 0 and appointment["start"] == first["start"]
    moved = _run(
        capsys,
        "plan",
        "move",
        str(appointment["id"]),
        "--start",
        "2026-12-01 13:00",
        "--reason",
        "bewoner heeft een afspraak",
        "--json",
        *db,
    )
    assert isinstance(moved, dict)
    assert moved["uid"] == appointment["uid"] and moved["sequence"] == 1
    assert moved["start"] == "2026-12-01T13:00:00+01:00"
    out = tmp_path / "afspraak.ics"
    assert main(["plan", "ics", str(appointment["id"]), "--out", str(out), *db]) == 0
    capsys.readouterr()
    event = icalendar.Calendar.from_ical(out.read_bytes()).walk("VEVENT")[0]
    assert int(str(event["SEQUENCE"])) == 1
    cancelled = _run(
        capsys, "plan", "cancel", str(appointment["id"]), "--reason", "toch apart", "--json", *db
    )
    assert isinstance(cancelled, dict)
    assert cancelled["state"] == "cancelled" and cancelled["sequence"] == 2
    assert main(["plan", "ics", str(appointment["id"]), "--out", str(out), *db]) == 0
    assert icalendar.Calendar.from_ical(out.read_bytes())["METHOD"] == "CANCEL"
    # an explicit booking on a busy expert is refused with a clear message and exit 2
    capsys.readouterr()
    make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    assert (
        main(
            [
                "plan",
                "book",
                str(urgent),
                "--form",
                "combined",
                "--start",
                "2026-12-01 09:00",
                "--expert",
                str(img),
                *db,
            ]
        )
        == 2
    )
    assert "beide kwalificaties" in capsys.readouterr().err


def test_letter_is_a_pdf(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    uow = UnitOfWork(open_database(sqlite_url))
    make_expert(uow, Organisation.NCG, "Cor Beide", dual=True)
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S4_1)
    result = _run(
        capsys,
        "plan",
        "book",
        str(d),
        "--form",
        "combined",
        "--option",
        "1",
        "--json",
        "--db",
        sqlite_url,
    )
    assert isinstance(result, list)
    booked = result[0]
    out = tmp_path / "brief.pdf"
    assert main(["plan", "letter", str(booked["id"]), "--out", str(out), "--db", sqlite_url]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "brief.pdf.part").exists()
