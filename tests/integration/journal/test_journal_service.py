"""The contact journal over every path: service, letters (single and run) and the CLI."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.cli import main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import NotFoundError
from buddy_desk.journal.rules import ContactKind
from buddy_desk.journal.service import add_contact, journal
from buddy_desk.letters.service import run_letters, save_summary_letter
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier, make_supervisor

IMG = Actor("ineke", "Ineke Zaak", Organisation.IMG, "supervisor")
NCG = Actor("bert", "Bert Bewoner", Organisation.NCG, "supervisor")
TODAY = date(2026, 11, 26)


def _dossier(uow: UnitOfWork) -> int:
    return make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)


def test_the_other_organisations_moments_need_consent(uow: UnitOfWork) -> None:
    d = _dossier(uow)
    add_contact(uow, d, ContactKind.PHONE, "Gebeld over de opname", IMG)
    add_contact(uow, d, ContactKind.HOME_VISIT, "Huisbezoek", NCG)
    seen = journal(uow, d, NCG)
    assert [m.text for m in seen.moments] == ["Huisbezoek"]
    assert seen.hidden == 1 and seen.hidden_organisation is Organisation.IMG
    assert len(journal(uow, d, IMG).moments) == 1
    record_choice(
        uow,
        d,
        NewChoice(
            ChoiceType.DATA_SHARING,
            "gegeven",
            Channel.KITCHEN_TABLE,
            datetime(2026, 11, 1, tzinfo=UTC),
            direction=Direction.IMG_TO_NCG,
            purpose="samen",
            categories=(DocumentCategory.CASE_DETAILS,),
            method=ConsentMethod.VERBAL,
        ),
        NCG,
    )
    seen = journal(uow, d, NCG)
    assert seen.hidden == 0 and len(seen.moments) == 2
    assert seen.moments[0].author in {"Ineke Zaak", "Bert Bewoner"}
    with pytest.raises(NotFoundError):
        journal(uow, 99_999, NCG)


def test_a_saved_letter_and_a_letter_run_are_recorded_with_their_hash(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    sup = make_supervisor(uow, Organisation.IMG, "Anna Zaak")
    d = make_dossier(
        uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1, img_supervisor_id=sup
    )
    out = tmp_path / "brief.pdf"
    kenmerk, _withheld = save_summary_letter(uow, d, TODAY, out, viewer=IMG)
    [moment] = journal(uow, d, IMG).moments
    assert moment.kind is ContactKind.LETTER and moment.letter_kenmerk == kenmerk
    assert moment.letter_sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    assert moment.author == "Ineke Zaak" and moment.organisation is Organisation.IMG
    result = run_letters(
        uow, [d], today=TODAY, out_dir=tmp_path / "run", viewer=NCG, sent_by=NCG, workers=1
    )
    [written] = result.written
    moments = journal(uow, d, IMG).moments  # NCG's letter moment: hidden without consent
    assert len(moments) == 1
    ncg_view = journal(uow, d, NCG).moments
    assert [m.letter_sha256 for m in ncg_view] == [hashlib.sha256(written.read_bytes()).hexdigest()]


def test_journal_cli_adds_and_lists(
    uow: UnitOfWork, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    make_supervisor(uow, Organisation.NCG, "Bert Bewoner", username="bert")
    d = _dossier(uow)
    db = ["--db", db_url, "--user", "bert"]
    assert main(["journal", "add", str(d), "--kind", "telefoon", "--text", "Belde terug", *db]) == 0
    assert main(["journal", str(d), "--json", *db]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [m["text"] for m in data["moments"]] == ["Belde terug"]
    assert data["moments"][0]["organisation"] == "NCG"
    assert main(["journal", "add", str(d), "--kind", "telefoon", "--text", " ", *db]) == 2
    assert "tekst" in capsys.readouterr().err
    assert main(["journal", str(d), "--db", db_url]) == 2  # who are you?
