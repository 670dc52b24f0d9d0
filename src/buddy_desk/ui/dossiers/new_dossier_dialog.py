"""Bestand → Nieuw dossier…: a dossier for an address in neither export (a resident phones in).

Wrong postcodes and house numbers are refused at the field (``ui/widgets/validators.py``): the
field turns red with a short Dutch reason under it, and "Dossier aanmaken" stays disabled until
everything is valid. An address that already has a dossier shows a note with a button to open
that dossier instead.

"Dossier aanmaken" starts the write off the GUI thread (``ctx.ops.write``); the buttons stay
disabled while it runs; a refusal (the address got a dossier meanwhile, a field the service
refuses) is shown in place, and the dialog closes when the dossier was created.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from buddy_desk.core.address import (
    AddressKey,
    format_postcode,
    normalise_huisletter,
    normalise_postcode,
    normalise_toevoeging,
)
from buddy_desk.core.phases import Organisation
from buddy_desk.dossiers.intake import (
    DossierExistsError,
    NewDossier,
    create_dossier,
    dossier_at_address,
    normalise_email,
    normalise_telefoon,
    strict_huisnummer,
)
from buddy_desk.errors import ValidationError
from buddy_desk.i18n import tr
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.operations import failure_text
from buddy_desk.ui.style import BORDER, FAINT
from buddy_desk.ui.widgets import text_size
from buddy_desk.ui.widgets.cards import label, section_title
from buddy_desk.ui.widgets.dialog_fit import FittedDialog
from buddy_desk.ui.widgets.validators import FieldCheck, postcode_problem

ERROR_COLOUR = "#c62828"
_MESSAGE_STYLE = f"color: {ERROR_COLOUR};"
_DIALOG_STYLE = f"""
QPushButton:disabled {{ color: {FAINT}; border-color: {BORDER}; }}
QFrame#existsBanner {{ background: #fdf6e7; border: 1px solid #ecd29b; border-radius: 6px; }}
QFrame#existsBanner QLabel {{ background: transparent; }}
"""


def _problem(normalise: Callable[[str], object]) -> Callable[[str], str | None]:
    """A field rule from a domain/service normaliser: None when fine (or empty), else why."""

    def rule(text: str) -> str | None:
        if not text.strip():
            return None
        try:
            normalise(text)
        except ValidationError as exc:
            return exc.reason
        return None

    return rule


def _message() -> QLabel:
    # not word-wrapped: wrapped labels make QFormLayout under-estimate the row's height
    widget = label()
    widget.setObjectName("fieldMessage")
    widget.setStyleSheet(_MESSAGE_STYLE)
    font = widget.font()
    font.setPointSizeF(max(7.5, font.pointSizeF() - 0.5))
    widget.setFont(font)
    widget.hide()
    return widget


def _stacked(field: QWidget | QLayout, *messages: QLabel) -> QWidget:
    """The field with its message(s) right under it; hidden messages take no room."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(3)
    if isinstance(field, QLayout):
        column.addLayout(field)
    else:
        column.addWidget(field)
    for message in messages:
        column.addWidget(message)
    return box


class NewDossierDialog(FittedDialog):
    refused = Signal(str)
    """The write was refused; arg: the sentence shown in the dialog."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.created_id: int | None = None
        self.saving = False
        self.existing_id: int | None = None
        self._checked_key: AddressKey | None = None
        self._looking_up = False  # the typed address is being looked up (off the GUI thread)
        self.setWindowTitle(tr("new_dossier.title"))
        self.setStyleSheet(_DIALOG_STYLE)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(12)
        # the dialog follows its content: it grows when a message appears under a field
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        intro = label(tr("new_dossier.intro"), muted=True, wrap=True)
        layout.addWidget(intro)
        layout.addSpacing(2)

        self.postcode = self._edit(max_len=7, width=96)
        self.huisnummer = self._edit(max_len=6, width=76)
        self.huisletter = self._edit(max_len=1, width=40)
        self.toevoeging = self._edit(max_len=5, width=64)
        self.straat = self._edit(max_len=80)
        self.straat.setMinimumWidth(400)  # sets the dialog's width (its size follows the content)
        self.woonplaats = self._edit(max_len=80)
        self.voorletters = self._edit(
            max_len=20, width=96, placeholder=tr("new_dossier.voorletters")
        )
        self.tussenvoegsel = self._edit(
            max_len=20, width=80, placeholder=tr("new_dossier.tussenvoegsel")
        )
        self.achternaam = self._edit(max_len=80, placeholder=tr("new_dossier.achternaam"))
        self.telefoon = self._edit(max_len=30, placeholder="06 12345678")
        self.email = self._edit(max_len=120, placeholder="naam@voorbeeld.nl")
        # the rows wrap their fields with the validation message, so the form's label is not
        # the field's buddy: each field carries its own name
        for field, key in (
            (self.voorletters, "new_dossier.voorletters"),
            (self.tussenvoegsel, "new_dossier.tussenvoegsel"),
            (self.achternaam, "new_dossier.achternaam"),
            (self.postcode, "new_dossier.postcode"),
            (self.huisnummer, "new_dossier.huisnummer"),
            (self.huisletter, "new_dossier.huisletter"),
            (self.toevoeging, "new_dossier.toevoeging"),
            (self.straat, "new_dossier.straat"),
            (self.woonplaats, "new_dossier.woonplaats"),
            (self.telefoon, "new_dossier.telefoon"),
            (self.email, "new_dossier.email"),
        ):
            field.setAccessibleName(tr(key).replace("&", ""))

        self.messages: dict[str, QLabel] = {
            name: _message()
            for name in (
                "postcode",
                "huisnummer",
                "huisletter",
                "huisnummertoevoeging",
                "straat",
                "woonplaats",
                "achternaam",
                "telefoon",
                "email",
            )
        }
        m = self.messages
        self.checks: dict[str, FieldCheck] = {
            "postcode": FieldCheck(self.postcode, postcode_problem, 7, m["postcode"]),
            "huisnummer": FieldCheck(
                self.huisnummer, _problem(strict_huisnummer), 6, m["huisnummer"]
            ),
            "huisletter": FieldCheck(
                self.huisletter, _problem(normalise_huisletter), 1, m["huisletter"]
            ),
            "huisnummertoevoeging": FieldCheck(
                self.toevoeging, _problem(normalise_toevoeging), 5, m["huisnummertoevoeging"]
            ),
            "telefoon": FieldCheck(self.telefoon, _problem(normalise_telefoon), 30, m["telefoon"]),
            "email": FieldCheck(self.email, _problem(normalise_email), 120, m["email"]),
        }
        self.postcode.setPlaceholderText("1234 AB")

        form = QFormLayout()
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow(section_title(tr("new_dossier.section.address")))
        form.addRow(tr("new_dossier.postcode"), _stacked(self.postcode, m["postcode"]))
        number = QHBoxLayout()
        number.setSpacing(8)
        number.addWidget(self.huisnummer)
        number.addSpacing(6)
        number.addWidget(label(tr("new_dossier.huisletter"), muted=True))
        number.addWidget(self.huisletter)
        number.addSpacing(6)
        number.addWidget(label(tr("new_dossier.toevoeging"), muted=True))
        number.addWidget(self.toevoeging)
        number.addStretch(1)
        form.addRow(
            tr("new_dossier.huisnummer"),
            _stacked(number, m["huisnummer"], m["huisletter"], m["huisnummertoevoeging"]),
        )
        form.addRow(tr("new_dossier.straat"), _stacked(self.straat, m["straat"]))
        form.addRow(tr("new_dossier.woonplaats"), _stacked(self.woonplaats, m["woonplaats"]))
        form.addItem(_spacer())
        form.addRow(section_title(tr("new_dossier.section.resident")))
        name = QHBoxLayout()
        name.setSpacing(8)
        name.addWidget(self.voorletters)
        name.addWidget(self.tussenvoegsel)
        name.addWidget(self.achternaam, 1)
        form.addRow(tr("new_dossier.name"), _stacked(name, m["achternaam"]))
        form.addRow(tr("new_dossier.telefoon"), _stacked(self.telefoon, m["telefoon"]))
        form.addRow(tr("new_dossier.email"), _stacked(self.email, m["email"]))
        layout.addLayout(form)

        self.note = label(tr("new_dossier.required"), muted=True, wrap=True)
        font = self.note.font()
        font.setPointSizeF(max(7.5, font.pointSizeF() - 0.5))
        self.note.setFont(font)
        layout.addWidget(self.note)

        self.banner = QFrame()
        self.banner.setObjectName("existsBanner")
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(12, 10, 10, 10)
        banner_row.setSpacing(12)
        self.banner_text = label(wrap=True)
        self.open_existing = QPushButton(tr("new_dossier.open_existing"))
        self.open_existing.setAutoDefault(False)
        self.open_existing.clicked.connect(self._on_open_existing_clicked)
        banner_row.addWidget(self.banner_text, 1)
        banner_row.addWidget(self.open_existing, 0, Qt.AlignmentFlag.AlignVCenter)
        self.banner.hide()
        layout.addWidget(self.banner)

        self.general = _message()
        layout.addWidget(self.general)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(tr("new_dossier.ok"))
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        order: list[QWidget] = [
            self.postcode,
            self.huisnummer,
            self.huisletter,
            self.toevoeging,
            self.straat,
            self.woonplaats,
            self.voorletters,
            self.tussenvoegsel,
            self.achternaam,
            self.telefoon,
            self.email,
            self.open_existing,
            self.ok_button,
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        ]
        for first, second in pairwise(order):
            QWidget.setTabOrder(first, second)

        # show a valid value the way the app writes it (9712ab → 9712 AB, a → A)
        self.postcode.editingFinished.connect(self._on_postcode_editing_finished)
        self.huisletter.editingFinished.connect(self._on_huisletter_editing_finished)
        self.toevoeging.editingFinished.connect(self._on_toevoeging_editing_finished)
        for edit in order[:11]:
            assert isinstance(edit, QLineEdit)
            edit.textChanged.connect(self._on_any_text_changed)
        self.postcode.setFocus()
        self._update()

    # -- building ---------------------------------------------------------------------------
    def _edit(self, *, max_len: int, width: int | None = None, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setMaxLength(max_len)
        if width is not None:
            edit.setFixedWidth(text_size.scaled(width))
        if placeholder:
            edit.setPlaceholderText(placeholder)
        return edit

    # -- state ------------------------------------------------------------------------------
    def address_key(self) -> AddressKey | None:
        """The entered address key when postcode and number are filled in and valid."""
        if not self.postcode.text().strip() or not self.huisnummer.text().strip():
            return None
        try:
            return AddressKey(
                normalise_postcode(self.postcode.text()),
                strict_huisnummer(self.huisnummer.text()),
                normalise_huisletter(self.huisletter.text()),
                normalise_toevoeging(self.toevoeging.text()),
            )
        except ValidationError:
            return None

    @property
    def address_pending(self) -> bool:
        """The typed address is still being looked up (OK waits for the answer)."""
        return self._looking_up

    def _has_resident_details(self) -> bool:
        return any(
            e.text().strip()
            for e in (self.voorletters, self.tussenvoegsel, self.telefoon, self.email)
        )

    def is_complete(self) -> bool:
        """Everything valid, required fields filled, and no dossier at this address yet."""
        if any(check.problem for check in self.checks.values()):
            return False
        if self.address_key() is None or self.existing_id is not None or self._looking_up:
            return False
        if not self.straat.text().strip() or not self.woonplaats.text().strip():
            return False
        return not (self._has_resident_details() and not self.achternaam.text().strip())

    def _update(self) -> None:
        key = self.address_key()
        if key != self._checked_key:
            self._checked_key = key
            if key is None:
                self._looking_up = False
                self._show_existing(None)
            else:
                self._looking_up = True
                self.ctx.ops.read(
                    lambda uow: dossier_at_address(uow, key),
                    on_done=self._on_looked_up,
                    parent=self,
                    key=self.banner,  # typing on: only the last address counts
                )
        self.ok_button.setEnabled(self.is_complete() and not self.saving)

    def _on_looked_up(self, found: tuple[int, str] | None) -> None:
        self._looking_up = False
        if found is None:
            self._show_existing(None)
        else:
            self._show_existing(*found)
        self.ok_button.setEnabled(self.is_complete() and not self.saving)

    def _show_existing(self, dossier_id: int | None, address: str = "") -> None:
        self.existing_id = dossier_id
        # Enter opens the existing dossier while the address has one, else creates
        self.open_existing.setDefault(dossier_id is not None)
        self.ok_button.setDefault(dossier_id is None)
        if dossier_id is None:
            self.banner.hide()
            return
        self.banner_text.setText(tr("new_dossier.exists", address=address))
        self.banner.show()

    def new_dossier(self) -> NewDossier:
        org = self.ctx.user.organisation
        return NewDossier(
            postcode=self.postcode.text(),
            huisnummer=self.huisnummer.text(),
            huisletter=self.huisletter.text(),
            toevoeging=self.toevoeging.text(),
            straat=self.straat.text(),
            woonplaats=self.woonplaats.text(),
            voorletters=self.voorletters.text(),
            tussenvoegsel=self.tussenvoegsel.text(),
            achternaam=self.achternaam.text(),
            telefoon=self.telefoon.text(),
            email=self.email.text(),
            user=self.ctx.user.username,
            organisation=Organisation(org) if org in ("IMG", "NCG") else None,
        )

    # -- actions ----------------------------------------------------------------------------
    def accept(self) -> None:
        if self.saving:
            return  # saving already (Enter twice)
        if not self.is_complete():
            for check in self.checks.values():
                check.check()
            return
        new = self.new_dossier()
        self._set_saving(True)
        self.ctx.ops.write(
            lambda uow: create_dossier(uow, new),
            on_done=self._on_created,
            on_error=self._on_refused,
            parent=self,
        )

    def _set_saving(self, saving: bool) -> None:
        self.saving = saving
        self.buttons.setEnabled(not saving)
        self.open_existing.setEnabled(not saving)
        self.ok_button.setEnabled(not saving and self.is_complete())

    def _on_created(self, dossier_id: int) -> None:
        self._set_saving(False)
        self.created_id = dossier_id
        super().accept()
        self.ctx.events.dossiers_reloaded.emit()
        self.ctx.events.open_dossier_requested.emit(dossier_id)

    def _on_refused(self, exc: BaseException) -> None:
        self._set_saving(False)
        if isinstance(exc, DossierExistsError):
            self._show_existing(exc.dossier_id, exc.address)
            self.ok_button.setEnabled(False)
            self.open_existing.setFocus()
            text = self.banner_text.text()
        elif isinstance(exc, ValidationError):
            text = exc.reason
            self._show_field_problem(exc.field, exc.reason)
        else:
            text = failure_text(exc)
            self.general.setText(text)
            self.general.show()
        self.refused.emit(text)

    def _show_field_problem(self, field: str, reason: str) -> None:
        edits = {
            "postcode": self.postcode,
            "huisnummer": self.huisnummer,
            "huisletter": self.huisletter,
            "huisnummertoevoeging": self.toevoeging,
            "straat": self.straat,
            "woonplaats": self.woonplaats,
            "voorletters": self.achternaam,
            "tussenvoegsel": self.achternaam,
            "achternaam": self.achternaam,
            "telefoon": self.telefoon,
            "email": self.email,
        }
        shown_at = "achternaam" if field in ("voorletters", "tussenvoegsel") else field
        message = self.messages.get(shown_at, self.general)
        message.setText(reason)
        message.show()
        edit = edits.get(field)
        if edit is not None:
            edit.setProperty("invalid", True)
            edit.style().unpolish(edit)
            edit.style().polish(edit)
            edit.setFocus()

    def _on_open_existing_clicked(self) -> None:
        dossier_id = self.existing_id
        if dossier_id is None:
            return
        super().accept()
        self.ctx.events.open_dossier_requested.emit(dossier_id)

    def _on_any_text_changed(self, _text: str) -> None:
        self.general.hide()
        for check in self.checks.values():
            if check.edit.property("invalid") and check.problem is None:
                check.check()  # also after a programmatic change (paste, normalising)
        for name, edit in (
            ("straat", self.straat),
            ("woonplaats", self.woonplaats),
            ("achternaam", self.achternaam),
        ):
            if edit.property("invalid") and edit.text().strip():
                edit.setProperty("invalid", False)
                edit.style().unpolish(edit)
                edit.style().polish(edit)
                self.messages[name].hide()
        self._update()

    def _on_postcode_editing_finished(self) -> None:
        if postcode_problem(self.postcode.text()) is None and self.postcode.text().strip():
            self.postcode.setText(format_postcode(normalise_postcode(self.postcode.text())))

    def _on_huisletter_editing_finished(self) -> None:
        self.huisletter.setText(self.huisletter.text().strip().upper())

    def _on_toevoeging_editing_finished(self) -> None:
        if self.checks["huisnummertoevoeging"].problem is None:
            self.toevoeging.setText(normalise_toevoeging(self.toevoeging.text()) or "")


def _spacer() -> QLayout:
    spacer = QVBoxLayout()
    spacer.addSpacing(4)
    return spacer
