"""The dossier list's own tables: one row per dossier and its search words.

They repeat what the list shows of a dossier's cases, residents and flags, so the list can
filter, sort, count and page in SQL without touching those tables. ``persistence.listing``
keeps them true on every write path (imports, intake, demo, ORM changes).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.core.search import ADDRESS_KEY_LENGTH
from buddy_desk.models.base import Base, code_point_text

# Search words are compared as byte strings (a prefix is a range `word >= t AND word < t'`).
SEARCH_WORD_TYPE = code_point_text(80)
ADDRESS_KEY_TYPE = code_point_text(ADDRESS_KEY_LENGTH)


class DossierListing(Base):
    """What the dossier list shows of one dossier beyond its address."""

    __tablename__ = "dossier_listing"
    __table_args__ = (
        Index("ix_dossier_listing_grp", "grp"),
        Index("ix_dossier_listing_img_phase", "img_phase"),
        Index("ix_dossier_listing_ncg_status", "ncg_status"),
    )

    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    resident: Mapped[str] = mapped_column(String(200), default="")
    resident_key: Mapped[str] = mapped_column(String(200), default="")  # lower case, sorting
    zaaknummers: Mapped[str] = mapped_column(String(400), default="")  # space separated
    img_phase: Mapped[str | None] = mapped_column(String(20))
    img_order: Mapped[int] = mapped_column(SmallInteger, default=99)
    ncg_status: Mapped[str | None] = mapped_column(String(10))
    ncg_order: Mapped[int] = mapped_column(SmallInteger, default=99)
    grp: Mapped[str | None] = mapped_column(String(1))
    flag_bits: Mapped[int] = mapped_column(Integer, default=0)
    flag_count: Mapped[int] = mapped_column(SmallInteger, default=0)


class DossierSearchWord(Base):
    """One word a dossier is found by (street, number, postcode, place, names, case numbers),
    lower case and without accents; a query token matches a word it is a prefix of.

    Each word carries its dossier's ``core.search.address_key``: the key (word, address_key,
    dossier_id) lists a token's matches in the list's address order, so the first page of
    thousands of matches is read from one index range (``dossiers.list_query``)."""

    __tablename__ = "dossier_search_word"
    # (dossier_id, word): the probe "does this dossier have a word starting with …" while
    # the list walks the dossiers in address order; unique: a dossier has each word once
    # WITHOUT ROWID on SQLite: the table is its primary key's B-tree (one structure less to
    # write per word on an import)
    __table_args__ = (
        Index("ix_dossier_search_word_dossier_word", "dossier_id", "word", unique=True),
        {"sqlite_with_rowid": False},
    )

    word: Mapped[str] = mapped_column(SEARCH_WORD_TYPE, primary_key=True)
    address_key: Mapped[str] = mapped_column(ADDRESS_KEY_TYPE, primary_key=True)
    # no foreign key: checking one for each of ~12 words per dossier costs an import more
    # than the words themselves; ``refresh_listing`` removes the words of deleted dossiers
    dossier_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
