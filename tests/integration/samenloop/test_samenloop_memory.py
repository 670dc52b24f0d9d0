"""The Samenloop workspace holds every NCG address (268,000 rows at 310,000 dossiers, issue
16): what is the same in many rows is one object, not one per row."""

from __future__ import annotations

from buddy_desk.choices.rules import Actor, disclosure
from buddy_desk.choices.service.list_gate import no_consent_verdict
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.samenloop.service import load_overview
from tests.factories import make_dossier


def test_dossiers_without_consent_share_one_verdict_per_side() -> None:
    for viewer in (None, Organisation.IMG, Organisation.NCG):
        a, b = no_consent_verdict(1, viewer), no_consent_verdict(2, viewer)
        assert (a.dossier_id, b.dossier_id) == (1, 2)
        assert a.img is b.img and a.ncg is b.ncg  # frozen parts, shared
        assert a.img == disclosure((), viewer, Organisation.IMG)  # and what the rule says
        assert a.ncg == disclosure((), viewer, Organisation.NCG)


def test_rows_of_one_street_and_place_share_their_texts(uow: UnitOfWork) -> None:
    for n in range(1, 4):
        make_dossier(
            uow,
            straat="Kerkstraat",
            huisnummer=n,
            postcode="9712AB",
            woonplaats="Groningen",
            img_phase=ImgPhase.OPNAME,
            ncg_status=NcgStatus.S3_1,
        )
    viewer = Actor("zb.img", "Zaakbegeleider", Organisation.IMG)
    rows = load_overview(uow, viewer).rows
    assert len(rows) == 3
    assert len({r.number_text for r in rows}) == 3
    for name in ("straat", "postcode", "woonplaats", "gemeente"):
        assert len({id(getattr(r, name)) for r in rows}) == 1, name
