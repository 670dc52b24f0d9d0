"""A throwaway PostgreSQL server for the tests, on a Unix socket in a temporary folder.

The server binaries refuse to run as root, so as root they run as the ``postgres`` user.
Without binaries the PostgreSQL tests skip, except under CI=true, where they must run.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def find_bin_dir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for folder in candidates:
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


@contextmanager
def throwaway_server(bin_dir: Path) -> Iterator[str]:
    """Start a server; yield a SQLAlchemy URL base (without database name); stop and remove."""
    root = Path(tempfile.mkdtemp(prefix="buddy-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sock, "postgres")
    root.chmod(0o755)

    def run(cmd: list[str]) -> None:
        subprocess.run(
            _as_server_user(cmd), check=True, capture_output=True, text=True, timeout=120
        )

    try:
        run(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ]
        )
        opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        run(
            [
                str(bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                opts,
                "-w",
                "-t",
                "60",
                "-l",
                str(root / "server.log"),
                "start",
            ]
        )
        try:
            yield f"postgresql+psycopg://postgres@/{{db}}?host={sock}"
        finally:
            subprocess.run(
                _as_server_user(
                    [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]
                ),
                capture_output=True,
                timeout=60,
                check=False,
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
