"""Who saw the other organisation's details: the access log (GEMMA Verwerkingenlogging).

One row per view of the other organisation's case details or documents, with the fields of
the Verwerkingenlogging standard (``../shared/specs/verwerkingen.yaml``, *Verwerkingsactie*
and *VerwerktObject*). Append-only: triggers refuse UPDATE and DELETE (see
``buddy_desk.models.choices``).

The log is one hash chain (``chain_seq``, ``prev_hash``, ``entry_hash``; its end in
``access_log_head``), and it anchors the choice logs: every recorded choice adds a row with
the dossier's new head (``anchor_seq``, ``anchor_hash``) and the running digest over all heads
(``heads_digest``). See ``buddy_desk.choices.anchors``. The chain columns are nullable only
because the rows of older databases got them in a migration; the app always fills them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.models.base import Base, UtcDateTime


class AccessLogEntry(Base):
    __tablename__ = "access_log_entry"
    __table_args__ = (
        Index("ix_access_log_dossier_time", "dossier_id", "tijdstip"),
        # unique indexes, not constraints: SQLite adds them without rebuilding the table
        Index("ux_access_log_entry_chain_seq", "chain_seq", unique=True),
        Index("ux_access_log_entry_entry_hash", "entry_hash", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actie_id: Mapped[str] = mapped_column(String(36), unique=True)  # uuid4
    actie_naam: Mapped[str] = mapped_column(String(100))  # "Inzien"
    handeling_naam: Mapped[str] = mapped_column(String(100))
    verwerking_naam: Mapped[str] = mapped_column(String(100))
    verwerking_id: Mapped[str] = mapped_column(String(36))
    verwerkingsactiviteit_id: Mapped[str] = mapped_column(String(60))
    vertrouwelijkheid: Mapped[str] = mapped_column(String(20))  # normaal | vertrouwelijk
    bewaartermijn: Mapped[str] = mapped_column(String(20))  # ISO 8601 duration
    uitvoerder: Mapped[str] = mapped_column(String(8))  # the viewer's organisation
    systeem: Mapped[str] = mapped_column(String(40))
    gebruiker: Mapped[str] = mapped_column(String(120))
    gebruiker_rol: Mapped[str | None] = mapped_column(String(40))
    gegevensbron: Mapped[str] = mapped_column(String(8))  # the organisation whose data it is
    doel: Mapped[str] = mapped_column(String(200))  # purpose from the consent in force
    tijdstip: Mapped[datetime] = mapped_column(UtcDateTime)
    tijdstip_registratie: Mapped[datetime] = mapped_column(UtcDateTime)
    # the object (VerwerktObject): the dossier; its residents are found through it
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="RESTRICT"))
    objecttype: Mapped[str] = mapped_column(String(20))  # "dossier"
    soorten_gegevens: Mapped[str] = mapped_column(String(300))  # categories shown, comma list
    consent_seq: Mapped[int] = mapped_column(Integer)  # the consent entry that allowed it
    chain_seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    entry_hash: Mapped[str | None] = mapped_column(String(64))
    anchor_seq: Mapped[int | None] = mapped_column(Integer)
    anchor_hash: Mapped[str | None] = mapped_column(String(64))
    heads_digest: Mapped[str | None] = mapped_column(String(64))


class AccessLogHead(Base):
    """The end of the access log's chain (one row, id 1): detects a removed last row."""

    __tablename__ = "access_log_head"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))
    heads_digest: Mapped[str] = mapped_column(String(64))


class AccessLogWipe(Base):
    """A database whose dossiers and access log were removed (a laptop revoked by the team
    server): when, whose, how much, and the end of the removed chain — sealed by
    ``record_hash`` (``choices.anchors.wipe_hash``), so ``verify-log`` can say so."""

    __tablename__ = "access_log_wipe"

    id: Mapped[int] = mapped_column(primary_key=True)
    wiped_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str] = mapped_column(String(40))
    username: Mapped[str] = mapped_column(String(120))
    laptop_id: Mapped[str | None] = mapped_column(String(36))
    dossiers: Mapped[int] = mapped_column(Integer)
    access_rows: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)  # the removed chain's end
    last_hash: Mapped[str] = mapped_column(String(64))
    heads_digest: Mapped[str] = mapped_column(String(64))
    record_hash: Mapped[str] = mapped_column(String(64))
