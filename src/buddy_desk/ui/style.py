"""The app's restrained palette and one style sheet: IMG blue, NCG teal, calm neutrals."""

from __future__ import annotations

from PySide6.QtGui import QColor

from buddy_desk.core.collaboration import GROUP_MEANINGS, CollaborationGroup, Potential
from buddy_desk.core.phases import FlagKind, Organisation

TEXT = "#1d2530"
MUTED = "#5b6573"
FAINT = "#9aa3ae"
BORDER = "#dde1e6"
WINDOW = "#f3f4f6"
CARD = "#ffffff"
SELECTION = "#dbe7f5"

ORG_COLOURS: dict[Organisation, str] = {
    Organisation.IMG: "#1f5fa8",
    Organisation.NCG: "#0d7a6a",
}
ORG_TINTS: dict[Organisation, str] = {
    Organisation.IMG: "#eaf1fa",
    Organisation.NCG: "#e6f4f1",
}

FLAG_COLOURS: dict[FlagKind, str] = {
    FlagKind.AOS: "#c62828",
    FlagKind.SCHRIJNEND: "#d46b08",
    FlagKind.VASTGELOPEN: "#d46b08",
    FlagKind.URGENT: "#a15c00",
    FlagKind.BIJZONDERE_SITUATIE: "#6a4c9c",
}
# most pressing first, in lists and on the dossier view
FLAG_ORDER: tuple[FlagKind, ...] = (
    FlagKind.AOS,
    FlagKind.SCHRIJNEND,
    FlagKind.VASTGELOPEN,
    FlagKind.URGENT,
    FlagKind.BIJZONDERE_SITUATIE,
)

POTENTIAL_COLOURS: dict[Potential, str] = {
    Potential.POSSIBLE: "#2e7d32",
    Potential.LIMITED: "#b26a00",
    Potential.UNLIKELY: "#6b7280",
}


def group_colour(group: CollaborationGroup) -> str:
    return POTENTIAL_COLOURS[GROUP_MEANINGS[group].potential]


def sorted_flags(flags: frozenset[FlagKind] | set[FlagKind]) -> list[FlagKind]:
    return [f for f in FLAG_ORDER if f in flags]


def qcolor(hex_colour: str, alpha: int = 255) -> QColor:
    colour = QColor(hex_colour)
    colour.setAlpha(alpha)
    return colour


STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QWidget {{ color: {TEXT}; }}
QTabWidget#workspaceTabs::pane {{ border: none; border-top: 1px solid {BORDER}; }}
QTabBar::tab {{
    padding: 6px 14px; margin-right: 2px; border: 1px solid transparent;
    border-top-left-radius: 5px; border-top-right-radius: 5px; color: {MUTED};
}}
QTabBar::tab:selected {{ background: {CARD}; border-color: {BORDER}; border-bottom-color: {CARD};
    color: {TEXT}; }}
QTabBar::tab:hover:!selected {{ color: {TEXT}; }}
QFrame#card {{ background: {CARD}; border: 1px solid {BORDER}; border-radius: 6px; }}
QLabel#muted, QLabel[muted="true"] {{ color: {MUTED}; }}
QLabel#cardTitle {{ font-weight: 600; }}
QLabel#sectionTitle {{ color: {MUTED}; font-weight: 600; letter-spacing: 0.5px; }}
QLineEdit, QPlainTextEdit {{
    background: {CARD}; border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 6px;
}}
QLineEdit:focus, QPlainTextEdit:focus {{ border-color: {ORG_COLOURS[Organisation.IMG]}; }}
QLineEdit:read-only, QPlainTextEdit[readOnly="true"] {{ background: {WINDOW}; color: {MUTED}; }}
QLineEdit#searchField {{ padding: 6px 8px; font-size: 11pt; }}
QLineEdit[invalid="true"] {{ border-color: #c62828; background: #fdf0f0; }}
QHeaderView::section {{
    background: {WINDOW}; border: none; border-bottom: 1px solid {BORDER};
    padding: 5px 6px; color: {MUTED}; font-weight: 600;
}}
QToolButton#filterToggle {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 3px 8px; background: {CARD};
    min-width: 14px;
}}
QToolButton#filterToggle:checked {{
    background: {SELECTION}; border-color: {ORG_COLOURS[Organisation.IMG]};
}}
QPushButton {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 5px 12px; background: {CARD};
}}
QPushButton:hover {{ border-color: {FAINT}; }}
QPushButton:default {{ border-color: {ORG_COLOURS[Organisation.IMG]}; }}
QToolBar {{ border: none; spacing: 6px; background: transparent; }}
QToolBar QToolButton {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 10px; background: {CARD};
}}
QStatusBar {{ color: {MUTED}; }}
QScrollArea {{ background: transparent; border: none; }}
QWidget#timelineContent {{ background: {CARD}; }}
QTabWidget#dossierSections::pane {{
    border: 1px solid {BORDER}; border-radius: 4px; background: {CARD}; top: -1px;
}}
QTabWidget#dossierSections QPlainTextEdit {{ border: none; }}
QToolButton#tabClose {{ border: none; color: {MUTED}; font-size: 13pt; padding: 0 2px; }}
QToolButton#tabClose:hover {{ color: {TEXT}; background: {BORDER}; border-radius: 3px; }}
QLabel#potentialPill {{ border-radius: 9px; padding: 1px 9px; font-weight: 600; }}
QScrollArea > QWidget > QWidget#scrollContent {{ background: transparent; }}
"""
