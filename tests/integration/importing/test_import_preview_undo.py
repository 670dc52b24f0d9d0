"""Importing into a filled database: see what will happen first, and undo a whole import."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.service import (
    UndoRefusedError,
    import_batches,
    import_export,
    preview_import,
    undo_import,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.integration.importing.test_importing_chunks import NEWER, SAMPLES, fingerprint
from tests.integration.importing.test_importing_service import TODAY


def _import(uow: UnitOfWork, exports: Any, suffix: str) -> list[int]:
    ids = []
    for kind in (ExportKind.NCG, ExportKind.IMG):
        data = exports.ncg if kind is ExportKind.NCG else exports.img
        result = import_export(uow, kind, data, f"{kind.value}{suffix}.csv", today=TODAY)
        assert result.batch_id is not None
        ids.append(result.batch_id)
    return ids


def _without_supervisors(print_: dict[str, Any]) -> dict[str, Any]:
    # an import may add supervisors it found named; an undo keeps them (say so in the docs)
    return {**print_, "counts": print_["counts"][:-1]}


def test_a_dry_run_says_what_will_happen_and_changes_nothing(uow: UnitOfWork) -> None:
    _import(uow, SAMPLES, "")
    before = fingerprint(uow)
    batches = len(import_batches(uow))
    preview = preview_import(uow, ExportKind.IMG, NEWER.img, "img2.csv", today=TODAY)
    assert preview.dry_run and preview.batch_id is None
    assert preview.updated + preview.imported > 0
    assert fingerprint(uow) == before
    assert len(import_batches(uow)) == batches
    real = import_export(uow, ExportKind.IMG, NEWER.img, "img2.csv", today=TODAY)
    assert (real.imported, real.updated, real.unchanged, len(real.rejected)) == (
        preview.imported,
        preview.updated,
        preview.unchanged,
        len(preview.rejected),
    )


def test_undoing_a_whole_import_restores_what_was_there(uow: UnitOfWork) -> None:
    _import(uow, SAMPLES, "")
    before = fingerprint(uow)
    ncg_batch, img_batch = _import(uow, NEWER, "-2")
    assert fingerprint(uow) != before
    with pytest.raises(UndoRefusedError, match="de laatste eerst"):
        undo_import(uow, ncg_batch, "tester")
    undone = undo_import(uow, img_batch, "tester")
    assert undone.rows_restored + undone.dossiers_removed > 0
    undo_import(uow, ncg_batch, "tester")
    assert _without_supervisors(fingerprint(uow)) == _without_supervisors(before)
    with pytest.raises(UndoRefusedError, match="al ongedaan"):
        undo_import(uow, img_batch, "tester")
    assert [b.undone_at is not None for b in import_batches(uow)][:2] == [True, True]


def test_undo_refuses_when_work_was_done_on_a_new_dossier(uow: UnitOfWork) -> None:
    from buddy_desk.dossiers.service import load_summaries, save_note

    _ncg_batch, img_batch = _import(uow, SAMPLES, "")
    created = next(r.id for r in load_summaries(uow) if _created_by(uow, img_batch, r.id))
    save_note(uow, created, "Gesprek gehad", "tester", base_updated_at=None)
    with pytest.raises(UndoRefusedError, match="sindsdien gewerkt"):
        undo_import(uow, img_batch, "tester")
    assert not any(b.undone_at for b in import_batches(uow))


def _created_by(uow: UnitOfWork, batch_id: int, dossier_id: int) -> bool:
    from sqlalchemy import select

    from buddy_desk.models.importing import ImportBatchItem

    with uow:
        return (
            uow.session.scalar(
                select(ImportBatchItem.id).where(
                    ImportBatchItem.batch_id == batch_id,
                    ImportBatchItem.table_name == "dossier",
                    ImportBatchItem.row_id == dossier_id,
                    ImportBatchItem.action == "created",
                )
            )
            is not None
        )


def test_cli_dry_run_runs_and_undo(
    uow: UnitOfWork, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from buddy_desk.cli import main

    _import(uow, SAMPLES, "")
    before = fingerprint(uow)
    newer = tmp_path / "img-nieuw.csv"
    newer.write_bytes(NEWER.img)
    db = ["--db", db_url]
    assert main(["import", "img", str(newer), "--dry-run", *db]) == 0
    out = capsys.readouterr().out
    assert "Deze database heeft al" in out and "bijgewerkt" in out
    assert fingerprint(uow) == before
    assert main(["import", "img", str(newer), "--json", *db]) == 0
    run_id = json.loads(capsys.readouterr().out)["batch_id"]
    assert main(["import", "runs", *db]) == 0
    assert f"run {run_id}: img-nieuw.csv" in capsys.readouterr().out
    assert main(["import", "undo", str(run_id), *db]) == 0
    assert f"Importrun {run_id} ongedaan gemaakt" in capsys.readouterr().out
    assert _without_supervisors(fingerprint(uow)) == _without_supervisors(before)
    assert main(["import", "undo", str(run_id), *db]) == 2
    assert "al ongedaan" in capsys.readouterr().err
    assert main(["import", "undo", *db]) == 2
