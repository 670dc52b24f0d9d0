"""CSV that Dutch Excel opens correctly and that cannot run formulas.

``;`` as delimiter (the Dutch list separator), UTF-8 with BOM (else Excel guesses
Windows-1252 and mangles ë and €), CRLF line ends. A cell starting with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be read as a formula (CSV injection, OWASP); it gets
a leading apostrophe, which Excel shows as plain text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from buddy_desk.core.files import atomic_write

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """Write atomically (a temp file renamed into place); returns the number of data rows."""
    materialised = [list(r) for r in rows]
    data = b"\xef\xbb\xbf" + csv_text(header, materialised).encode("utf-8")
    atomic_write(path, data)
    return len(materialised)
