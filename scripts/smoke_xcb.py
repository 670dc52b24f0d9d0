"""Smoke test on a real X display: the app starts with Qt's xcb plugin and shows the list.

Starts Xvfb on a free display, builds a small demo database, starts the app there with
``QT_QPA_PLATFORM=xcb`` (never offscreen), waits until its main window is mapped and the
dossier list has loaded (the app's own log line), grabs that window from the X server to a
PNG and checks it: the window title, the number of dossiers loaded against the database, and
that the picture is not blank. A missing system library makes the app abort before it shows
a window, and this script fails naming the app's last words.

    .venv/bin/python scripts/smoke_xcb.py                       # the installed buddy-desk
    .venv/bin/python scripts/smoke_xcb.py --cli dist/buddy-desk/buddy-desk-cli \\
        --gui dist/buddy-desk/buddy-desk                         # a PyInstaller bundle

Needs Xvfb and xwininfo (``scripts/system-deps.sh`` installs them). Writes ``smoke.png``,
``smoke.json`` and the app's log into ``--out`` (default ``out/smoke-xcb``). Exit 0 = passed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
SCREEN = "1600x1000x24"
LOADED = re.compile(r"list: \d+ of (\d+) dossiers, first page in")  # the list view's log line
# xwininfo -root -tree, one line per window:
#   0x200007 "Buddy Desk — … — smoke.sqlite": ("buddy-desk" "Buddy Desk")  1366x768+0+0  +0+0
WINDOW = re.compile(r"^\s*(0x[0-9a-f]+) \"(Buddy Desk[^\"]*)\":.*?(\d+)x(\d+)\+-?\d+\+-?\d+", re.M)


class SmokeError(Exception):
    pass


@dataclass(frozen=True)
class Report:
    display: str
    window_id: str
    title: str
    width: int
    height: int
    dossiers_in_database: int
    dossiers_loaded: int
    distinct_colours: int
    dominant_colour_share: float
    seconds_to_window: float
    png: str


def main(argv: list[str] | None = None) -> int:
    bin_dir = Path(sys.executable).parent
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cli", default=str(bin_dir / "buddy-desk"), help="the command line")
    parser.add_argument("--gui", help="the windowed program (default: --cli)")
    parser.add_argument("--out", default=str(ROOT / "out" / "smoke-xcb"), help="artefacts here")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for the list")
    parser.add_argument("--grab", metavar="WINDOW_ID", help=argparse.SUPPRESS)  # see grab()
    args = parser.parse_args(argv)
    if args.grab:
        return grab_here(args.grab, Path(args.out))
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    try:
        report = smoke(Path(args.cli), Path(args.gui or args.cli), out, args.timeout)
    except SmokeError as exc:
        print(f"smoke-xcb: FAILED: {exc}", file=sys.stderr)
        return 1
    (out / "smoke.json").write_text(json.dumps(asdict(report), indent=2, ensure_ascii=False))
    print(
        f"smoke-xcb: OK — {report.title!r} {report.width}x{report.height} on {report.display}, "
        f"{report.dossiers_loaded} dossiers listed, {report.distinct_colours} colours, "
        f"window after {report.seconds_to_window:.1f} s → {report.png}"
    )
    return 0


def smoke(cli: Path, gui: Path, out: Path, timeout: float) -> Report:
    for tool in ("Xvfb", "xwininfo"):
        if shutil.which(tool) is None:
            raise SmokeError(f"{tool} is not installed; run scripts/system-deps.sh")
    with tempfile.TemporaryDirectory(prefix="buddy-desk-smoke-") as tmp_name:
        tmp = Path(tmp_name)
        env = isolated_env(tmp)
        db = tmp / "smoke.sqlite"
        run([str(cli), "demo", "--scale", "0.02", "--db", str(db)], env)
        listed = json.loads(run([str(cli), "dossiers", "--json", "--db", str(db)], env))
        username = first_username(db, env)
        with xvfb() as display:
            env |= {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
            log_file = out / "app.log"
            started = time.monotonic()
            with (
                log_file.open("w") as log,
                running([str(gui), "--db", str(db), "--user", username, "-v"], env, log) as app,
            ):
                try:
                    window_id, title, size, loaded = wait_for_list(app, display, log_file, timeout)
                except SmokeError as exc:
                    raise SmokeError(f"{exc}\n{missing_libraries(gui)}") from None
                seconds = time.monotonic() - started
                time.sleep(0.5)  # one more paint after the rows arrived
                png = out / "smoke.png"
                colours, share = grab(display, window_id, size, png)
    if db.name not in title:
        raise SmokeError(f"window title {title!r} does not name the database")
    if loaded != len(listed):
        raise SmokeError(f"the list loaded {loaded} dossiers, the database has {len(listed)}")
    if colours < 16 or share > 0.97:
        raise SmokeError(f"{png} looks blank ({colours} colours, {share:.0%} one colour)")
    return Report(
        display=display,
        window_id=window_id,
        title=title,
        width=size[0],
        height=size[1],
        dossiers_in_database=len(listed),
        dossiers_loaded=loaded,
        distinct_colours=colours,
        dominant_colour_share=round(share, 3),
        seconds_to_window=round(seconds, 2),
        png=str(png),
    )


def isolated_env(tmp: Path) -> dict[str, str]:
    """No settings, data or log of the person running this; no inherited display."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "BUDDY_DESK_DB"}
    }
    # the database key goes to a key file in the throwaway config folder, never into the
    # keyring of the person running this (BUDDY_DESK_KEY, when set, is used as it is)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = tmp / name.lower()
        folder.mkdir()
        env[name] = str(folder)
    env["HOME"] = str(tmp)
    return env


def run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SmokeError(f"{' '.join(cmd)} → exit {done.returncode}\n{done.stderr.strip()}")
    return done.stdout


def first_username(db: Path, env: dict[str, str]) -> str:
    """A demo supervisor to sign in as, so the first-start profile dialog does not open.

    Read in a child with the app's environment: the database is encrypted, and its key is
    where the app keeps it for that environment (BUDDY_DESK_KEY, keyring or key file).
    """
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from buddy_desk.persistence.encryption import connect_file\n"
        "row = connect_file(Path(sys.argv[1]), read_only=True).execute(\n"
        "    'SELECT username FROM supervisor WHERE active AND username IS NOT NULL'\n"
        "    ' ORDER BY username LIMIT 1').fetchone()\n"
        "print(row[0] if row else '')\n"
    )
    username = run([sys.executable, "-c", code, str(db)], env).strip()
    if not username:
        raise SmokeError("the demo database has no supervisor to sign in as")
    return username


@contextmanager
def xvfb() -> Iterator[str]:
    """Xvfb on the first free display (it tells us which through -displayfd)."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()  # written once the server accepts clients
        if not number.isdigit():
            stderr = server.stderr.read().decode(errors="replace") if server.stderr else ""
            raise SmokeError(f"Xvfb did not start: {stderr.strip()}")
        yield f":{number}"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


@contextmanager
def running(cmd: list[str], env: dict[str, str], log: IO[str]) -> Iterator[subprocess.Popen[bytes]]:
    app = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield app
    finally:
        if app.poll() is None:
            app.send_signal(signal.SIGTERM)
            try:
                app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()


def wait_for_list(
    app: subprocess.Popen[bytes], display: str, log_file: Path, timeout: float
) -> tuple[str, str, tuple[int, int], int]:
    """(window id, title, size, dossiers loaded) once the window is viewable and the list full."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if app.poll() is not None:
            raise SmokeError(
                f"the app exited with code {app.returncode} before showing its list:\n"
                + tail(log_file)
            )
        loaded = LOADED.search(log_file.read_text(errors="replace"))
        window = find_window(display)
        if loaded and window:
            return (*window, int(loaded.group(1)))
        time.sleep(0.25)
    raise SmokeError(f"no window with a loaded list after {timeout:.0f} s:\n" + tail(log_file))


def find_window(display: str) -> tuple[str, str, tuple[int, int]] | None:
    tree = subprocess.run(
        ["xwininfo", "-display", display, "-root", "-tree"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for m in WINDOW.finditer(tree):
        info = subprocess.run(
            ["xwininfo", "-display", display, "-id", m.group(1)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if "Map State: IsViewable" in info:
            return m.group(1), m.group(2), (int(m.group(3)), int(m.group(4)))
    return None


def grab(display: str, window_id: str, size: tuple[int, int], png: Path) -> tuple[int, float]:
    """The window's pixels as the X server has them; (distinct colours, dominant share).

    A separate X client (this script again), so no Qt connection outlives the display.
    """
    env = os.environ | {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb"}
    cmd = [sys.executable, __file__, "--grab", window_id, "--out", str(png)]
    found = json.loads(run(cmd, env))
    if (found["width"], found["height"]) != size:
        raise SmokeError(f"grabbed {found['width']}x{found['height']}, window is {size}")
    return int(found["colours"]), float(found["share"])


def grab_here(window_id: str, png: Path) -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication([sys.argv[0]])
    image = app.primaryScreen().grabWindow(int(window_id, 16)).toImage()
    if image.isNull() or not image.save(str(png)):
        print(f"could not grab window {window_id} into {png}", file=sys.stderr)
        return 1
    counts: dict[int, int] = {}
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            rgb = image.pixel(x, y)
            counts[rgb] = counts.get(rgb, 0) + 1
    share = max(counts.values()) / sum(counts.values())
    found = {"width": image.width(), "height": image.height(), "colours": len(counts)}
    print(json.dumps(found | {"share": share}))
    return 0


def missing_libraries(gui: Path) -> str:
    """What the loader cannot find for the xcb plugin the app uses (the usual cause)."""
    plugins = [p for p in gui.resolve().parent.rglob("libqxcb.so") if "PySide6" in p.parts]
    spec = importlib.util.find_spec("PySide6")
    for location in (spec.submodule_search_locations or []) if spec else []:
        plugins += Path(location).glob("Qt/plugins/platforms/libqxcb.so")
    missing: set[str] = set()
    for plugin in plugins:
        qpa = plugin.parents[2] / "lib" / "libQt6XcbQpa.so.6"
        ldd = subprocess.run(["ldd", str(plugin), str(qpa)], capture_output=True, text=True)
        missing |= {line.split()[0] for line in ldd.stdout.splitlines() if "not found" in line}
    if not missing:
        return "(ldd finds every library of the xcb plugin)"
    return f"ldd: not found: {' '.join(sorted(missing))} — run scripts/system-deps.sh"


def tail(path: Path, lines: int = 15) -> str:
    text = path.read_text(errors="replace").strip().splitlines()
    return "\n".join("    " + line for line in text[-lines:]) or "    (no output)"


if __name__ == "__main__":
    sys.exit(main())
