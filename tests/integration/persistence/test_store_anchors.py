"""Logs that cannot be cut quietly; writers that take turns; guards that come back.

On SQLite and PostgreSQL (the ``engine``/``db_url`` fixtures).
"""

from __future__ import annotations

import io
import os
import stat
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from buddy_desk.choices.anchors import short_digest
from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.consent import view_dossier
from buddy_desk.choices.service.exports import receipt_pdf
from buddy_desk.choices.service.log import (
    NewChoice,
    choice_log,
    log_entries,
    record_choice,
    verify_log,
    withdraw_choice,
)
from buddy_desk.cli import main as cli_main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.letters.service import render_summary_letter
from buddy_desk.persistence.log_guards import ddl_in_transaction, guards_lifted, missing_guards
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

IMG = Actor("s.bakker", "S. Bakker", Organisation.IMG, "supervisor")
NCG = Actor("p.visser", "P. Visser", Organisation.NCG, "supervisor")
T0 = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
CONSENT = NewChoice(
    ChoiceType.DATA_SHARING,
    "gegeven",
    Channel.KITCHEN_TABLE,
    T0,
    direction=Direction.IMG_TO_NCG,
    purpose="samen afhandelen",
    categories=(DocumentCategory.CASE_DETAILS,),
    method=ConsentMethod.VERBAL,
)


def _withdrawn_consent(uow: UnitOfWork) -> int:
    """A dossier where IMG→NCG consent was given (seq 2) and then withdrawn (seq 3)."""
    dossier = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    record_choice(
        uow, dossier, NewChoice(ChoiceType.JOINT_INSPECTION, "gelijktijdig", Channel.PHONE), IMG
    )
    record_choice(uow, dossier, CONSENT, IMG)
    withdraw_choice(uow, dossier, 2, IMG, channel=Channel.PHONE)
    return dossier


def _cut_tail_and_move_head_back(conn: Connection, dossier: int) -> None:
    """What the attacker with file access did: drop entry 3, copy entry 2 into the head."""
    seq2 = conn.execute(
        text("SELECT entry_hash FROM choice_log_entry WHERE dossier_id = :d AND seq = 2"),
        {"d": dossier},
    ).scalar_one()
    conn.execute(
        text("DELETE FROM choice_log_entry WHERE dossier_id = :d AND seq = 3"), {"d": dossier}
    )
    conn.execute(
        text("UPDATE choice_log_head SET last_seq = 2, last_hash = :h WHERE dossier_id = :d"),
        {"h": seq2, "d": dossier},
    )


def test_a_cut_tail_with_the_head_moved_back_fails_verify_log_and_shuts_the_gate(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    uow = UnitOfWork(engine)
    dossier = _withdrawn_consent(uow)
    assert view_dossier(uow, dossier, NCG).withheld  # consent withdrawn: IMG hidden
    assert cli_main(["verify-log", "--db", db_url]) == 0
    with engine.begin() as conn, guards_lifted(conn):
        _cut_tail_and_move_head_back(conn, dossier)

    report = verify_log(uow)
    assert [(p.dossier_id, p.seq) for p in report.problems] == [(dossier, 3)]
    capsys.readouterr()
    assert cli_main(["verify-log", "--db", db_url]) == 1
    assert f"dossier {dossier}, regel 3" in capsys.readouterr().out
    # the withdrawn consent does not come back to life: the gate stays shut and says why
    gated = view_dossier(uow, dossier, NCG)
    assert gated.withheld and not gated.img_cases
    assert gated.chain_warning and "regel 3" in gated.chain_warning
    assert choice_log(uow, dossier).problems  # the choices section warns too


def test_an_edited_access_log_row_fails_verify_log(
    engine: Engine, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    uow = UnitOfWork(engine)
    dossier = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    record_choice(uow, dossier, CONSENT, IMG)
    assert view_dossier(uow, dossier, NCG).img_cases  # a logged view of IMG's data
    with engine.begin() as conn, guards_lifted(conn):
        conn.execute(
            text(
                "UPDATE access_log_entry SET gebruiker = 'iemand.anders' "
                "WHERE actie_naam = 'Inzien'"
            )
        )
    assert verify_log(uow).access_problems
    capsys.readouterr()
    assert cli_main(["verify-log", "--db", db_url]) == 1
    assert "inzagelogboek" in capsys.readouterr().out


def test_removed_access_log_rows_fail_verify_log(engine: Engine) -> None:
    uow = UnitOfWork(engine)
    dossier = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    record_choice(uow, dossier, CONSENT, IMG)
    view_dossier(uow, dossier, NCG)
    with engine.begin() as conn, guards_lifted(conn):
        conn.execute(text("DELETE FROM access_log_entry WHERE actie_naam = 'Inzien'"))
    assert verify_log(uow).access_problems


def test_receipts_and_letters_carry_the_check_code_and_verify_log_finds_it(
    engine: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uow = UnitOfWork(engine)
    dossier = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    entry = record_choice(uow, dossier, CONSENT, IMG)
    digest = choice_log(uow, dossier).digest_at(entry.seq)
    assert digest is not None and len(digest) == 64
    receipt = tmp_path / "ontvangst.pdf"
    receipt_pdf(choice_log(uow, dossier), entry.seq, receipt)
    receipt_text = "".join(p.extract_text() for p in PdfReader(receipt).pages)
    assert short_digest(digest) in receipt_text and digest in receipt_text
    letter = render_summary_letter(uow, dossier, date(2026, 11, 26), viewer=IMG)
    letter_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(letter)).pages)
    assert short_digest(digest) in letter_text
    capsys.readouterr()
    assert cli_main(["verify-log", "--db", db_url, "--digest", short_digest(digest)]) == 0
    assert f"dossier {dossier}, regel 1" in capsys.readouterr().out
    assert cli_main(["verify-log", "--db", db_url, "--digest", "0000 1111 2222 3333"]) == 1


def test_guards_removed_outside_the_app_are_restored_at_the_next_open(
    engine: Engine, db_url: str
) -> None:
    uow = UnitOfWork(engine)
    _withdrawn_consent(uow)
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(text("DROP TRIGGER trg_choice_log_entry_no_delete"))
            conn.execute(text("DROP TRIGGER trg_access_log_head_forward"))
        else:
            conn.execute(text("DROP TRIGGER trg_choice_log_entry_guard ON choice_log_entry"))
            conn.execute(
                text("ALTER TABLE access_log_entry DISABLE TRIGGER trg_access_log_entry_guard")
            )
        assert missing_guards(conn)
    engine.dispose()
    again = open_database(db_url)
    try:
        with again.connect() as conn:
            assert missing_guards(conn) == []
        with pytest.raises(DBAPIError, match="append-only"), again.begin() as conn:
            conn.execute(text("DELETE FROM choice_log_entry"))
        with pytest.raises(DBAPIError, match="append-only"), again.begin() as conn:
            conn.execute(text("UPDATE access_log_entry SET gebruiker = 'x'"))
    finally:
        again.dispose()


@pytest.mark.slow
def test_recorders_on_one_dossier_take_turns_without_errors(engine: Engine) -> None:
    dossier = make_dossier(UnitOfWork(engine), img_phase=ImgPhase.OPNAME)
    errors: list[BaseException] = []
    values = ["gelijktijdig", "na_elkaar", "gecombineerd", "geen"]

    def recorder(n: int) -> None:
        uow = UnitOfWork(engine)
        try:
            for i in range(8):
                choice = NewChoice(ChoiceType.JOINT_INSPECTION, values[(n + i) % 4], Channel.PHONE)
                record_choice(uow, dossier, choice, IMG)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=recorder, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    entries = log_entries(UnitOfWork(engine), dossier)
    assert [e.seq for e in entries] == list(range(1, 33))
    assert verify_log(UnitOfWork(engine)).ok


def test_choice_and_access_log_csv_cannot_run_formulas_and_are_private(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    uow = UnitOfWork(engine)
    dossier = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    hostile = NewChoice(
        ChoiceType.DATA_SHARING,
        "gegeven",
        Channel.KITCHEN_TABLE,
        T0,
        note='=HYPERLINK("http://x";"klik")',
        direction=Direction.IMG_TO_NCG,
        purpose="@SUM(1+1)",
        categories=(DocumentCategory.CASE_DETAILS,),
        method=ConsentMethod.VERBAL,
    )
    record_choice(uow, dossier, hostile, Actor("-evil", "+Evil", Organisation.IMG, "supervisor"))
    view_dossier(uow, dossier, NCG)  # the access log's doel is the consent's purpose
    choices_csv, access_csv = tmp_path / "keuzes.csv", tmp_path / "inzage.csv"
    assert cli_main(["choices", str(dossier), "--db", db_url, "--csv", str(choices_csv)]) == 0
    assert (
        cli_main(
            ["access-log", "--dossier", str(dossier), "--db", db_url, "--csv", str(access_csv)]
        )
        == 0
    )
    for path in (choices_csv, access_csv):
        cells = [
            c.strip('"')
            for line in path.read_text("utf-8-sig").splitlines()
            for c in line.split(";")
        ]
        dangerous = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
        assert dangerous == [], path.name
        if os.name == "posix":
            assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "'@SUM(1+1)" in access_csv.read_text("utf-8-sig")
    assert "'=HYPERLINK" in choices_csv.read_text("utf-8-sig")


def test_guards_lifted_by_a_transaction_that_never_ends_are_back_after_the_crash(
    engine: Engine,
) -> None:
    _withdrawn_consent(UnitOfWork(engine))
    conn = engine.connect()
    ddl_in_transaction(conn)  # what guards_lifted does first
    if conn.dialect.name == "sqlite":
        conn.execute(text("DROP TRIGGER trg_choice_log_entry_no_delete"))
    else:
        conn.execute(text("DROP TRIGGER trg_choice_log_entry_guard ON choice_log_entry"))
    conn.execute(text("DELETE FROM choice_log_entry"))
    conn.invalidate()  # the process dies: no commit, no restore
    conn.close()
    with engine.connect() as check:
        assert missing_guards(check) == []
        assert check.execute(text("SELECT count(*) FROM choice_log_entry")).scalar_one() == 3
