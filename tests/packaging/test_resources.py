"""``buddy_desk.resources``: one place decides where the data files are."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from buddy_desk import resources
from buddy_desk.resources import ENV_RESOURCES, resource, resources_dir

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_lookup(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(ENV_RESOURCES, raising=False)
    resources_dir.cache_clear()
    yield
    resources_dir.cache_clear()  # the monkeypatches are undone after this; look again then


def _copy(to: Path) -> Path:
    shutil.copytree(ROOT / "resources", to, ignore=shutil.ignore_patterns("__pycache__"))
    return to


def test_the_installed_package_maps_the_top_level_folder() -> None:
    # make setup's editable install: importlib.resources finds buddy_desk._resources, and
    # that is the repository's resources/ itself, so a coordinator's edit shows at once
    assert resources._packaged() == ROOT / "resources", "an old editable install? make setup"
    assert resources_dir() == ROOT / "resources"
    assert (resource("letters", "nl") / "briefhoofd.txt").is_file()


def test_a_coordinators_own_folder_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    own = _copy(tmp_path / "eigen")
    monkeypatch.setenv(ENV_RESOURCES, str(own))
    assert resource("letters", "nl") == own / "letters" / "nl"


def test_a_folder_without_translations_is_passed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_RESOURCES, str(tmp_path))
    assert resources_dir() == ROOT / "resources"


def test_a_frozen_build_reads_the_folder_beside_the_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _copy(tmp_path / "resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"
