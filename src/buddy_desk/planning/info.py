"""Plain, frozen data the planning services hand to the UI and CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.inspection import AppointmentState, DayPart, InspectionForm, VisitKind
from buddy_desk.core.phases import FlagKind, Organisation
from buddy_desk.planning.calendar import AMSTERDAM, Availability, ProposalSet


@dataclass(frozen=True, slots=True)
class ExpertInfo:
    id: int
    naam: str
    organisation: Organisation
    dual_qualified: bool
    municipalities: tuple[str, ...]
    email: str | None
    telefoon: str | None
    active: bool = True

    @property
    def label(self) -> str:
        dual = " (IMG+NCG)" if self.dual_qualified else ""
        return f"{self.naam} — {self.organisation.value}{dual}"


@dataclass(frozen=True, slots=True)
class VisitInfo:
    expert_id: int
    expert_name: str
    organisation: Organisation
    kind: VisitKind
    start: datetime
    end: datetime

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(AMSTERDAM)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(AMSTERDAM)


@dataclass(frozen=True, slots=True)
class ChangeInfo:
    changed_at: datetime
    changed_by: str | None
    action: str
    sequence: int
    old_start: datetime | None
    new_start: datetime | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class AppointmentInfo:
    id: int
    dossier_id: int
    form: InspectionForm
    state: AppointmentState
    uid: str
    sequence: int
    start: datetime
    end: datetime
    visits: tuple[VisitInfo, ...]
    cancel_reason: str | None
    changes: tuple[ChangeInfo, ...]
    address_line: str = ""
    postcode: str = ""
    woonplaats: str = ""

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(AMSTERDAM)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(AMSTERDAM)


@dataclass(frozen=True, slots=True)
class PreferenceInfo:
    """The resident's availability and wishes; ``form`` is the chosen form and its source."""

    dossier_id: int
    weekdays: frozenset[int]
    parts: frozenset[DayPart]
    max_people: int
    form: InspectionForm | None
    form_source: str | None  # "keuzelog" | "planner" | None
    no_joint_reason: str | None
    only_if_no_delay: bool = False  # the resident: joint only if it is no longer a wait

    @property
    def availability(self) -> Availability:
        return Availability(self.weekdays, self.parts, self.max_people)


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A dossier awaiting a joint inspection."""

    dossier_id: int
    address_line: str
    postcode: str
    woonplaats: str
    gemeente: str | None
    group: CollaborationGroup | None
    urgent: bool
    bijzondere_situatie: bool
    flags: frozenset[FlagKind]
    form: InspectionForm | None
    form_source: str | None
    no_joint_reason: str | None
    zaaknummers: tuple[str, ...]
    queue_reason: str | None = None  # outside group B: the buddy's reason for adding it
    # the consent gate: the groups the viewer may see when the group itself is withheld
    # ("B/C"), and a plain sentence per organisation whose case details are not shown
    group_options: frozenset[CollaborationGroup] = frozenset()
    withheld: tuple[str, ...] = ()

    @property
    def group_text(self) -> str:
        if self.group is not None:
            return self.group.value
        return "/".join(sorted(g.value for g in self.group_options)) or "–"

    @property
    def priority(self) -> bool:
        return self.urgent or self.bijzondere_situatie


@dataclass(frozen=True)
class DossierProposals:
    dossier_id: int
    address_line: str
    gemeente: str | None
    preference: PreferenceInfo
    proposals: ProposalSet
    experts: dict[int, ExpertInfo]


@dataclass(frozen=True, slots=True)
class WorkBlock:
    """An expert's working hours on one day (for the week calendar)."""

    expert_id: int
    day: date
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class CalendarItem:
    """A visit or an absence in the week calendar."""

    expert_id: int
    start: datetime
    end: datetime
    kind: str  # a VisitKind value, or "absence"
    appointment_id: int | None
    label: str


@dataclass(frozen=True)
class WeekView:
    first_day: date
    experts: tuple[ExpertInfo, ...]
    work: tuple[WorkBlock, ...]
    items: tuple[CalendarItem, ...]
    holidays: dict[date, str]


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    """One dossier in a week auto-plan: booked (or bookable) or not, and why."""

    dossier_id: int
    address_line: str
    form: InspectionForm | None
    start: datetime | None
    expert_ids: tuple[int, ...]
    reason: str | None  # why it could not be planned
    appointment_ids: tuple[int, ...] = ()
