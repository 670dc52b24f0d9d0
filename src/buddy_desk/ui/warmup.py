"""After the first paint: import what the start-up left out, off the GUI thread.

The window shows the dossier list's first page with SQLAlchemy Core only (``list_tables``,
``list_gate``). Right after that paint a worker imports the ORM, every model and the
services behind the dossier view and the workspaces (ReportLab, letter layout, planning),
so the first dossier or workspace a user opens builds widgets only instead of keeping the
GUI thread busy with imports for a second or more. A click that comes earlier waits for the
import it needs (Python's import lock) under a busy cursor (``MainWindow.open_dossier``).

Only Qt-free modules are imported on the worker: creating Qt classes belongs on the GUI
thread, where the workspaces' own modules follow one per turn of the event loop
(``import_one_by_one``). The worker starts once the list has painted its first page
(``after_paint``), so it does not compete with that paint for the interpreter.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from buddy_desk.i18n import LANGUAGES, catalog
from buddy_desk.progress import Progress
from buddy_desk.ui.tasks import TaskHandle, TaskRunner

log = logging.getLogger(__name__)

START_MODULES = (
    "sqlalchemy.orm",
    "buddy_desk.models.all_models",
    "buddy_desk.persistence.listing",
    "buddy_desk.choices.service.consent",
    "buddy_desk.dossiers.service",
    "buddy_desk.sync.service",
    # what the dossier view's Qt modules import, so that importing those on the GUI thread
    # defines Qt classes only
    "buddy_desk.attachments.service",
    "buddy_desk.dossiers.next_steps",
    "buddy_desk.dossiers.notes",
    "buddy_desk.planning.service.booking",
    "buddy_desk.signals.service",
    "buddy_desk.signals.svip",
)
"""The ORM and the models: left out of the start, needed by the first dossier opened."""

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
    "buddy_desk.outreach.service",
    "buddy_desk.pairs.service",
)
"""The Qt-free modules behind the workspaces (tests/ui/test_startup_path checks that none is
missing)."""


def import_one_by_one(modules: Sequence[str], then: Callable[[], object] | None = None) -> None:
    """Import Qt modules on the GUI thread, one per turn of the event loop (each takes a few
    milliseconds once ``WORKSPACE_MODULES`` are in), so a click in between is answered;
    ``then`` in the turn after the last."""
    pending = list(modules)

    def next_one() -> None:
        if pending:
            import_all([pending.pop(0)])
            QTimer.singleShot(0, next_one)
        elif then is not None:
            then()

    QTimer.singleShot(0, next_one)


def import_all(modules: Sequence[str]) -> None:
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # a missing optional module must not disturb the app
            log.warning("warm-up import failed: %s", name, exc_info=True)


def warm_up(
    tasks: TaskRunner,
    on_done: Callable[[None], None] | None = None,
    modules: Sequence[str] = START_MODULES,
) -> TaskHandle[None]:
    """Import ``modules`` on the task runner; ``on_done`` on the GUI thread afterwards."""

    def job(_progress: Progress) -> None:
        import_all(modules)
        for language in LANGUAGES:  # a first switch of language reads no catalog
            catalog(language)

    return tasks.start(job, on_done=on_done)


class _AfterPaint(QObject):
    """Calls back once, on the event loop's next turn after ``widget`` has painted."""

    def __init__(self, widget: QWidget, callback: Callable[[], object]) -> None:
        super().__init__(widget)
        self._callback = callback
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._callback)
            self.deleteLater()
        return False


def after_paint(widget: QWidget, callback: Callable[[], object]) -> None:
    """``callback`` once ``widget`` has painted (now, if it is hidden: nothing will paint)."""
    if not widget.isVisible():
        QTimer.singleShot(0, callback)
        return
    _AfterPaint(widget, callback)
