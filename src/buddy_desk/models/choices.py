"""The resident's choice log: append-only, hash-chained per dossier, guarded by triggers.

``choice_log_entry`` holds the entries (see ``buddy_desk.choices.rules``);
``choice_log_head`` holds, per dossier, the last sequence number and hash, so removing the
last entry is detected too. The database refuses UPDATE and DELETE on the entries (and
DELETE on the heads; a head may only move forward by one) with triggers on SQLite and
PostgreSQL.

The triggers themselves are ``persistence.log_guards`` (Core only: the start-up checks them
before the ORM is imported).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.choices.rules import (
    Channel,
    ChoiceEntry,
    ChoiceType,
    ConsentMethod,
    Direction,
    EntryKind,
)
from buddy_desk.models.base import Base, UtcDateTime
from buddy_desk.models.party import enum_column


class ChoiceLogEntry(Base):
    """One line of a dossier's choice log. Never updated, never deleted."""

    __tablename__ = "choice_log_entry"
    __table_args__ = (
        UniqueConstraint("dossier_id", "seq", name="uq_choice_log_entry_dossier_seq"),
        Index("ix_choice_log_entry_type", "choice_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # RESTRICT: a dossier with recorded choices cannot silently disappear with them
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="RESTRICT"))
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind))
    choice_type: Mapped[ChoiceType] = mapped_column(enum_column(ChoiceType))
    value: Mapped[str] = mapped_column(String(500))
    made_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    recorded_by: Mapped[str] = mapped_column(String(120))
    recorded_by_org: Mapped[str | None] = mapped_column(String(8))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel))
    note: Mapped[str | None] = mapped_column(Text)
    form_reference: Mapped[str | None] = mapped_column(String(100))
    explanation_version: Mapped[str | None] = mapped_column(String(60))
    direction: Mapped[Direction | None] = mapped_column(enum_column(Direction))
    purpose: Mapped[str | None] = mapped_column(String(200))
    categories: Mapped[str | None] = mapped_column(String(300))  # sorted, comma-separated
    method: Mapped[ConsentMethod | None] = mapped_column(enum_column(ConsentMethod))
    only_if_no_delay: Mapped[bool | None] = mapped_column(Boolean)
    effective_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    refers_to_seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)


class ChoiceLogHead(Base):
    """The end of each dossier's chain: detects a removed last entry."""

    __tablename__ = "choice_log_head"

    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="RESTRICT"), primary_key=True
    )
    last_seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


def to_row_values(entry: ChoiceEntry) -> dict[str, object]:
    """Column values for an entry (the service's ORM insert and the demo data's Core inserts)."""
    return {
        "dossier_id": entry.dossier_id,
        "seq": entry.seq,
        "kind": entry.kind,
        "choice_type": entry.choice_type,
        "value": entry.value,
        "made_at": entry.made_at,
        "recorded_at": entry.recorded_at,
        "recorded_by": entry.recorded_by,
        "recorded_by_org": entry.recorded_by_org,
        "channel": entry.channel,
        "note": entry.note,
        "form_reference": entry.form_reference,
        "explanation_version": entry.explanation_version,
        "direction": entry.direction,
        "purpose": entry.purpose,
        "categories": ",".join(sorted(c.value for c in entry.categories)) or None,
        "method": entry.method,
        "only_if_no_delay": entry.only_if_no_delay,
        "effective_from": entry.effective_from,
        "refers_to_seq": entry.refers_to_seq,
        "prev_hash": entry.prev_hash,
        "entry_hash": entry.entry_hash,
    }
