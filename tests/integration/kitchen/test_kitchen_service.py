"""The kitchen-table content goes through the consent gate, on SQLite and PostgreSQL."""

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
from buddy_desk.choices.service.consent import access_log
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.documents.templates import load_templates
from buddy_desk.kitchen.service import kitchen_view
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

NCG_BUDDY = Actor("bert", "Bert Bewoner", Organisation.NCG, "supervisor")
TODAY = date(2026, 11, 26)


def test_without_consent_the_other_side_shows_only_that_it_exists(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.ZIENSWIJZE, ncg_status=NcgStatus.S2_1)
    content = kitchen_view(uow, d, NCG_BUDDY, TODAY)
    img, ncg = content.tracks
    assert img.withheld and content.withheld == (Organisation.IMG,)
    text = content.plain_text()
    assert load_templates("nl").text("kort.img.zienswijze", zaaknummer="", sinds="") not in text
    assert "bert" not in text and "Bert Bewoner" not in text
    assert not ncg.withheld and ncg.steps
    assert access_log(uow, dossier_id=d) == []  # nothing of IMG's was viewed


def test_with_consent_both_tracks_and_the_choice_show(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.ZIENSWIJZE, ncg_status=NcgStatus.S2_1)
    record_choice(
        uow,
        d,
        NewChoice(
            ChoiceType.DATA_SHARING,
            "gegeven",
            Channel.KITCHEN_TABLE,
            datetime(2026, 11, 20, 10, tzinfo=UTC),
            direction=Direction.IMG_TO_NCG,
            purpose="samen afhandelen",
            categories=(DocumentCategory.CASE_DETAILS,),
            method=ConsentMethod.VERBAL,
        ),
        NCG_BUDDY,
    )
    content = kitchen_view(uow, d, NCG_BUDDY, TODAY)
    img = content.tracks[0]
    assert not img.withheld
    assert img.now == load_templates("nl").text("kort.img.zienswijze", zaaknummer="", sinds="")
    [made] = content.choices_made
    assert made.choice_type == ChoiceType.DATA_SHARING.value
    assert made.channel == "Keukentafelgesprek"
    assert made.made_on == date(2026, 11, 20)
    assert ChoiceType.DATA_SHARING.value not in [o.choice_type for o in content.choices_open]
    assert len(access_log(uow, dossier_id=d)) == 1  # the view of IMG's data is logged
