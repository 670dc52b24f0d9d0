"""Timeline texts are stored as a key with values and read in the language of the moment."""

from __future__ import annotations

from sqlalchemy import select

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.core.phases import Organisation
from buddy_desk.demo.generator import generate
from buddy_desk.dossiers.intake import NewDossier, create_dossier
from buddy_desk.dossiers.service import get_dossier
from buddy_desk.i18n import in_language
from buddy_desk.models import TimelineEvent
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier


def _titles(uow: UnitOfWork, dossier_id: int, language: str) -> list[str]:
    detail = get_dossier(uow, dossier_id)
    with in_language(language):
        return [e.title for e in detail.events]


def test_a_recorded_choice_reads_in_either_language(uow: UnitOfWork) -> None:
    d = make_dossier(uow)
    actor = Actor("anna", "Anna Zaak", Organisation.IMG, "supervisor")
    with in_language("nl"):
        choice = NewChoice(
            ChoiceType.DATA_SHARING,
            "gegeven",
            Channel.PHONE,
            direction=Direction.IMG_TO_NCG,
            categories=(DocumentCategory.CASE_DETAILS,),
            purpose="gezamenlijke opname voorbereiden",
            method=ConsentMethod.SIGNED_FORM,
            form_reference="GUO-1",
        )
        record_choice(uow, d, choice, actor)
    nl = _titles(uow, d, "nl")
    en = _titles(uow, d, "en")
    assert nl != en
    assert any("IMG" in t and "NCG" in t for t in en)
    assert not any("vastgelegd" in t.lower() for t in en)


def test_a_new_dossier_and_the_demo_timeline_follow_the_language(uow: UnitOfWork) -> None:
    d = create_dossier(
        uow,
        NewDossier(
            postcode="9711 AA",
            huisnummer="3",
            straat="Teststraat",
            woonplaats="Groningen",
            organisation=Organisation.NCG,
            user="anna",
        ),
    )
    assert _titles(uow, d, "nl") == ["Dossier aangemaakt"]
    assert _titles(uow, d, "en") == ["Dossier created"]
    en_detail = get_dossier(uow, d)
    with in_language("en"):
        assert en_detail.events[0].detail is not None
        assert en_detail.events[0].detail.startswith("Created by hand for ")

    generate(uow.engine, seed=3, scale=0.01, replace=True)
    with uow:
        dossier_id = uow.session.scalars(
            select(TimelineEvent.dossier_id).where(TimelineEvent.kind == "status").limit(1)
        ).one()
    nl = _titles(uow, dossier_id, "nl")
    en = _titles(uow, dossier_id, "en")
    assert any(t.startswith(("Versterking: status", "Schade ")) for t in nl)
    assert any(t.startswith(("Strengthening: status", "Damage ")) for t in en)
    assert not any(t.startswith("Versterking: status") for t in en)


def test_a_booked_joint_inspection_reads_its_date_in_either_language(uow: UnitOfWork) -> None:
    from buddy_desk.core.formatting import AMSTERDAM
    from buddy_desk.core.inspection import InspectionForm
    from buddy_desk.core.phases import ImgPhase, NcgStatus
    from buddy_desk.i18n import catalog
    from buddy_desk.planning.service import booking
    from tests.planning_factories import make_expert

    make_expert(uow, Organisation.IMG, "Ada Schade")
    make_expert(uow, Organisation.NCG, "Bram Versterk")
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    options = booking.propose(uow, d, InspectionForm.SIMULTANEOUS).proposals.options
    [appointment] = booking.book(uow, d, options[0])
    start = appointment.start.astimezone(AMSTERDAM)
    for language, opening in (("nl", "Gezamenlijke opname"), ("en", "Joint inspection")):
        month = catalog(language)["ui.months"].split(",")[start.month - 1]
        [booked] = [t for t in _titles(uow, d, language) if t.startswith(opening)]
        assert f"{start.day} {month} {start.year} {start:%H:%M}–" in booked, booked
