"""What comes next in each process, and what the two can do together (i18n keys + values)."""

from __future__ import annotations

from dataclasses import dataclass

from buddy_desk.core.collaboration import GROUP_MEANINGS, CollaborationGroup, img_can_prioritise
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus


@dataclass(frozen=True)
class Step:
    key: str
    values: tuple[tuple[str, str], ...] = ()

    def kwargs(self) -> dict[str, str]:
        return dict(self.values)


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
) -> list[Step]:
    """Concrete things the buddy pair can do now, most pressing first."""
    steps: list[Step] = []
    if FlagKind.AOS in flags:
        steps.append(Step("joint.aos"))
    if flags & {FlagKind.SCHRIJNEND, FlagKind.VASTGELOPEN}:
        steps.append(Step("joint.intervention_team"))
    if group is CollaborationGroup.B:
        steps.append(Step("joint.propose_joint_inspection"))
    if group is CollaborationGroup.E:
        steps.append(Step("joint.include_damage_repair"))
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
    return steps
