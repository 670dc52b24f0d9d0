"""The proactive worklist, contact attempts and the letter run, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from buddy_desk.cli import main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import NotFoundError, ValidationError
from buddy_desk.outreach.rules import ContactChannel, ContactOutcome, OutreachPhase
from buddy_desk.outreach.service import (
    OutreachError,
    WorklistFilter,
    letter_batch,
    list_contacts,
    load_worklist,
    record_contact,
    run_letters,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.rules import ObservationKind
from buddy_desk.signals.service import record_observation
from tests.factories import make_dossier, make_supervisor

TODAY = date(2026, 11, 26)


@pytest.fixture
def pool(uow: UnitOfWork) -> dict[str, int]:
    sup = make_supervisor(uow, Organisation.NCG, "Cor Cats", "ccats")
    ids = {
        "seen": make_dossier(
            uow,
            ncg_status=NcgStatus.S1_2,
            postcode="9901AA",
            huisnummer=1,
            resident=("J.", "Dekker"),
        ),
        "b": make_dossier(
            uow, ncg_status=NcgStatus.S2_1, postcode="9902AA", huisnummer=2, ncg_supervisor_id=sup
        ),
        "e": make_dossier(uow, ncg_status=NcgStatus.S4_1, postcode="9903AA", huisnummer=3),
        "other": make_dossier(uow, ncg_status=NcgStatus.S5_2, postcode="9904AA", huisnummer=4),
        # not on the proactive list: a damage report exists, or not an NCG address
        "both": make_dossier(uow, ncg_status=NcgStatus.S2_1, img_phase=ImgPhase.OPNAME),
        "img": make_dossier(uow, img_phase=ImgPhase.AFGEROND),
    }
    record_observation(uow, ids["seen"], ObservationKind.NCG_DAMAGE_SEEN, TODAY - timedelta(3))
    return ids


def test_the_worklist_holds_ncg_addresses_without_damage_report_by_phase(
    uow: UnitOfWork, pool: dict[str, int]
) -> None:
    rows = load_worklist(uow)
    assert [(r.dossier_id, r.phase) for r in rows] == [
        (pool["seen"], OutreachPhase.DAMAGE_SEEN),
        (pool["b"], OutreachPhase.INSPECTION_AHEAD),
        (pool["e"], OutreachPhase.PLAN_AHEAD),
        (pool["other"], OutreachPhase.OTHER),
    ]
    assert rows[0].damage_seen == TODAY - timedelta(3)
    only = load_worklist(uow, WorklistFilter(phases=frozenset({OutreachPhase.PLAN_AHEAD})))
    assert [r.dossier_id for r in only] == [pool["e"]]
    by_status = load_worklist(uow, WorklistFilter(ncg_status=NcgStatus.S2_1))
    assert [r.dossier_id for r in by_status] == [pool["b"]]
    assert load_worklist(uow, WorklistFilter(woonplaats="nergens")) == []


def test_contacts_are_recorded_by_address_and_a_closing_outcome_leaves_the_list(
    uow: UnitOfWork, pool: dict[str, int]
) -> None:
    record_contact(
        uow,
        "9902 aa 2",
        ContactOutcome.NO_ANSWER,
        channel=ContactChannel.PHONE,
        on=TODAY - timedelta(2),
        user="ccats",
        today=TODAY,
    )
    record_contact(
        uow,
        str(pool["b"]),
        ContactOutcome.REPORTED,
        channel=ContactChannel.VISIT,
        on=TODAY,
        note="  melding   gedaan ",
        user="ccats",
        today=TODAY,
    )
    history = list_contacts(uow, pool["b"])
    assert [(c.outcome, c.note) for c in history] == [
        (ContactOutcome.NO_ANSWER, None),
        (ContactOutcome.REPORTED, "melding gedaan"),
    ]
    assert pool["b"] not in {r.dossier_id for r in load_worklist(uow)}
    closed = next(
        r
        for r in load_worklist(uow, WorklistFilter(include_closed=True))
        if r.dossier_id == pool["b"]
    )
    assert (closed.attempts, closed.open) == (2, False)


def test_bad_targets_say_what_is_wrong_and_write_nothing(
    uow: UnitOfWork, pool: dict[str, int]
) -> None:
    with pytest.raises(OutreachError, match="niet op de proactieve lijst"):
        record_contact(
            uow,
            pool["both"],
            ContactOutcome.NO_ANSWER,
            channel=ContactChannel.PHONE,
            on=TODAY,
            today=TODAY,
        )
    with pytest.raises(NotFoundError, match="geen dossier op 9999ZZ 1"):
        record_contact(
            uow,
            "9999ZZ 1",
            ContactOutcome.NO_ANSWER,
            channel=ContactChannel.PHONE,
            on=TODAY,
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="adres"):
        record_contact(
            uow,
            "Dorpsstraat",
            ContactOutcome.NO_ANSWER,
            channel=ContactChannel.PHONE,
            on=TODAY,
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="toekomst"):
        record_contact(
            uow,
            pool["e"],
            ContactOutcome.NO_ANSWER,
            channel=ContactChannel.PHONE,
            on=TODAY + timedelta(1),
            today=TODAY,
        )
    assert all(r.attempts == 0 for r in load_worklist(uow))


def test_the_letter_run_writes_letters_and_records_them_as_attempts(
    uow: UnitOfWork, pool: dict[str, int], tmp_path: Path
) -> None:
    record_contact(
        uow,
        pool["other"],
        ContactOutcome.WRONG_ADDRESS,
        channel=ContactChannel.LETTER,
        on=TODAY,
        today=TODAY,
    )
    batch = letter_batch(uow, load_worklist(uow), TODAY)
    assert [s.dossier_id for s in batch.skipped] == [pool["other"]]
    result = run_letters(uow, batch, out_dir=tmp_path / "brieven", user="ccats")
    assert result.letters == 3 and result.recorded == 3 and len(result.written) == 3
    texts = {}
    for path in result.written:
        reader = PdfReader(path)
        assert len(reader.pages) == 1
        texts[path.name] = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    seen = next(t for n, t in texts.items() if f"{pool['seen']:06d}" in n)
    assert seen.count("Geachte") == 1
    assert "schade gezien" in seen and "versneld een schade-opname" in seen
    b = next(t for n, t in texts.items() if f"{pool['b']:06d}" in n)
    assert "gezamenlijke opname" in b and "Cor Cats" in b
    assert all("U hoeft niet te wachten met melden" in t for t in texts.values())
    assert [c.outcome for c in list_contacts(uow, pool["b"])] == [ContactOutcome.SENT]


def test_a_combined_run_is_one_pdf_for_the_printer(
    uow: UnitOfWork, pool: dict[str, int], tmp_path: Path
) -> None:
    batch = letter_batch(uow, load_worklist(uow), TODAY)
    target = tmp_path / "alle.pdf"
    result = run_letters(uow, batch, combined=target, record=False)
    assert result.combined == target and result.pages == len(PdfReader(target).pages) == 4
    assert not list(tmp_path.glob(".*part"))
    assert all(r.attempts == 0 for r in load_worklist(uow))
    with pytest.raises(OutreachError):
        run_letters(uow, batch, combined=tmp_path, record=False)


def test_cli_list_record_letters(
    db_url: str,
    uow: UnitOfWork,
    pool: dict[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = ["--db", db_url]
    assert main(["outreach", "list", "--json", *base]) == 0  # no profile: the counts only
    assert "counts" in json.loads(capsys.readouterr().out)
    ncg = ["--user", "ccats"]
    assert main(["outreach", "list", "--phase", "2", "--phase", "3", "--json", *base, *ncg]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["dossier_id"] for r in rows] == [pool["b"], pool["e"]]
    assert main(["outreach", "record", "9903AA 3", "--outcome", "geen_schade", *base]) == 0
    assert "vastgelegd" in capsys.readouterr().out
    assert main(["outreach", "record", str(pool["both"]), "--outcome", "gemeld", *base]) == 2
    assert "niet op de proactieve lijst" in capsys.readouterr().err
    out = tmp_path / "run.pdf"
    assert main(["outreach", "letters", "--combined", str(out), "--json", *base, *ncg]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["letters"], summary["recorded"]) == (3, 3)
    assert out.exists()


def test_cli_shows_img_staff_only_the_counts(
    db_url: str,
    uow: UnitOfWork,
    pool: dict[str, int],
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    make_supervisor(uow, Organisation.IMG, "Anna Aalders", "aaalders")
    base = ["--db", db_url]
    assert main(["outreach", "list", "--user", "aaalders", "--json", *base]) == 0
    assert json.loads(capsys.readouterr().out) == {"counts": {"1": 1, "2": 1, "3": 1, "4": 1}}
    assert main(["--user", "aaalders", "outreach", "letters", "--out", str(tmp_path), *base]) == 2
    assert "alleen NCG" in capsys.readouterr().err
    assert main(["outreach", "list", "--user", "ccats", "--json", *base]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 4


def test_a_cancelled_run_writes_and_records_nothing(
    uow: UnitOfWork, pool: dict[str, int], tmp_path: Path
) -> None:
    from buddy_desk.progress import Cancelled, Progress

    batch = letter_batch(uow, load_worklist(uow), TODAY)
    stopped = Progress()
    stopped.cancel()
    target = tmp_path / "alle.pdf"
    with pytest.raises(Cancelled):
        run_letters(uow, batch, combined=target, progress=stopped)
    with pytest.raises(Cancelled):
        run_letters(uow, batch, out_dir=tmp_path / "map", progress=stopped)
    assert not target.exists() and not list(tmp_path.rglob("*.pdf"))
    assert not list(tmp_path.glob(".*part"))
    assert all(r.attempts == 0 for r in load_worklist(uow))
