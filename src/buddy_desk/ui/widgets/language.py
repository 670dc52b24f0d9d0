"""A view follows a language switch when it is on screen, or when it is next shown.

With every workspace built and several dossiers open, retranslating all of them at the
switch kept the GUI thread busy for hundreds of milliseconds; only the view in front needs
its new texts, and it gets them in a turn of the event loop of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, SignalInstance
from PySide6.QtWidgets import QWidget

from buddy_desk.ui.widgets.idle import when_idle


class LanguageFollower(QObject):
    """Calls ``retranslate`` after each switch: in the event loop's next turn if ``widget`` is
    visible, else on its next show (or at ``catch_up``, for a caller that reads the widget's
    texts at once)."""

    def __init__(
        self, widget: QWidget, switched: SignalInstance, retranslate: Callable[[], object]
    ) -> None:
        super().__init__(widget)  # goes with the widget, and so does the connection
        self._widget = widget
        self._retranslate = retranslate
        self.stale = False
        switched.connect(self._on_switched)
        widget.installEventFilter(self)  # this widget's own events only (its Show)

    def _on_switched(self, _language: str) -> None:
        self.stale = True
        if self._widget.isVisible():
            # once the window has painted what the switch changed so far (menus, tabs):
            # each view that is on screen redoes its texts in a turn of its own
            when_idle(self, self.catch_up)

    def catch_up(self) -> None:
        if self.stale:
            self.stale = False
            self._retranslate()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if self.stale and event.type() == QEvent.Type.Show:
            self.catch_up()
        return False


def follow_language(
    widget: QWidget, switched: SignalInstance, retranslate: Callable[[], object]
) -> LanguageFollower:
    """``retranslate`` ``widget`` after each switch that ``switched``
    (``AppEvents.language_changed``) announces, now or when it is next shown."""
    return LanguageFollower(widget, switched, retranslate)
