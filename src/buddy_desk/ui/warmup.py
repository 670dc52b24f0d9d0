"""Import the workspaces' heavy, Qt-free modules (ReportLab, letter layout, planning services)
on a background thread once the window is usable, so the first visit to a workspace builds
widgets only instead of keeping the GUI thread busy with imports for a second or more.

Only Qt-free modules are imported here: creating Qt classes belongs on the GUI thread.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Sequence

log = logging.getLogger(__name__)

WORKSPACE_MODULES = (
    "reportlab.platypus",
    "buddy_desk.documents.layout",
    "buddy_desk.letters.render",
    "buddy_desk.letters.service",
    "buddy_desk.planning.service.output",
    "buddy_desk.planning.service.queue",
    "buddy_desk.planning.service.week",
    "buddy_desk.planning.service.register",
    "buddy_desk.samenloop.service",
    "buddy_desk.signals.service",
    "buddy_desk.choices.service.exports",
)


def warm_up(modules: Sequence[str] = WORKSPACE_MODULES) -> threading.Thread:
    def run() -> None:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # a missing optional module must not disturb the app
                log.warning("warm-up import failed: %s", name, exc_info=True)

    thread = threading.Thread(target=run, name="buddy-desk-warmup", daemon=True)
    thread.start()
    return thread
