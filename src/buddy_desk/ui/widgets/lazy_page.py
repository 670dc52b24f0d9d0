"""A tab page that builds its real content the first time it is shown.

Workspaces (Samenloop, Planning, Brieven…) load data and heavy modules (ReportLab) when
built; building them only on first visit keeps start-up to the dossier list fast.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from buddy_desk.i18n import tr
from buddy_desk.ui.widgets.idle import when_idle

log = logging.getLogger(__name__)


class LazyPage(QWidget):
    def __init__(self, name: str, factory: Callable[[], QWidget]) -> None:
        super().__init__()
        self.setObjectName(f"lazy.{name}")
        self._name = name
        self._factory = factory
        self._content: QWidget | None = None
        self._build_asked = False
        self._outdated = False  # built in a language that is no longer the app's
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # a page wider than the window (text at 200 %) scrolls instead of widening the
        # window beyond the screen; at 100 % every page fits and no scroll bar shows
        self._scroll = QScrollArea()
        self._scroll.setObjectName("pageScroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        layout.addWidget(self._scroll)

    @property
    def built(self) -> bool:
        return self._content is not None

    def content(self) -> QWidget:
        """The real page, built now if it was not yet (or anew, after a language switch)."""
        if self._outdated and self._content is not None:
            self._outdated = False
            self._content.hide()
            self._scroll.takeWidget()
            self._content.deleteLater()
            self._content = None
        if self._content is None:
            try:
                self._content = self._factory()
            except Exception:  # one broken feature must not stop the app
                log.exception("workspace %s failed to build", self._name)
                self._content = QLabel(tr("ui.workspace.failed"))
            self._scroll.setWidget(self._content)
        return self._content

    def follow_language(self) -> None:
        """After a language switch: a page that cannot retranslate itself is built anew (in
        the next turn if it is on screen, else when it is next shown or asked for)."""
        if self._content is None or follows_language(self._content):
            return
        self._outdated = True
        if self.isVisible():
            self._build_soon()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self._content is None or self._outdated:
            self._build_soon()

    def _build_soon(self) -> None:
        """Build once the tab has painted: building a page and painting the switch to it in
        one go kept the window from answering for longer than a frame or two."""
        if not self._build_asked:
            self._build_asked = True
            when_idle(self, self._build_asked_for)

    def _build_asked_for(self) -> None:
        self._build_asked = False
        if self.isVisible():  # not when the user went on to another tab meanwhile
            self.content()


def follows_language(widget: QWidget) -> bool:
    """Views that re-translate their texts on ``language_changed`` have ``retranslate``."""
    return callable(getattr(widget, "retranslate", None))


def focus_first_child(page: QWidget) -> QWidget | None:
    """Give keyboard focus to the first control of ``page`` in tab order (a shortcut that
    switches pages must take the keyboard along, or the next key lands on the old page)."""
    from PySide6.QtCore import Qt

    # one call for the page's widgets, not one per widget of the whole window's focus chain
    inside = set(page.findChildren(QWidget))
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page:
        if (
            widget in inside
            and widget.isVisible()
            and widget.isEnabled()
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        ):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return widget
        widget = widget.nextInFocusChain()
    return None
