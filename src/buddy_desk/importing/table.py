"""A CSV export as a table: encoding, delimiter, header mapping and physical line numbers.

Exports come from Dutch Excel (``;``, Windows-1252 or UTF-8 with BOM) and from
line-of-business systems (``,``, UTF-8). Headers may be in any case and order and use a
known alias; ``ColumnSpec`` lists them. A file that is not a table of the expected kind is
refused as a whole (``ExportRefused``) before anything is imported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import NamedTuple

from buddy_desk.errors import BuddyDeskError


class ExportRefused(BuddyDeskError):  # noqa: N818 - reads as what happened
    """The file as a whole is not an export of the expected kind; nothing was imported."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason} Er is niets geïmporteerd.")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class ColumnSpec:
    """A column the importer knows: its name in messages, accepted headers, required or not."""

    field: str
    label: str
    aliases: tuple[str, ...]
    required: bool = False


@dataclass(frozen=True)
class Record:
    """One data row: its physical line in the file (header = line 1) and cells by field."""

    line: int
    cells: dict[str, str]
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Table:
    source: str
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    mapping: dict[str, str]  # field → header as written in the file
    unmapped: tuple[str, ...]  # headers the importer does not use
    records: tuple[Record, ...]


def header_key(text: str) -> str:
    """'Adres-ID', 'adres_id', ' ADRES ID ' → 'adresid'."""
    return re.sub(r"[^0-9a-z€]", "", text.strip().lstrip("\ufeff").lower())


def decode(data: bytes, source: str) -> tuple[str, str]:
    """The text and the encoding name; refuses empty and binary files."""
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf"):
        raise ExportRefused(source, "het bestand is leeg.")
    if data.startswith(b"PK\x03\x04"):
        raise ExportRefused(
            source,
            "dit is een Excel-werkmap of zip-bestand, geen CSV. Sla het in Excel op als "
            "'CSV (gescheiden door lijstscheidingsteken)' en importeer dat bestand.",
        )
    # a binary file is full of NUL bytes; a stray one in a data row is reported by line
    head = data[:4096]
    first_line = head.split(b"\n", 1)[0]
    if (
        data.startswith((b"\xd0\xcf\x11\xe0", b"%PDF"))
        or b"\x00" in first_line
        or head.count(b"\x00") > 8
    ):
        raise ExportRefused(source, "dit is geen tekstbestand (CSV) maar een binair bestand.")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "UTF-8 (BOM)"
        except UnicodeDecodeError as exc:
            raise ExportRefused(source, f"ongeldige UTF-8 op byte {exc.start + 3}.") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; Latin-1 maps every byte and differs only there
        return data.decode("latin-1"), "Latin-1"


def sniff_delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ";"


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line
    return ""


def read_table(data: bytes, source: str, specs: Sequence[ColumnSpec], kind_label: str) -> Table:
    """Decode and split the file; map its header onto ``specs``; refuse what is no export."""
    table, positions, rows = _open(data, source, specs, kind_label)
    records: list[Record] = []
    fields = list(positions)
    pick = itemgetter(*positions.values())
    width = len(table.headers)
    padding = [""] * width
    strip = str.strip
    try:
        for item in rows:
            if isinstance(item, _Broken):
                continue  # the importer reports it; a preview shows the rows it can read
            line, row = item
            if len(row) < width:
                if not any(map(strip, row)):
                    continue  # a blank line
                row = row + padding[len(row) :]
            picked = pick(row)
            values = map(strip, picked) if len(fields) > 1 else [strip(picked)]
            cells = dict(zip(fields, values, strict=True))
            extra = tuple(c for c in row[width:] if c.strip()) if len(row) > width else ()
            if not extra and not any(cells.values()) and not any(map(strip, row)):
                continue
            records.append(Record(line, cells, extra))
    except csv.Error as exc:
        raise ExportRefused(source, f"het bestand is onleesbaar als CSV ({exc}).") from None
    return replace(table, records=tuple(records))


class BrokenRow(NamedTuple):
    """A physical line that cannot be a row: the column (header) it breaks in, and why."""

    line: int
    column: str
    reason: str


# one data row for the importer: physical line, stripped cells in ``specs`` order ("" for a
# column the file lacks), and the non-empty cells beyond the header's width
RawRow = tuple[int, tuple[str, ...], tuple[str, ...]]


def read_rows(
    data: bytes, source: str, specs: Sequence[ColumnSpec], kind_label: str
) -> tuple[Table, list[RawRow | BrokenRow]]:
    """As ``read_table`` (same rows skipped, same refusals), but each row as a tuple with a
    fixed position per spec instead of a ``Record`` dict: the importer's hot path. The
    returned table has no ``records``."""
    table, rows = iter_rows(data, source, specs, kind_label)
    return table, list(rows)


def iter_rows(
    data: bytes, source: str, specs: Sequence[ColumnSpec], kind_label: str
) -> tuple[Table, Iterator[RawRow | BrokenRow]]:
    """``read_rows`` as it goes: the header is checked now (a wrong file is refused before
    anything else happens), the rows come one by one (a CSV error half-way is refused then)."""
    table, positions, rows = _open(data, source, specs, kind_label)
    return table, _raw_rows(table, positions, rows, specs)


def _raw_rows(
    table: Table,
    positions: dict[str, int],
    rows: Iterator[tuple[int, list[str]] | _Broken],
    specs: Sequence[ColumnSpec],
) -> Iterator[RawRow | BrokenRow]:
    width = len(table.headers)
    # a column the file lacks reads the "" appended at position ``width``
    pick = itemgetter(*(positions.get(s.field, width) for s in specs))
    padding = [""] * (width + 1)
    strip = str.strip
    no_extra: tuple[str, ...] = ()
    try:
        for item in rows:
            if isinstance(item, _Broken):
                header = table.headers[item.column] if item.column < width else "(regel)"
                yield BrokenRow(item.line, header or "(regel)", item.reason)
                continue
            line, row = item
            n = len(row)
            if n == width:
                row.append("")
                extra = no_extra
            elif n < width:
                if not any(map(strip, row)):
                    continue  # a blank line
                row += padding[n:]
                extra = no_extra
            else:
                extra = tuple(c for c in row[width:] if c.strip())
                row = row[:width]
                row.append("")
            cells = tuple(map(strip, pick(row)))
            if not extra and not any(cells) and not any(map(strip, row)):
                continue
            yield line, cells, extra
    except csv.Error as exc:
        raise ExportRefused(table.source, f"het bestand is onleesbaar als CSV ({exc}).") from None


def _open(
    data: bytes, source: str, specs: Sequence[ColumnSpec], kind_label: str
) -> tuple[Table, dict[str, int], Iterator[tuple[int, list[str]] | _Broken]]:
    """The table without records, the column position per field, and the data rows."""
    text, encoding = decode(data, source)
    delimiter = sniff_delimiter(_first_line(text))
    rows = _numbered_rows(text, delimiter)
    try:
        first = next(rows)
        while isinstance(first, _Broken) or not any(cell.strip() for cell in first[1]):
            first = next(rows)
        header_line, header = first
    except StopIteration:
        raise ExportRefused(source, "het bestand is leeg.") from None
    except csv.Error as exc:
        raise ExportRefused(source, f"de kopregel is onleesbaar ({exc}).") from None
    headers = tuple(h.strip().lstrip("\ufeff") for h in header)
    by_key = {header_key(h): i for i, h in reversed(list(enumerate(headers))) if h}
    positions: dict[str, int] = {}
    for spec in specs:
        for alias in (spec.label, *spec.aliases):
            if (i := by_key.get(header_key(alias))) is not None:
                positions[spec.field] = i
                break
    missing = [s.label for s in specs if s.required and s.field not in positions]
    if missing:
        found = ", ".join(h for h in headers if h) or "geen"
        raise ExportRefused(
            source,
            f"dit is geen {kind_label}: verplichte kolom(men) {', '.join(missing)} "
            f"ontbreken in de kopregel (regel {header_line}). Gevonden kolommen: {found[:300]}.",
        )
    mapping = {field: headers[i] for field, i in positions.items()}
    used = set(positions.values())
    unmapped = tuple(h for i, h in enumerate(headers) if i not in used and h)
    table = Table(source, encoding, delimiter, headers, mapping, unmapped, ())
    return table, positions, rows


class _Broken(NamedTuple):
    line: int
    column: int  # position in the row
    reason: str


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _numbered_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]] | _Broken]:
    """Rows with the physical line they start on (a quoted cell may span lines).

    A stray quote at the start of a field opens a quoted cell that swallows the lines after
    it up to the next quote (or the end of the file). A cell spanning lines that hold whole
    rows is that: its first line is reported as broken and reading starts again on the next
    line, so the rows after it are kept. A NUL character in a row is reported too (no
    database stores it in text).
    """
    lines = _LINES.findall(text)
    has_nul = "\x00" in text
    width = 0  # the header's, once read
    pos = 0  # index of the next line to read
    while pos < len(lines):
        reader = csv.reader(
            (lines[i] for i in range(pos, len(lines))), delimiter=delimiter, strict=False
        )
        restart = False
        line_num = pos
        for row in reader:
            start = line_num + 1
            line_num = pos + reader.line_num
            if line_num > start and width and _swallows_rows(row, delimiter, width):
                column = next(i for i, cell in enumerate(row) if "\n" in cell or "\r" in cell)
                yield _Broken(
                    start,
                    column,
                    f'een los aanhalingsteken (") opent hier een veld dat pas op regel '
                    f"{line_num} sluit; deze regel is overgeslagen, de regels erna zijn gelezen",
                )
                pos = start
                restart = True
                break
            if has_nul and width:
                column = next((i for i, cell in enumerate(row) if "\x00" in cell), -1)
                if column >= 0:
                    yield _Broken(start, column, "bevat een NUL-teken (\\x00); verwijder het")
                    continue
            if not width and any(cell.strip() for cell in row):
                width = len(row)
            yield start, row
        if not restart:
            return


def _swallows_rows(row: list[str], delimiter: str, width: int) -> bool:
    """A cell spanning lines holds (a line that looks like) a whole row of the file."""
    enough = max(2, width - 3)
    for cell in row:
        if "\n" in cell or "\r" in cell:
            for piece in cell.splitlines()[1:]:
                if piece.count(delimiter) >= enough:
                    return True
    return len(row) > width
