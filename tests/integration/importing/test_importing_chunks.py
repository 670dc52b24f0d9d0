"""An import goes in chunk by chunk (and, for a big file, is read by a second process);
neither may change what ends up in the database (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from buddy_desk.dossiers.service import load_summaries
from buddy_desk.importing import exports, parallel
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.samples import generate_exports
from buddy_desk.importing.service import import_export
from buddy_desk.models import Address, Case, CaseStatus, Dossier, Supervisor, TimelineEvent
from buddy_desk.models.signals import Signal
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.integration.importing.test_importing_service import TODAY, img_file, import_both

SAMPLES = generate_exports(300, 520, seed=11)
NEWER = generate_exports(300, 520, seed=12)  # other phases for the same keys


def fingerprint(uow: UnitOfWork) -> dict[str, Any]:
    """What a user sees of an import: every dossier's group and phases, its buddy pair,
    how many rows of each kind, and which signals sit on which address."""
    img_sup, ncg_sup = aliased(Supervisor), aliased(Supervisor)
    with uow:
        s = uow.session
        counts = [
            s.scalar(select(func.count()).select_from(m))
            for m in (Address, Dossier, Case, CaseStatus, TimelineEvent, Supervisor)
        ]
        buddies = sorted(
            s.execute(
                select(Address.match_key, img_sup.naam, ncg_sup.naam)
                .join(Dossier, Dossier.address_id == Address.id)
                .outerjoin(img_sup, img_sup.id == Dossier.img_supervisor_id)
                .outerjoin(ncg_sup, ncg_sup.id == Dossier.ncg_supervisor_id)
            ).all(),
            key=str,
        )
        signals = sorted(
            s.execute(
                select(Address.match_key, Signal.rule)
                .join(Dossier, Dossier.id == Signal.dossier_id)
                .join(Address, Address.id == Dossier.address_id)
            ).all(),
            key=str,
        )
    summaries = sorted(
        tuple(str(v) for v in (r.address_line, r.group, r.img_phase, r.ncg_status))
        for r in load_summaries(uow)
    )
    return {"counts": counts, "buddies": buddies, "signals": signals, "summaries": summaries}


def import_samples(uow: UnitOfWork) -> list[tuple[int, int, int, int]]:
    results = []
    for files in (SAMPLES, SAMPLES, NEWER):
        for kind, data in ((ExportKind.NCG, files.ncg), (ExportKind.IMG, files.img)):
            r = import_export(uow, kind, data, f"{kind.value}.csv", today=TODAY)
            results.append((r.imported, r.updated, r.unchanged, len(r.rejected)))
    return results


@pytest.fixture
def reference(tmp_path: Path) -> tuple[list[tuple[int, int, int, int]], dict[str, Any]]:
    """The samples imported the plain way: read here, in one chunk each."""
    engine = open_database(f"sqlite:///{tmp_path / 'reference.sqlite'}", create=True)
    try:
        uow = UnitOfWork(engine)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(exports, "CHUNK_ROWS", 10_000)
            mp.setattr(exports, "FIRST_CHUNK_ROWS", 10_000)
            results = import_samples(uow)
        return results, fingerprint(uow)
    finally:
        engine.dispose()


def test_small_chunks_store_the_same_as_one_chunk(
    uow: UnitOfWork,
    reference: tuple[list[tuple[int, int, int, int]], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(exports, "CHUNK_ROWS", 7)
    monkeypatch.setattr(exports, "FIRST_CHUNK_ROWS", 1)
    results = import_samples(uow)
    assert results == reference[0]
    assert results[2:4] == [(0, 0, 300, 0), (0, 0, 520, 0)]  # the same files again
    assert fingerprint(uow) == reference[1]


def test_a_file_read_by_a_second_process_stores_the_same(
    uow: UnitOfWork,
    reference: tuple[list[tuple[int, int, int, int]], dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def popen(args: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(args)
        return real_popen(args, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(parallel, "PARALLEL_FROM_BYTES", 0)
    monkeypatch.setattr(exports, "CHUNK_ROWS", 50)
    assert import_samples(uow) == reference[0]
    assert len(started) == 6 and all("buddy_desk.importing.parallel" in a for a in started)
    assert not [r for r in caplog.records if "reading in this process" in r.getMessage()]
    assert fingerprint(uow) == reference[1]


def test_a_running_case_names_the_buddy_in_whichever_chunk_it_comes(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    monkeypatch.setattr(exports, "FIRST_CHUNK_ROWS", 1)
    rows = [
        "Z-1,9800AA,1,,,Laan,Stad,Afgerond,1-1-2020,Oud Eerst,nee,",  # settled first …
        "Z-2,9800AA,2,,,Laan,Stad,Opname,1-1-2026,Ander Adres,nee,",
        "Z-3,9800AA,3,,,Laan,Stad,Opname,1-1-2026,Ander Adres,nee,",
        "Z-4,9800AA,1,,,Laan,Stad,Opname,1-1-2026,Nieuw Later,nee,",  # … running later
        "Z-5,9800AA,4,,,Laan,Stad,Opname,1-1-2026,Nieuw Eerst,nee,",  # running first …
        "Z-6,9800AA,5,,,Laan,Stad,Opname,1-1-2026,Ander Adres,nee,",
        "Z-7,9800AA,6,,,Laan,Stad,Opname,1-1-2026,Ander Adres,nee,",
        "Z-8,9800AA,4,,,Laan,Stad,Afgerond,1-1-2019,Oud Later,nee,",  # … settled later
    ]
    result = import_export(uow, ExportKind.IMG, img_file(rows), "img.csv", today=TODAY)
    assert (result.imported, result.new_dossiers) == (8, 6)
    buddies = {key: img for key, img, _ in fingerprint(uow)["buddies"]}
    assert buddies["9800AA|1||"] == "Nieuw Later"
    assert buddies["9800AA|4||"] == "Nieuw Eerst"


def test_a_duplicate_key_in_a_later_chunk_is_still_rejected(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    monkeypatch.setattr(exports, "FIRST_CHUNK_ROWS", 1)
    import_both(uow)
    rows = [
        "Z-10,9800AA,1,,,Laan,Stad,Opname,1-1-2026,,nee,",
        "Z-11,9800AA,2,,,Laan,Stad,Opname,1-1-2026,,nee,",
        "Z-12,9800AA,3,,,Laan,Stad,Opname,1-1-2026,,nee,",
        "z-10,9800AA,4,,,Laan,Stad,Opname,1-1-2026,,nee,",
    ]
    result = import_export(uow, ExportKind.IMG, img_file(rows), "img.csv", today=TODAY)
    assert result.imported == 3
    assert [(r.line, r.field) for r in result.rejected] == [(5, "Zaaknummer")]


def test_sqlite_import_holds_the_write_lock_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ids an import hands out count on from the highest id: from the moment it reads
    that id, no other writer may get in, or two dossiers would claim one id."""
    from buddy_desk.persistence import bulk_write
    from buddy_desk.persistence.encryption import connect_file, driver

    path = tmp_path / "lock.sqlite"
    engine = open_database(f"sqlite:///{path}", create=True)
    outcomes: list[str] = []
    real_counter = bulk_write.IdSource.counter

    def counter(self: bulk_write.IdSource, model: type[Any]) -> Any:
        other = connect_file(path, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            outcomes.append("another writer got in")
            other.execute("ROLLBACK")
        except driver.OperationalError as exc:
            outcomes.append(str(exc))
        finally:
            other.close()
        return real_counter(self, model)

    monkeypatch.setattr(bulk_write.IdSource, "counter", counter)
    try:
        result = import_export(
            UnitOfWork(engine), ExportKind.NCG, SAMPLES.ncg, "ncg.csv", today=TODAY
        )
    finally:
        engine.dispose()
    assert result.imported == 300
    assert outcomes and set(outcomes) == {"database is locked"}
