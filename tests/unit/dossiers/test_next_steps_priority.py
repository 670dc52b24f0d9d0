"""'Wat kunnen we samen doen' and the group's meaning: IMG's priority in group E only early."""

from __future__ import annotations

import itertools

import pytest

from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.dossiers.next_steps import group_meaning, joint_actions

EARLY = {ImgPhase.VOORBEREIDING, ImgPhase.OPNAME}


@pytest.mark.parametrize(("ncg", "img"), list(itertools.product(NcgStatus, ImgPhase)))
def test_priority_is_offered_only_in_group_e_while_img_is_early(
    ncg: NcgStatus, img: ImgPhase
) -> None:
    group = collaboration_group(ncg, img)
    expected = group is CollaborationGroup.E and img in EARLY
    steps = joint_actions(group, img, ncg, frozenset())
    assert any(s.key == "joint.img_prioritise" for s in steps) is expected
    if group is not None:
        meaning = [s.key for s in group_meaning(group, img)]
        assert ("group.E.prioritise" in meaning) is expected
        assert meaning[0] == f"group.{group.value}"


def test_wat_komt_er_nu_after_a_decision_is_not_deciding_again() -> None:
    from buddy_desk.dossiers.next_steps import next_img_step
    from buddy_desk.i18n import tr

    assert next_img_step(ImgPhase.BESCHIKKING).key == "next.img.beschikking"
    decided = tr(next_img_step(ImgPhase.BESCHIKKING, decided=True).key)
    assert "besloten" in decided and "neemt het besluit" not in decided
    # only Beschikking changes its story with a decision date
    assert next_img_step(ImgPhase.ZIENSWIJZE, decided=True).key == "next.img.zienswijze"
