"""Group E: IMG's priority is offered only while IMG is in Voorbereiding or Opname."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from buddy_desk.choices.rules import Direction
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.context import AppContext, UserProfile
from buddy_desk.ui.dossiers.dossier_view import DossierView
from tests.factories import give_consent, make_dossier


@pytest.mark.parametrize(
    ("phase", "offered"),
    [
        (ImgPhase.VOORBEREIDING, True),
        (ImgPhase.OPNAME, True),
        (ImgPhase.ZIENSWIJZE, False),
        (ImgPhase.BESCHIKKING, False),
        (ImgPhase.UITVOERING, False),
    ],
)
def test_group_card_offers_img_priority_only_early(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork, phase: ImgPhase, offered: bool
) -> None:
    d = make_dossier(uow, img_phase=phase, ncg_status=NcgStatus.S4_1)
    # the zaakbegeleider sees IMG's own phase whatever the resident's consent; the group (E)
    # gives away NCG's status, so it shows only while NCG's case details are shared
    give_consent(uow, d, Direction.NCG_TO_IMG)
    img_user = UserProfile(username="zb", display_name="Z. Begeleider", organisation="IMG")
    view = DossierView(replace(ctx, user=img_user), d)
    qtbot.addWidget(view)
    assert view.collaboration.letter.letter == "E"
    card = " ".join(label.text() for label in view.collaboration.findChildren(QLabel))
    assert ("voorrang" in card) is offered
    # the repair can always be taken into the strengthening in group E
    assert "meegenomen" in view.collaboration.meaning.text()
