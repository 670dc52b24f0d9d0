"""What the resident decided and what is booked, for the dossier's 'wat komt er nu'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from buddy_desk.choices.rules import NOT_DECIDED, DecidedChoices
from buddy_desk.choices.service.log import decided_choices
from buddy_desk.core.inspection import AppointmentState, InspectionForm
from buddy_desk.errors import BuddyDeskError
from buddy_desk.planning.service.booking import dossier_appointments
from buddy_desk.ui.context import AppContext
from buddy_desk.ui.formatting import format_span


@dataclass(frozen=True, slots=True)
class Decisions:
    choices: DecidedChoices = NOT_DECIDED
    joint_booked: tuple[datetime, datetime] | None = None  # the booked joint inspection

    @property
    def joint_booked_text(self) -> str | None:
        """When the booked joint inspection is, in the language of the moment."""
        return format_span(*self.joint_booked) if self.joint_booked else None


def load_decisions(ctx: AppContext, dossier_id: int) -> Decisions:
    """Two small reads (the choice log, the dossier's appointments); never fails the view."""
    try:
        choices = decided_choices(ctx.new_uow(), dossier_id)
        booked = [
            a
            for a in dossier_appointments(ctx.new_uow(), dossier_id)
            if a.state is AppointmentState.BOOKED and a.form is not InspectionForm.SEPARATE
        ]
    except BuddyDeskError:
        return Decisions()
    first = min(booked, key=lambda a: a.start) if booked else None
    return Decisions(choices, (first.start, first.end) if first else None)
