"""A big export read by a second process: the same rows, the same rejections, the same
refusals as read here, and no harm when that process cannot start or stops half-way."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from buddy_desk.errors import BuddyDeskError
from buddy_desk.importing import exports, parallel
from buddy_desk.importing.exports import ExportKind, read_img_export, read_ncg_export
from buddy_desk.importing.row_transport import pack, unpack
from buddy_desk.importing.samples import generate_exports
from buddy_desk.importing.table import ExportRefused

SAMPLES = generate_exports(600, 1000, seed=7)


def damaged(data: bytes, encoding: str, bad_rows: list[str]) -> bytes:
    """The sample with bad rows in it, a duplicate key, and a street that holds the
    character the packed texts are joined with."""
    header, *rows = data.decode(encoding).splitlines()
    rows[10] = rows[3]  # the same key again
    sep = ";" if ";" in header else ","
    cells = rows[20].split(sep, 6)
    street = header.split(sep).index("Straat")
    cells[street] = (
        cells[street][:2] + "\x1f" + cells[street][2:]
    )  # strip() would eat it at the end
    rows[20] = sep.join(cells)
    rows[30:30] = bad_rows
    return "\r\n".join([header, *rows]).encode(encoding)


NCG_BAD = [
    "NCG-9;Dorpsstraat;1;;;12345;Appingedam;Eemsdelta;3.1;01-08-2023;;",
    "NCG-8;Dorpsstraat;1;;;9970 TB;Appingedam;Eemsdelta;3.1;32-08-2023;;",
    "NCG-7;Dorpsstraat;1;;;9970 TB;Appingedam;Eemsdelta;9.9;01-08-2023;;",
]
IMG_BAD = [
    "IMG-9,9970TB,0,,,Dorpsstraat,Appingedam,Opname,2025-04-26,,nee,",
    "IMG-8,9970TB,3,,,Dorpsstraat,Appingedam,Opname,2025-04-26,,misschien,",
    'IMG-7,9970TB,4,,,Dorpsstraat,Appingedam,Opname,2025-04-26,,nee,"12,34,5"',
    "IMG-6,9970TB,5,,,Dorpsstraat,Appingedam,Opname,2025-04-26,,nee,,extra",
]


def read_via_child(kind: ExportKind, data: bytes) -> tuple[Any, list[Any], list[Any]]:
    with parallel.open_export(kind, data, "export.csv", parallel=True) as stream:
        rows: list[Any] = []
        rejections: list[Any] = []
        for chunk_rows, chunk_rejections in stream.chunks:
            rows += chunk_rows
            rejections += chunk_rejections
        return stream.table, rows, rejections


@pytest.mark.parametrize(
    ("kind", "data", "read"),
    [
        (ExportKind.NCG, damaged(SAMPLES.ncg, "cp1252", NCG_BAD), read_ncg_export),
        (ExportKind.IMG, damaged(SAMPLES.img, "utf-8-sig", IMG_BAD), read_img_export),
    ],
)
def test_the_reader_process_gives_the_same_rows_and_rejections(
    kind: ExportKind, data: bytes, read: Any
) -> None:
    here = read(data, "export.csv")
    assert len(here.rejections) >= 4, "the damaged sample must have rejected rows"
    assert any("\x1f" in r.address.straat for r in here.rows)
    table, rows, rejections = read_via_child(kind, data)
    assert rows == list(here.rows)
    assert rejections == list(here.rejections)
    assert (table.encoding, table.delimiter, table.mapping) == (
        here.table.encoding,
        here.table.delimiter,
        here.table.mapping,
    )


def test_a_file_that_is_no_export_is_refused_by_the_reader_process_too() -> None:
    with (
        parallel.open_export(ExportKind.NCG, SAMPLES.img, "img.csv", parallel=True) as stream,
        pytest.raises(ExportRefused, match=r"img\.csv: dit is geen NCG-adressenexport"),
    ):
        next(stream.chunks)


@pytest.mark.parametrize("interpreter", ["/nonexistent/python3", "/bin/false"])
def test_without_a_reader_process_the_file_is_read_here(
    monkeypatch: pytest.MonkeyPatch, interpreter: str
) -> None:
    monkeypatch.setattr(sys, "executable", interpreter)
    table, rows, rejections = read_via_child(ExportKind.IMG, SAMPLES.img)
    assert len(rows) == 1000 and rejections == []
    assert table.mapping["zaaknummer"] == "Zaaknummer"


def test_a_reader_process_that_dies_half_way_fails_loudly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        process = real_popen(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(exports, "CHUNK_ROWS", 50)
    big = generate_exports(100, 20_000, seed=3).img
    with parallel.open_export(ExportKind.IMG, big, "img.csv", parallel=True) as stream:
        chunks: Iterator[Any] = stream.chunks
        next(chunks)
        started[0].kill()
        with pytest.raises(BuddyDeskError, match="onverwacht gestopt; er is niets gewijzigd"):
            list(chunks)
    assert started[0].poll() is not None


def test_leaving_early_stops_the_reader_process(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    big = generate_exports(100, 20_000, seed=3).img
    with parallel.open_export(ExportKind.IMG, big, "img.csv", parallel=True) as stream:
        next(stream.chunks)  # e.g. the user cancels after the first chunk
    assert started[0].poll() is not None


def test_small_files_are_read_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_process(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a small file started a reader process")

    monkeypatch.setattr(subprocess, "Popen", no_process)
    assert len(SAMPLES.ncg) < parallel.PARALLEL_FROM_BYTES
    with parallel.open_export(ExportKind.NCG, SAMPLES.ncg, "ncg.csv") as stream:
        assert sum(len(rows) for rows, _ in stream.chunks) == 600


def test_packed_rows_survive_texts_with_the_separator_in_them() -> None:
    parsed = read_img_export(SAMPLES.img, "img.csv")
    rows = list(parsed.rows[:50])
    odd = rows[0]._replace(address=rows[0].address._replace(straat="a\x1fb\x1ec\ue000d"))
    rows[0] = odd
    assert unpack(ExportKind.IMG, pack(ExportKind.IMG, rows)) == rows
    assert unpack(ExportKind.IMG, pack(ExportKind.IMG, [])) == []
