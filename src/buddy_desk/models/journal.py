"""The contact journal: dated contact moments with the resident, per dossier.

Beside the shared conversation notes: who spoke with the resident, when, how (telefoon,
huisbezoek, keukentafel, e-mail, brief) and a short text. Letters made for sending are recorded
here automatically, with their kenmerk and the PDF's SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.models.base import Base, UtcDateTime


class ContactMoment(Base):
    __tablename__ = "contact_moment"
    __table_args__ = (Index("ix_contact_moment_dossier_time", "dossier_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UtcDateTime)
    kind: Mapped[str] = mapped_column(String(20))  # journal.rules.ContactKind
    organisation: Mapped[str | None] = mapped_column(String(8))  # the author's organisation
    author: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(String(1000))
    letter_kenmerk: Mapped[str | None] = mapped_column(String(60))
    letter_sha256: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
