"""One organisation's process at an address (ZGW zaak) and its status history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buddy_desk.core.phases import AdviceOutcome, Organisation
from buddy_desk.models.base import Base, UtcDateTime, utcnow
from buddy_desk.models.party import enum_column


class Case(Base):
    """An IMG damage case or an NCG strengthening case.

    ``status`` holds the current phase code (an ImgPhase or NcgStatus value) for fast lists;
    the full history lives in ``CaseStatus``. The two organisations' cases on one dossier are
    the ZGW 'relevante andere zaken' of each other.
    """

    __tablename__ = "org_case"
    __table_args__ = (
        UniqueConstraint("organisation", "identificatie", name="uq_case_identificatie"),
        Index("ix_case_dossier_org", "dossier_id", "organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    organisation: Mapped[Organisation] = mapped_column(enum_column(Organisation))
    identificatie: Mapped[str] = mapped_column(String(40))  # zaaknummer / NCG address-case id
    status: Mapped[str] = mapped_column(String(20), index=True)
    status_date: Mapped[date | None] = mapped_column(Date)
    startdatum: Mapped[date | None] = mapped_column(Date)
    einddatum: Mapped[date | None] = mapped_column(Date)
    # IMG
    urgent: Mapped[bool] = mapped_column(default=False)
    schadebedrag: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    besluitdatum: Mapped[date | None] = mapped_column(Date)
    # NCG
    advies: Mapped[AdviceOutcome | None] = mapped_column(enum_column(AdviceOutcome))
    bijzondere_situatie: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    statuses: Mapped[list[CaseStatus]] = relationship(
        back_populates="case", order_by="CaseStatus.datum", cascade="all, delete-orphan"
    )
    reports: Mapped[list[DamageReport]] = relationship(
        back_populates="case", order_by="DamageReport.datum", cascade="all, delete-orphan"
    )


class CaseStatus(Base):
    """ZGW status: a phase the case entered, and when."""

    __tablename__ = "case_status"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("org_case.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(20))
    datum: Mapped[date] = mapped_column(Date)
    toelichting: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="statuses")


class DamageReport(Base):
    """A damage report over time: the melding, the opname report, the advice with amount."""

    __tablename__ = "damage_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("org_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # melding | opnamerapport | adviesrapport
    datum: Mapped[date] = mapped_column(Date)
    bedrag: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    constructief: Mapped[bool] = mapped_column(default=False)
    omschrijving: Mapped[str | None] = mapped_column(String(200))

    case: Mapped[Case] = relationship(back_populates="reports")
