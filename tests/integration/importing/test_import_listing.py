"""The list rows and search words an import writes for the dossiers it makes (computed from
the rows it holds, not read back) are exactly what ``refresh_listing`` computes from the
database (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from buddy_desk.importing import exports
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.samples import generate_exports
from buddy_desk.importing.service import import_export
from buddy_desk.models.dossiers import DossierListing, DossierSearchWord
from buddy_desk.persistence.listing import refresh_listing
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.integration.importing.test_importing_service import (
    NCG_ROWS,
    TODAY,
    img_file,
    ncg_file,
)

SAMPLES = generate_exports(300, 520, seed=11)
NEWER = generate_exports(300, 520, seed=12)  # other phases for the same keys

IMG_HEADER_AOS = (
    "zaaknummer,POSTCODE,huisnummer,huisletter,toevoeging,straat,woonplaats,fase,melddatum,"
    "zaakbegeleider,urgent,schadebedrag,acuut onveilig"
)


def img_file_aos(rows: list[str]) -> bytes:
    return b"\xef\xbb\xbf" + "\n".join([IMG_HEADER_AOS, *rows]).encode("utf-8")


Tables = tuple[list[tuple[Any, ...]], list[tuple[str, str, int]]]
_WORD_COLUMNS = (
    DossierSearchWord.word,
    DossierSearchWord.address_key,
    DossierSearchWord.dossier_id,
)


def tables(uow: UnitOfWork) -> Tables:
    with uow:
        s = uow.session
        rows = sorted(tuple(r) for r in s.execute(select(DossierListing.__table__)))
        words = sorted((w, k, d) for w, k, d in s.execute(select(*_WORD_COLUMNS)))
    return rows, words


def recomputed(uow: UnitOfWork) -> Tables:
    """The tables as a full recomputation from the dossiers leaves them (then rolled back)."""
    with uow:
        refresh_listing(uow.session.connection())
        s = uow.session
        rows = sorted(tuple(r) for r in s.execute(select(DossierListing.__table__)))
        words = sorted((w, k, d) for w, k, d in s.execute(select(*_WORD_COLUMNS)))
        uow.session.rollback()
    return rows, words


def assert_listing_true(uow: UnitOfWork) -> None:
    written = tables(uow)
    assert written[0], "the import listed nothing"
    assert written == recomputed(uow)


@pytest.mark.parametrize("small_chunks", [False, True])
def test_sample_exports_list_as_a_full_recomputation_does(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch, small_chunks: bool
) -> None:
    if small_chunks:  # new addresses written chunk by chunk, later rows changing them
        monkeypatch.setattr(exports, "CHUNK_ROWS", 37)
        monkeypatch.setattr(exports, "FIRST_CHUNK_ROWS", 5)
    import_export(uow, ExportKind.NCG, SAMPLES.ncg, "ncg.csv", today=TODAY)
    assert_listing_true(uow)
    import_export(uow, ExportKind.IMG, SAMPLES.img, "img.csv", today=TODAY)
    assert_listing_true(uow)
    import_export(uow, ExportKind.IMG, NEWER.img, "img.csv", today=TODAY)
    import_export(uow, ExportKind.NCG, NEWER.ncg, "ncg.csv", today=TODAY)
    assert_listing_true(uow)


def test_new_dossiers_with_several_cases_flags_and_later_spellings(
    uow: UnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    monkeypatch.setattr(exports, "FIRST_CHUNK_ROWS", 2)
    rows = [
        # one new address, four cases: settled and running, with and without a date, so
        # the primary case and the order of the case numbers follow the list's rule
        "Z-10,9800AA,3,,,Nieuwe Laan,Ten Boer,Afgerond,2024-05-01,,nee,,nee",
        "Z-12,9800AA,3,,,Nieuwe Laan,Ten Boer,Opname,,,nee,,nee",
        "Z-11,9800AA,3,,,Nieuwe Laan,Ten Boer,Beschikking,2025-01-01,,nee,,ja",
        "Z-13,9800AA,3,,,Nieuwe Laan,Ten Boer,Voorbereiding,2025-01-01,,nee,,nee",
        # another new address: its street spelled anew in a later chunk (IMG is the only
        # source, so the new spelling is taken), and an AOS flag
        "Z-20,9800AB,7,b,,Oude Weg,Ten Boer,Opname,2025-02-01,,nee,,ja",
        "Z-21,9800AB,7,b,,Oude Wegje,Ten Boer,Afgerond,2019-02-01,,nee,,nee",
        "Z-22,9800AB,7,b,,Oude Wegje,Ten Boer,Afgerond,2019-02-01,,nee,,nee",
    ]
    import_export(uow, ExportKind.NCG, ncg_file(NCG_ROWS), "ncg.csv", today=TODAY)
    import_export(uow, ExportKind.IMG, img_file_aos(rows), "img.csv", today=TODAY)
    written = tables(uow)
    assert written == recomputed(uow)
    words = {w for w, _, _ in written[1]}
    assert {"oude", "wegje", "9800ab", "7b", "z-10", "z-11", "z-12", "z-13"} <= words
    assert "weg" not in words  # the first spelling is gone
    listed = {r[3]: r for r in written[0]}  # by zaaknummers
    # running cases before settled ones, then the latest start, then the oldest
    assert "Z-11 Z-13 Z-12 Z-10" in listed
    flagged = listed["Z-11 Z-13 Z-12 Z-10"]
    assert flagged[4] == "Beschikking" and flagged[9] != 0  # primary phase; the AOS flag


def test_a_case_moved_to_a_new_address_lists_both_dossiers_truly(uow: UnitOfWork) -> None:
    import_export(uow, ExportKind.NCG, ncg_file(NCG_ROWS), "ncg.csv", today=TODAY)
    first = ["Z-1,9712ab,12-A,,,Hoofdstraat,Groningen,Opname,2026-03-05,Bram Smit,nee,"]
    import_export(uow, ExportKind.IMG, img_file(first), "img.csv", today=TODAY)
    # the case now sits at an address nobody knew: a new dossier that holds an older case
    moved = ["Z-1,9600XX,40,,,Nieuwbouw,Slochteren,Opname,2026-03-05,Bram Smit,nee,"]
    result = import_export(uow, ExportKind.IMG, img_file(moved), "img.csv", today=TODAY)
    assert result.new_dossiers == 1
    written = tables(uow)
    assert written == recomputed(uow)
    newest = max(d for _, _, d in written[1])
    assert ("z-1", newest) in {(w, d) for w, _, d in written[1]}
