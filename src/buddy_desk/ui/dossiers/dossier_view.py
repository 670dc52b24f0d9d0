"""The integrated dossier: header, both processes, the group, next steps, timeline, notes.

Data comes only through ``dossier_data.load_dossier_for_view`` (the consent feature wraps it).
Registered dossier sections become tabs after Tijdlijn and Notities; registered dossier
actions become toolbar buttons with their shortcuts, active while this dossier is shown.
"""

from __future__ import annotations

import logging
import time
from functools import partial

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent, QTextCursor
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import DossierDetail
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.collaboration_card import CollaborationCard
from buddy_desk.ui.dossiers.data import load_dossier_for_view, load_view
from buddy_desk.ui.dossiers.decisions import Decisions, load_decisions
from buddy_desk.ui.dossiers.header import DossierHeader
from buddy_desk.ui.dossiers.notes_section import NotesSection
from buddy_desk.ui.dossiers.process_card import ProcessCard
from buddy_desk.ui.dossiers.timeline_section import TimelineSection
from buddy_desk.ui.extensions import DossierAction, DossierSection, UiRegistry
from buddy_desk.ui.widgets.cards import SPACING
from buddy_desk.ui.widgets.flow import ActionBar
from buddy_desk.ui.widgets.idle import when_idle
from buddy_desk.ui.widgets.language import follow_language
from buddy_desk.ui.widgets.lazy_page import follows_language

log = logging.getLogger(__name__)


class DossierView(QWidget):
    title_changed = Signal(str)
    """The tab title (the short address) changed, e.g. after a language switch or refresh."""
    refreshed = Signal()
    """The dossier was read anew and is shown (``refresh`` reads on a worker)."""

    def __init__(
        self,
        ctx: AppContext,
        dossier_id: int,
        registry: UiRegistry | None = None,
        parent: QWidget | None = None,
        loaded: tuple[DossierDetail, Decisions] | None = None,
    ) -> None:
        """``loaded``: what ``data.load_view`` read (on a worker); else it is read here."""
        super().__init__(parent)
        started = time.perf_counter()
        self.ctx = ctx
        self.dossier_id = dossier_id
        self.registry = registry or UiRegistry()
        # raises NotFoundError before any widget exists: the caller shows the message
        detail, decisions = loaded if loaded is not None else (None, None)
        self.detail: DossierDetail = detail or load_dossier_for_view(ctx, dossier_id)
        self._section_widgets: list[tuple[DossierSection, QWidget]] = []
        self._actions: list[tuple[DossierAction | None, QAction]] = []
        self._narrow: bool | None = None  # the layout applied last; None: none yet
        self._decisions: Decisions | None = decisions
        # built sections that cannot retranslate, built in a language no longer the app's:
        # built anew when next shown or asked for
        self._outdated: set[str] = set()
        self._build()
        self._show(decisions)
        ctx.events.dossier_changed.connect(self._on_events_dossier_changed)
        # a dossier tab in the background follows a switch when it is shown: with several
        # dossiers open a switch would redo each of them at once
        self._language = follow_language(self, ctx.events.language_changed, self._follow_language)
        log.info("opened dossier %d in %.0f ms", dossier_id, (time.perf_counter() - started) * 1000)

    # -- large text: stack instead of scrolling sideways --------------------------------------

    NARROW_CHARS = 130
    """Below this many average characters across, the view stacks its parts (at 200 % text
    a 1366 px window is ~95 wide): the buddy pair under the address, the two processes under
    each other and the tabs under the cards — the page then scrolls down, never sideways."""

    def is_narrow(self) -> bool:
        return self.width() < self.NARROW_CHARS * self.fontMetrics().averageCharWidth()

    def _follow_width(self) -> None:
        narrow = self.is_narrow()
        if narrow == self._narrow:
            return
        self._narrow = narrow
        self.header.set_narrow(narrow)
        vertical = QBoxLayout.Direction.TopToBottom
        self.processes.setDirection(vertical if narrow else QBoxLayout.Direction.LeftToRight)
        self.splitter.setOrientation(
            Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        )
        line = self.fontMetrics().height()
        self.cards_scroll.setMinimumWidth(0 if narrow else 560)
        self.cards_scroll.setMinimumHeight(line * 24 if narrow else 0)
        self.sections.setMinimumHeight(line * 16 if narrow else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._follow_width()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange and hasattr(self, "splitter"):
            self._follow_width()

    # -- building ---------------------------------------------------------------------------
    def _build(self) -> None:
        # the whole view scrolls when it cannot shrink further (text at 200 %, a small
        # window): nothing is cut off, the window never grows past the screen
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        page = QWidget()
        page.setObjectName("scrollContent")
        page_scroll = QScrollArea()
        page_scroll.setObjectName("dossierPage")
        page_scroll.setWidgetResizable(True)
        page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        page_scroll.setWidget(page)
        root.addWidget(page_scroll)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(16, 10, 16, 12)
        outer.setSpacing(SPACING + 2)

        self.toolbar = ActionBar()  # wraps at narrow widths: no action hides behind an arrow
        refresh = QAction(self)
        refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        refresh.triggered.connect(self.refresh)
        self._add_action(None, refresh)
        for item in self.registry.dossier_actions:
            action = QAction(self)
            if item.shortcut:
                action.setShortcut(QKeySequence(item.shortcut))
            action.triggered.connect(lambda _c=False, it=item: self._run_action(it))
            self._add_action(item, action)
        self.header = DossierHeader()
        self.header.set_action_bar(self.toolbar)
        outer.addWidget(self.header)
        # the consent gate found this dossier's choice log broken (and kept the gate shut)
        self.chain_warning = QLabel()
        self.chain_warning.setObjectName("chainWarning")
        self.chain_warning.setWordWrap(True)
        self.chain_warning.setStyleSheet(
            "background: #fdecea; color: #8a1c1c; padding: 6px; border-radius: 4px;"
        )
        self.chain_warning.hide()
        outer.addWidget(self.chain_warning)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.setHandleWidth(12)

        left = QWidget()
        left.setObjectName("scrollContent")
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.setSpacing(SPACING + 2)
        processes = QHBoxLayout()
        self.processes = processes
        processes.setSpacing(SPACING + 2)
        self.img_card = ProcessCard(Organisation.IMG)
        self.ncg_card = ProcessCard(Organisation.NCG)
        processes.addWidget(self.img_card, 1)
        processes.addWidget(self.ncg_card, 1)
        self.collaboration = CollaborationCard()
        left_layout.addWidget(self.collaboration)
        left_layout.addLayout(processes)
        left_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        scroll.setWidget(left)
        scroll.setMinimumWidth(560)
        splitter.addWidget(scroll)
        self.splitter = splitter
        self.cards_scroll = scroll

        self.sections = QTabWidget()
        self.sections.setObjectName("dossierSections")
        self.timeline = TimelineSection()
        self.notes = NotesSection(self.ctx, self.dossier_id)
        self.sections.addTab(self.timeline, "")
        self.sections.addTab(self.notes, "")
        # registered sections are built when their tab is first shown: opening stays fast
        for section in self.registry.dossier_sections:
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._section_widgets.append((section, holder))
            self.sections.addTab(holder, "")
        self.sections.currentChanged.connect(self._on_sections_current_changed)
        self.sections.setMinimumWidth(360)
        splitter.addWidget(self.sections)
        # the sections (seven tabs, tables with their buttons) need as much room as the cards:
        # at 1280–1366 px a 3:2 split clipped their labels and buttons
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        outer.addWidget(splitter, 1)

    def _add_action(self, item: DossierAction | None, action: QAction) -> None:
        # only the dossier tab being shown reacts to its shortcuts
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(action)
        self.toolbar.add_action(action)
        self._actions.append((item, action))

    def _run_action(self, item: DossierAction) -> None:
        self.notes.flush()
        try:
            item.handler(self.ctx, self.dossier_id, self)
        except BuddyDeskError as exc:
            from buddy_desk.ui.messages import show_error

            show_error(self, tr("ui.error.action_title"), str(exc))

    # -- showing ----------------------------------------------------------------------------
    def _show(self, decisions: Decisions | None = None) -> None:
        """Show ``self.detail`` with ``decisions`` (else those read last: a language switch
        reads nothing)."""
        if decisions is not None:
            self._decisions = decisions
        elif self._decisions is None:
            self._decisions = load_decisions(self.ctx, self.detail.id)
        d = self.detail
        warning = getattr(d, "chain_warning", None)  # set by the consent gate
        self.chain_warning.setText(warning or "")
        self.chain_warning.setVisible(bool(warning))
        self.header.show_detail(d)
        self.collaboration.show_detail(d, self._decisions)
        self.img_card.show_detail(d)
        self.ncg_card.show_detail(d)
        self.timeline.show_events(d.events)
        self.notes.show_note(d.note)
        self.retranslate()

    def retranslate(self) -> None:
        for item, action in self._actions:
            action.setText(tr(item.text_key) if item else tr("ui.dossier.refresh"))
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{action.text()} ({keys})" if keys else action.text())
        self.sections.setTabText(0, tr("ui.dossier.tab.timeline"))
        self.sections.setTabText(1, tr("ui.dossier.tab.notes"))
        for i, (section, _w) in enumerate(self._section_widgets, start=2):
            self.sections.setTabText(i, tr(section.title_key))
        self.title_changed.emit(self.tab_title)

    @property
    def tab_title(self) -> str:
        return self.detail.address_line

    def refresh(self) -> None:
        """Read the dossier anew (through the consent gate) on a worker and show it; of a burst
        of refreshes (several writes in a row) only the newest read is shown."""
        ctx, dossier_id = self.ctx, self.dossier_id
        ctx.ops.read(
            lambda _uow: load_view(ctx, dossier_id),
            on_done=self._on_refreshed,
            on_error=self._on_refresh_failed,
            parent=self,
            key=self,
            quick=True,
        )

    def _on_refreshed(self, loaded: tuple[DossierDetail, Decisions]) -> None:
        self.detail = loaded[0]
        self._show(loaded[1])
        self.refreshed.emit()

    def _on_refresh_failed(self, exc: BaseException) -> None:
        log.warning("refresh of dossier %d failed: %s", self.dossier_id, type(exc).__name__)

    def flush_notes(self) -> bool:
        """Save unsaved notes (before the tab or window closes); False if that failed."""
        return self.notes.flush()

    def show_notes(self) -> None:
        self.sections.setCurrentWidget(self.notes)
        # the caret goes after what is already written: Ctrl+N is "add to the note"
        self.notes.editor.moveCursor(QTextCursor.MoveOperation.End)
        self.notes.editor.ensureCursorVisible()
        self.notes.editor.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def section_widget(self, section_id: str) -> QWidget | None:
        """The registered section's own widget (built now if it was not shown yet)."""
        self._language.catch_up()  # its texts in the language of the moment
        for section, holder in self._section_widgets:
            if section.id == section_id:
                self._build_section(section, holder)
                layout = holder.layout()
                item = layout.itemAt(0) if layout is not None else None
                return item.widget() if item is not None else None
        return None

    def _build_section(self, section: DossierSection, holder: QWidget) -> None:
        layout = holder.layout()
        if layout is None:
            return
        if section.id in self._outdated:
            self._outdated.discard(section.id)
            item = layout.itemAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.hide()
                layout.removeWidget(old)
                old.deleteLater()
        if layout.count():
            return
        try:
            widget = section.factory(self.ctx, self.dossier_id)
        except Exception:  # one broken feature must not take the dossier down
            log.exception("dossier section %s failed to build", section.id)
            return
        layout.addWidget(widget)

    def _on_sections_current_changed(self, index: int) -> None:
        for section, holder in self._section_widgets:
            if self.sections.indexOf(holder) == index:
                self._build_section(section, holder)

    # -- events -----------------------------------------------------------------------------
    def _on_events_dossier_changed(self, dossier_id: int) -> None:
        if dossier_id == self.dossier_id:
            self.refresh()

    def _follow_language(self) -> None:
        self._show()  # the timeline's dates and the cards in the new language too
        self.notes.retranslate()
        self._outdate_untranslatable_sections()

    def _outdate_untranslatable_sections(self) -> None:
        """Sections that cannot retranslate themselves are built anew in the new language: the
        one on screen once the window has painted the switch, the others when next shown."""
        for section, holder in self._section_widgets:
            layout = holder.layout()
            item = layout.itemAt(0) if layout is not None and layout.count() else None
            widget = item.widget() if item is not None else None
            if widget is None or follows_language(widget):
                continue
            self._outdated.add(section.id)
            if self.sections.currentWidget() is holder:
                when_idle(self, partial(self._build_section, section, holder))
