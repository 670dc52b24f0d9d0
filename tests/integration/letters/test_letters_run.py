"""Letters from the database: one letter, runs to a folder or one file, skips, cancel, CLI."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from buddy_desk.choices.rules import Actor, Direction
from buddy_desk.cli import main as cli_main
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import NotFoundError
from buddy_desk.letters.service import (
    LetterRunError,
    render_summary_letter,
    run_letters,
    select_dossiers,
    summary_letter_for,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import Cancelled, Progress
from tests.factories import give_consent, make_dossier, make_supervisor

TODAY = date(2026, 11, 26)
VIEWER = Actor("bert", "Bert Bewoner", Organisation.NCG, "bewonersbegeleider")


def _text(pdf: bytes) -> str:
    return " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def dossiers(uow: UnitOfWork) -> dict[str, int]:
    img = make_supervisor(uow, Organisation.IMG, "Anna Zaak")
    ncg = make_supervisor(uow, Organisation.NCG, "Bert Bewoner", username="bert")
    ids = {
        "b": make_dossier(
            uow,
            postcode="9711AA",
            img_phase=ImgPhase.OPNAME,
            ncg_status=NcgStatus.S2_1,
            img_supervisor_id=img,
            ncg_supervisor_id=ncg,
        ),
        "b2": make_dossier(
            uow, postcode="9700AA", img_phase=ImgPhase.VOORBEREIDING, ncg_status=NcgStatus.S2_1
        ),
        "f": make_dossier(
            uow,
            postcode="9999ZZ",
            img_phase=ImgPhase.UITVOERING,
            ncg_status=NcgStatus.S5_2,
            img_supervisor_id=img,
            ncg_supervisor_id=ncg,
        ),
        "ncg_only": make_dossier(uow, ncg_status=NcgStatus.S3_1),
        "empty": make_dossier(uow),
    }
    for dossier_id in ids.values():  # these tests are about letters, not about the gate
        give_consent(uow, dossier_id, Direction.IMG_TO_NCG)
    return ids


def test_one_letter_from_the_database(uow: UnitOfWork, dossiers: dict[str, int]) -> None:
    text = _text(render_summary_letter(uow, dossiers["b"], TODAY, viewer=VIEWER))
    assert "Anna Zaak" in text and "Bert Bewoner" in text
    assert "J. Jansen" in text and "26 november 2026" in text
    assert "Toestemming" in text  # the fixture's consent is a recorded choice


def test_unknown_and_empty_dossiers_are_refused_with_a_reason(
    uow: UnitOfWork, dossiers: dict[str, int]
) -> None:
    with pytest.raises(NotFoundError):
        summary_letter_for(uow, 987654, TODAY, viewer=VIEWER)
    with pytest.raises(LetterRunError, match="geen schadezaak"):
        summary_letter_for(uow, dossiers["empty"], TODAY, viewer=VIEWER)


@pytest.mark.parametrize("ui_language", ["nl", "en"])
def test_recorded_choices_appear_with_their_date_in_dutch(
    uow: UnitOfWork, dossiers: dict[str, int], ui_language: str
) -> None:
    from buddy_desk.choices.rules import Actor, Channel, ChoiceType
    from buddy_desk.choices.service import log as choices
    from buddy_desk.i18n import set_language

    made = datetime(2026, 10, 2, 10, 0, tzinfo=UTC)
    choices.record_choice(
        uow,
        dossiers["b"],
        choices.NewChoice(ChoiceType.JOINT_INSPECTION, "gelijktijdig", Channel.PHONE, made_at=made),
        Actor("anna", "Anna Zaak", Organisation.IMG, "supervisor"),
    )
    set_language(ui_language)  # the letter is Dutch even when the app speaks English
    try:
        letter = summary_letter_for(uow, dossiers["b"], TODAY, viewer=VIEWER)
    finally:
        set_language("nl")
    section = letter.section("keuzes")
    assert section is not None
    text = letter.plain_text()
    assert "2 oktober 2026" in text and "Gezamenlijke opname" in text
    assert "Er zijn nog geen keuzes" not in text
    assert "Joint inspection" not in text


def test_select_by_group_and_all_combination(uow: UnitOfWork, dossiers: dict[str, int]) -> None:
    assert select_dossiers(uow, VIEWER, groups=[CollaborationGroup.B]) == [
        dossiers["b2"],
        dossiers["b"],
    ]
    assert select_dossiers(uow, VIEWER, combination_only=True) == [
        dossiers["b2"],
        dossiers["b"],
        dossiers["f"],
    ]


def test_folder_run_writes_one_pdf_each_and_lists_skips(
    uow: UnitOfWork, dossiers: dict[str, int], tmp_path: Path
) -> None:
    ids = [*dossiers.values(), 424242]
    seen: list[tuple[int, int]] = []
    result = run_letters(
        uow,
        ids,
        today=TODAY,
        out_dir=tmp_path / "brieven",
        progress=Progress(lambda d, t, _x: seen.append((d, t))),
        workers=1,
        viewer=VIEWER,
    )
    files = sorted(p.name for p in (tmp_path / "brieven").iterdir())
    assert result.letters == 4 and len(result.written) == 4
    assert files == sorted(p.name for p in result.written)
    assert f"BD-{dossiers['b']:06d}-20261126.pdf" in files
    reasons = {s.dossier_id: s.reason for s in result.skipped}
    assert set(reasons) == {dossiers["empty"], 424242}
    assert "bestaat niet" in reasons[424242]
    # letters without a buddy pair say so, and the run lists them
    incomplete = dict(result.incomplete)
    assert "zaakbegeleider" in incomplete[dossiers["b2"]]
    assert seen[-1] == (4, 4)


def test_combined_run_writes_one_file_for_the_printer(
    uow: UnitOfWork, dossiers: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "alles.pdf"
    ids = select_dossiers(uow, VIEWER, combination_only=True)
    result = run_letters(uow, ids, today=TODAY, combined=target, viewer=VIEWER)
    reader = PdfReader(target)
    assert result.written == (target,) and result.letters == 3
    assert len(reader.pages) == result.pages
    firsts = [i for i, p in enumerate(reader.pages) if "pagina 1 van" in (p.extract_text() or "")]
    assert len(firsts) == 3
    assert not list(tmp_path.glob(".*.part"))


def test_combined_run_on_a_process_pool_joins_parts_in_order(
    uow: UnitOfWork, dossiers: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import buddy_desk.letters.service as service

    monkeypatch.setattr(service, "POOL_MIN_LETTERS", 2)
    monkeypatch.setattr(service, "PART", 1)  # three parts, rendered by two workers
    ids = select_dossiers(uow, VIEWER, combination_only=True)
    target = tmp_path / "printer.pdf"
    seen: list[tuple[int, int, str]] = []
    progress = Progress(lambda d, t, x: seen.append((d, t, x)))
    result = run_letters(
        uow, ids, today=TODAY, combined=target, progress=progress, workers=2, viewer=VIEWER
    )
    single = run_letters(
        uow, ids, today=TODAY, combined=tmp_path / "een.pdf", workers=1, viewer=VIEWER
    )
    reader = PdfReader(target)
    assert result.letters == 3 and len(reader.pages) == result.pages == single.pages
    texts = [p.extract_text() or "" for p in reader.pages]
    alone = [p.extract_text() or "" for p in PdfReader(tmp_path / "een.pdf").pages]
    assert texts == alone  # same letters, same order, "pagina X van Y" per letter
    assert sum("pagina 1 van" in text for text in texts) == 3
    meta = reader.metadata
    assert meta is not None and meta.title == "Samenvattingsbrieven (3)"
    assert str(reader.root_object["/Lang"]) == "nl-NL"
    assert not list(tmp_path.glob(".printer.pdf*"))  # parts and the .part file are gone
    assert seen[-1][:2] == (3, 3)


def test_cancel_stops_a_run_and_removes_its_files(
    uow: UnitOfWork, dossiers: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "brieven"
    written: list[int] = []

    def report(done: int, total: int, _text: str) -> None:
        written.append(done)
        if done >= 1:
            progress.cancel()  # what the UI's cancel button does through the task handle

    progress = Progress(report)
    with pytest.raises(Cancelled):
        run_letters(
            uow, list(dossiers.values()), today=TODAY, out_dir=out, progress=progress, viewer=VIEWER
        )
    assert max(written) < 4
    assert list(out.iterdir()) == []
    combined = tmp_path / "alles.pdf"
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        run_letters(
            uow,
            list(dossiers.values()),
            today=TODAY,
            combined=combined,
            progress=progress,
            viewer=VIEWER,
        )
    assert not combined.exists() and not list(tmp_path.glob(".*.part"))


def test_run_needs_a_target_and_a_selection(uow: UnitOfWork, tmp_path: Path) -> None:
    with pytest.raises(LetterRunError, match="map"):
        run_letters(uow, [1], today=TODAY, viewer=VIEWER)
    with pytest.raises(LetterRunError, match="geen dossiers"):
        run_letters(uow, [], today=TODAY, out_dir=tmp_path, viewer=VIEWER)


def test_cli_letter_and_letters(
    db_url: str,
    uow: UnitOfWork,
    dossiers: dict[str, int],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    one = tmp_path / "brief.pdf"
    code = cli_main(
        [
            "letter",
            str(dossiers["f"]),
            "--out",
            str(one),
            "--db",
            db_url,
            "--user",
            "bert",
            "--date",
            "2026-11-26",
        ]
    )
    assert code == 0 and "Bouw" in _text(one.read_bytes())
    assert cli_main(["letter", "999999", "--out", str(one), "--db", db_url, "--user", "bert"]) == 2
    assert "bestaat niet" in capsys.readouterr().err

    out = tmp_path / "map"
    code = cli_main(
        ["letters", "--group", "B", "--out", str(out), "--db", db_url, "--user", "bert", "--json"]
    )
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["letters"] == 2 and len(list(out.glob("*.pdf"))) == 2

    combined = tmp_path / "printer.pdf"
    ids = [str(dossiers["b"]), str(dossiers["empty"])]
    args = ["letters", "--combined", str(combined), "--db", db_url, "--user", "bert", "--quiet"]
    for dossier_id in ids:
        args += ["--dossier", dossier_id]
    assert cli_main(args) == 0
    printed = capsys.readouterr().out
    assert "1 brief geschreven" in printed and "brieven" not in printed
    assert "1 dossier overgeslagen:" in printed
    assert f"dossier {dossiers['empty']}: geen schadezaak" in printed
    assert cli_main(["letters", "--out", str(out), "--db", db_url, "--user", "bert"]) == 2
    assert "--all" in capsys.readouterr().err


def test_select_reads_the_list_in_pages(
    uow: UnitOfWork, dossiers: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import buddy_desk.letters.service as service

    whole = select_dossiers(uow, VIEWER, combination_only=True)
    monkeypatch.setattr(service, "SELECT_PAGE", 1)  # one dossier per page: the same selection
    assert select_dossiers(uow, VIEWER, combination_only=True) == whole
    assert select_dossiers(uow, VIEWER, groups=[CollaborationGroup.B]) == [
        dossiers["b2"],
        dossiers["b"],
    ]


@pytest.mark.parametrize("combined", [False, True], ids=["folder", "combined"])
def test_a_run_loads_its_dossiers_a_chunk_at_a_time(
    uow: UnitOfWork,
    dossiers: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    combined: bool,
) -> None:
    """Memory stays flat with the run's size: no more than RUN_CHUNK dossiers' letters are
    loaded at once, on the process pool too, and the run reports every dossier."""
    import buddy_desk.letters.service as service

    loaded: list[int] = []
    load = service.load_letters

    def counting_load(uow: UnitOfWork, ids: list[int], *args: object, **kw: object) -> object:
        loaded.append(len(ids))
        return load(uow, ids, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "load_letters", counting_load)
    monkeypatch.setattr(service, "RUN_CHUNK", 2)
    monkeypatch.setattr(service, "POOL_MIN_LETTERS", 2)
    monkeypatch.setattr(service, "BATCH", 1)
    monkeypatch.setattr(service, "PART", 1)
    ids = [*dossiers.values(), 424242]
    target = tmp_path / "alles.pdf"
    where = {"combined": target} if combined else {"out_dir": tmp_path / "brieven"}
    result = run_letters(uow, ids, today=TODAY, workers=2, viewer=VIEWER, **where)  # type: ignore[arg-type]
    assert loaded and max(loaded) <= 2 and sum(loaded) == len(ids)
    assert result.letters == 4
    assert {s.dossier_id for s in result.skipped} == {dossiers["empty"], 424242}
    if combined:
        reader = PdfReader(target)
        assert sum("pagina 1 van" in (p.extract_text() or "") for p in reader.pages) == 4
        assert reader.metadata is not None
        assert reader.metadata.title == "Samenvattingsbrieven (4)"
    else:
        assert len(list((tmp_path / "brieven").iterdir())) == 4
