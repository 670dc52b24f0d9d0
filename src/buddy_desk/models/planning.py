"""Joint-inspection planning: experts (deskundigen), their calendars, appointments, and the
resident's planning wishes per dossier."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from buddy_desk.core.inspection import AppointmentState, InspectionForm, VisitKind
from buddy_desk.core.phases import Organisation
from buddy_desk.models.base import Base, UtcDateTime, utcnow
from buddy_desk.models.party import enum_column


class InspectionExpert(Base):
    """A deskundige who does opnames: a damage expert for IMG or a strengthening expert for
    NCG; a few are qualified for both and can do a combined inspection."""

    __tablename__ = "inspection_expert"

    id: Mapped[int] = mapped_column(primary_key=True)
    naam: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[Organisation] = mapped_column(enum_column(Organisation))
    dual_qualified: Mapped[bool] = mapped_column(default=False)
    email: Mapped[str | None] = mapped_column(String(120))
    telefoon: Mapped[str | None] = mapped_column(String(30))
    active: Mapped[bool] = mapped_column(default=True)

    areas: Mapped[list[ExpertArea]] = relationship(cascade="all, delete-orphan")
    patterns: Mapped[list[ExpertPattern]] = relationship(cascade="all, delete-orphan")
    absences: Mapped[list[ExpertAbsence]] = relationship(cascade="all, delete-orphan")


class ExpertArea(Base):
    """A municipality the expert works in (no rows: the whole area)."""

    __tablename__ = "expert_area"
    __table_args__ = (UniqueConstraint("expert_id", "gemeente", name="uq_expert_area"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_expert.id", ondelete="CASCADE"), index=True
    )
    gemeente: Mapped[str] = mapped_column(String(80))


class ExpertPattern(Base):
    """A working pattern: an RFC 5545 RRULE (python-dateutil) and the hours on those days."""

    __tablename__ = "expert_pattern"
    __table_args__ = (CheckConstraint("day_start < day_end", name="hours_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_expert.id", ondelete="CASCADE"), index=True
    )
    rrule: Mapped[str] = mapped_column(String(200))
    day_start: Mapped[time] = mapped_column(Time)
    day_end: Mapped[time] = mapped_column(Time)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)


class ExpertAbsence(Base):
    """Leave, sickness, training: the expert is not available."""

    __tablename__ = "expert_absence"
    __table_args__ = (Index("ix_expert_absence_expert_start", "expert_id", "start_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("inspection_expert.id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    end_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reason: Mapped[str | None] = mapped_column(String(60))  # verlof, cursus … (no health data)


class InspectionAppointment(Base):
    """One appointment at the address (one calendar event): one or two expert visits.

    ``uid`` never changes; ``sequence`` goes up on every change (RFC 5545), so calendar
    programs update or cancel the event instead of adding a ghost copy.
    """

    __tablename__ = "inspection_appointment"
    __table_args__ = (Index("ix_appointment_dossier_state", "dossier_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    form: Mapped[InspectionForm] = mapped_column(enum_column(InspectionForm))
    state: Mapped[AppointmentState] = mapped_column(
        enum_column(AppointmentState), default=AppointmentState.BOOKED
    )
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    start_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    end_at: Mapped[datetime] = mapped_column(UtcDateTime)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    visits: Mapped[list[AppointmentVisit]] = relationship(
        back_populates="appointment",
        cascade="all, delete-orphan",
        order_by="AppointmentVisit.start_at",
    )
    changes: Mapped[list[AppointmentChange]] = relationship(
        cascade="all, delete-orphan", order_by="AppointmentChange.id"
    )


class AppointmentVisit(Base):
    """One expert's part of an appointment (what the double-booking check looks at)."""

    __tablename__ = "appointment_visit"
    __table_args__ = (
        Index("ix_visit_expert_start", "expert_id", "start_at"),
        CheckConstraint("start_at < end_at", name="time_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_appointment.id", ondelete="CASCADE"), index=True
    )
    expert_id: Mapped[int] = mapped_column(ForeignKey("inspection_expert.id"))
    kind: Mapped[VisitKind] = mapped_column(enum_column(VisitKind))
    start_at: Mapped[datetime] = mapped_column(UtcDateTime)
    end_at: Mapped[datetime] = mapped_column(UtcDateTime)

    appointment: Mapped[InspectionAppointment] = relationship(back_populates="visits")


class AppointmentChange(Base):
    """The history of an appointment: booked, moved (with reason), cancelled (with reason)."""

    __tablename__ = "appointment_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(
        ForeignKey("inspection_appointment.id", ondelete="CASCADE"), index=True
    )
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(20))  # booked | moved | cancelled
    sequence: Mapped[int] = mapped_column(Integer)
    old_start: Mapped[datetime | None] = mapped_column(UtcDateTime)
    new_start: Mapped[datetime | None] = mapped_column(UtcDateTime)
    experts: Mapped[str | None] = mapped_column(String(200))  # expert ids after the change
    reason: Mapped[str | None] = mapped_column(Text)


class PlanningPreference(Base):
    """The resident's side of planning for one dossier, and the planner's note."""

    __tablename__ = "planning_preference"
    __table_args__ = (CheckConstraint("max_people BETWEEN 1 AND 9", name="max_people_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(
        ForeignKey("dossier.id", ondelete="CASCADE"), unique=True
    )
    weekdays: Mapped[str] = mapped_column(String(20), default="0,1,2,3,4")  # 0 = Monday
    day_parts: Mapped[str] = mapped_column(String(40), default="morning,afternoon")
    max_people: Mapped[int] = mapped_column(Integer, default=2)
    # the form as the planner recorded it (the choice log, when present, takes precedence)
    form: Mapped[InspectionForm | None] = mapped_column(enum_column(InspectionForm))
    no_joint_reason: Mapped[str | None] = mapped_column(Text)
    # why a buddy added a dossier outside group B to the joint-inspection queue
    queue_reason: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(60))


class PlanningSetting(Base):
    """A planning setting in minutes or days (durations, travel buffer …); code has defaults."""

    __tablename__ = "planning_setting"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
