"""The server checks the author of pushed timeline and access-log lines against the login.

A modified client could push a timeline line "door Bram" or an access-log line saying a
colleague (or the other organisation) looked at a dossier. The server refuses such a line,
keeps it as a listed ``author_mismatch`` conflict on the laptop and appends nothing; the
lines in the pushing user's own name (and the rules' lines, which name nobody) are applied.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from buddy_desk.cli import main as cli_main
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from tests.integration.sync.conftest import Team, enrol_laptop, push_from
from tests.integration.sync.test_two_laptops import T0

pytestmark = pytest.mark.postgres


def _change(team: Team, table: str, payload: dict[str, object]) -> dict[str, object]:
    return {
        "uuid": uuid.uuid4().hex,
        "table": table,
        "row_key": uuid.uuid4().hex,
        "dossier_id": team.shared,
        "payload": json.dumps(payload),
        "base_version": None,
        "base_change": None,
        "author": "anna",
    }


def _line(team: Team, title: str, created_by: str | None) -> dict[str, object]:
    return _change(
        team,
        "timeline_event",
        {
            "occurred_at": T0.isoformat(),
            "organisation": "IMG",
            "kind": "note",
            "title": title,
            "detail": None,
            "created_by": created_by,
        },
    )


def _access(team: Team, handling: str, gebruiker: str, uitvoerder: str) -> dict[str, object]:
    actie = str(uuid.uuid4())
    change = _change(
        team,
        "access_log_entry",
        {
            "actie_id": actie,
            "actie_naam": "Inzien",
            "handeling_naam": handling,
            "verwerking_naam": "Buddy-begeleiding",
            "verwerking_id": str(uuid.uuid4()),
            "verwerkingsactiviteit_id": "bd-1",
            "vertrouwelijkheid": "vertrouwelijk",
            "bewaartermijn": "P7Y",
            "uitvoerder": uitvoerder,
            "systeem": "Buddy Desk",
            "gebruiker": gebruiker,
            "gebruiker_rol": "buddy",
            "gegevensbron": "NCG",
            "doel": "keukentafelgesprek",
            "tijdstip": T0.isoformat(),
            "tijdstip_registratie": T0.isoformat(),
            "objecttype": "dossier",
            "soorten_gegevens": "status",
            "consent_seq": 1,
        },
    )
    change["row_key"] = actie
    return change


def test_lines_in_anothers_name_are_refused_and_listed(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    me = team.secrets["anna_login"]
    bram = team.secrets["bram_login"]
    good = [
        _line(team, "eigen regel", me),
        _line(team, "eigen regel met naam", f"Anna Visser ({me})"),
        _line(team, "regel van de regels", "regels"),
        _line(team, "regel van niemand", None),
        _access(team, "eigen inzage", me, "IMG"),
    ]
    bad = [
        _line(team, "regel namens bram", bram),
        _line(team, "regel namens bram met naam", f"Bram Dijkstra ({bram})"),
        _line(team, "regel met verzonnen naam", f"Anna Visser ({me}x)"),
        _access(team, "inzage namens bram", bram, "NCG"),
        _access(team, "inzage namens het NCG", me, "NCG"),
    ]
    results = {r["uuid"]: r["outcome"] for r in push_from(team, anna, good + bad)}
    assert [results[c["uuid"]] for c in good] == ["applied"] * len(good)
    assert [results[c["uuid"]] for c in bad] == ["refused"] * len(bad)
    # a retried push after a lost answer: the same answers, nothing appended twice
    again = {r["uuid"]: r["outcome"] for r in push_from(team, anna, good + bad)}
    assert again == results

    server = open_database(team.url)
    try:
        with server.connect() as conn:
            titles = set(
                conn.execute(
                    text("SELECT title FROM timeline_event WHERE dossier_id = :d"),
                    {"d": team.shared},
                ).scalars()
            )
            handlings = list(
                conn.execute(
                    text("SELECT handeling_naam FROM access_log_entry WHERE dossier_id = :d"),
                    {"d": team.shared},
                ).scalars()
            )
    finally:
        server.dispose()
    assert {"eigen regel", "eigen regel met naam", "regel van de regels", "regel van niemand"} <= (
        titles
    )
    assert not any("namens" in t or "verzonnen" in t for t in titles)
    assert handlings.count("eigen inzage") == 1
    assert not any("namens" in h for h in handlings)

    service.sync(anna)  # the refused lines come back as listed conflicts
    listed = {c.uuid: c for c in service.conflicts(anna)}
    assert set(listed) == {c["uuid"] for c in bad}
    assert {c.reason for c in listed.values()} == {"author_mismatch"}
    assert {c.author for c in listed.values()} == {me}  # the login, not what the client says
    texts = " | ".join(c.mine or "" for c in listed.values())
    assert f"door: '{bram} (IMG)' is niet de gebruiker van deze laptop ({me}, IMG)" in texts
    assert f"gebruiker: '{me} (NCG)' is niet de gebruiker van deze laptop" in texts
    assert "inzage namens bram" in texts
    capsys.readouterr()
    assert cli_main(["conflicts", "--db", str(anna.engine.url)]) == 0
    out = capsys.readouterr().out
    assert "regel met verzonnen naam" in out and f"{len(bad)} conflict(en)" in out


def test_an_offline_laptops_own_lines_are_never_refused(team: Team, tmp_path: Path) -> None:
    """The app's own lines (a choice recorded offline writes a timeline line in the user's
    name) pass the check: nothing is listed after a normal sync."""
    from buddy_desk.choices.service.log import record_choice
    from tests.integration.sync.test_two_laptops import _choice

    anna = enrol_laptop(team, tmp_path, "anna")
    record_choice(anna, team.shared, _choice("aan tafel"), team.actor("anna"), now=T0)
    report = service.sync(anna)
    assert report.pushed >= 2  # the entry and its timeline line
    assert service.conflicts(anna) == []
    server = UnitOfWork(open_database(team.url))
    with server:
        count = server.session.execute(
            text("SELECT count(*) FROM timeline_event WHERE dossier_id = :d AND created_by = :u"),
            {"d": team.shared, "u": team.secrets["anna_login"]},
        ).scalar_one()
    assert count >= 1
