"""Older, unencrypted databases for tests: what a version before SQLCipher wrote."""

from __future__ import annotations

from pathlib import Path

from buddy_desk.persistence.encryption import SQLITE_HEADER, connect_file


def plain_copy(source: Path, target: Path) -> Path:
    """The database at ``source``, unencrypted at ``target`` (``sqlcipher_export``)."""
    conn = connect_file(source, isolation_level=None)
    try:
        conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        conn.execute("SELECT sqlcipher_export('plain')")
        conn.execute("DETACH DATABASE plain")
    finally:
        conn.close()
    assert target.read_bytes()[:16] == SQLITE_HEADER
    return target
