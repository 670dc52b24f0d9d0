"""The floor for importing: the csv module, a minimal address key and ``executemany`` into
SQLite, without any validation, history, signals or list upkeep. What the real import costs
beyond this is what the ratio real / floor measures; the machine's speed cancels out."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path
from typing import Any

_NUMBER = re.compile(r"(\d+)\W*([A-Za-z]?)\W*(\w*)")

_SCHEMA = """
CREATE TABLE address (id INTEGER PRIMARY KEY, key TEXT UNIQUE, straat TEXT, woonplaats TEXT);
CREATE TABLE org_case (id INTEGER PRIMARY KEY, address_id INTEGER, organisation TEXT,
                       identificatie TEXT, status TEXT, UNIQUE (organisation, identificatie));
"""


def _key(postcode: str, number: str, letter: str, addition: str) -> str:
    m = _NUMBER.match(number.strip())
    nr, glued_letter, glued_addition = m.groups() if m else (number, "", "")
    return "|".join(
        (
            postcode.replace(" ", "").upper(),
            nr,
            (letter or glued_letter).upper(),
            (addition or glued_addition).upper(),
        )
    )


def _rows(data: bytes) -> tuple[dict[str, int], list[list[str]]]:
    text = data.decode("utf-8-sig") if data.startswith(b"\xef\xbb\xbf") else data.decode("cp1252")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    return {h: i for i, h in enumerate(header)}, [r for r in reader if r]


def import_file(conn: Any, data: bytes, organisation: str) -> None:
    col, rows = _rows(data)
    key_of: dict[str, int] = dict(conn.execute("SELECT key, id FROM address"))
    next_id = (conn.execute("SELECT max(id) FROM address").fetchone()[0] or 0) + 1
    ident = col["adres-id"] if organisation == "NCG" else col["zaaknummer"]
    status = col["ncg status"] if organisation == "NCG" else col["fase"]
    addresses: list[tuple[int, str, str, str]] = []
    cases: list[tuple[int, str, str, str]] = []
    for row in rows:
        key = _key(
            row[col["postcode"]],
            row[col["huisnummer"]],
            row[col["huisletter"]] if "huisletter" in col else "",
            row[col["toevoeging"]] if "toevoeging" in col else "",
        )
        address_id = key_of.get(key)
        if address_id is None:
            address_id = key_of[key] = next_id
            next_id += 1
            addresses.append((address_id, key, row[col["straat"]], row[col["woonplaats"]]))
        cases.append((address_id, organisation, row[ident], row[status]))
    conn.executemany("INSERT INTO address VALUES (?, ?, ?, ?)", addresses)
    conn.executemany(
        "INSERT INTO org_case (address_id, organisation, identificatie, status) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (organisation, identificatie) "
        "DO UPDATE SET address_id = excluded.address_id, status = excluded.status",
        cases,
    )


def floor_import(path: Path, ncg: bytes, img: bytes, *, key: str | None = None) -> None:
    """Both exports into the floor's SQLite file (made if new), one transaction each.

    ``key`` (64 hex digits): the same, into a SQLCipher file with that raw key, as the app's
    databases are (a separate figure; the floor itself is plain SQLite)."""
    conn: Any
    if key is None:
        conn = sqlite3.connect(path)
    else:
        import sqlcipher3.dbapi2 as sqlcipher

        conn = sqlcipher.connect(str(path))
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
    conn.executescript("PRAGMA journal_mode=WAL;")
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'address'").fetchone():
        conn.executescript(_SCHEMA)
    with conn:
        import_file(conn, ncg, "NCG")
    with conn:
        import_file(conn, img, "IMG")
    conn.close()
