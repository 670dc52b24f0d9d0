"""Preview of one summary letter: the PDF's pages as images, Save as PDF, and Print.

PySide6-Essentials has no QtPdf, so pages are rasterised with PDFium (``pypdfium2``) into
``QImage``s on a worker thread; printing paints the same pages at printer resolution.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.files import atomic_write
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr, trn
from buddy_desk.letters.content import SummaryLetter
from buddy_desk.letters.render import render_letter
from buddy_desk.letters.service import record_letter_saved, summary_letter_for
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.choices.common import viewer_of
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.file_dialogs import ask_save_file
from buddy_desk.ui.widgets.dialog_fit import FittedDialog
from buddy_desk.ui.widgets.screen_fit import fit_to_screen

log = logging.getLogger(__name__)
PREVIEW_DPI = 110


@dataclass(frozen=True)
class RenderedLetter:
    letter: SummaryLetter
    pdf: bytes
    pages: tuple[QImage, ...]


def rasterise(pdf: bytes, dpi: float) -> list[QImage]:
    """PDF pages → RGBA QImages (safe off the GUI thread: QImage, not QPixmap)."""
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for index in range(len(document)):
            page = document[index]
            bitmap = page.render(
                scale=dpi / 72,
                force_bitmap_format=pdfium_c.FPDFBitmap_BGRA,
                rev_byteorder=True,
            )
            image = QImage(
                bitmap.buffer,
                bitmap.width,
                bitmap.height,
                bitmap.stride,
                QImage.Format.Format_RGBA8888,
            ).copy()  # own the pixels before PDFium frees the bitmap
            images.append(image)
            page.close()
        return images
    finally:
        document.close()


def make_letter(ctx: AppContext, dossier_id: int, today: date) -> RenderedLetter:
    letter = summary_letter_for(ctx.new_uow(), dossier_id, today, viewer=viewer_of(ctx.user))
    pdf = render_letter(letter)
    return RenderedLetter(letter, pdf, tuple(rasterise(pdf, PREVIEW_DPI)))


class LetterPreviewDialog(FittedDialog):
    """Shows the letter's pages; Save as PDF and Print act on exactly what is shown."""

    letter_ready = Signal()
    """The letter was made and its pages are shown."""
    letter_failed = Signal(str)
    """Making the letter failed; arg: the message shown."""
    saved = Signal(Path)
    """The PDF was written and the letter recorded on the dossier; arg: the file."""

    def __init__(
        self,
        ctx: AppContext,
        dossier_id: int,
        parent: QWidget | None = None,
        today: date | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dossier_id = dossier_id
        self.rendered: RenderedLetter | None = None
        self._zoom = 0.72
        self.setWindowTitle(tr("letters.preview.title", dossier=dossier_id))
        fit_to_screen(self, 760, 900)

        layout = QVBoxLayout(self)
        self.info = QLabel(tr("letters.preview.loading"))
        self.info.setWordWrap(True)
        layout.addWidget(self.info)
        self.pages_widget = QWidget()
        self.pages_widget.setObjectName("letterPages")
        self.pages_widget.setStyleSheet("#letterPages { background: #8a929c; }")
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setSpacing(14)
        self.pages_layout.setContentsMargins(18, 18, 18, 18)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        # Grow with the pages, so the scroll area scrolls instead of squeezing them together.
        self.pages_layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages_widget)
        layout.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.zoom_out = QPushButton(tr("letters.preview.zoom_out"))
        self.zoom_in = QPushButton(tr("letters.preview.zoom_in"))
        self.save_button = QPushButton(tr("letters.preview.save"))
        self.print_button = QPushButton(tr("letters.preview.print"))
        self.close_button = QPushButton(tr("letters.preview.close"))
        self.status = QLabel("")
        for b in (self.zoom_out, self.zoom_in):
            buttons.addWidget(b)
        buttons.addWidget(self.status, 1)
        for b in (self.save_button, self.print_button, self.close_button):
            buttons.addWidget(b)
        layout.addLayout(buttons)
        self.save_button.setDefault(True)
        for b in (self.save_button, self.print_button, self.zoom_in, self.zoom_out):
            b.setEnabled(False)
        self.zoom_in.clicked.connect(lambda: self._set_zoom(self._zoom * 1.2))
        self.zoom_out.clicked.connect(lambda: self._set_zoom(self._zoom / 1.2))
        self.save_button.clicked.connect(self._on_save_clicked)
        self.print_button.clicked.connect(self._on_print_clicked)
        self.close_button.clicked.connect(self.close)

        day = today or date.today()
        self.handle = ctx.tasks.start(
            lambda _p: make_letter(ctx, dossier_id, day),
            on_done=self._on_task_done,
            on_error=self._on_task_failed,
        )

    # -- results ------------------------------------------------------------------------
    def _on_task_done(self, result: object) -> None:
        assert isinstance(result, RenderedLetter)
        self.rendered = result
        letter = result.letter
        pages = len(result.pages)
        text = trn(
            "letters.preview.pages.one",
            "letters.preview.pages",
            pages,
            pages=pages,
            kenmerk=letter.kenmerk,
        )
        if letter.unknown:
            text += "\n" + tr("letters.preview.unknown", items=", ".join(letter.unknown))
        self.info.setText(text)
        for b in (self.save_button, self.print_button, self.zoom_in, self.zoom_out):
            b.setEnabled(True)
        self._show_pages()
        self.letter_ready.emit()

    def _on_task_failed(self, exc: object) -> None:
        message = str(exc) if isinstance(exc, BuddyDeskError) else tr("letters.preview.failed")
        self.info.setText(f"{tr('letters.preview.failed')}: {message}")
        self.letter_failed.emit(message)

    def _show_pages(self) -> None:
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item is not None and (w := item.widget()) is not None:
                w.deleteLater()
        if self.rendered is None:
            return
        for image in self.rendered.pages:
            label = QLabel()
            width = int(image.width() * self._zoom)
            pixmap = QPixmap.fromImage(image).scaledToWidth(
                width, Qt.TransformationMode.SmoothTransformation
            )
            label.setPixmap(pixmap)
            label.setFixedSize(pixmap.size())  # whole pages; the scroll area scrolls
            label.setStyleSheet("background: white;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)

    def _set_zoom(self, zoom: float) -> None:
        self._zoom = max(0.35, min(zoom, 2.0))
        self._show_pages()

    # -- actions ------------------------------------------------------------------------
    def save_to(self, path: Path) -> None:
        """Write the PDF and record the letter on the dossier, off the GUI thread."""
        assert self.rendered is not None
        pdf, kenmerk = self.rendered.pdf, self.rendered.letter.kenmerk
        dossier_id, actor = self.dossier_id, viewer_of(self.ctx.user)

        def job(uow: UnitOfWork) -> None:
            atomic_write(path, pdf)
            record_letter_saved(uow, dossier_id, kenmerk, pdf, actor)

        self.ctx.ops.write(
            job,
            dossiers=[dossier_id],
            on_done=lambda _none: self._on_saved(path),
            parent=self,
            title=tr("letters.preview.save_failed"),
        )

    def _on_saved(self, path: Path) -> None:
        self.status.setText(tr("letters.preview.saved", path=path.name))
        self.saved.emit(path)

    def _on_save_clicked(self) -> None:
        if self.rendered is None:
            return
        chosen = ask_save_file(
            self,
            tr("letters.preview.save"),
            str(Path.home() / f"{self.rendered.letter.kenmerk}.pdf"),
            tr("letters.preview.pdf_filter"),
        )
        if chosen is None:
            return
        name = str(chosen)
        path = Path(name if name.lower().endswith(".pdf") else f"{name}.pdf")
        self.save_to(path)  # a failure is shown by ops.write, under the action's title

    def print_to(self, printer: QPrinter) -> int:
        """Paint every page, fitted to the printer's page; returns the pages printed."""
        assert self.rendered is not None
        dpi = max(150, min(printer.resolution(), 600))
        images = rasterise(self.rendered.pdf, dpi)
        painter = QPainter()
        if not painter.begin(printer):
            raise BuddyDeskError("De printer kon niet worden gestart.")
        try:
            for index, image in enumerate(images):
                if index:
                    printer.newPage()
                target = painter.viewport()
                size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(target.topLeft(), size), image)
        finally:
            painter.end()
        return len(images)

    def _on_print_clicked(self) -> None:
        if self.rendered is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.rendered.letter.kenmerk)
        printer.setFullPage(True)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        pages = self.print_to(printer)
        self.status.setText(
            trn("letters.preview.printed.one", "letters.preview.printed", pages, pages=pages)
        )


def open_preview(ctx: AppContext, dossier_id: int, parent: QWidget) -> LetterPreviewDialog:
    dialog = LetterPreviewDialog(ctx, dossier_id, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
