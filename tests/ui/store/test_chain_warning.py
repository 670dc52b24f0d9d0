"""A choice log cut outside the app: the dossier view and the choices section both warn, and
the other organisation's data stays hidden (the consent gate trusts no broken chain)."""

from __future__ import annotations

from pytestqt.qtbot import QtBot
from sqlalchemy import text

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import NewChoice, record_choice, withdraw_choice
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.log_guards import guards_lifted
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.ui.choices.section import ChoicesSection
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.dossiers.dossier_view import DossierView
from tests.factories import make_dossier

IMG = Actor("s.bakker", "S. Bakker", Organisation.IMG, "supervisor")


def test_a_cut_log_shows_a_warning_in_the_view_and_the_section(
    qtbot: QtBot, ctx: AppContext, uow: UnitOfWork
) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    consent = NewChoice(
        ChoiceType.DATA_SHARING,
        "gegeven",
        Channel.KITCHEN_TABLE,
        direction=Direction.IMG_TO_NCG,
        purpose="samen afhandelen",
        categories=(DocumentCategory.CASE_DETAILS,),
        method=ConsentMethod.VERBAL,
    )
    record_choice(uow, d, consent, IMG)
    withdraw_choice(uow, d, 1, IMG, channel=Channel.PHONE)
    view = DossierView(ctx, d)  # the viewer is NCG (see the ctx fixture)
    qtbot.addWidget(view)
    assert view.chain_warning.isHidden()
    section = ChoicesSection(ctx, d)
    qtbot.addWidget(section)
    assert section.warning.isHidden()

    with uow.engine.begin() as conn, guards_lifted(conn):  # the withdrawal cut away
        first = conn.execute(
            text("SELECT entry_hash FROM choice_log_entry WHERE dossier_id = :d AND seq = 1"),
            {"d": d},
        ).scalar_one()
        conn.execute(
            text("DELETE FROM choice_log_entry WHERE dossier_id = :d AND seq = 2"), {"d": d}
        )
        conn.execute(
            text("UPDATE choice_log_head SET last_seq = 1, last_hash = :h WHERE dossier_id = :d"),
            {"h": first, "d": d},
        )
    with qtbot.waitSignal(view.refreshed, timeout=5000):  # read on a worker
        view.refresh()
    section.reload()
    assert not view.chain_warning.isHidden()
    assert "regel 2" in view.chain_warning.text()
    assert view.detail.current_img_case is None  # the withdrawn consent stays withdrawn
    assert not section.warning.isHidden()
