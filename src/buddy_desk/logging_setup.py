"""Logging, configured once. Logs hold ids and counts, never names, addresses or contents."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from buddy_desk.config import log_dir


def configure_logging(verbose: bool = False, directory: Path | None = None) -> Path | None:
    root = logging.getLogger()
    if getattr(root, "_buddy_desk_configured", False):
        return None
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    stderr = logging.StreamHandler()
    stderr.setLevel(logging.DEBUG if verbose else logging.WARNING)
    stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(stderr)
    path: Path | None = None
    try:
        folder = directory or log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "buddy-desk.log"
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    except OSError:
        path = None  # a read-only home must not stop the program
    root._buddy_desk_configured = True  # type: ignore[attr-defined]
    return path
