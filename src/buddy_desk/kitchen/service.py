"""The kitchen-table content for one dossier, as the viewer may show it to the resident.

The dossier comes through the consent gate (``choices.service.consent.view_dossier``, which
also logs any view of the other organisation's data); the rules only ever see what the gate
let through. Choices come from the choice log, appointments from planning. The content is
Dutch, whatever the UI speaks: the resident reads it and the letter texts are Dutch.
"""

from __future__ import annotations

from datetime import date

from buddy_desk.choices.rules import Actor, WithholdReason
from buddy_desk.choices.service.consent import view_dossier
from buddy_desk.choices.service.log import LOCAL, current_choices, state_label, type_label
from buddy_desk.core.inspection import AppointmentState
from buddy_desk.documents.templates import load_templates
from buddy_desk.i18n import in_language, tr
from buddy_desk.kitchen.rules import AppointmentFact, ChoiceFact, KitchenContent, kitchen_content
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.service.booking import dossier_appointments


def _choices(uow: UnitOfWork, dossier_id: int) -> tuple[ChoiceFact, ...]:
    facts = []
    for state in current_choices(uow, dossier_id):
        when = state.current.made_at
        if state.withdrawal is not None:
            when = state.withdrawal.effective_from or state.withdrawal.made_at
        facts.append(
            ChoiceFact(
                choice_type=state.choice_type.value,
                subject=type_label(state.choice_type),
                answer=state_label(state),
                made_on=when.astimezone(LOCAL).date(),
                channel=tr(f"choices.channel.{state.current.channel.value}"),
                withdrawn=state.withdrawal is not None,
            )
        )
    return tuple(facts)


def _appointments(uow: UnitOfWork, dossier_id: int) -> tuple[AppointmentFact, ...]:
    return tuple(
        AppointmentFact(
            start=a.local_start,
            end=a.local_end,
            form=a.form,
            booked=a.state is AppointmentState.BOOKED,
        )
        for a in dossier_appointments(uow, dossier_id)
    )


def kitchen_view(uow: UnitOfWork, dossier_id: int, viewer: Actor, today: date) -> KitchenContent:
    """What the resident sees of dossier ``dossier_id``; NotFoundError for an unknown id."""
    gated = view_dossier(uow, dossier_id, viewer)
    # a partial consent (``NOT_COVERED``) still shows the case itself: only some reports are
    # left out, and the kitchen tracks show none of those; the track is withheld otherwise
    withheld = frozenset(
        w.organisation for w in gated.withheld if w.reason is not WithholdReason.NOT_COVERED
    )
    with in_language("nl"):
        return kitchen_content(
            gated,
            withheld,
            _choices(uow, dossier_id),
            _appointments(uow, dossier_id),
            today,
            load_templates("nl"),
        )
