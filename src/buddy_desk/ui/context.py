"""What every view needs, handed down explicitly (no global window, no registry lookups)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from PySide6.QtCore import QObject, Signal

from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.operations import Operations
from buddy_desk.ui.tasks import TaskRunner


class AppEvents(QObject):
    """Application-wide notifications views subscribe to."""

    dossier_changed = Signal(int)
    """A dossier's data changed (notes, flags, choices, signals, appointments…); arg: id.
    Emitted only by ``Operations.write``, after the write has committed."""
    dossiers_reloaded = Signal()
    """The dossier set changed as a whole (import, demo); lists should reload."""
    open_dossier_requested = Signal(int)
    """Some view asks the main window to open (or focus) a dossier tab; arg: id."""
    language_changed = Signal(str)
    """The UI language changed; arg: 'nl' or 'en'. Views re-translate their texts."""
    closing = Signal()
    """The app (or this context) is closing: stop timers, start no new background work."""


@dataclass
class UserProfile:
    """Who is using the app: shown in the title bar, used for 'my dossiers' and logging."""

    username: str
    display_name: str
    organisation: str | None = None  # "IMG" | "NCG"
    role: str | None = None  # "supervisor" | "planner" | "coordinator"
    supervisor_id: int | None = None


@dataclass
class AppContext:
    uow: UnitOfWork
    db_label: str
    events: AppEvents
    tasks: TaskRunner
    user: UserProfile
    extras: dict[str, object] = field(default_factory=dict)

    def close(self) -> None:
        """Say the context is closing (background timers stop) and wait for running tasks."""
        self.events.closing.emit()
        self.tasks.wait(10_000)

    def new_uow(self) -> UnitOfWork:
        """A fresh unit of work (each use opens its own session; safe on worker threads)."""
        return self.uow.fresh()

    @cached_property
    def ops(self) -> Operations:
        """Writes and slow reads off the GUI thread (``ui/operations.py``)."""
        return Operations(self.new_uow, self.tasks, self.events)
