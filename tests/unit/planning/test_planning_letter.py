"""The resident's confirmation and cancellation letters for an inspection appointment."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from buddy_desk.core.inspection import AppointmentState, InspectionForm, VisitKind
from buddy_desk.core.phases import Organisation
from buddy_desk.planning.info import AppointmentInfo, VisitInfo
from buddy_desk.planning.letter import ConfirmationLetter, Contact, render_confirmation


def _letter(state: AppointmentState, form: InspectionForm) -> ConfirmationLetter:
    start = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    end = datetime(2026, 12, 8, 11, 0, tzinfo=UTC)
    visits = (
        VisitInfo(1, "Cor Schade", Organisation.IMG, VisitKind.DAMAGE, start, end),
        VisitInfo(2, "Ria Sterk", Organisation.NCG, VisitKind.STRENGTHENING, start, end),
    )
    appointment = AppointmentInfo(
        id=7,
        dossier_id=3,
        form=form,
        state=state,
        uid="uid-7",
        sequence=0,
        start=start,
        end=end,
        visits=visits,
        cancel_reason=None,
        changes=(),
        address_line="Hoofdweg 12a",
        postcode="9611AB",
        woonplaats="Sappemeer",
    )
    return ConfirmationLetter(
        appointment=appointment,
        recipient_names=("Mevrouw J. de Vries",),
        salutation="Geachte mevrouw De Vries,",
        references=("IMG-0012345",),
        contacts=(Contact("zaakbegeleider (IMG)", "Sanne Bakker", "06-11122233"),),
        today=date(2026, 11, 26),
    )


def _text(letter: ConfirmationLetter) -> str:
    pdf = render_confirmation(letter)
    pages = PdfReader(io.BytesIO(pdf)).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))


def test_the_cancellation_letter_does_not_ask_whether_the_appointment_fits() -> None:
    text = _text(_letter(AppointmentState.CANCELLED, InspectionForm.SIMULTANEOUS))
    assert "gaat niet door" in text
    assert "Past de afspraak niet" not in text
    assert "Heeft u vragen?" in text
    assert "Sanne Bakker, uw zaakbegeleider (IMG)" in text


def test_the_confirmation_letter_asks_whether_the_appointment_fits() -> None:
    text = _text(_letter(AppointmentState.BOOKED, InspectionForm.SIMULTANEOUS))
    assert "Past de afspraak niet, of heeft u vragen?" in text


@pytest.mark.parametrize("state", [AppointmentState.BOOKED, AppointmentState.CANCELLED])
def test_no_claim_about_which_inspection_finishes_first(state: AppointmentState) -> None:
    # the sources only say the two inspections take different times, not which is shorter
    text = _text(_letter(state, InspectionForm.SIMULTANEOUS))
    assert "meestal eerder klaar" not in text
