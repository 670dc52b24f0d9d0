"""Signals between IMG and NCG: tasks for the buddy pair, observations, information requests.

- ``Signal``: a task (by a rule or by hand) with owner, organisation, due date and state.
  A rule's signal carries ``rule`` and ``ref`` (what it is about: a case, a report, a group);
  (dossier, rule, ref) is unique, so evaluating the rules twice never creates it twice.
- ``Observation``: a fact one organisation saw that the other must act on (NCG saw
  non-constructive damage; the contractor found hidden damage with an amount). Imported from
  optional export columns or recorded by hand; the rules read them.
- ``InformationRequest``: a question from one organisation to the other about a dossier
  (status exchange, coupling staff, request to speed up) and its answer (SVIP log).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.core.ids import new_uuid
from buddy_desk.core.phases import Organisation
from buddy_desk.models.base import Base, UtcDateTime, utcnow
from buddy_desk.models.party import enum_column
from buddy_desk.signals.rules import ObservationKind, RequestKind, SignalState


class Signal(Base):
    __tablename__ = "signal"
    __table_args__ = (
        UniqueConstraint("dossier_id", "rule", "ref", name="uq_signal_rule_ref"),
        Index("ix_signal_owner_state", "owner_id", "state"),
        Index("ix_signal_dossier_state", "dossier_id", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # the identity a field laptop and the team server share (ids are local to each database)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    rule: Mapped[str | None] = mapped_column(String(40))  # None: added by hand
    ref: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)
    organisation: Mapped[Organisation] = mapped_column(enum_column(Organisation))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("supervisor.id"))
    due: Mapped[date | None] = mapped_column(Date, index=True)
    state: Mapped[SignalState] = mapped_column(enum_column(SignalState), default=SignalState.OPEN)
    outcome: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(60))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(60))


class Observation(Base):
    __tablename__ = "observation"
    __table_args__ = (UniqueConstraint("dossier_id", "kind", "ref", name="uq_observation_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ObservationKind] = mapped_column(enum_column(ObservationKind))
    ref: Mapped[str] = mapped_column(String(60))  # the export key, or 'hand-<moment>-<hex>'
    organisation: Mapped[Organisation] = mapped_column(enum_column(Organisation))
    datum: Mapped[date] = mapped_column(Date)
    bedrag: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str | None] = mapped_column(String(60))


class InformationRequest(Base):
    __tablename__ = "information_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RequestKind] = mapped_column(enum_column(RequestKind))
    from_organisation: Mapped[Organisation] = mapped_column(enum_column(Organisation))
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    asked_by: Mapped[str | None] = mapped_column(String(60))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(60))
    # how the SVIP desk settled it (signals.svip.RequestOutcome): answered, no data shared
    # for want of consent, or IMG prioritised the damage case
    outcome: Mapped[str | None] = mapped_column(String(20))
