"""Recording choices, reading them back, the CLI, the consent gate's details and the demo."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
    EntryKind,
    StateStatus,
)
from buddy_desk.choices.service.consent import access_log, view_dossier
from buddy_desk.choices.service.log import (
    NewChoice,
    correct_choice,
    current_choices,
    joint_inspection_choice,
    log_entries,
    record_choice,
    verify_log,
    withdraw_choice,
)
from buddy_desk.cli import main as cli_main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.demo.generator import generate
from buddy_desk.errors import NotFoundError, ValidationError
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

IMG_USER = Actor("img.user", "I. Mulder", Organisation.IMG, "supervisor")
NCG_USER = Actor("ncg.user", "N. Smit", Organisation.NCG, "supervisor")
T0 = datetime(2026, 9, 14, 10, 30, 12, 345678, tzinfo=UTC)


def _consent(direction: Direction, categories: tuple[DocumentCategory, ...]) -> NewChoice:
    return NewChoice(
        ChoiceType.DATA_SHARING,
        "gegeven",
        Channel.KITCHEN_TABLE,
        T0,
        direction=direction,
        purpose="Samen afhandelen",
        categories=categories,
        method=ConsentMethod.SIGNED_FORM,
        form_reference="GUO-2026-0001",
    )


def test_entries_round_trip_exactly_and_chain(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    first = record_choice(
        uow,
        d,
        NewChoice(
            ChoiceType.JOINT_INSPECTION,
            "gelijktijdig",
            Channel.KITCHEN_TABLE,
            T0,
            note="Bewoner: niet te veel mensen tegelijk — ‘liever’ kort",
            only_if_no_delay=True,
        ),
        IMG_USER,
    )
    stored = log_entries(uow, d)
    assert stored == [first]  # every field, the microseconds and the hash included
    assert first.recorded_by == "I. Mulder (img.user)"
    assert first.explanation_version == "gezamenlijke_opname/2026-12"
    second = correct_choice(
        uow, d, 1, NewChoice(ChoiceType.JOINT_INSPECTION, "na_elkaar", Channel.PHONE, T0), NCG_USER
    )
    assert second.prev_hash == first.entry_hash
    state = joint_inspection_choice(uow, d)
    assert state is not None and state.value == "na_elkaar"
    assert state.current.only_if_no_delay is None  # the correction's own content counts
    assert verify_log(uow).ok


def test_withdrawal_and_its_effective_date(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    record_choice(
        uow, d, _consent(Direction.IMG_TO_NCG, (DocumentCategory.CASE_DETAILS,)), IMG_USER
    )
    letter = datetime.now(UTC) - timedelta(days=3)
    w = withdraw_choice(uow, d, 1, NCG_USER, channel=Channel.LETTER, effective_from=letter)
    assert w.kind is EntryKind.WITHDRAWAL
    assert w.effective_from == letter.replace(microsecond=letter.microsecond)
    assert w.recorded_at > w.effective_from
    [state] = current_choices(uow, d)
    assert state.status is StateStatus.WITHDRAWN and not state.consent_active
    with pytest.raises(ValidationError, match="al ingetrokken"):
        withdraw_choice(uow, d, 1, NCG_USER, channel=Channel.PHONE)
    with pytest.raises(ValidationError, match="toekomst"):
        record_choice(
            uow,
            d,
            NewChoice(
                ChoiceType.FIRST_CONTACT,
                "IMG",
                Channel.PHONE,
                datetime.now(UTC) + timedelta(days=2),
            ),
            IMG_USER,
        )
    assert len(log_entries(uow, d)) == 2  # refused entries leave nothing behind
    with pytest.raises(NotFoundError):
        record_choice(uow, 999_999, _consent(Direction.IMG_TO_NCG, ()), IMG_USER)


def test_gate_shows_only_consented_categories_and_logs_the_view(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.BESCHIKKING, ncg_status=NcgStatus.S4_1)
    record_choice(
        uow, d, _consent(Direction.IMG_TO_NCG, (DocumentCategory.CASE_DETAILS,)), IMG_USER
    )
    seen = view_dossier(uow, d, NCG_USER)
    img = seen.current_img_case
    assert img is not None and img.status == ImgPhase.BESCHIKKING.value
    assert img.schadebedrag is None  # the decision and amount were not consented
    assert seen.shown_categories == (DocumentCategory.CASE_DETAILS,)
    # IMG's own view is complete, and the NCG side is withheld from IMG (no NCG→IMG consent)
    own = view_dossier(uow, d, IMG_USER)
    assert own.current_img_case is not None
    assert own.current_img_case.schadebedrag == Decimal("1234.56")
    assert own.ncg_case is None
    assert [w.organisation for w in own.withheld] == [Organisation.NCG]
    [record] = access_log(uow, dossier_id=d)
    assert (record.gebruiker, record.uitvoerder, record.gegevensbron) == ("ncg.user", "NCG", "IMG")
    assert record.doel == "Samen afhandelen"
    assert record.soorten_gegevens == ("zaakgegevens",)
    assert record.consent_seq == 1
    # a viewer without an organisation (no profile) sees neither side
    anonymous = view_dossier(uow, d, Actor("nobody"))
    assert anonymous.current_img_case is None and anonymous.ncg_case is None


def test_cli_choices_json_pdf_csv_receipt_and_access_log(
    engine: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uow = UnitOfWork(engine)
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    record_choice(
        uow, d, _consent(Direction.IMG_TO_NCG, (DocumentCategory.CASE_DETAILS,)), IMG_USER
    )
    withdraw_choice(uow, d, 1, IMG_USER, channel=Channel.PHONE)
    record_choice(
        uow, d, NewChoice(ChoiceType.FIRST_CONTACT, "NCG", Channel.KITCHEN_TABLE, T0), NCG_USER
    )
    capsys.readouterr()
    assert cli_main(["choices", str(d), "--json", "--db", db_url]) == 0
    data = json.loads(capsys.readouterr().out)
    states = {s["type"]: s for s in data["current"]}
    assert states["toestemming_gegevens"]["status"] == "ingetrokken"
    assert states["toestemming_gegevens"]["consent_active"] is False
    assert states["eerste_aanspreekpunt"]["value"] == "NCG"
    assert [e["seq"] for e in data["history"]] == [1, 2, 3]
    assert data["history"][1]["refers_to"] == 1
    pdf, table, receipt = tmp_path / "log.pdf", tmp_path / "log.csv", tmp_path / "bewijs.pdf"
    args = ["choices", str(d), "--db", db_url, "--pdf", str(pdf), "--csv", str(table)]
    assert cli_main([*args, "--receipt", "2", "--out", str(receipt)]) == 0
    assert pdf.read_bytes().startswith(b"%PDF") and receipt.read_bytes().startswith(b"%PDF")
    with table.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert [r["soort"] for r in rows] == ["vastgelegd", "intrekking", "vastgelegd"]
    assert rows[1]["verwijst_naar"] == "1"
    capsys.readouterr()
    assert (
        cli_main(["choices", str(d), "--db", db_url, "--pdf", str(tmp_path / "nope" / "x.pdf")])
        == 2
    )
    assert "bestaat niet" in capsys.readouterr().err
    assert cli_main(["choices", "424242", "--db", db_url]) == 2
    view_dossier(uow, d, NCG_USER)  # withdrawn: nothing shown, nothing logged
    out = tmp_path / "inzage.csv"
    assert cli_main(["access-log", "--dossier", str(d), "--csv", str(out), "--db", db_url]) == 0
    assert len(out.read_text(encoding="utf-8-sig").strip().splitlines()) == 1  # header only


def test_demo_histories_chain_and_survive_a_replace(engine: Engine) -> None:
    generate(engine, seed=7, scale=0.02)
    uow = UnitOfWork(engine)
    report = verify_log(uow)
    assert report.ok, report.problems
    assert report.chains > 5
    generate(engine, seed=8, scale=0.02, replace=True)  # a wipe lifts the guards, then restores
    again = verify_log(uow)
    assert again.ok and again.chains > 5
