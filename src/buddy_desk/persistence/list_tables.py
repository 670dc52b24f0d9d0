"""The tables the dossier list reads, declared with SQLAlchemy Core only.

The app shows the list's first page before it imports the ORM and the models (that import
is most of a start-up's own time; it follows right after the first paint). So the list's
queries (``dossiers.list_query``) use these declarations instead of ``models``: the same
table and column names, types and nullability, for the columns they read (the consent
gate's choice log is declared likewise in ``choices.service.list_gate``).
``tests/integration/persistence/test_list_tables.py`` checks them against the models.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum as PyEnum

from sqlalchemy import (
    Column,
    DateTime,
    Enum,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Table,
)
from sqlalchemy.types import TypeDecorator

from buddy_desk.core.phases import FlagKind
from buddy_desk.core.search import ADDRESS_KEY_LENGTH

FLAG_BITS: dict[FlagKind, int] = {kind: 1 << i for i, kind in enumerate(FlagKind)}
"""Each flag's bit in ``dossier_listing.flag_bits`` (a filter on flags is a bitwise AND)."""


class ReadUtcDateTime(TypeDecorator[datetime]):
    """Reads timestamps as ``models.base.UtcDateTime`` stores them (timezone-aware UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_cls: type[PyEnum]) -> Enum:
    """As ``models.party.enum_column``: stored by value as a plain string."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


metadata = MetaData()

address = Table(
    "address",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("postcode", String(6), nullable=False),
    Column("huisnummer", Integer, nullable=False),
    Column("huisletter", String(1)),
    Column("huisnummertoevoeging", String(4)),
    Column("straat", String(80), nullable=False),
    Column("woonplaats", String(80), nullable=False),
    Column("gemeente", String(80)),
)

dossier = Table(
    "dossier",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address_id", Integer, nullable=False),
    Column("img_supervisor_id", Integer),
    Column("ncg_supervisor_id", Integer),
)

dossier_listing = Table(
    "dossier_listing",
    metadata,
    Column("dossier_id", Integer, primary_key=True, autoincrement=False),
    Column("resident", String(200), nullable=False),
    Column("resident_key", String(200), nullable=False),
    Column("zaaknummers", String(400), nullable=False),
    Column("img_phase", String(20)),
    Column("img_order", SmallInteger, nullable=False),
    Column("ncg_status", String(10)),
    Column("ncg_order", SmallInteger, nullable=False),
    Column("grp", String(1)),
    Column("flag_bits", Integer, nullable=False),
    Column("flag_count", SmallInteger, nullable=False),
)

dossier_search_word = Table(
    "dossier_search_word",
    metadata,
    Column("word", String(80), primary_key=True),
    Column("address_key", String(ADDRESS_KEY_LENGTH), primary_key=True),
    Column("dossier_id", Integer, primary_key=True, autoincrement=False),
)
