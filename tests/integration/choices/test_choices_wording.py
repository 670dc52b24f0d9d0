"""What a resident reads about their choices: who recorded it, a withdrawn consent's
direction, and the explanation as it was given (on receipts, in letters and in the app)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.exports import receipt_pdf
from buddy_desk.choices.service.log import (
    NewChoice,
    choice_log,
    current_choices,
    record_choice,
    withdraw_choice,
)
from buddy_desk.choices.texts import explanation, state_label
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.letters.service import summary_letter_for
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier, make_supervisor

T0 = datetime(2026, 9, 14, 10, 30, tzinfo=UTC)


def _text(path: Path) -> str:
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    return re.sub(r"\s+", " ", " ".join(p.extract_text() or "" for p in pages))


def _consent(direction: Direction) -> NewChoice:
    return NewChoice(
        ChoiceType.DATA_SHARING,
        "gegeven",
        Channel.KITCHEN_TABLE,
        T0,
        direction=direction,
        purpose="Samen afhandelen",
        categories=(DocumentCategory.CASE_DETAILS,),
        method=ConsentMethod.SIGNED_FORM,
        form_reference="GUO-2026-0001",
    )


def test_a_receipt_names_the_recorder_by_name_and_role_not_username(
    uow: UnitOfWork, tmp_path: Path
) -> None:
    make_supervisor(uow, Organisation.IMG, "Sanne Bakker", username="glubbers")
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    known = Actor("glubbers", "", Organisation.IMG, "supervisor")  # only a username
    named = Actor("ncg.x", "Noor Smit", Organisation.NCG, "supervisor")  # not in staff list
    stranger = Actor("q7", "", Organisation.NCG, "supervisor")
    first = NewChoice(ChoiceType.JOINT_INSPECTION, "gelijktijdig", Channel.KITCHEN_TABLE, T0)
    record_choice(uow, d, first, known)
    record_choice(uow, d, NewChoice(ChoiceType.FIRST_CONTACT, "IMG", Channel.PHONE, T0), named)
    record_choice(uow, d, NewChoice(ChoiceType.FIRST_CONTACT, "NCG", Channel.PHONE, T0), stranger)
    data = choice_log(uow, d)
    texts = []
    for seq in (1, 2, 3):
        out = tmp_path / f"r{seq}.pdf"
        receipt_pdf(data, seq, out)
        texts.append(_text(out))
    assert "Vastgelegd door Sanne Bakker, zaakbegeleider IMG" in texts[0]
    assert "glubbers" not in texts[0]
    assert "Vastgelegd door Noor Smit, medewerker NCG" in texts[1]
    assert "ncg.x" not in texts[1]
    assert "Vastgelegd door een medewerker van NCG" in texts[2]
    assert "q7" not in texts[2]


def test_a_withdrawn_consent_names_its_direction_in_app_and_letter(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    actor = Actor("img.user", "I. Mulder", Organisation.IMG, "supervisor")
    entry = record_choice(uow, d, _consent(Direction.IMG_TO_NCG), actor)
    record_choice(uow, d, _consent(Direction.NCG_TO_IMG), actor)
    withdraw_choice(uow, d, entry.seq, actor, channel=Channel.PHONE)
    labels = [state_label(s) for s in current_choices(uow, d)]
    withdrawn = next(label for label in labels if "ingetrokken" in label)
    assert withdrawn.startswith("IMG deelt met NCG: ingetrokken per ")
    letter = summary_letter_for(uow, d, date(2026, 11, 26))
    assert "IMG deelt met NCG: ingetrokken" in letter.plain_text()


def test_an_old_entry_keeps_the_explanation_it_was_given() -> None:
    old = explanation(ChoiceType.PAYMENT_FOR_REPAIR, "vergoeding_voor_herstel/2026-11")
    new = explanation(ChoiceType.PAYMENT_FOR_REPAIR, "vergoeding_voor_herstel/2026-12")
    assert "niets terug te betalen" in old  # what was said then, on that receipt
    assert "terug te betalen" not in new and "regie van NCG" in new
    assert explanation(ChoiceType.PAYMENT_FOR_REPAIR) == new
