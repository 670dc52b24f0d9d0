"""SQLite keeps what the list read in memory: a bigger page cache per connection (every page
read from the encrypted file is decrypted again once it falls out), and the pool hands the
GUI thread back the connection it just used, whose cache holds those pages."""

from __future__ import annotations

from buddy_desk.demo.generator import generate
from buddy_desk.persistence.engine import PAGE_CACHE_KB
from buddy_desk.persistence.schema import open_database


def test_a_sqlite_connection_keeps_the_lists_pages(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -PAGE_CACHE_KB
        generate(engine, seed=3, scale=0.01)  # a bulk load sets its own cache, then the engine's
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -PAGE_CACHE_KB
    finally:
        engine.dispose()


def test_the_next_read_gets_the_connection_used_last(sqlite_url: str) -> None:
    engine = open_database(sqlite_url)
    try:
        first, second = engine.connect(), engine.connect()  # two in the pool
        used_first = first.connection.driver_connection
        used_last = second.connection.driver_connection
        first.close()
        second.close()
        with engine.connect() as again:
            assert again.connection.driver_connection is used_last
        assert used_first is not used_last
    finally:
        engine.dispose()
