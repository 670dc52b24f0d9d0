"""CSV export for Dutch Excel, safe against formula injection."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from buddy_desk.core.spreadsheet import safe_cell, write_csv


def test_file_has_bom_semicolons_and_crlf(tmp_path: Path) -> None:
    target = tmp_path / "lijst.csv"
    n = write_csv(target, ["Straat", "Woonplaats"], [["Coëlhorsterweg 1", "Ten Boer"]])
    data = target.read_bytes()
    assert n == 1
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:] == "Straat;Woonplaats\r\nCoëlhorsterweg 1;Ten Boer\r\n".encode()


def test_formula_cells_are_neutralised(tmp_path: Path) -> None:
    target = tmp_path / "lijst.csv"
    evil = ['=HYPERLINK("http://x")', "+31", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "gewoon"]
    write_csv(target, ["a"], [[cell] for cell in evil])
    text = target.read_bytes()[3:].decode("utf-8")
    cells = [row[0] for row in csv.reader(io.StringIO(text, newline=""), delimiter=";")][1:]
    assert cells == ["'" + c for c in evil[:-1]] + ["gewoon"]


def test_delimiters_and_quotes_in_cells_survive_a_round_trip(tmp_path: Path) -> None:
    target = tmp_path / "lijst.csv"
    value = 'Boerderij "De Wierde"; achterom\nmonument'
    write_csv(target, ["x", "y"], [[value, 12]])
    text = target.read_bytes()[3:].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[1] == [value, "12"]


def test_safe_cell_leaves_numbers_and_empty_alone() -> None:
    assert safe_cell(None) == ""
    assert safe_cell(12) == "12"
    assert safe_cell("9712 AB") == "9712 AB"
