"""What comes next in each process, and what the two can do together (i18n keys + values)."""

from __future__ import annotations

from dataclasses import dataclass

from buddy_desk.choices.rules import NOT_DECIDED, DecidedChoices
from buddy_desk.core.collaboration import GROUP_MEANINGS, CollaborationGroup, img_can_prioritise
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.i18n import tr


@dataclass(frozen=True)
class Step:
    key: str
    values: tuple[tuple[str, str], ...] = ()

    def kwargs(self) -> dict[str, str]:
        """The values to fill in; a value ``@key`` is itself a text, translated when shown."""
        return {k: tr(v[1:]) if v.startswith("@") else v for k, v in self.values}


def group_meaning(group: CollaborationGroup, img_phase: ImgPhase | None) -> list[Step]:
    """The group's plain-language meaning; in group E with IMG's priority only while IMG is
    in Voorbereiding or Opname (the evaluation allows it then only)."""
    steps = [Step(GROUP_MEANINGS[group].key)]
    if img_can_prioritise(group, img_phase):
        steps.append(Step("group.E.prioritise"))
    return steps


def next_img_step(phase: ImgPhase | None, *, decided: bool = False) -> Step:
    """What comes next at IMG; in Beschikking with a decision made (``decided``), what follows
    the decision rather than "IMG neemt het besluit"."""
    if phase is None:
        return Step("next.img.none")
    if phase is ImgPhase.BESCHIKKING and decided:
        return Step("next.img.besloten")
    return Step(f"next.img.{phase.name.lower()}")


def next_ncg_step(status: NcgStatus | None) -> Step:
    if status is None:
        return Step("next.ncg.none")
    return Step(f"next.ncg.{status.name.lower()}")


def joint_actions(
    group: CollaborationGroup | None,
    img_phase: ImgPhase | None,
    ncg_status: NcgStatus | None,
    flags: frozenset[FlagKind],
    choices: DecidedChoices = NOT_DECIDED,
    joint_booked: str | None = None,
) -> list[Step]:
    """Concrete things the buddy pair can do now, most pressing first.

    What the resident already decided is stated instead of proposed (``choices``, from the
    choice log); ``joint_booked`` is the booked joint inspection's date text, if any."""
    steps: list[Step] = []
    if FlagKind.AOS in flags:
        steps.append(Step("joint.aos"))
    if flags & {FlagKind.SCHRIJNEND, FlagKind.VASTGELOPEN}:
        steps.append(Step("joint.intervention_team"))
    if group is CollaborationGroup.B:
        steps.append(_joint_inspection_step(choices, joint_booked))
    if group is CollaborationGroup.E:
        steps.append(_repair_step(choices))
        if img_can_prioritise(group, img_phase):
            steps.append(Step("joint.img_prioritise"))
    if group is CollaborationGroup.F:
        steps.append(Step("joint.hidden_damage"))
    if ncg_status is not None and ncg_status.is_running and img_phase is None:
        steps.append(Step("joint.check_damage_report"))
    if img_phase is not None and img_phase.is_running and ncg_status is None:
        steps.append(Step("joint.check_strengthening"))
    if group is not None:
        steps.append(Step("joint.information_exchange"))
    steps.extend(_decided_steps(choices))
    return steps


def _joint_inspection_step(choices: DecidedChoices, joint_booked: str | None) -> Step:
    if joint_booked:
        return Step("joint.decided.joint_booked", (("when", joint_booked),))
    if choices.joint_declined:
        return Step("joint.decided.joint_declined")
    if choices.joint_inspection is not None:
        form = f"@choices.option.gezamenlijke_opname.{choices.joint_inspection.value}"
        key = "joint.decided.joint_chosen_no_delay" if choices.only_if_no_delay else ""
        return Step(key or "joint.decided.joint_chosen", (("form", form),))
    return Step("joint.propose_joint_inspection")


def _repair_step(choices: DecidedChoices) -> Step:
    if choices.repair_in_strengthening is None:
        return Step("joint.include_damage_repair")
    if not choices.repair_in_strengthening:
        return Step("joint.decided.repair_separate")
    if choices.payment_for_repair:
        return Step("joint.decided.repair_in_plan_with_payment")
    return Step("joint.decided.repair_in_plan")


def _decided_steps(choices: DecidedChoices) -> list[Step]:
    """The other decisions the pair keeps to."""
    steps: list[Step] = []
    if choices.rebuild is not None:
        steps.append(Step(f"joint.decided.rebuild_{'yes' if choices.rebuild else 'no'}"))
    if choices.joint_even_if_slower is not None:
        slower = "yes" if choices.joint_even_if_slower else "no"
        steps.append(Step(f"joint.decided.even_if_slower_{slower}"))
    if choices.first_contact is not None:
        steps.append(Step("joint.decided.first_contact", (("org", choices.first_contact.value),)))
    return steps
