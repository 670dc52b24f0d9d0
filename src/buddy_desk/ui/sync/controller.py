"""One sync controller per app: runs sync in the background, knows online/offline.

Sync runs on the thread pool (``ctx.ops``) with its own unit of work, so typing never waits
for the network; the outbox makes that safe (a note saved during the sync is queued, and the
pull is skipped until it is pushed). A timer syncs automatically while the app is open;
an unreachable server just means "offline" — no dialog unless the user asked. A refused or
revoked laptop is told once, in a dialog that does not block (the automatic sync must never
hold the window); the status bar keeps saying it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from buddy_desk.i18n import tr
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.messages import show_error, show_notice

AUTO_SYNC_MS = 5 * 60 * 1000
_KEY = "sync.controller"


class SyncController(QObject):
    changed = Signal()
    """The status (online, last sync, queue, conflicts) may look different now."""
    finished = Signal(object)
    """A sync ended: a ``SyncReport``, or the exception it failed with."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx.events)  # lives as long as its context
        self.ctx = ctx
        self.closed = False
        self._told: set[type[BaseException]] = set()  # automatic failures already shown
        self.status: service.SyncStatus | None = None
        self.online: bool | None = None  # None: not tried yet
        self.error: str | None = None
        self.refused = False  # the server refused this laptop (a chain head moved back)
        self.running = False
        self._timer = QTimer(self)
        self._timer.setInterval(AUTO_SYNC_MS)
        self._timer.timeout.connect(lambda: self.sync_now(None))
        ctx.events.dossier_changed.connect(lambda _id: self.refresh())
        ctx.events.closing.connect(self.stop)

    def stop(self) -> None:
        """No more automatic syncs (the app is closing)."""
        self.closed = True
        self._timer.stop()

    def refresh(self) -> None:
        self.ctx.ops.read(service.status, on_done=self._got_status, key=self)

    def _got_status(self, status: service.SyncStatus) -> None:
        first = self.status is None
        self.status = status
        if status.enrolled and first:
            self._timer.start()
            QTimer.singleShot(2000, self, lambda: self.sync_now(None))
        self.changed.emit()

    def sync_now(self, parent: QWidget | None) -> None:
        """Sync in the background; ``parent`` set: the user asked, so failures are shown."""
        if self.running or self.closed:
            return
        if self.status is not None and not self.status.enrolled:
            if parent is not None:
                show_error(parent, tr("sync.action.sync_now"), tr("sync.not_enrolled"))
            return
        self.running = True
        self.changed.emit()

        def run(uow: UnitOfWork) -> service.SyncReport:
            return service.sync(uow)

        self.ctx.ops.write(
            run,
            on_done=self._done,
            on_error=lambda exc: self._failed(exc, parent),
        )

    def _done(self, report: service.SyncReport) -> None:
        self.running = False
        self.online = True
        self.error = None
        self.refused = False
        if report.pulled or report.removed:
            self.ctx.events.dossiers_reloaded.emit()
        self.finished.emit(report)
        self.refresh()

    def _failed(self, exc: BaseException, parent: QWidget | None) -> None:
        self.running = False
        if not isinstance(exc, service.SyncBusyError):  # busy elsewhere is not offline
            self.online = False
        self.error = str(exc)
        self.refused = isinstance(exc, service.LaptopRefusedError)
        if isinstance(exc, service.RevokedError):
            self.ctx.events.dossiers_reloaded.emit()
        if parent is not None:
            show_error(parent, tr("sync.action.sync_now"), str(exc))
        elif (
            isinstance(exc, service.RevokedError | service.LaptopRefusedError)
            and type(exc) not in self._told
            and not self.closed
        ):
            self._told.add(type(exc))
            show_notice(None, tr("sync.action.sync_now"), str(exc))
        self.finished.emit(exc)
        self.refresh()


def controller_for(ctx: AppContext) -> SyncController:
    controller = ctx.extras.get(_KEY)
    if not isinstance(controller, SyncController):
        controller = SyncController(ctx)
        ctx.extras[_KEY] = controller
        controller.refresh()
    return controller
