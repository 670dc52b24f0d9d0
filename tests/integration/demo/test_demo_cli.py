"""``buddy-desk demo`` and ``buddy-desk dossiers`` on demo data, as an administrator uses them."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from buddy_desk.__main__ import main
from buddy_desk.core.phases import Organisation
from buddy_desk.demo.generator import count_dossiers
from buddy_desk.models import Supervisor
from buddy_desk.persistence.schema import open_database


def test_demo_fills_refuses_to_overwrite_and_if_missing_keeps(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", db_url, "--scale", "0.02", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    engine = open_database(db_url)
    filled = count_dossiers(engine)
    assert filled > 500 and f"{filled} dossiers" in out

    assert main(["demo", "--db", db_url, "--scale", "0.02", "--seed", "6"]) == 2
    err = capsys.readouterr().err
    assert "--force" in err and "Traceback" not in err

    assert main(["demo", "--db", db_url, "--scale", "0.02", "--if-missing"]) == 0
    assert "niets gedaan" in capsys.readouterr().out
    assert count_dossiers(engine) == filled

    assert main(["dossiers", "--db", db_url, "--json", "--limit", "1"]) == 0
    before = json.loads(capsys.readouterr().out)
    assert main(["demo", "--db", db_url, "--scale", "0.02", "--seed", "6", "--force"]) == 0
    capsys.readouterr()
    assert main(["dossiers", "--db", db_url, "--json", "--limit", "1"]) == 0
    assert json.loads(capsys.readouterr().out) != before
    engine.dispose()


def test_dossiers_group_filter_on_demo_data(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", db_url, "--scale", "0.02"]) == 0
    capsys.readouterr()
    # the group is the viewer's: an NCG user sees it where the resident consented (gate)
    engine = open_database(db_url)
    with engine.connect() as conn:
        ncg = Organisation.NCG
        who = select(Supervisor.username).where(Supervisor.organisation == ncg)
        user = ["--user", str(conn.execute(who.order_by(Supervisor.id).limit(1)).scalar_one())]
    engine.dispose()
    assert main(["dossiers", "--db", db_url, *user, "--group", "B", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["group"] for r in rows} == {"B"}
    assert {r["ncg_status"] for r in rows} == {"2.1"}
    assert {r["img_phase"] for r in rows} <= {"Voorbereiding", "Opname"}
    assert main(["dossiers", "--db", db_url, "--group", "B", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []  # no profile: no group is seen
    assert main(["dossiers", "--db", db_url, *user, "--json"]) == 0
    everything = json.loads(capsys.readouterr().out)
    assert len(rows) == sum(1 for r in everything if r["group"] == "B")


def test_demo_rejects_an_impossible_scale(
    sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--db", sqlite_url, "--scale", "0"]) == 2
    assert "--scale" in capsys.readouterr().err
