"""The buddy-pair history: every proposal, coupling and re-coupling with who, when and why."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.models.base import Base, UtcDateTime, utcnow
from buddy_desk.models.party import enum_column
from buddy_desk.pairs.rules import PairChangeKind


class PairChange(Base):
    __tablename__ = "pair_change"
    __table_args__ = (Index("ix_pair_change_dossier_time", "dossier_id", "changed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    kind: Mapped[PairChangeKind] = mapped_column(enum_column(PairChangeKind))
    img_before_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor.id"))
    ncg_before_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor.id"))
    img_after_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor.id"))
    ncg_after_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor.id"))
    reason: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(60))  # username
    changed_by_name: Mapped[str | None] = mapped_column(String(120))
