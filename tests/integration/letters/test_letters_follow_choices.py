"""The summary letter reads the choice log and the planning (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.letters.service import summary_letter_for
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.service import booking as svc
from tests.factories import make_dossier
from tests.planning_factories import make_expert

TODAY = date(2026, 11, 26)
ACTOR = Actor("img.user", "I. Mulder", Organisation.IMG, "zaakbegeleider")


def test_letter_states_the_choice_and_names_the_booked_inspection(uow: UnitOfWork) -> None:
    make_expert(uow, Organisation.IMG, "Ada Schade")
    make_expert(uow, Organisation.NCG, "Bram Versterk")
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    # The group (B here) gives away NCG's phase, so an IMG viewer sees the group's offer, and
    # the decision taken on it, only while NCG's case details are shared (docs/choices.md).
    record_choice(
        uow,
        d,
        NewChoice(
            ChoiceType.DATA_SHARING,
            "gegeven",
            Channel.KITCHEN_TABLE,
            datetime(2026, 11, 20, 10, tzinfo=UTC),
            direction=Direction.NCG_TO_IMG,
            purpose="samen afhandelen",
            categories=(DocumentCategory.CASE_DETAILS,),
            method=ConsentMethod.VERBAL,
        ),
        ACTOR,
    )
    before = summary_letter_for(uow, d, TODAY, viewer=ACTOR).plain_text()
    assert "U kiest zelf of u dat wilt" in before
    record_choice(
        uow, d, NewChoice(ChoiceType.JOINT_INSPECTION, "gelijktijdig", Channel.PHONE), ACTOR
    )
    chosen = summary_letter_for(uow, d, TODAY, viewer=ACTOR).plain_text()
    assert "U heeft gekozen voor een gezamenlijke opname (gelijktijdig op één dag)" in chosen
    assert "U kiest zelf of u dat wilt" not in chosen
    option = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals.options[0]
    svc.book(uow, d, option)
    booked = summary_letter_for(uow, d, TODAY, viewer=ACTOR).plain_text()
    assert "De opname is gepland op maandag 30 november 2026 om 08:00 uur" in booked
    assert "neemt contact met u op om een afspraak te maken" not in booked
