"""Typed settings and the places data lives (platformdirs)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "BuddyDesk"
APP_AUTHOR = "BuddyDesk"
ENV_DB = "BUDDY_DESK_DB"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))


def default_db_path() -> Path:
    return data_dir() / "buddy-desk.sqlite"


def demo_db_path() -> Path:
    return data_dir() / "demo.sqlite"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def resolve_db_url(cli_value: str | None) -> str:
    """--db beats BUDDY_DESK_DB beats the default file. A bare path means a SQLite file."""
    raw = cli_value or os.environ.get(ENV_DB) or str(default_db_path())
    if "://" in raw:
        return raw
    return sqlite_url(Path(raw).expanduser().resolve())


@dataclass(frozen=True)
class Settings:
    db_url: str
    language: str = "nl"
    username: str | None = None
