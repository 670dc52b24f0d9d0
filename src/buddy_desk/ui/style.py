"""The app's restrained palette and one style sheet: IMG blue, NCG teal, calm neutrals."""

from __future__ import annotations

from PySide6.QtGui import QColor

from buddy_desk.core.collaboration import GROUP_MEANINGS, CollaborationGroup, Potential
from buddy_desk.core.phases import FlagKind, Organisation

TEXT = "#1d2530"
MUTED = "#5b6573"
# faint text (future phases, empty cells) still reads at 4.5:1 (WCAG 2.1 AA) on cards and window
FAINT = "#646e7a"
BORDER = "#dde1e6"
WINDOW = "#f3f4f6"
CARD = "#ffffff"
SELECTION = "#dbe7f5"
FOCUS = "#1f5fa8"  # the focus ring: IMG blue, 6:1 on white, so keyboard users see where they are
DISABLED_TEXT = "#8a929c"
DISABLED_BACKGROUND = "#eceef1"

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
    Potential.LIMITED: "#9a5b00",
    Potential.UNLIKELY: "#6b7280",
}


def group_colour(group: CollaborationGroup) -> str:
    return POTENTIAL_COLOURS[GROUP_MEANINGS[group].potential]


def sorted_flags(flags: frozenset[FlagKind] | set[FlagKind]) -> list[FlagKind]:
    return [f for f in FLAG_ORDER if f in flags]


# (foreground, background) pairs the style sheet and the views draw text with; WCAG 2.1 AA asks
# 4.5:1 for body text (tests/ui/test_style_a11y.py computes it)
TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    ("text on card", TEXT, CARD),
    ("text on window", TEXT, WINDOW),
    ("muted on card", MUTED, CARD),
    ("muted on window", MUTED, WINDOW),
    ("text on selection", TEXT, SELECTION),
    ("IMG on card", ORG_COLOURS[Organisation.IMG], CARD),
    ("NCG on card", ORG_COLOURS[Organisation.NCG], CARD),
    ("IMG on its tint", ORG_COLOURS[Organisation.IMG], ORG_TINTS[Organisation.IMG]),
    ("NCG on its tint", ORG_COLOURS[Organisation.NCG], ORG_TINTS[Organisation.NCG]),
    ("muted on IMG tint", MUTED, ORG_TINTS[Organisation.IMG]),
    ("muted on NCG tint", MUTED, ORG_TINTS[Organisation.NCG]),
    ("white on possible", "#ffffff", POTENTIAL_COLOURS[Potential.POSSIBLE]),
    ("white on limited", "#ffffff", POTENTIAL_COLOURS[Potential.LIMITED]),
    ("white on unlikely", "#ffffff", POTENTIAL_COLOURS[Potential.UNLIKELY]),
    ("AOS flag on card", FLAG_COLOURS[FlagKind.AOS], CARD),
    ("urgent flag on card", FLAG_COLOURS[FlagKind.URGENT], CARD),
    ("special flag on card", FLAG_COLOURS[FlagKind.BIJZONDERE_SITUATIE], CARD),
    ("faint on card", FAINT, CARD),
    ("faint on window", FAINT, WINDOW),
    ("focus ring on card", FOCUS, CARD),
)


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


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
QLineEdit:read-only, QPlainTextEdit[readOnly="true"] {{ background: {WINDOW}; color: {MUTED}; }}
QLineEdit#searchField {{ padding: 6px 8px; }}
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
QPushButton:disabled, QToolButton:disabled, QToolBar QToolButton:disabled {{
    color: {DISABLED_TEXT}; background: {DISABLED_BACKGROUND}; border-style: dashed;
}}
QPushButton:focus, QToolButton:focus, QToolBar QToolButton:focus {{
    border: 2px solid {FOCUS}; padding: 4px 11px;
}}
QToolBar QToolButton:focus {{ padding: 3px 9px; }}
QCheckBox:focus, QRadioButton:focus {{ border: 2px solid {FOCUS}; border-radius: 3px; }}
QCheckBox::indicator, QRadioButton::indicator {{ width: 0.9em; height: 0.9em; }}
QComboBox:focus, QDateEdit:focus, QDateTimeEdit:focus, QSpinBox:focus, QTimeEdit:focus {{
    border: 2px solid {FOCUS}; border-radius: 3px;
}}
QAbstractItemView:focus, QTextBrowser:focus {{ border: 2px solid {FOCUS}; }}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus {{ border: 2px solid {FOCUS}; }}
QTabBar::tab:focus {{ border: 2px solid {FOCUS}; }}
QToolBar {{ border: none; spacing: 6px; background: transparent; }}
QToolBar QToolButton {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 10px; background: {CARD};
}}
QWidget#actionBar QToolButton {{
    border: 1px solid {BORDER}; border-radius: 4px; padding: 4px 10px; background: {CARD};
}}
QWidget#actionBar QToolButton:hover {{ border-color: {FAINT}; }}
QWidget#actionBar QToolButton:focus {{ border: 2px solid {FOCUS}; padding: 3px 9px; }}
QWidget#actionBar QToolButton:disabled {{
    color: {DISABLED_TEXT}; background: {DISABLED_BACKGROUND}; border-style: dashed;
}}
QStatusBar {{ color: {MUTED}; }}
QScrollArea {{ background: transparent; border: none; }}
QWidget#timelineContent {{ background: {CARD}; }}
QTabWidget#dossierSections::pane {{
    border: 1px solid {BORDER}; border-radius: 4px; background: {CARD}; top: -1px;
}}
QTabWidget#dossierSections QPlainTextEdit {{ border: none; }}
QTabWidget#dossierSections QTabBar::tab {{ padding: 6px 9px; }}
QTabWidget#dossierSections QPlainTextEdit:focus {{ border: 2px solid {FOCUS}; }}
QToolButton#tabClose {{ border: none; color: {MUTED}; padding: 0 2px; }}
QToolButton#tabClose:hover {{ color: {TEXT}; background: {BORDER}; border-radius: 3px; }}
QLabel#potentialPill {{ border-radius: 9px; padding: 1px 9px; font-weight: 600; }}
QScrollArea > QWidget > QWidget#scrollContent {{ background: transparent; }}
"""
