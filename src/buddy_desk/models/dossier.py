"""The dossier at one address and what hangs on it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buddy_desk.core.event_texts import render
from buddy_desk.core.phases import FlagKind, Organisation
from buddy_desk.models.base import Base, UtcDateTime, utcnow
from buddy_desk.models.case import Case
from buddy_desk.models.party import Address, Person, Supervisor, enum_column


class Dossier(Base):
    __tablename__ = "dossier"

    id: Mapped[int] = mapped_column(primary_key=True)
    address_id: Mapped[int] = mapped_column(ForeignKey("address.id"), unique=True)
    # the buddy pair: behandelaar at IMG (zaakbegeleider) and at NCG (bewonersbegeleider)
    img_supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor.id"), index=True)
    ncg_supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    address: Mapped[Address] = relationship()
    img_supervisor: Mapped[Supervisor | None] = relationship(foreign_keys=[img_supervisor_id])
    ncg_supervisor: Mapped[Supervisor | None] = relationship(foreign_keys=[ncg_supervisor_id])
    cases: Mapped[list[Case]] = relationship(cascade="all, delete-orphan")
    residents: Mapped[list[DossierResident]] = relationship(cascade="all, delete-orphan")
    flags: Mapped[list[DossierFlag]] = relationship(cascade="all, delete-orphan")
    events: Mapped[list[TimelineEvent]] = relationship(
        cascade="all, delete-orphan", order_by="TimelineEvent.occurred_at"
    )


class DossierResident(Base):
    """A person's role at the address: bewoner, eigenaar, or both (ZGW rol)."""

    __tablename__ = "dossier_resident"
    __table_args__ = (UniqueConstraint("dossier_id", "person_id", name="uq_dossier_resident"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    roltype: Mapped[str] = mapped_column(String(20), default="bewoner")  # bewoner|eigenaar|beide
    primary: Mapped[bool] = mapped_column(default=True)

    person: Mapped[Person] = relationship()


class DossierFlag(Base):
    __tablename__ = "dossier_flag"
    __table_args__ = (Index("ix_dossier_flag_kind_active", "kind", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[FlagKind] = mapped_column(enum_column(FlagKind))
    active: Mapped[bool] = mapped_column(default=True)
    set_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    set_by: Mapped[str | None] = mapped_column(String(60))
    note: Mapped[str | None] = mapped_column(Text)


class TimelineEvent(Base):
    __tablename__ = "timeline_event"
    __table_args__ = (Index("ix_timeline_dossier_time", "dossier_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    organisation: Mapped[Organisation | None] = mapped_column(enum_column(Organisation))
    kind: Mapped[str] = mapped_column(String(40))  # status | report | flag | note | contact | …
    # what happened as an i18n key with values, translated when shown (core/event_texts.py);
    # ``title`` keeps the text in the language of the moment, for events without a key
    text_key: Mapped[str | None] = mapped_column(String(80))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(60))

    @classmethod
    def about(
        cls,
        kind: str,
        key: str,
        params: dict[str, Any] | None = None,
        **columns: Any,
    ) -> TimelineEvent:
        """An event stored as ``key`` with ``params`` (``core/event_texts.py``); the title
        column keeps today's text for readers that do not translate (exports, SQL)."""
        return cls(
            kind=kind, text_key=key, params=params, title=render(key, params, key)[:200], **columns
        )


class ConversationNote(Base):
    """The buddy pair's working notes for the kitchen-table conversation (one per dossier)."""

    __tablename__ = "conversation_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), unique=True
    )
    body: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(60))
