"""Fault injection: kill -9 at random points of writing commands, file-size limits, a lock
held by another process. Afterwards nothing acknowledged is lost, no guard is missing, no
file is refused for good, and every failure was one line on stderr with exit code 2.

Each case runs the real command line in a child process (``python -m buddy_desk``), so the
kill lands wherever the work happens to be: interpreter start, schema creation, the demo
load, the commit. Delays come from a fixed seed: a failure can be replayed.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from buddy_desk.cli import main as cli_main
from buddy_desk.persistence.encryption import connect_file
from buddy_desk.persistence.log_guards import APPEND_ONLY, FORWARD_ONLY, guard_statements
from buddy_desk.persistence.schema import current_revision, head_revision, open_database

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(os.name != "posix", reason="signals and resource limits are POSIX"),
]
ROOT = Path(__file__).resolve().parents[3]
RNG = random.Random(13)


def _env(**extra: str) -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "src"), **extra)


def _start(*args: str, limit_bytes: int | None = None) -> subprocess.Popen[str]:
    def limit() -> None:
        if limit_bytes is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    return subprocess.Popen(
        [sys.executable, "-m", "buddy_desk", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        preexec_fn=limit,
    )


def _kill_after(child: subprocess.Popen[str], seconds: float) -> bool:
    """SIGKILL the child after ``seconds`` unless it finished; True if it was killed."""
    try:
        child.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        return True
    return False


def _guards_in_file(path: Path) -> set[str]:
    """The guard triggers as the file holds them (a bare connection: nothing restores them)."""
    conn = connect_file(path)
    try:
        return {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    finally:
        conn.close()


EXPECTED_GUARDS = {
    s.split()[2] for t in (*APPEND_ONLY, *FORWARD_ONLY) for s in guard_statements(t, "sqlite")
}


def _one_line(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_kills_during_first_creation_never_leave_a_file_refused_for_good(tmp_path: Path) -> None:
    for n in range(3):
        path = tmp_path / f"nieuw{n}.sqlite"
        child = _start("demo", "--db", str(path), "--scale", "0.02")
        _kill_after(child, RNG.uniform(0.8, 3.0))
        if path.exists():  # whatever is there is a whole database: schema and guards
            assert _guards_in_file(path) >= EXPECTED_GUARDS
        assert cli_main(["demo", "--db", str(path), "--scale", "0.02", "--if-missing"]) == 0
        engine = open_database(f"sqlite:///{path}", create=False)
        assert current_revision(engine) == head_revision()
        engine.dispose()
        assert not list(tmp_path.glob(f".nieuw{n}.sqlite.creating-*"))


def test_kills_during_demo_force_never_lose_a_guard(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    assert cli_main(["demo", "--db", str(path), "--scale", "0.02"]) == 0
    for _ in range(3):
        child = _start("demo", "--db", str(path), "--scale", "0.02", "--force")
        _kill_after(child, RNG.uniform(1.0, 3.5))
        assert _guards_in_file(path) >= EXPECTED_GUARDS  # before the app could restore any
        assert cli_main(["verify-log", "--db", str(path)]) == 0
        assert cli_main(["dossiers", "--db", str(path), "--limit", "1"]) == 0


def test_kills_during_an_import_leave_all_or_nothing(tmp_path: Path) -> None:
    assert cli_main(["demo-exports", "--out", str(tmp_path), "--ncg", "3000", "--img", "10"]) == 0
    export = next(tmp_path.glob("*ncg*.csv"))
    path = tmp_path / "import.sqlite"
    open_database(f"sqlite:///{path}").dispose()
    for _ in range(2):
        child = _start("import", "ncg", str(export), "--db", str(path))
        if not _kill_after(child, RNG.uniform(1.0, 2.5)):
            break
        conn = connect_file(path)
        count = conn.execute("SELECT count(*) FROM dossier").fetchone()[0]
        conn.close()
        # one transaction: a killed import leaves nothing, or (killed after its commit,
        # while it was still writing its report) everything — never part of it
        assert count in (0, 3000)
    assert cli_main(["import", "ncg", str(export), "--db", str(path), "--json"]) == 0
    assert cli_main(["verify-log", "--db", str(path)]) == 0


def test_a_file_size_limit_is_one_line_and_leaves_no_half_files(tmp_path: Path) -> None:
    path = tmp_path / "vol.sqlite"
    child = _start("demo", "--db", str(path), "--scale", "0.05", limit_bytes=256_000)
    _out, err = child.communicate(timeout=120)
    assert child.returncode == 2
    line = _one_line(err)
    assert "vol" in line or "limiet" in line or "te groot" in line
    assert not list(tmp_path.glob(".vol.sqlite.creating-*"))
    # letters into a folder on a "full disk": no half letters, no .part files
    db = tmp_path / "brieven.sqlite"
    assert cli_main(["demo", "--db", str(db), "--scale", "0.02"]) == 0
    out_dir = tmp_path / "brieven"
    out_dir.mkdir()
    child = _start(
        "letters", "--all", "--db", str(db), "--out", str(out_dir), "--quiet", limit_bytes=40_000
    )
    _out, err = child.communicate(timeout=120)
    assert child.returncode == 2
    assert "te groot" in _one_line(err) or "vol" in _one_line(err)
    assert not list(out_dir.iterdir())


def test_a_lock_held_by_another_process_is_one_line_after_a_short_wait(tmp_path: Path) -> None:
    path = tmp_path / "bezet.sqlite"
    assert cli_main(["demo", "--db", str(path), "--scale", "0.02"]) == 0
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from buddy_desk.persistence.encryption import connect_file\n"
            "c = connect_file(Path(sys.argv[1]), isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE')\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        started = time.monotonic()
        child = subprocess.run(
            [sys.executable, "-m", "buddy_desk", "demo", "--db", str(path), "--force"],
            capture_output=True,
            text=True,
            env=_env(BUDDY_DESK_BUSY_MS="500"),
            timeout=120,
            check=False,
        )
        assert child.returncode == 2
        assert "bezet" in _one_line(child.stderr)
        assert time.monotonic() - started < 60
    finally:
        holder.kill()
        holder.wait()
    assert cli_main(["verify-log", "--db", str(path)]) == 0
