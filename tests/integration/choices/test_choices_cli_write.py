"""``buddy-desk choices record | withdraw | correct`` and ``choices DOSSIER`` side by side;
``plan book`` refusing what the resident declined (exit 2, one line) and the override."""

from __future__ import annotations

import json

import pytest

from buddy_desk.cli import main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier, make_supervisor
from tests.planning_factories import make_expert


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main(list(argv)) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0, err  # one line
    return err


@pytest.fixture
def setup(sqlite_url: str) -> tuple[list[str], int]:
    uow = UnitOfWork(open_database(sqlite_url))
    make_supervisor(uow, Organisation.NCG, "Bea Bakker", username="bbakker")
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    return ["--db", sqlite_url], d


def test_record_correct_withdraw_and_show(
    setup: tuple[list[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, d = setup
    user = ["--user", "bbakker"]
    recorded = _json(
        capsys,
        *user,
        "choices",
        "record",
        str(d),
        "--type",
        "gezamenlijke_opname",
        "--value",
        "binnen_twee_dagen",
        "--reason",
        "wil niet twee deskundigen tegelijk",
        "--json",
        *db,
    )
    assert isinstance(recorded, dict)
    assert recorded["seq"] == 1 and recorded["value"] == "binnen_twee_dagen"
    assert recorded["recorded_by"] == "Bea Bakker (bbakker)"
    assert recorded["organisation"] == "NCG" and recorded["channel"] == "keukentafel"
    consent = _json(
        capsys,
        *user,
        "choices",
        "record",
        str(d),
        "--type",
        "toestemming_gegevens",
        "--value",
        "gegeven",
        "--direction",
        "IMG_NCG",
        "--categories",
        "zaakgegevens,schaderapport",
        "--purpose",
        "samen de opname voorbereiden",
        "--method",
        "getekend_formulier",
        "--form-ref",
        "GUO-2026-0042",
        "--json",
        *db,
    )
    assert isinstance(consent, dict)
    assert consent["categories"] == ["schaderapport", "zaakgegevens"]
    assert consent["form_reference"] == "GUO-2026-0042"
    fixed = _json(
        capsys,
        *user,
        "choices",
        "correct",
        str(d),
        "1",
        "--value",
        "na_elkaar",
        "--reason",
        "verkeerd genoteerd",
        "--json",
        *db,
    )
    assert isinstance(fixed, dict)
    assert (fixed["kind"], fixed["refers_to"], fixed["value"]) == ("correctie", 1, "na_elkaar")
    withdrawn = _json(
        capsys,
        *user,
        "choices",
        "withdraw",
        str(d),
        "2",
        "--reason",
        "brief van de bewoner",
        "--json",
        *db,
    )
    assert isinstance(withdrawn, dict)
    assert (withdrawn["kind"], withdrawn["refers_to"]) == ("intrekking", 2)
    # the read command keeps working, with and without 'show'
    for argv in (["choices", str(d)], ["choices", "show", str(d)]):
        state = _json(capsys, *argv, "--json", *db)
        assert isinstance(state, dict)
        by_type = {s["type"]: s for s in state["current"]}
        assert by_type["gezamenlijke_opname"]["value"] == "na_elkaar"
        assert by_type["toestemming_gegevens"]["status"] == "ingetrokken"
    assert main(["choices", str(d), *db]) == 0
    assert "2 keuze(s), 4 regel(s)" in capsys.readouterr().out


def test_write_errors_are_one_clear_line(
    setup: tuple[list[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, d = setup
    base = ["choices", "record", str(d), "--type", "herstel_in_versterking", "--value", "nee"]
    assert "--user" in _error(capsys, *base, *db)  # nothing recorded without a user
    assert "geen medewerker met gebruikersnaam 'nobody'" in _error(
        capsys, "--user", "nobody", *base, *db
    )
    assert main(["--user", "bbakker", *base, *db]) == 0
    capsys.readouterr()
    contradiction = _error(
        capsys,
        "--user",
        "bbakker",
        "choices",
        "record",
        str(d),
        "--type",
        "vergoeding_voor_herstel",
        "--value",
        "ja",
        *db,
    )
    assert "past niet bij" in contradiction and "regel 1" in contradiction
    bad_value = _error(
        capsys,
        "--user",
        "bbakker",
        "choices",
        "record",
        str(d),
        "--type",
        "gezamenlijke_opname",
        "--value",
        "morgen",
        *db,
    )
    assert "binnen_twee_dagen" in bad_value
    assert "bestaat niet" in _error(
        capsys, "--user", "bbakker", "choices", "withdraw", str(d), "9", "--reason", "x", *db
    )
    state = _json(capsys, "choices", str(d), "--json", *db)
    assert isinstance(state, dict) and len(state["history"]) == 1  # nothing half-written


def test_plan_book_refuses_a_declined_joint_inspection_and_overrides_with_reason(
    setup: tuple[list[str], int], capsys: pytest.CaptureFixture[str]
) -> None:
    db, d = setup
    uow = UnitOfWork(open_database(db[1]))
    make_expert(uow, Organisation.IMG, "Ada Schade")
    make_expert(uow, Organisation.NCG, "Bram Versterk")
    assert (
        main(
            [
                "--user",
                "bbakker",
                "choices",
                "record",
                str(d),
                "--type",
                "gezamenlijke_opname",
                "--value",
                "geen",
                *db,
            ]
        )
        == 0
    )
    capsys.readouterr()
    book = ["plan", "book", str(d), "--form", "simultaneous", "--option", "1"]
    book += ["--today", "2026-11-26", *db]
    refused = _error(capsys, *book)
    assert "geen gezamenlijke opname" in refused and "--override-reason" in refused
    booked = _json(capsys, *book, "--override-reason", "bewoner belde: toch samen", "--json")
    assert isinstance(booked, list) and len(booked) == 1
    again = _error(capsys, *book, "--override-reason", "nog een")
    assert "heeft al een gezamenlijke opname" in again and "verzet" in again
    moved = _json(
        capsys, *book[:6], "2", *book[7:], "--move-existing", "bewoner kan die dag niet", "--json"
    )
    assert isinstance(moved, list) and moved[0]["id"] == booked[0]["id"]
    assert moved[0]["sequence"] == 1 and moved[0]["start"] != booked[0]["start"]
