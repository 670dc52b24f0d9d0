"""The sync commands as a user types them: server set-up, enrol, sync, conflicts, take."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from buddy_desk.cli import main as cli_main
from buddy_desk.dossiers.service import save_note
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.integration.sync.conftest import Team

pytestmark = pytest.mark.postgres


def _json(capsys: pytest.CaptureFixture[str], argv: list[str]) -> object:
    capsys.readouterr()
    assert cli_main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_enrol_sync_take_and_conflicts_on_the_command_line(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a second user, added on the command line; the secret is the last line
    capsys.readouterr()
    assert (
        cli_main(
            ["server", "add-user", "eva-cli", "--org", "IMG", "--role", "buddy", "--db", team.url]
        )
        == 0
    )
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    laptop = tmp_path / "eva.sqlite"
    enrolled = _json(
        capsys,
        [
            "enrol",
            "--server",
            team.url,
            "--user",
            "eva-cli",
            "--secret",
            secret,
            "--db",
            str(laptop),
            "--json",
        ],
    )
    assert enrolled == {"pushed": 0, "pulled": 0, "removed": 0, "conflicts": 0, "queued": 0}
    taken = _json(capsys, ["take", str(team.nobody), "--db", str(laptop), "--json"])
    assert isinstance(taken, dict) and taken["pulled"] == 1
    # a note typed offline while a coordinator changed it on the server
    save_note(
        UnitOfWork(open_database(team.url)), team.nobody, "kantoor", "coord", base_updated_at=None
    )
    save_note(
        UnitOfWork(open_database(f"sqlite:///{laptop}")),
        team.nobody,
        "veld",
        "eva",
        base_updated_at=None,
    )
    report = _json(capsys, ["sync", "--db", str(laptop), "--json"])
    assert isinstance(report, dict)
    assert report["pushed"] == 1 and report["conflicts"] == 1
    listed = _json(capsys, ["conflicts", "--db", str(laptop), "--json"])
    assert isinstance(listed, list) and len(listed) == 1
    conflict = listed[0]
    assert conflict["dossier"] == team.nobody and conflict["mine"] == "veld"


def test_sync_on_a_database_that_is_not_enrolled_is_one_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = tmp_path / "los.sqlite"
    open_database(f"sqlite:///{laptop}").dispose()
    assert cli_main(["sync", "--db", str(laptop)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "niet aangemeld" in err


def test_server_add_user_refuses_an_unknown_role(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli_main(["server", "add-user", "x", "--org", "IMG", "--role", "baas", "--db", team.url])
