"""Accessible names and descriptions that follow the language switch.

A view that is kept across a language switch (it has ``retranslate()``) redoes its visible
texts, but an accessible name set once in ``__init__`` would stay in the old language for a
screen reader. ``name``/``describe`` remember the text key on the widget; after every switch
``retranslate_accessibility`` sets them again for every widget of the app.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QApplication, QWidget

from buddy_desk.i18n import tr

NAME_KEY = "a11yNameKey"
DESCRIPTION_KEY = "a11yDescriptionKey"


def name(widget: QWidget, key: str) -> None:
    """Set the accessible name to ``tr(key)``, now and after every language switch."""
    widget.setProperty(NAME_KEY, key)
    widget.setAccessibleName(tr(key))


def describe(widget: QWidget, key: str) -> None:
    """Set the accessible description to ``tr(key)``, now and after every language switch."""
    widget.setProperty(DESCRIPTION_KEY, key)
    widget.setAccessibleDescription(tr(key))


def retranslate_accessibility(widgets: Iterable[QWidget] | None = None) -> int:
    """Redo the keyed names and descriptions (default: every widget); returns how many."""
    count = 0
    for widget in QApplication.allWidgets() if widgets is None else widgets:
        key = widget.property(NAME_KEY)
        if isinstance(key, str) and key:
            widget.setAccessibleName(tr(key))
            count += 1
        key = widget.property(DESCRIPTION_KEY)
        if isinstance(key, str) and key:
            widget.setAccessibleDescription(tr(key))
            count += 1
    return count
