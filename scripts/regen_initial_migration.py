"""Regenerate versions/0001_initial.py from the models (only before the first release).

Usage: .venv/bin/python scripts/regen_initial_migration.py
Once a release has shipped, add new revisions instead (alembic autogenerate on top of head).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine

from buddy_desk.persistence.schema import MIGRATIONS


def main() -> None:
    target = MIGRATIONS / "versions" / "0001_initial.py"
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite:///{Path(tmp) / 'empty.sqlite'}")
        with engine.begin() as conn:
            cfg = Config()
            cfg.set_main_option("script_location", str(MIGRATIONS))
            cfg.attributes["connection"] = conn
            command.revision(cfg, message="initial", autogenerate=True, rev_id="0001")
    produced = next((MIGRATIONS / "versions").glob("0001_*.py"))
    produced.rename(target)
    subprocess.run([sys.executable, "-m", "ruff", "format", "-q", str(target)], check=True)
    subprocess.run([sys.executable, "-m", "ruff", "check", "-q", "--fix", str(target)], check=True)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
