"""Where the shipped data files are: translations, letter templates, fonts, icons.

They live in the repository's top-level ``resources/`` so a coordinator can find and adjust
the letter templates; the build maps that folder into the package as ``buddy_desk._resources``
(``setup.py``), so a wheel and an editable install both find it through
``importlib.resources``. A frozen build (packaging/) ships the folder beside the program, and
``BUDDY_DESK_RESOURCES`` points at a coordinator's own copy.
"""

from __future__ import annotations

import importlib.resources
import os
import sys
from functools import cache
from pathlib import Path

import buddy_desk

ENV_RESOURCES = "BUDDY_DESK_RESOURCES"
PACKAGE = "buddy_desk._resources"


def _packaged() -> Path | None:
    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        return None
    # ReportLab and the letter templates need real files; every install we make has them
    # (a wheel unpacks, an editable install points at resources/), so a zip import is not one.
    return root if isinstance(root, Path) else None


@cache
def resources_dir() -> Path:
    candidates: list[Path] = []
    if env := os.environ.get(ENV_RESOURCES):
        candidates.append(Path(env))
    if frozen := getattr(sys, "_MEIPASS", None):
        candidates.append(Path(frozen) / "resources")
    if packaged := _packaged():
        candidates.append(packaged)
    # src/ on sys.path without an install (or an editable install older than the mapping):
    # src/buddy_desk/__init__.py → the repository's resources/
    candidates.append(Path(buddy_desk.__file__).resolve().parents[2] / "resources")
    for candidate in candidates:
        if (candidate / "i18n").is_dir():
            return candidate
    raise FileNotFoundError(
        "Buddy Desk resources folder not found; set BUDDY_DESK_RESOURCES to its path"
    )


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
