"""Joint inspection (gezamenlijke opname): its forms and the kinds of inspection visit."""

from __future__ import annotations

from enum import StrEnum

from buddy_desk.core.phases import Organisation


class InspectionForm(StrEnum):
    """How the two inspections of a combination dossier are arranged.

    ``separate`` is the normal situation (each organisation plans its own); ``close`` is
    "within two days": at most two days between the IMG and NCG inspection. In the
    evaluation's urgent combination pilot that is what a joint inspection *meant*, so it is a
    joint form like the other three.
    """

    SIMULTANEOUS = "simultaneous"
    SEQUENTIAL = "sequential"
    COMBINED = "combined"
    CLOSE = "close"
    SEPARATE = "separate"

    @property
    def is_joint(self) -> bool:
        return self in (
            InspectionForm.SIMULTANEOUS,
            InspectionForm.SEQUENTIAL,
            InspectionForm.COMBINED,
            InspectionForm.CLOSE,
        )


class VisitKind(StrEnum):
    """What one expert inspects on one visit."""

    DAMAGE = "damage"  # IMG schade-opname
    STRENGTHENING = "strengthening"  # NCG opname for the versterkingsadvies
    COMBINED = "combined"  # both, by one dual-qualified expert


def qualified_for(organisation: Organisation, dual_qualified: bool, kind: VisitKind) -> bool:
    """Who may inspect what: damage is IMG's, strengthening NCG's, combined needs both."""
    match kind:
        case VisitKind.DAMAGE:
            return organisation is Organisation.IMG
        case VisitKind.STRENGTHENING:
            return organisation is Organisation.NCG
        case VisitKind.COMBINED:
            return dual_qualified
    raise AssertionError(kind)  # pragma: no cover


class AppointmentState(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    DONE = "done"


class DayPart(StrEnum):
    """The parts of the day a resident can say they are at home."""

    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"
