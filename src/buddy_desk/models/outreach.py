"""The proactive approach: contact attempts and their outcomes per NCG address."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.models.base import Base, UtcDateTime, utcnow
from buddy_desk.models.party import enum_column
from buddy_desk.outreach.rules import ContactChannel, ContactOutcome


class OutreachContact(Base):
    __tablename__ = "outreach_contact"
    __table_args__ = (Index("ix_outreach_contact_dossier_date", "dossier_id", "attempted_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    attempted_on: Mapped[date] = mapped_column(Date)
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel))
    outcome: Mapped[ContactOutcome] = mapped_column(enum_column(ContactOutcome))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    recorded_by: Mapped[str | None] = mapped_column(String(60))
