"""Where the shipped data files are: translations, letter templates, fonts, icons.

They live in the repository's top-level ``resources/`` so a coordinator can find and adjust
the letter templates; a frozen build (packaging/) ships the folder beside the program.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

ENV_RESOURCES = "BUDDY_DESK_RESOURCES"


@cache
def resources_dir() -> Path:
    candidates: list[Path] = []
    if env := os.environ.get(ENV_RESOURCES):
        candidates.append(Path(env))
    if frozen := getattr(sys, "_MEIPASS", None):
        candidates.append(Path(frozen) / "resources")
    candidates.append(Path(__file__).resolve().parents[2] / "resources")
    for candidate in candidates:
        if (candidate / "i18n").is_dir():
            return candidate
    raise FileNotFoundError(
        "Buddy Desk resources folder not found; set BUDDY_DESK_RESOURCES to its path"
    )


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
