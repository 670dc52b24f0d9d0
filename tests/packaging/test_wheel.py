"""The wheel is what a laptop gets: build it, install it into a fresh venv and work from there.

The fresh venv has no pip and no index; it borrows the dependencies (PySide6, ReportLab, …)
from this test's venv through a ``.pth`` line, which adds the folder to ``sys.path`` but does
not run that folder's own ``.pth`` files — so the editable install of the source tree stays
out, and ``buddy_desk`` can only come from the wheel.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from buddy_desk.documents.templates import load_templates_from

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
PACKAGED = "buddy_desk/_resources/"


@dataclass(frozen=True)
class Installed:
    venv: Path
    env: dict[str, str]
    work: Path

    def run(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            args, cwd=self.work, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == expect, f"{args} → {done.returncode}\n{done.stderr}"
        return done

    def python(self, code: str) -> str:
        return self.run(str(self.venv / "bin" / "python"), "-c", code).stdout.strip()

    def buddy_desk(self, *args: str, expect: int = 0) -> subprocess.CompletedProcess[str]:
        return self.run(str(self.venv / "bin" / "buddy-desk"), *args, expect=expect)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"  # a copy: building writes build/ and *.egg-info beside the sources
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("src", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=skip)
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    subprocess.run(
        [*pip_wheel, "--quiet", "--wheel-dir", str(work / "dist"), str(source)],
        check=True,
        timeout=300,
    )
    (built,) = (work / "dist").glob("buddy_desk-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Installed:
    work = tmp_path_factory.mktemp("installed")
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    pip_install = [sys.executable, "-m", "pip", "--python", str(python), "install"]
    subprocess.run(
        [*pip_install, "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True,
        timeout=300,
    )
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("BUDDY_DESK_", "PYTHON")) and k not in {"VIRTUAL_ENV"}
    }
    env |= {"PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "HOME": str(work)}
    # as on a laptop without BUDDY_DESK_KEY: a random key, in a key file of this work folder
    # (never in the keyring of the person running the tests)
    env |= {
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "XDG_CONFIG_HOME": str(work / "config"),
    }
    return Installed(venv=venv, env=env, work=work)


def test_the_wheel_carries_fonts_translations_letters_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        PACKAGED + p.relative_to(ROOT / "resources").as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert shipped - names == set()
    fonts = {n for n in names if n.startswith(PACKAGED + "fonts/") and n.endswith(".ttf")}
    assert {Path(n).name for n in fonts} >= {"OpenSans-Regular.ttf", "OpenSans-Bold.ttf"}
    for language in ("nl", "en"):
        assert PACKAGED + f"i18n/{language}/ui.json" in names
    assert PACKAGED + "letters/nl/briefhoofd.txt" in names
    assert "buddy_desk/persistence/migrations/versions/0001_initial.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_installed_wheel_is_what_runs(installed: Installed) -> None:
    found = json.loads(
        installed.python(
            "import json, buddy_desk, buddy_desk.resources as r;"
            "print(json.dumps([buddy_desk.__file__, str(r.resources_dir())]))"
        )
    )
    package, resources = (Path(p) for p in found)
    assert package.is_relative_to(installed.venv), package
    assert resources.is_relative_to(installed.venv), resources
    assert resources.parts[-2:] == ("buddy_desk", "_resources")


def test_a_summary_letter_from_the_installed_wheel(installed: Installed) -> None:
    db = str(installed.work / "demo.sqlite")
    installed.buddy_desk("demo", "--scale", "0.01", "--db", db)
    # the consent gate: without a user profile no group and no case details are shown, so act
    # as one of the demo's IMG staff (the demo records NCG's consent on some B dossiers)
    with Path(db).open("rb") as fh:
        assert fh.read(16) != b"SQLite format 3\x00"  # encrypted, by the installed program
    # read with the key the installed program filed (the encryption module of the wheel)
    user = installed.python(
        "from pathlib import Path\n"
        "from buddy_desk.persistence.encryption import connect_file\n"
        f"conn = connect_file(Path({db!r}), read_only=True)\n"
        "print(conn.execute(\"SELECT username FROM supervisor WHERE organisation = 'IMG'\"\n"
        '    " AND username IS NOT NULL ORDER BY id LIMIT 1").fetchone()[0])\n'
    )
    as_user = ("--user", user, "--db", db)
    listed = installed.buddy_desk("dossiers", "--group", "B", "--limit", "1", "--json", *as_user)
    (first,) = json.loads(listed.stdout)
    pdf = installed.work / "brief.pdf"
    installed.buddy_desk("letter", str(first["id"]), "--out", str(pdf), *as_user)

    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    text = " ".join((page.extract_text() or "") for page in reader.pages)
    templates = load_templates_from(ROOT / "resources" / "letters" / "nl")
    for title in ("schade.titel", "versterking.titel", "samen.titel"):
        assert " ".join(templates.text(title).split()) in " ".join(text.split())
    fonts: set[str] = set()
    for page in reader.pages:
        used: Any = page["/Resources"]
        fonts |= {str(ref.get_object()["/BaseFont"]) for ref in used["/Font"].values()}
    assert fonts and all("OpenSans" in f for f in fonts), fonts


def test_translations_from_the_installed_wheel(installed: Installed) -> None:
    english = installed.buddy_desk(
        "screenshot", "--out", "x.png", "--size", "1x1", "--lang", "en", expect=2
    )
    dutch = installed.buddy_desk("screenshot", "--out", "x.png", "--size", "1x1", expect=2)
    assert "is not a valid size" in english.stderr
    assert "is geen geldige maat" in dutch.stderr
    assert (
        installed.python(
            "from buddy_desk.i18n import set_language, tr; set_language('en');"
            "print(tr('process.NCG'))"
        )
        == "Strengthening (NCG)"
    )
