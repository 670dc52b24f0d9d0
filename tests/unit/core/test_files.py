"""The one file writer: atomic, owner-only, nothing half-written; readers refuse odd files."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from buddy_desk.core.files import (
    FileError,
    atomic_target,
    atomic_write,
    check_input_file,
    make_private,
)
from buddy_desk.core.spreadsheet import safe_cell, write_csv

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")


@posix
def test_written_files_are_owner_only_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = atomic_write(tmp_path / "brief.pdf", b"%PDF-1.7")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == b"%PDF-1.7"


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "export.csv"
    target.write_bytes(b"old")

    class DiskGoneError(Exception):
        pass

    def write_half() -> None:
        with atomic_target(target) as tmp:
            tmp.write_bytes(b"half")
            raise DiskGoneError

    with pytest.raises(DiskGoneError):
        write_half()
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export.csv"]


def test_a_missing_folder_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="bestaat niet"):
        atomic_write(tmp_path / "nope" / "x.pdf", b"x")


@posix
def test_a_fifo_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(FileError, match="geen gewoon bestand"):
        check_input_file(fifo, max_bytes=1000)  # opening it would block this test forever


@posix
def test_a_device_and_a_too_large_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="geen gewoon bestand"):
        check_input_file(Path("/dev/zero"), max_bytes=1000)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * 2_000_001)
    with pytest.raises(FileError, match="te groot"):
        check_input_file(big, max_bytes=1_000_000)
    assert check_input_file(big, max_bytes=3_000_000) == 2_000_001


@posix
def test_make_private_sets_an_owner_only_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        make_private()
        (tmp_path / "log.txt").write_text("x")
        assert stat.S_IMODE((tmp_path / "log.txt").stat().st_mode) == 0o600
    finally:
        os.umask(old)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_excel_would_run_are_escaped(start: str, tmp_path: Path) -> None:
    assert safe_cell(f"{start}HYPERLINK()") == f"'{start}HYPERLINK()"
    write_csv(tmp_path / "x.csv", ["a"], [[f"{start}1+1"]])
    assert f"'{start}1+1".encode() in (tmp_path / "x.csv").read_bytes()
