"""How much of the import's time is SQLite writing the rows the schema asks for.

``python -m benchmarks.import_writes [ROUNDS]`` imports both sample exports once, capturing
every bulk insert the import sends (statement and rows, converted as the driver gets them),
then replays exactly those ``executemany`` calls — no parsing, matching, list computation or
signals — into an empty database of the same schema, in the import's two transactions, and
prints that against ``floor_import`` in the same round (alternated). Replayed into a SQLCipher
file (as the app writes) and a plain one. Not part of ``make bench``: an analysis of the
floor an import with this schema cannot go below (docs/benchmarks.md, "Imports, round 3").
"""

from __future__ import annotations

import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from benchmarks.bench_import import plain_database
from benchmarks.floor_import import floor_import
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.samples import generate_exports
from buddy_desk.importing.service import import_export
from buddy_desk.persistence import bulk_write, encryption
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork

Captured = list[tuple[int, str, list[tuple[Any, ...]]]]  # transaction, statement, rows


def capture(work: Path, ncg: bytes, img: bytes) -> tuple[Path, Captured]:
    """Import both files into a new database; what each flush sent, per transaction."""
    captured: Captured = []
    transaction = [0]
    original = bulk_write.BulkInsert.flush

    def flush(self: bulk_write.BulkInsert) -> int:
        if self.rows:
            rows = list(self.rows)
            if self._convert:
                columns = [
                    list(col) if memo is None else [memo[v] for v in col]
                    for memo, col in zip(self._converters, zip(*rows, strict=True), strict=True)
                ]
                rows = list(zip(*columns, strict=True))
            captured.append((transaction[0], self._sql, rows))
        return original(self)

    path = work / "captured.sqlite"
    engine = open_database(f"sqlite:///{path}", create=True)
    bulk_write.BulkInsert.flush = flush  # type: ignore[method-assign]
    try:
        uow = UnitOfWork(engine)
        import_export(uow, ExportKind.NCG, ncg, "ncg.csv", today=date(2026, 11, 26))
        transaction[0] = 1
        import_export(uow, ExportKind.IMG, img, "img.csv", today=date(2026, 11, 26))
    finally:
        bulk_write.BulkInsert.flush = original  # type: ignore[method-assign]
        engine.dispose()
    return path, captured


def replay(source: Path, target: Path, captured: Captured) -> float:
    """The captured inserts into ``target`` (an empty database at head), timed."""
    conn = encryption.connect_file(target, isolation_level=None)
    try:
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("PRAGMA cache_size=-131072")  # as the import has it
        # the rows the import writes outside its bulk inserts (buddies, its batches)
        src = encryption.connect_file(source)
        for table in ("supervisor", "import_batch"):
            rows = src.execute(f"SELECT * FROM {table}").fetchall()
            marks = ", ".join("?" for _ in rows[0])
            conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        src.close()
        started = time.perf_counter()
        for transaction in (0, 1):
            conn.execute("BEGIN IMMEDIATE")
            for t, sql, rows in captured:
                if t == transaction:
                    # the import deletes a list row it replaces; the replay replaces it
                    sql = sql.replace("INTO dossier_listing", "OR REPLACE INTO dossier_listing")
                    conn.executemany(sql, rows)
            conn.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        conn.close()


def main(rounds: int) -> None:
    exports = generate_exports(26_800, 45_000, seed=2021)
    with tempfile.TemporaryDirectory(prefix="import-writes-") as tmp:
        work = Path(tmp)
        source, captured = capture(work, exports.ncg, exports.img)
        count = sum(len(rows) for _, _, rows in captured)
        print(f"{len(captured)} bulk inserts, {count:,} rows")
        for i in range(rounds):
            started = time.perf_counter()
            floor_import(work / f"floor-{i}.sqlite", exports.ncg, exports.img)
            floor = time.perf_counter() - started
            encrypted = work / f"encrypted-{i}.sqlite"
            open_database(f"sqlite:///{encrypted}", create=True).dispose()
            plain = work / f"plain-{i}.sqlite"
            plain_database(plain, work)
            enc_s = replay(source, encrypted, captured)
            plain_s = replay(source, plain, captured)
            print(
                f"floor {floor:.2f} s; the import's inserts alone: SQLCipher {enc_s:.2f} s "
                f"({enc_s / floor:.1f}×), plain {plain_s:.2f} s ({plain_s / floor:.1f}×)",
                flush=True,
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
