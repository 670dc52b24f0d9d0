"""What imports leave behind: runs as batches, so a whole import can be undone, and the
other spellings of an address seen in the exports.

``ImportBatch`` is one committed import of one export file; ``ImportBatchItem`` lists what it
created (addresses, dossiers, cases) and, for rows it updated, their values before. Status
entries and timeline events the import added carry the batch's note (``Import <file>
(run <id>)``) and are found by it. ``AddressVariant``: the address keeps one canonical
spelling; another spelling in an export is recorded there instead of rewriting it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.models.base import Base, UtcDateTime, utcnow


class ImportBatch(Base):
    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))  # ncg | img
    source: Mapped[str] = mapped_column(String(255))  # the file name, no folder
    note: Mapped[str] = mapped_column(String(200))  # written on its status entries and events
    imported_by: Mapped[str] = mapped_column(String(120))
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime)
    new_dossiers: Mapped[int] = mapped_column(Integer)
    imported: Mapped[int] = mapped_column(Integer)
    updated: Mapped[int] = mapped_column(Integer)
    undone_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    undone_by: Mapped[str | None] = mapped_column(String(120))


class ImportBatchItem(Base):
    __tablename__ = "import_batch_item"
    __table_args__ = (Index("ix_import_batch_item_batch", "batch_id", "table_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"))
    table_name: Mapped[str] = mapped_column(String(40))  # address | dossier | org_case
    row_id: Mapped[int] = mapped_column(Integer)
    # "created": the ids row_id … last_row_id, one item per run of consecutive ids (an import
    # hands out ids in order: a first import is a handful of items, not 130,000); NULL: row_id
    last_row_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10))  # created | updated
    before: Mapped[str | None] = mapped_column(Text)  # JSON of the updated columns' old values


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
