"""The help window: a topic's Markdown in a text browser, sized to the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from buddy_desk.i18n import current_language, tr
from buddy_desk.resources import resource
from buddy_desk.ui.widgets.dialog_fit import FittedDialog
from buddy_desk.ui.widgets.screen_fit import fit_to_screen


def help_text(topic: str, language: str) -> str:
    """The topic's Markdown in ``language`` (Dutch if not translated); a missing topic says so."""
    for lang in (language, "nl"):
        path = resource("help", lang, f"{topic}.md")
        if path.is_file():
            return path.read_text(encoding="utf-8")
    return tr("help.missing", topic=topic)


class HelpDialog(FittedDialog):
    def __init__(self, topic: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.topic = topic
        self.setObjectName("helpDialog")
        self.setWindowTitle(tr("help.title"))
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setAccessibleName(tr("help.title"))
        self.browser.setOpenExternalLinks(False)
        self.browser.setMarkdown(help_text(topic, current_language()))
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_to_screen(self, 720, 640)
        self.browser.setFocus()
