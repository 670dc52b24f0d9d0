"""Add a schema migration for model changes: ``.venv/bin/python scripts/new_migration.py "what"``.

Builds a throwaway SQLite database at the current head, lets Alembic compare it with the
models, and writes the next revision into persistence/migrations/versions/. Read and adjust
the result (SQLite needs batch operations; data migrations are written by hand), then run
``make test``: test_schema checks that models and migrations match on SQLite and PostgreSQL.
Revision 0001 has shipped, so it is never edited again.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config

from buddy_desk.persistence.schema import MIGRATIONS, head_revision, open_database


def main() -> None:
    if len(sys.argv) != 2 or not sys.argv[1].strip():
        raise SystemExit('usage: scripts/new_migration.py "short description"')
    head = head_revision()
    next_id = f"{int(head) + 1:04d}"
    # a throwaway database: a key for this run only, filed in no keyring or key folder
    os.environ.setdefault("BUDDY_DESK_KEY", secrets.token_hex(32))
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(f"sqlite:///{Path(tmp) / 'head.sqlite'}")
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=sys.argv[1], autogenerate=True, rev_id=next_id)
        engine.dispose()
    for produced in (MIGRATIONS / "versions").glob(f"{next_id}_*.py"):
        subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(produced)], check=True)
        subprocess.run([sys.executable, "-m", "ruff", "check", "-q", "--fix", str(produced)])
        print(f"wrote {produced}")


if __name__ == "__main__":
    main()
