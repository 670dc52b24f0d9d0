"""The floor for start-up: a bare PySide6 window that imports SQLAlchemy and shows a 50-row
table read from the same database, in a fresh process (``python -m benchmarks.floor_window
URL`` prints one JSON line with ``start_s``).

Everything the app does beyond this (its own modules, the schema check, the first page of
the list) is what the ratio app / floor measures; the machine's speed cancels out. An
encrypted SQLite file (the app's own) is opened the way a bare app would: through SQLCipher
with the key the harness passes in ``KEY_ENV`` (found the way the app finds it).
"""

from __future__ import annotations

import time

_PROCESS_T0 = time.perf_counter()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
KEY_ENV = "BENCH_FLOOR_DB_KEY"


def probe(url: str) -> None:
    from PySide6.QtWidgets import QApplication, QTableWidget, QTableWidgetItem
    from sqlalchemy import create_engine, text

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app = QApplication.instance() or QApplication(sys.argv[:1])
    key = os.environ.get(KEY_ENV)
    if url.startswith("sqlite:///") and key:
        import sqlcipher3.dbapi2 as sqlcipher

        path = url.removeprefix("sqlite:///")

        def connect() -> object:
            conn = sqlcipher.connect(path)
            conn.execute(f"PRAGMA key = \"x'{key}'\"")
            return conn

        engine = create_engine("sqlite://", creator=connect, module=sqlcipher)
    else:
        engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT straat, huisnummer, postcode, woonplaats FROM address "
                "ORDER BY straat, huisnummer LIMIT 50"
            )
        ).all()
    table = QTableWidget(len(rows), 4)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(str(value)))
    table.resize(1366, 768)
    table.show()
    app.processEvents()
    print(
        json.dumps({"start_s": time.perf_counter() - _PROCESS_T0, "cpu_s": time.process_time()}),
        flush=True,
    )
    os._exit(0)


if __name__ == "__main__":
    probe(sys.argv[1])
