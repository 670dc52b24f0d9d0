"""Addresses (the case object), residents and supervisors."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CheckConstraint, ColumnElement, Enum, Index, Integer, String, case, func
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.core.phases import Organisation
from buddy_desk.models.base import Base, code_point_text


def enum_column(enum_cls: type) -> Enum:
    """Store enums by value as plain strings (portable, readable, no native PG enum types)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class Address(Base):
    """BAG nummeraanduiding: the ZGW case object both processes share."""

    __tablename__ = "address"
    __table_args__ = (
        CheckConstraint("huisnummer BETWEEN 1 AND 99999", name="huisnummer_range"),
        CheckConstraint("length(postcode) = 6", name="postcode_length"),
        # the dossier list's default order, walked page by page
        Index("ix_address_sort", "straat", "huisnummer", "huisletter", "huisnummertoevoeging"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # AddressKey.match_key: unique even where huisletter/toevoeging are NULL
    match_key: Mapped[str] = mapped_column(String(24), unique=True)
    postcode: Mapped[str] = mapped_column(String(6), index=True)
    huisnummer: Mapped[int] = mapped_column(Integer)
    huisletter: Mapped[str | None] = mapped_column(String(1))
    huisnummertoevoeging: Mapped[str | None] = mapped_column(String(4))
    # code point order on both databases: the list's address order is the same on SQLite and
    # PostgreSQL, and the same as the search words' address key (``core.search.address_key``)
    straat: Mapped[str] = mapped_column(code_point_text(80))
    woonplaats: Mapped[str] = mapped_column(String(80))
    gemeente: Mapped[str | None] = mapped_column(String(80))
    ncg_address_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    bag_id: Mapped[str | None] = mapped_column(String(16))


def place_of(gemeente: Any, woonplaats: Any) -> ColumnElement[str]:
    """In SQL: the municipality, else the place (an empty gemeente counts as none)."""
    return func.coalesce(func.nullif(gemeente, ""), woonplaats)


def number_suffix(huisletter: Any, toevoeging: Any) -> ColumnElement[str]:
    """In SQL: what follows the house number as written: the letter, then "-" and the
    addition if there is one ("12a", "12-2", "12a-2"; ``core.address.house_number``)."""
    return func.coalesce(huisletter, "") + case(
        (func.coalesce(toevoeging, "") == "", ""), else_="-" + toevoeging
    )


class Person(Base):
    """A resident or owner (ZGW natuurlijk persoon in the role 'belanghebbende')."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    voorletters: Mapped[str | None] = mapped_column(String(20))
    voornaam: Mapped[str | None] = mapped_column(String(60))
    tussenvoegsel: Mapped[str | None] = mapped_column(String(20))
    achternaam: Mapped[str] = mapped_column(String(80))
    aanhef: Mapped[str | None] = mapped_column(String(20))
    telefoon: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))


class Supervisor(Base):
    """A staff member of IMG or NCG (ZGW medewerker), usually one half of a buddy pair."""

    __tablename__ = "supervisor"
    __table_args__ = (Index("ix_supervisor_org_name", "organisation", "naam"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation: Mapped[Organisation] = mapped_column(enum_column(Organisation))
    role: Mapped[str] = mapped_column(String(40))
    naam: Mapped[str] = mapped_column(String(120))
    telefoon: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(120))
    username: Mapped[str | None] = mapped_column(String(60), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
