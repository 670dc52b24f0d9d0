"""Other spellings of an address's street, place or municipality seen in the exports."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.models.base import Base, UtcDateTime, utcnow


class AddressVariant(Base):
    """The address keeps one canonical spelling; an export that spells the same text
    differently (case, accents, an abbreviation) is recorded here instead of rewriting it."""

    __tablename__ = "address_variant"
    __table_args__ = (
        UniqueConstraint("address_id", "field", "spelling", name="uq_address_variant"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(
        ForeignKey("address.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(20))  # straat | woonplaats | gemeente
    spelling: Mapped[str] = mapped_column(String(80))
    source: Mapped[str | None] = mapped_column(String(200))
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
