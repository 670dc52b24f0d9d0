"""Qt's own texts (OK/Annuleren in button boxes, file dialogs, message boxes) in our language.

Our texts come from ``buddy_desk.i18n``; Qt's standard widgets carry their own, translated in
the ``qtbase_<lang>.qm`` catalogs that ship with PySide6.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

log = logging.getLogger(__name__)
_installed: dict[str, QTranslator] = {}
_loaded: dict[str, QTranslator] = {}  # read from disk once per language


def apply_qt_language(language: str) -> bool:
    """Install Qt's catalog for ``language`` (none needed for English); True if in effect."""
    app = QCoreApplication.instance()
    if app is None:
        return False
    for installed in _installed.values():
        app.removeTranslator(installed)
    _installed.clear()
    if language == "en":
        return True
    translator = _loaded.get(language)
    if translator is None:
        translator = QTranslator()
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not translator.load(f"qtbase_{language}", folder):
            log.info("no Qt catalog for %s in %s", language, folder)
            return False
        _loaded[language] = translator
    app.installTranslator(translator)
    _installed[language] = translator
    return True
