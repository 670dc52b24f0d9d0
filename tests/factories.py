"""Small builders for test data (synthetic only)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.core.address import AddressKey
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.models import (
    Address,
    Case,
    CaseStatus,
    Dossier,
    DossierFlag,
    DossierResident,
    Person,
    Supervisor,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork

_seq = itertools.count(1)


def make_supervisor(
    uow: UnitOfWork, org: Organisation, naam: str, username: str | None = None
) -> int:
    with uow:
        sup = Supervisor(
            organisation=org,
            role="zaakbegeleider" if org is Organisation.IMG else "bewonersbegeleider",
            naam=naam,
            telefoon="06-12345678",
            email=f"{naam.split()[0].lower()}@example.org",
            username=username,
        )
        uow.session.add(sup)
        uow.commit()
        return sup.id


def make_dossier(
    uow: UnitOfWork,
    *,
    straat: str = "Teststraat",
    huisnummer: int | None = None,
    huisletter: str | None = None,
    toevoeging: str | None = None,
    postcode: str = "9712AB",
    woonplaats: str = "Groningen",
    resident: tuple[str, str] = ("J.", "Jansen"),
    img_phase: ImgPhase | None = None,
    ncg_status: NcgStatus | None = None,
    zaaknummer: str | None = None,
    flags: tuple[FlagKind, ...] = (),
    img_supervisor_id: int | None = None,
    ncg_supervisor_id: int | None = None,
) -> int:
    n = next(_seq)
    nr = huisnummer if huisnummer is not None else n
    key = AddressKey(postcode, nr, huisletter, toevoeging)
    with uow:
        s = uow.session
        address = Address(
            match_key=key.match_key,
            postcode=postcode,
            huisnummer=nr,
            huisletter=huisletter,
            huisnummertoevoeging=toevoeging,
            straat=straat,
            woonplaats=woonplaats,
            gemeente="Groningen",
        )
        dossier = Dossier(
            address=address,
            img_supervisor_id=img_supervisor_id,
            ncg_supervisor_id=ncg_supervisor_id,
        )
        s.add(dossier)
        person = Person(voorletters=resident[0], achternaam=resident[1])
        dossier.residents.append(DossierResident(person=person, roltype="bewoner"))
        if img_phase is not None:
            case = Case(
                organisation=Organisation.IMG,
                identificatie=zaaknummer or f"IMG-{n:07d}",
                status=img_phase.value,
                status_date=date(2026, 3, 1),
                startdatum=date(2025, 11, 1),
                schadebedrag=Decimal("1234.56"),
            )
            case.statuses.append(CaseStatus(code=img_phase.value, datum=date(2026, 3, 1)))
            dossier.cases.append(case)
        if ncg_status is not None:
            case = Case(
                organisation=Organisation.NCG,
                identificatie=f"NCG-{n:06d}",
                status=ncg_status.value,
                status_date=date(2026, 2, 1),
                startdatum=date(2024, 1, 1),
            )
            case.statuses.append(CaseStatus(code=ncg_status.value, datum=date(2026, 2, 1)))
            dossier.cases.append(case)
        for kind in flags:
            dossier.flags.append(DossierFlag(kind=kind))
        uow.commit()
        return dossier.id


NCG_VIEWER = Actor("ncg.viewer", "N. Viewer", Organisation.NCG, "bewonersbegeleider")
IMG_VIEWER = Actor("img.viewer", "I. Viewer", Organisation.IMG, "zaakbegeleider")


def give_consent(
    uow: UnitOfWork,
    dossier_id: int,
    direction: Direction = Direction.IMG_TO_NCG,
    categories: tuple[DocumentCategory, ...] = tuple(DocumentCategory),
    value: str = "gegeven",
) -> int:
    """Record the resident's data-sharing consent (signed form); returns its sequence number."""
    by = IMG_VIEWER if direction is Direction.IMG_TO_NCG else NCG_VIEWER
    entry = record_choice(
        uow,
        dossier_id,
        NewChoice(
            ChoiceType.DATA_SHARING,
            value,
            Channel.KITCHEN_TABLE,
            datetime(2026, 9, 1, 10, 0, tzinfo=UTC),
            direction=direction,
            purpose="Samen afhandelen",
            categories=categories,
            method=ConsentMethod.SIGNED_FORM,
            form_reference="GUO-TEST-1",
        ),
        by,
    )
    return entry.seq
