"""A dossier for an address that is in neither export yet (e.g. a resident phones in).

``create_dossier(uow, NewDossier(...))`` validates the address with ``domain.address``
(a ``ValidationError`` names the field), refuses an address that already has a dossier with
``DossierExistsError`` (carrying that dossier's id, so the UI can offer to open it), writes the
address, the optional resident and a "Dossier aangemaakt" timeline event, and commits once.
A later NCG or IMG import matches the address on ``AddressKey.match_key`` and joins it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from buddy_desk.core.address import (
    AddressKey,
    format_postcode,
    normalise_huisletter,
    normalise_postcode,
    normalise_toevoeging,
    street_line,
    validate_huisnummer,
)
from buddy_desk.core.event_texts import text as event_text
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import BuddyDeskError, ValidationError
from buddy_desk.models import Address, Dossier, DossierResident, Person, TimelineEvent
from buddy_desk.models.base import utcnow
from buddy_desk.pairs.service import propose_pair
from buddy_desk.persistence.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

EVENT_KIND = "dossier"
EVENT_KEY = "new_dossier.timeline.created"
EVENT_TITLE = "Dossier aangemaakt"  # the Dutch text of EVENT_KEY

# column widths of the models (PostgreSQL refuses longer values, SQLite would not)
_MAX_LEN = {
    "straat": 80,
    "woonplaats": 80,
    "gemeente": 80,
    "voorletters": 20,
    "tussenvoegsel": 20,
    "achternaam": 80,
    "telefoon": 30,
    "email": 120,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_TELEFOON = re.compile(r"^\+?[0-9 ()\-]+$")
_MIN_PHONE_DIGITS = 6


class DossierExistsError(BuddyDeskError):
    """The address already has a dossier; ``dossier_id`` says which (open it instead)."""

    def __init__(self, dossier_id: int, address: str) -> None:
        super().__init__(f"Er is al een dossier voor {address} (dossier {dossier_id}).")
        self.dossier_id = dossier_id
        self.address = address


@dataclass(frozen=True, kw_only=True)
class NewDossier:
    """What the caseworker entered; free text, validated by ``create_dossier``."""

    postcode: str
    huisnummer: int | str
    huisletter: str | None = None
    toevoeging: str | None = None
    straat: str
    woonplaats: str
    gemeente: str | None = None
    voorletters: str | None = None
    tussenvoegsel: str | None = None
    achternaam: str | None = None
    telefoon: str | None = None
    email: str | None = None
    user: str | None = None
    organisation: Organisation | None = None


def _clean(text: str | None) -> str | None:
    return " ".join((text or "").split()) or None


def _bounded(field: str, text: str | None) -> str | None:
    value = _clean(text)
    if value is not None and len(value) > _MAX_LEN[field]:
        raise ValidationError(field, f"maximaal {_MAX_LEN[field]} tekens")
    return value


def _required(field: str, text: str | None, what: str) -> str:
    value = _bounded(field, text)
    if value is None:
        raise ValidationError(field, f"vul de {what} in")
    return value


def strict_huisnummer(value: int | str) -> int:
    """Only the digits of a house number (huisletter and toevoeging have their own fields)."""
    raw = str(value).strip()
    if not isinstance(value, int) and not (raw.isascii() and raw.isdigit()):
        raise ValidationError("huisnummer", f"'{value}' is geen huisnummer")
    return validate_huisnummer(raw)


def normalise_email(text: str | None) -> str | None:
    value = _bounded("email", text)
    if value is not None and not _EMAIL.match(value):
        raise ValidationError("email", f"'{value}' is geen e-mailadres")
    return value


def normalise_telefoon(text: str | None) -> str | None:
    value = _bounded("telefoon", text)
    if value is None:
        return None
    digits = sum(c.isdigit() for c in value)
    if not _TELEFOON.match(value) or digits < _MIN_PHONE_DIGITS:
        raise ValidationError("telefoon", f"'{value}' is geen telefoonnummer")
    return value


def address_key(data: NewDossier) -> AddressKey:
    """The validated key; a ``ValidationError`` names the first wrong field."""
    return AddressKey(
        normalise_postcode(data.postcode),
        strict_huisnummer(data.huisnummer),
        normalise_huisletter(data.huisletter),
        normalise_toevoeging(data.toevoeging),
    )


def address_text(straat: str | None, key: AddressKey, woonplaats: str | None) -> str:
    street = street_line(straat, key.number_text())
    place = f"{format_postcode(key.postcode)} {woonplaats or ''}".strip()
    return f"{street}, {place}"


def _existing(session: Session, key: AddressKey) -> tuple[Address | None, int | None]:
    row = session.execute(
        select(Address, Dossier.id)
        .outerjoin(Dossier, Dossier.address_id == Address.id)
        .where(Address.match_key == key.match_key)
    ).first()
    if row is None:
        return None, None
    return row[0], row[1]


def dossier_at_address(uow: UnitOfWork, key: AddressKey) -> tuple[int, str] | None:
    """The id of the dossier at this address and the address as a refused intake names it
    (``DossierExistsError``), if there is one."""
    with uow:
        address, dossier_id = _existing(uow.session, key)
        if address is None or dossier_id is None:
            return None
        return dossier_id, address_text(address.straat, key, address.woonplaats)


def create_dossier(uow: UnitOfWork, data: NewDossier) -> int:
    """Create the dossier (address, resident, timeline event); returns its id."""
    key = address_key(data)
    straat = _required("straat", data.straat, "straat")
    woonplaats = _required("woonplaats", data.woonplaats, "woonplaats")
    gemeente = _bounded("gemeente", data.gemeente)
    voorletters = _bounded("voorletters", data.voorletters)
    tussenvoegsel = _bounded("tussenvoegsel", data.tussenvoegsel)
    achternaam = _bounded("achternaam", data.achternaam)
    telefoon = normalise_telefoon(data.telefoon)
    email = normalise_email(data.email)
    if achternaam is None and (voorletters or tussenvoegsel or telefoon or email):
        raise ValidationError("achternaam", "vul de achternaam van de bewoner in")
    where = address_text(straat, key, woonplaats)
    with uow:
        s = uow.session
        address, dossier_id = _existing(s, key)
        if dossier_id is not None:
            raise DossierExistsError(dossier_id, where)
        if address is None:
            address = Address(
                match_key=key.match_key,
                postcode=key.postcode,
                huisnummer=key.huisnummer,
                huisletter=key.huisletter,
                huisnummertoevoeging=key.toevoeging,
                straat=straat,
                woonplaats=woonplaats,
                gemeente=gemeente,
            )
            s.add(address)
        dossier = Dossier(address=address)
        s.add(dossier)
        if achternaam is not None:
            person = Person(
                voorletters=voorletters,
                tussenvoegsel=tussenvoegsel,
                achternaam=achternaam,
                telefoon=telefoon,
                email=email,
            )
            dossier.residents.append(DossierResident(person=person, roltype="bewoner"))
        dossier.events.append(
            TimelineEvent.about(
                EVENT_KIND,
                EVENT_KEY,
                {"detail": event_text("new_dossier.timeline.created_detail", where=where)},
                occurred_at=utcnow(),
                organisation=data.organisation,
                created_by=data.user,
            )
        )
        try:
            uow.commit()
        except IntegrityError:
            # someone else created this address's dossier a moment ago
            s.rollback()
            _, dossier_id = _existing(s, key)
            if dossier_id is None:
                raise
            raise DossierExistsError(dossier_id, where) from None
        log.info("dossier %s created by hand by %s", dossier.id, data.user)  # no address
    # a pair proposed from workload and area, for a coordinator to couple (own transaction:
    # the dossier stands even if no buddy can be proposed)
    propose_pair(uow, dossier.id, data.user)
    return dossier.id
