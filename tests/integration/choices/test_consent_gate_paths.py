"""The consent gate on each output path, on SQLite and PostgreSQL: the list and the
``dossiers`` command, the letter PDF and the run report, the samenloop CSV, signal texts,
planning's iCalendar file, and the choice receipt. Each path withholds the other
organisation's details without consent (saying so), shows them with it, and logs that."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from buddy_desk.choices.rules import Channel, Direction, DocumentCategory
from buddy_desk.choices.service.consent import access_log, gated_summaries
from buddy_desk.choices.service.log import withdraw_choice
from buddy_desk.cli import main as cli_main
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.models import Case
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.service import booking
from buddy_desk.planning.service.output import appointment_ics
from buddy_desk.signals.service import evaluate_signals
from tests.factories import IMG_VIEWER, NCG_VIEWER, give_consent, make_dossier, make_supervisor
from tests.planning_factories import make_expert

TODAY = date(2026, 11, 26)
NO_IMG_CONSENT = "IMG-gegevens niet getoond: geen toestemming"


@pytest.fixture
def dossier(uow: UnitOfWork) -> int:
    make_supervisor(uow, Organisation.IMG, "Ida Viewer", IMG_VIEWER.username)
    make_supervisor(uow, Organisation.NCG, "Niek Viewer", NCG_VIEWER.username)
    return make_dossier(
        uow,
        straat="Toestemmingslaan",
        img_phase=ImgPhase.BESCHIKKING,
        ncg_status=NcgStatus.S2_1,
        zaaknummer="IMG-7777777",
    )


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = cli_main(args)
    return code, capsys.readouterr().out


def _pdf_text(path: Path) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(path).pages)


def _ncg_number(uow: UnitOfWork, dossier_id: int) -> str:
    with uow:
        query = select(Case.identificatie).where(
            Case.dossier_id == dossier_id, Case.organisation == Organisation.NCG
        )
        return str(uow.session.scalar(query))


def _actions(uow: UnitOfWork, dossier_id: int) -> list[tuple[str, str]]:
    return [(r.actie_naam, r.handeling_naam) for r in access_log(uow, dossier_id=dossier_id)]


def test_list_and_dossiers_command(
    uow: UnitOfWork, db_url: str, dossier: int, capsys: pytest.CaptureFixture[str]
) -> None:
    rows, _ = gated_summaries(uow, NCG_VIEWER)
    [row] = [r for r in rows if r.id == dossier]
    assert row.img_phase is None and row.ncg_status is NcgStatus.S2_1
    assert "IMG-7777777" not in row.zaaknummers and "img-7777777" not in row.search_key
    assert row.withheld == ((Organisation.IMG, "geen_toestemming"),)
    assert row.group is None and {g.value for g in row.group_options} == {"B", "C"}
    db = ["--db", db_url]
    as_ncg = ["dossiers", "--json", *db, "--user", "ncg.viewer", "--search"]
    code, out = _cli([*as_ncg, "IMG-7777777"], capsys)
    assert code == 0 and json.loads(out) == []  # searching a withheld case number finds nothing
    code, out = _cli([*as_ncg, "Toestemmingslaan"], capsys)
    [item] = json.loads(out)
    assert item["img_phase"] is None and item["ncg_status"] == "2.1"
    assert item["zaaknummers"] == [_ncg_number(uow, dossier)]
    assert "IMG-7777777" not in item["zaaknummers"] and item["group_options"] == ["B", "C"]
    assert item["withheld"][0]["text"] == NO_IMG_CONSENT
    # without --user: neither organisation's details
    code, out = _cli(["dossiers", "--search", "Toestemmingslaan", *db], capsys)
    assert code == 0 and "IMG-gegevens niet getoond: geen gebruikersprofiel" in out
    assert "NCG-gegevens niet getoond: geen gebruikersprofiel" in out
    assert _actions(uow, dossier) == []
    give_consent(uow, dossier, Direction.IMG_TO_NCG)
    code, out = _cli([*as_ncg, "IMG-7777777"], capsys)
    [item] = json.loads(out)
    assert item["img_phase"] == "Beschikking" and item["group"] == "C" and item["withheld"] == []
    assert _actions(uow, dossier) == [
        ("Exporteren", "Dossierlijst met gegevens van de andere organisatie")
    ]
    # --user works before the command too (a global option)
    before = ["--user", "ncg.viewer", "dossiers", "--json", *db, "--search", "IMG-7777777"]
    code, out = _cli(before, capsys)
    assert code == 0 and [r["id"] for r in json.loads(out)] == [dossier]
    capsys.readouterr()
    assert cli_main(["dossiers", "--json", *db, "--user", "nobody.known"]) == 2
    assert "Gebruiker 'nobody.known' bestaat niet" in capsys.readouterr().err


def test_letter_pdf_and_run_report(
    uow: UnitOfWork,
    db_url: str,
    dossier: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seq = give_consent(uow, dossier, Direction.IMG_TO_NCG)
    withdraw_choice(uow, dossier, seq, IMG_VIEWER, channel=Channel.LETTER)
    db = ["--db", db_url, "--user", "ncg.viewer", "--date", "2026-11-26"]
    pdf = tmp_path / "brief.pdf"
    code, out = _cli(["letter", str(dossier), "--out", str(pdf), *db], capsys)
    text = _pdf_text(pdf)
    assert code == 0 and "toestemming ingetrokken" in out
    assert "IMG-gegevens niet getoond: toestemming" in text and "ingetrokken" in text
    assert "IMG-7777777" not in text and "1.234,56" not in text
    assert "geen schademelding" not in text  # withheld is never told as "none"
    run = ["letters", "--dossier", str(dossier), "--json", *db]
    code, out = _cli([*run, "--out", str(tmp_path / "run")], capsys)
    report = json.loads(out)
    assert report["withheld"] == [
        {"dossier": dossier, "reasons": ["IMG-gegevens niet getoond: toestemming ingetrokken"]}
    ]
    assert _actions(uow, dossier) == []
    # a new consent for the case details only: the phase and number, not the amount
    give_consent(uow, dossier, Direction.IMG_TO_NCG, (DocumentCategory.CASE_DETAILS,))
    combined = tmp_path / "alles.pdf"
    code, out = _cli([*run, "--combined", str(combined)], capsys)
    text = _pdf_text(combined)
    assert "IMG-7777777" in text and "1.234,56" not in text
    assert "deels niet getoond" in text
    assert json.loads(out)["withheld"][0]["reasons"][0].startswith("IMG-gegevens deels niet")
    [record] = access_log(uow, dossier_id=dossier)
    assert record.actie_naam == "Afdrukken" and record.soorten_gegevens == ("zaakgegevens",)


def test_samenloop_csv_for_an_img_user(
    uow: UnitOfWork,
    db_url: str,
    dossier: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "samenloop.csv"
    db = ["--db", db_url, "--user", "img.viewer"]
    code, out = _cli(["samenloop", "--list", "both", "--csv", str(target), *db], capsys)
    data = target.read_text(encoding="utf-8-sig")
    assert code == 0 and "NCG-gegevens niet getoond: geen toestemming" in data
    assert _ncg_number(uow, dossier) not in data and ";2.1;" not in data
    assert "NCG-gegevens niet getoond: geen toestemming" in out
    assert _actions(uow, dossier) == []
    give_consent(uow, dossier, Direction.NCG_TO_IMG)
    code, out = _cli(["samenloop", "--list", "both", "--csv", str(target), *db], capsys)
    assert ";2.1;" in target.read_text(encoding="utf-8-sig")
    assert _actions(uow, dossier) == [("Exporteren", "Samenlooplijst")]


def test_signal_texts(
    uow: UnitOfWork, db_url: str, dossier: int, capsys: pytest.CaptureFixture[str]
) -> None:
    evaluate_signals(uow, TODAY, [dossier])
    db = ["--db", db_url, "--user", "ncg.viewer"]
    code, out = _cli(["signals", "--json", *db], capsys)
    texts = json.dumps(json.loads(out), ensure_ascii=False)
    assert code == 0 and "IMG-7777777" not in texts and "Beschikking" not in texts
    assert NO_IMG_CONSENT in texts
    assert _actions(uow, dossier) == []
    give_consent(uow, dossier, Direction.IMG_TO_NCG)
    code, out = _cli(["signals", "--json", *db], capsys)
    assert "IMG-7777777" in out
    assert _actions(uow, dossier) == [("Inzien", "Signaal tussen de organisaties")]


def test_planning_calendar_file(uow: UnitOfWork, dossier: int) -> None:
    make_expert(uow, Organisation.IMG, "Ada Schade")
    make_expert(uow, Organisation.NCG, "Bram Versterk")
    found = booking.propose(uow, dossier, InspectionForm.SIMULTANEOUS, today=TODAY)
    [booked] = booking.book(uow, dossier, found.proposals.options[0])
    hidden = appointment_ics(uow, booked.id, viewer=NCG_VIEWER).replace("\r\n ", "")  # unfold
    assert "IMG-7777777" not in hidden and _ncg_number(uow, dossier) in hidden
    assert NO_IMG_CONSENT in hidden
    assert _actions(uow, dossier) == []
    give_consent(uow, dossier, Direction.IMG_TO_NCG)
    shown = appointment_ics(uow, booked.id, viewer=NCG_VIEWER).replace("\r\n ", "")
    assert "IMG-7777777" in shown and "niet getoond" not in shown
    assert _actions(uow, dossier) == [("Afdrukken", "Bevestiging gezamenlijke opname")]


def test_choice_receipt_carries_no_case_details(
    uow: UnitOfWork,
    db_url: str,
    dossier: int,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    give_consent(uow, dossier, Direction.IMG_TO_NCG)
    receipt = tmp_path / "bewijs.pdf"
    args = ["choices", str(dossier), "--receipt", "1", "--out", str(receipt), "--db", db_url]
    code, _ = _cli([*args, "--user", "ncg.viewer"], capsys)
    text = _pdf_text(receipt)
    assert code == 0 and "IMG-7777777" not in text and "Beschikking" not in text
