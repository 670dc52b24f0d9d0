"""Creating a dossier by hand for an address in neither export — on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from buddy_desk.core.address import AddressKey
from buddy_desk.core.phases import Organisation
from buddy_desk.dossiers.intake import (
    EVENT_TITLE,
    DossierExistsError,
    NewDossier,
    create_dossier,
    dossier_at_address,
)
from buddy_desk.dossiers.service import get_dossier, load_summaries
from buddy_desk.errors import ValidationError
from buddy_desk.models import Address, Dossier, Person, TimelineEvent
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

PHONED_IN = NewDossier(
    postcode="9712 ab",
    huisnummer="12",
    huisletter="a",
    toevoeging="2",
    straat="  Oude   Ebbingestraat ",
    woonplaats="Groningen",
    gemeente="Groningen",
    voorletters="P.",
    tussenvoegsel="de",
    achternaam="Vries",
    telefoon="06-12345678",
    email="p.devries@example.org",
    user="tester",
    organisation=Organisation.NCG,
)


def _count(uow: UnitOfWork, model: type[object]) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_creates_address_resident_and_timeline_event(uow: UnitOfWork) -> None:
    dossier_id = create_dossier(uow, PHONED_IN)
    detail = get_dossier(uow, dossier_id)
    assert detail.straat == "Oude Ebbingestraat"
    assert detail.number_text == "12A-2"
    assert detail.postcode == "9712AB"
    assert detail.woonplaats == "Groningen"
    assert [(r.naam, r.roltype, r.telefoon, r.email) for r in detail.residents] == [
        ("P. de Vries", "bewoner", "06-12345678", "p.devries@example.org")
    ]
    assert [(e.title, e.organisation) for e in detail.events] == [(EVENT_TITLE, Organisation.NCG)]
    assert "9712 AB Groningen" in (detail.events[0].detail or "")
    assert detail.img_cases == () and detail.ncg_case is None
    with uow:
        address = uow.session.scalars(select(Address)).one()
        assert address.match_key == AddressKey("9712AB", 12, "A", "2").match_key
        event = uow.session.scalars(select(TimelineEvent)).one()
        assert event.created_by == "tester" and event.kind == "dossier"
    rows = {r.id: r for r in load_summaries(uow)}
    assert rows[dossier_id].resident == "P. de Vries"


def test_without_resident_and_with_number_as_int(uow: UnitOfWork) -> None:
    data = NewDossier(
        postcode="9999ZZ", huisnummer=99999, straat="Dijk", woonplaats="Delfzijl", user=None
    )
    dossier_id = create_dossier(uow, data)
    detail = get_dossier(uow, dossier_id)
    assert detail.residents == ()
    assert detail.number_text == "99999"
    assert dossier_at_address(uow, AddressKey("9999ZZ", 99999)) == (
        dossier_id,
        "Dijk 99999, 9999 ZZ Delfzijl",
    )
    assert dossier_at_address(uow, AddressKey("9999ZZ", 1)) is None


def test_existing_address_is_refused_with_its_dossier_id(uow: UnitOfWork) -> None:
    existing = make_dossier(uow, postcode="9712AB", huisnummer=7, straat="Kerkstraat")
    with pytest.raises(DossierExistsError) as info:
        create_dossier(
            uow,
            NewDossier(
                postcode="9712 AB", huisnummer=" 7 ", straat="X", woonplaats="Y", user="tester"
            ),
        )
    assert info.value.dossier_id == existing
    assert "9712 AB" in str(info.value)
    assert _count(uow, Dossier) == 1
    assert _count(uow, TimelineEvent) == 0


def test_second_creation_of_same_address_is_refused(uow: UnitOfWork) -> None:
    first = create_dossier(uow, PHONED_IN)
    # written differently, same BAG key
    again = replace(PHONED_IN, postcode="9712AB", huisletter="A", toevoeging="-2")
    with pytest.raises(DossierExistsError) as info:
        create_dossier(uow, again)
    assert info.value.dossier_id == first
    assert _count(uow, Person) == 1


def test_address_without_dossier_is_reused(uow: UnitOfWork) -> None:
    key = AddressKey("9712AB", 3)
    with uow:
        uow.session.add(
            Address(
                match_key=key.match_key,
                postcode=key.postcode,
                huisnummer=3,
                straat="Oud",
                woonplaats="Groningen",
            )
        )
        uow.commit()
    dossier_id = create_dossier(
        uow, NewDossier(postcode="9712AB", huisnummer=3, straat="Oud", woonplaats="Groningen")
    )
    assert get_dossier(uow, dossier_id).straat == "Oud"
    assert _count(uow, Address) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postcode": "0712 AB"}, "postcode"),
        ({"postcode": "9712 SS"}, "postcode"),
        ({"postcode": "9712"}, "postcode"),
        ({"huisnummer": "0"}, "huisnummer"),
        ({"huisnummer": "100000"}, "huisnummer"),
        ({"huisnummer": "12x3"}, "huisnummer"),
        ({"huisnummer": "1_2"}, "huisnummer"),
        ({"huisnummer": "+12"}, "huisnummer"),
        ({"huisletter": "ab"}, "huisletter"),
        ({"toevoeging": "12345"}, "huisnummertoevoeging"),
        ({"straat": "  "}, "straat"),
        ({"woonplaats": ""}, "woonplaats"),
        ({"straat": "x" * 81}, "straat"),
        ({"email": "p.devries"}, "email"),
        ({"telefoon": "bel me"}, "telefoon"),
        ({"achternaam": None}, "achternaam"),
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(
    uow: UnitOfWork, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        create_dossier(uow, replace(PHONED_IN, **changes))  # type: ignore[arg-type]
    assert info.value.field == field
    assert _count(uow, Dossier) == 0
    assert _count(uow, Address) == 0
