"""``buddy-desk kitchen`` shows what the resident sees, through the same consent gate."""

from __future__ import annotations

import json

import pytest

from buddy_desk.cli import main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier, make_supervisor


def test_kitchen_command_gates_by_the_users_organisation(
    uow: UnitOfWork, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_supervisor(uow, Organisation.NCG, "Bert Bewoner", username="bert")
    make_supervisor(uow, Organisation.IMG, "Ineke Zaak", username="ineke")
    d = make_dossier(uow, img_phase=ImgPhase.ZIENSWIJZE, ncg_status=NcgStatus.S3_1)
    assert main(["kitchen", str(d), "--user", "bert", "--db", db_url]) == 0
    out = capsys.readouterr().out
    assert "Er loopt een schadezaak bij IMG" in out  # no consent: IMG's stage withheld
    assert "NCG onderzoekt of uw huis veilig genoeg is" in out
    assert main(["kitchen", str(d), "--user", "ineke", "--json", "--db", db_url]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [t["withheld"] for t in data["tracks"]] == [False, True]
    assert main(["kitchen", str(d), "--user", "niemand", "--db", db_url]) == 2
    assert "niemand" in capsys.readouterr().err
    assert main(["kitchen", "99999", "--user", "bert", "--db", db_url]) == 2
