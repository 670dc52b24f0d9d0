"""The user's settings (language, window geometry, profile) in a JSON file in config_dir()."""

from __future__ import annotations

import contextlib
import json
import logging
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from buddy_desk.config import config_dir
from buddy_desk.core.files import FileError, atomic_write, private_dir
from buddy_desk.i18n import LANGUAGES
from buddy_desk.ui.context import UserProfile

log = logging.getLogger(__name__)
SETTINGS_FILE = "settings.json"


def settings_path() -> Path:
    return config_dir() / SETTINGS_FILE


@dataclass
class AppSettings:
    language: str | None = None
    geometry: str | None = None  # QMainWindow.saveGeometry(), base64
    window_state: str | None = None
    profile: UserProfile | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    persistent: bool = field(default=True, compare=False)
    """False for a window that must leave the user's settings file alone (a screenshot)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "geometry": self.geometry,
            "window_state": self.window_state,
            "profile": asdict(self.profile) if self.profile else None,
            "extra": self.extra,
        }


def _profile(data: object) -> UserProfile | None:
    if not isinstance(data, dict):
        return None
    try:
        sup = data.get("supervisor_id")
        return UserProfile(
            username=str(data["username"]),
            display_name=str(data["display_name"]),
            organisation=data.get("organisation") if data.get("organisation") else None,
            role=data.get("role") if data.get("role") else None,
            supervisor_id=int(sup) if sup is not None else None,
        )
    except (KeyError, TypeError, ValueError):
        return None


def load_settings(path: Path | None = None) -> AppSettings:
    """The stored settings; a missing or damaged file gives defaults (a damaged one is kept)."""
    path = path or settings_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AppSettings()
    except (OSError, ValueError) as exc:
        log.warning("settings file unreadable (%s); using defaults", type(exc).__name__)
        with contextlib.suppress(OSError):
            path.replace(path.with_suffix(".damaged.json"))
        return AppSettings()
    if not isinstance(data, dict):
        return AppSettings()
    language = data.get("language")
    extra = data.get("extra")
    return AppSettings(
        language=language if language in LANGUAGES else None,
        geometry=data.get("geometry") if isinstance(data.get("geometry"), str) else None,
        window_state=data.get("window_state")
        if isinstance(data.get("window_state"), str)
        else None,
        profile=_profile(data.get("profile")),
        extra=extra if isinstance(extra, dict) else {},
    )


def save_settings(settings: AppSettings, path: Path | None = None) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a file; after any
    save still under way (``save_settings_soon``), so this one is the last word."""
    wait_for_saves()
    if settings.persistent:
        _write(path or settings_path(), _text(settings))


def save_settings_soon(settings: AppSettings, path: Path | None = None) -> None:
    """``save_settings`` on a background thread: the write's fsync can keep the GUI thread
    for tens of milliseconds. Saves happen one at a time, in the order asked for."""
    global _pending
    if settings.persistent:
        _pending = _writer().submit(_write, path or settings_path(), _text(settings))


def wait_for_saves() -> None:
    """Wait for the saves asked for so far (they run in order: the last one done is all)."""
    if _pending is not None:
        _pending.result()


_pending: Future[None] | None = None


@cache
def _writer() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="settings")


def _text(settings: AppSettings) -> str:
    return json.dumps(settings.to_json(), ensure_ascii=False, indent=2)


def _write(path: Path, text: str) -> None:
    try:
        private_dir(path.parent)
        atomic_write(path, text)
    except (OSError, FileError) as exc:
        log.warning("could not save settings (%s)", type(exc).__name__)
