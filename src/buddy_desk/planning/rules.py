"""What the resident's recorded choices allow planning to do (pure).

The joint-inspection choice in the choice log is leading (*de keuze van de bewoner is
leidend*): it decides which form may be booked, whether a dossier is in the queue and whether
the week auto-plan may plan it. A planner may book against it only with a recorded reason.
"""

from __future__ import annotations

from datetime import date, timedelta

from buddy_desk.choices.rules import DecidedChoices, JointInspection
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.inspection import InspectionForm

# the choice log's JointInspection values as planning forms
CHOICE_FORMS: dict[str, InspectionForm] = {
    JointInspection.SIMULTANEOUS.value: InspectionForm.SIMULTANEOUS,
    JointInspection.SEQUENTIAL.value: InspectionForm.SEQUENTIAL,
    JointInspection.COMBINED.value: InspectionForm.COMBINED,
    JointInspection.WITHIN_TWO_DAYS.value: InspectionForm.CLOSE,
    JointInspection.NO.value: InspectionForm.SEPARATE,
}

JOINT_GROUP = CollaborationGroup.B
"""Both an IMG and an NCG inspection are still to come (NCG 2.1 with IMG Voorbereiding or
Opname): the only group where a joint inspection is realistic without a buddy's reason."""


def chosen_form(choices: DecidedChoices) -> InspectionForm | None:
    """The form the resident chose (``SEPARATE`` when they declined), or None."""
    if choices.joint_inspection is None:
        return None
    return CHOICE_FORMS[choices.joint_inspection.value]


def booking_conflict(
    choices: DecidedChoices, form: InspectionForm, *, later_than_separate: bool | None = None
) -> str | None:
    """Why booking ``form`` contradicts the resident's recorded choice (Dutch), or None.

    ``later_than_separate``: whether the joint inspection ends later than the separate ones
    would (None: not known); it matters when the resident wants a joint inspection only if it
    does not mean a longer wait.
    """
    chosen = chosen_form(choices)
    if chosen is InspectionForm.SEPARATE:
        return "de bewoner heeft gekozen voor geen gezamenlijke opname"
    if chosen is not None and chosen is not form:
        return (
            f"de bewoner heeft gekozen voor '{FORM_NAMES[chosen]}', niet voor '{FORM_NAMES[form]}'"
        )
    if choices.only_if_no_delay and later_than_separate:
        return (
            "de bewoner wil een gezamenlijke opname alleen als die niet later is dan de aparte "
            "opnames, en deze is later"
        )
    return None


FORM_NAMES: dict[InspectionForm, str] = {
    InspectionForm.SIMULTANEOUS: "gelijktijdig op één dag",
    InspectionForm.SEQUENTIAL: "na elkaar op één dag",
    InspectionForm.COMBINED: "gecombineerd (één deskundige)",
    InspectionForm.CLOSE: "binnen twee dagen",
    InspectionForm.SEPARATE: "geen gezamenlijke opname",
}


def queue_reason(
    group: CollaborationGroup | None,
    choices: DecidedChoices,
    *,
    planner_form: InspectionForm | None,
    no_joint_reason: str | None,
    added_reason: str | None,
) -> str | None:
    """Why a combination dossier is in the joint-inspection queue, or None (not in it).

    Group B unless the resident declined or a planner noted why it is not possible; another
    group only when a buddy added it with a reason (and the resident did not decline).
    """
    if choices.joint_declined or no_joint_reason:
        return None
    if planner_form is InspectionForm.SEPARATE and choices.joint_inspection is None:
        return None
    if group is JOINT_GROUP:
        return "groep B"
    if added_reason:
        return added_reason
    return None


CLOSE_DAYS = 2
"""At most two days between the NCG and IMG inspection (the evaluation's urgent pilot)."""


def latest_joint_day(form: InspectionForm, separate_last_day: date) -> date:
    """The last day a joint inspection may end and still count as 'no longer wait'.

    For 'within two days' the two visits are on different days by definition, so it may end
    up to two days after the separate inspections would have: otherwise it could never be
    planned without a longer wait."""
    if form is InspectionForm.CLOSE:
        return separate_last_day + timedelta(days=CLOSE_DAYS)
    return separate_last_day


def week_form(
    choices: DecidedChoices, planner_form: InspectionForm | None
) -> InspectionForm | None:
    """The form the week auto-plan may plan: the resident's joint choice, else a form a
    planner noted; None: nobody chose one, so the auto-plan leaves the dossier alone."""
    chosen = chosen_form(choices)
    if chosen is not None:
        return chosen if chosen.is_joint else None
    if planner_form is not None and planner_form.is_joint:
        return planner_form
    return None
