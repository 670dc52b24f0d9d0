"""The kitchen-table window: the dossier turned towards the resident.

Large type, plain Dutch, both processes as two tracks, what IMG and NCG do together, the
choices made and open (recorded here with the channel *keukentafel*), the booked appointments,
both buddies' contact cards and the glossary one tap away. Everything shown comes from
``kitchen.service.kitchen_view``, which goes through the consent gate: nothing internal (notes,
signals, user names, other residents) is ever loaded into this window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QMarginsF, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QPageLayout,
    QPageSize,
    QShortcut,
    QTextDocument,
)
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.choices.rules import Channel, ChoiceEntry, ChoiceType
from buddy_desk.choices.service.log import record_choice
from buddy_desk.core.formatting import dutch_date
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import in_language, tr
from buddy_desk.kitchen.handout import handout_html
from buddy_desk.kitchen.rules import KitchenContent, StepState, Track
from buddy_desk.kitchen.service import kitchen_view
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.choices.common import ask_save_path, viewer_of
from buddy_desk.ui.choices.dialog import RecordChoiceDialog, Refused, Saved
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.help import install_help
from buddy_desk.ui.messages import show_error
from buddy_desk.ui.style import ORG_COLOURS, ORG_TINTS
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.cards import Card, clear_layout, label
from buddy_desk.ui.widgets.flow import FlowLayout
from buddy_desk.ui.widgets.phase_track import PhaseTrack, TrackStep

log = logging.getLogger(__name__)

BASE_POINTS = 15.0  # the resident reads from across the table: at least 15 pt body text
# (at 100 %; it grows with the app's text size like every other view)


def text(
    value: str = "",
    *,
    size: float = 1.0,
    bold: bool = False,
    muted: bool = False,
    selectable: bool = False,
) -> QLabel:
    """A wrapped label in the kitchen table's large type (``size`` × the base size)."""
    widget = label(value, bold=bold, muted=muted, wrap=True, selectable=selectable)
    font = widget.font()
    font.setPointSizeF(text_size.points(BASE_POINTS * size))
    widget.setFont(font)
    return widget


class TrackCard(Card):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = text(bold=True, size=1.3)
        self.track = PhaseTrack("#1d2530")
        track_font = self.track.font()
        track_font.setPointSizeF(text_size.points(BASE_POINTS))
        self.track.setFont(track_font)
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(14)
        self.facts.setVerticalSpacing(6)
        self.facts.setColumnStretch(1, 1)
        self.body.addWidget(self.title)
        self.body.addWidget(self.track)
        self.body.addLayout(self.facts)
        self.body.addStretch(1)

    def show_track(self, track: Track) -> None:
        colour = ORG_COLOURS[track.organisation]
        self.setStyleSheet(f"QFrame#card {{ border-top: 4px solid {colour}; }}")
        self.title.setText(track.title)
        self.title.setStyleSheet(f"color: {colour};")
        current = next((i for i, s in enumerate(track.steps) if s.state is StepState.CURRENT), None)
        finished = (
            bool(track.steps)
            and all(s.state is StepState.DONE for s in track.steps[:-1])
            and (current == len(track.steps) - 1 and track.next is None)
        )
        self.track.setVisible(bool(track.steps))
        self.track._accent = colour
        self.track.set_steps(
            [TrackStep("", s.label) for s in track.steps],
            current,
            finished=finished,
            note=track.since or "",
        )
        clear_layout(self.facts)
        rows = [(tr("kitchen.label.now"), track.now)]
        if track.next:
            rows.append((tr("kitchen.label.next"), track.next))
        if track.when:
            rows.append((tr("kitchen.label.when"), track.when))
        for r, (key, line) in enumerate(rows):
            name = text(key, bold=True)
            name.setWordWrap(False)
            name.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            value = text(line, selectable=True)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.facts.addWidget(name, r, 0)
            self.facts.addWidget(value, r, 1)
        self.setAccessibleName(tr("kitchen.a11y.track", title=track.title, now=track.now))


class KitchenTableWindow(QWidget):
    """A top-level window (it can go full screen on a second monitor)."""

    choice_recorded = Signal(int)
    """A choice was recorded from this view; arg: dossier id."""
    refreshed = Signal()
    """The content was (re)loaded."""

    def __init__(
        self,
        ctx: AppContext,
        dossier_id: int,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("kitchenTable")
        self.ctx = ctx
        self.dossier_id = dossier_id
        self.today = today or date.today()
        font = self.font()
        font.setPointSizeF(text_size.points(BASE_POINTS))
        self.setFont(font)
        # raises NotFoundError before anything is shown
        self.content: KitchenContent = kitchen_view(
            ctx.new_uow(), dossier_id, viewer_of(ctx.user), self.today
        )
        self._build()
        self._show()
        install_help(self, "kitchen")
        ctx.events.dossier_changed.connect(self._on_events_dossier_changed)
        log.info("kitchen table opened for dossier %d", dossier_id)

    # -- building ---------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 14, 20, 14)
        outer.setSpacing(10)

        top = QHBoxLayout()
        heading = QVBoxLayout()
        self.heading = text(bold=True, size=1.6)
        self.address = text(size=1.1)
        heading.addWidget(self.heading)
        heading.addWidget(self.address)
        top.addLayout(heading, 1)
        outer.addLayout(top)

        button_bar = QWidget()  # the buttons wrap onto a second line at large text sizes
        buttons = FlowLayout(button_bar, spacing=8)
        self.record_button = QPushButton(tr("kitchen.action.record"))
        self.glossary_button = QPushButton(tr("kitchen.action.glossary"))
        self.glossary_button.setCheckable(True)
        self.print_button = QPushButton(tr("kitchen.action.print"))
        self.screen_button = QPushButton(tr("kitchen.action.screen"))
        self.close_button = QPushButton(tr("kitchen.action.close"))
        for b, keys in (
            (self.record_button, "Ctrl+K"),
            (self.glossary_button, "F2"),
            (self.print_button, "Ctrl+P"),
            (self.screen_button, "F11"),
            (self.close_button, "Esc"),
        ):
            button_font = b.font()
            button_font.setPointSizeF(text_size.points(BASE_POINTS * 0.85))
            b.setFont(button_font)
            b.setToolTip(f"{b.text()} ({keys})")
            b.setAccessibleName(b.text())
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(b.click)
            buttons.addWidget(b)
        self.record_button.clicked.connect(lambda: self.record_choice(None))
        self.glossary_button.toggled.connect(self._on_glossary_toggled)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.screen_button.clicked.connect(self.to_other_screen)
        self.close_button.clicked.connect(self.close)
        outer.addWidget(button_bar)

        body = QHBoxLayout()
        body.setSpacing(12)
        self.page = QWidget()
        self.page.setObjectName("scrollContent")
        self.page_layout = QVBoxLayout(self.page)
        self.page_layout.setContentsMargins(0, 0, 6, 0)
        self.page_layout.setSpacing(12)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroller.setWidget(self.page)
        body.addWidget(self.scroller, 3)
        self.glossary = QTextBrowser()
        self.glossary.setObjectName("kitchenGlossary")
        self.glossary.setAccessibleName(tr("kitchen.glossary.title"))
        self.glossary.setMinimumWidth(text_size.scaled(280))
        self.glossary.hide()
        body.addWidget(self.glossary, 1)
        outer.addLayout(body, 1)

    # -- showing ----------------------------------------------------------------------
    def _section_title(self, title: str) -> QLabel:
        return text(title, bold=True, size=1.25)

    def _show(self) -> None:
        c = self.content
        self.setWindowTitle(tr("kitchen.window.title", address=c.address_line))
        self.heading.setText(c.heading)
        self.address.setText(f"{c.address_line}   ·   {c.place_line}")
        clear_layout(self.page_layout)
        lay = self.page_layout
        lay.addWidget(text(c.intro))
        if c.safety:
            safety = text(c.safety, bold=True)
            safety.setStyleSheet(
                "background: #fdecea; color: #8a1c1c; border-radius: 6px; padding: 10px;"
            )
            lay.addWidget(safety)

        lay.addWidget(self._section_title(tr("kitchen.section.tracks")))
        tracks = QHBoxLayout()
        tracks.setSpacing(12)
        self.track_cards: list[TrackCard] = []
        for track in c.tracks:
            card = TrackCard()
            card.setFont(self.font())
            card.show_track(track)
            tracks.addWidget(card, 1)
            self.track_cards.append(card)
        lay.addLayout(tracks)

        together = Card()
        together.body.addWidget(self._section_title(c.together_title))
        for paragraph in c.together:
            together.body.addWidget(text(paragraph))
        lay.addWidget(together)

        row = QHBoxLayout()
        row.setSpacing(12)
        row.addWidget(self._appointments_card(), 1)
        row.addWidget(self._choices_card(), 1)
        lay.addLayout(row)

        lay.addWidget(self._section_title(c.contacts_title))
        lay.addWidget(text(c.contacts_intro))
        contacts = QHBoxLayout()
        contacts.setSpacing(12)
        for contact in c.contacts:
            box = Card()
            box.setStyleSheet(f"QFrame#card {{ background: {ORG_TINTS[contact.organisation]}; }}")
            title = text(f"{contact.organisation.value} — {contact.role}", bold=True)
            title.setStyleSheet(f"color: {ORG_COLOURS[contact.organisation]};")
            box.body.addWidget(title)
            box.body.addWidget(text(contact.name or contact.missing, bold=bool(contact.name)))
            for line in (contact.phone, contact.email):
                if line:
                    box.body.addWidget(text(line, selectable=True))
            box.setAccessibleName(
                f"{contact.organisation.value} {contact.role}: {contact.name or contact.missing}"
            )
            contacts.addWidget(box, 1)
        lay.addLayout(contacts)
        lay.addStretch(1)

        terms = "".join(f"<p><b>{term}</b><br/>{text}</p>" for term, text in c.glossary)
        self.glossary.setHtml(f"<h2>{tr('kitchen.glossary.title')}</h2>{terms}")
        self.refreshed.emit()

    def _appointments_card(self) -> Card:
        card = Card()
        card.body.addWidget(self._section_title(tr("kitchen.section.appointments")))
        if not self.content.appointments:
            card.body.addWidget(text(tr("kitchen.appointments.none")))
        for a in self.content.appointments:
            card.body.addWidget(text(a.when, bold=True))
            card.body.addWidget(text(a.what))
        card.body.addStretch(1)
        return card

    def _choices_card(self) -> Card:
        card = Card()
        c = self.content
        card.body.addWidget(self._section_title(tr("kitchen.section.choices")))
        card.body.addWidget(text(tr("kitchen.choices.made"), bold=True))
        if not c.choices_made:
            card.body.addWidget(text(tr("kitchen.choices.none")))
        for choice in c.choices_made:
            when = tr(
                "kitchen.choice.made_on",
                date=dutch_date(choice.made_on),
                channel=choice.channel.lower(),
            )
            card.body.addWidget(text(f"{choice.subject}: {choice.answer}"))
            card.body.addWidget(text(when, muted=True))
        card.body.addSpacing(6)
        card.body.addWidget(text(tr("kitchen.choices.open"), bold=True))
        if not c.choices_open:
            card.body.addWidget(text(tr("kitchen.choices.open_none")))
        self.open_choice_buttons: list[QPushButton] = []
        for open_choice in c.choices_open:
            button = QPushButton(open_choice.subject)
            button.setAccessibleName(open_choice.subject)
            button.setStyleSheet("text-align: left;")
            button.clicked.connect(
                lambda _c=False, t=open_choice.choice_type: self.record_choice(ChoiceType(t))
            )
            card.body.addWidget(button)
            self.open_choice_buttons.append(button)
        card.body.addStretch(1)
        return card

    def reload(self) -> None:
        try:
            self.content = kitchen_view(
                self.ctx.new_uow(), self.dossier_id, viewer_of(self.ctx.user), self.today
            )
        except BuddyDeskError as exc:
            log.warning("kitchen table reload failed: %s", type(exc).__name__)
            return
        self._show()

    # -- actions ----------------------------------------------------------------------
    def record_dialog(self, choice_type: ChoiceType | None = None) -> RecordChoiceDialog:
        actor, dossier_id = viewer_of(self.ctx.user), self.dossier_id
        dialog = RecordChoiceDialog(
            lambda c, saved, refused: self._write(
                lambda uow: record_choice(uow, dossier_id, c, actor), saved, refused
            ),
            self.content.address_line,
            self,
            default_channel=Channel.KITCHEN_TABLE,
            choice_type=choice_type,
        )
        dialog.recorded.connect(self._on_dialog_recorded)
        return dialog

    def record_choice(self, choice_type: ChoiceType | None) -> None:
        if viewer_of(self.ctx.user).organisation is None:
            show_error(self, tr("choices.dialog.error_title"), tr("choices.dialog.no_profile"))
            return
        self.record_dialog(choice_type).exec()

    def _write(
        self, job: Callable[[UnitOfWork], ChoiceEntry], saved: Saved, refused: Refused
    ) -> None:
        """dossier_changed (from ops.write) reloads this view too."""
        self.ctx.ops.write(
            job, dossiers=[self.dossier_id], on_done=saved, on_error=refused, parent=self
        )

    def _on_dialog_recorded(self, _entry: object) -> None:
        self.choice_recorded.emit(self.dossier_id)

    def _on_events_dossier_changed(self, dossier_id: int) -> None:
        if dossier_id == self.dossier_id:
            self.reload()

    def _on_glossary_toggled(self, shown: bool) -> None:
        self.glossary.setVisible(shown)
        if shown:
            self.glossary.setFocus()

    def handout_document(self) -> QTextDocument:
        document = QTextDocument()
        document.setHtml(handout_html(self.content, self.today))
        return document

    def print_to(self, path: Path) -> None:
        """The same content as a handout PDF (A4)."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(18, 18, 18, 18),
                QPageLayout.Unit.Millimeter,
            )
        )
        with in_language("nl"):
            printer.setDocName(tr("kitchen.heading"))
        self.handout_document().print_(printer)

    def _on_print_clicked(self) -> None:
        path = ask_save_path(
            self,
            tr("kitchen.action.print"),
            f"keukentafel-{self.dossier_id}.pdf",
            "PDF (*.pdf)",
        )
        if path is None:
            return
        try:
            self.print_to(path)
        except OSError as exc:
            show_error(self, tr("kitchen.print.failed"), str(exc))

    def to_other_screen(self) -> None:
        """Full screen on a second monitor if there is one; else toggle full screen here."""
        screens = QGuiApplication.screens()
        here = self.screen()
        others = [s for s in screens if s is not here]
        if others:
            target = others[0]
            self.setGeometry(target.availableGeometry())
            handle = self.windowHandle()
            if handle is not None:
                handle.setScreen(target)
            self.showFullScreen()
        elif self.isFullScreen():
            self.showNormal()
        else:
            self.showFullScreen()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.ctx.events.dossier_changed.disconnect(self._on_events_dossier_changed)
        super().closeEvent(event)
