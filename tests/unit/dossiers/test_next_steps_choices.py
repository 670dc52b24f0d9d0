"""'Wat komt er nu' states what the resident decided instead of proposing it again."""

from __future__ import annotations

from buddy_desk.choices.rules import DecidedChoices, JointInspection
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.dossiers.next_steps import joint_actions
from buddy_desk.i18n import tr

NO_FLAGS: frozenset[FlagKind] = frozenset()
B = (CollaborationGroup.B, ImgPhase.OPNAME, NcgStatus.S2_1, NO_FLAGS)
E = (CollaborationGroup.E, ImgPhase.BESCHIKKING, NcgStatus.S4_1, NO_FLAGS)


def _keys(*args: object, **kw: object) -> list[str]:
    return [s.key for s in joint_actions(*args, **kw)]  # type: ignore[arg-type]


def _texts(*args: object, **kw: object) -> list[str]:
    return [tr(s.key, **s.kwargs()) for s in joint_actions(*args, **kw)]  # type: ignore[arg-type]


def test_group_b_proposes_until_decided_then_states_the_decision() -> None:
    assert "joint.propose_joint_inspection" in _keys(*B)
    declined = DecidedChoices(joint_inspection=JointInspection.NO)
    assert "joint.decided.joint_declined" in _keys(*B, declined)
    assert "joint.propose_joint_inspection" not in _keys(*B, declined)
    chosen = DecidedChoices(joint_inspection=JointInspection.WITHIN_TWO_DAYS)
    assert any("opname: Binnen twee dagen" in t for t in _texts(*B, chosen))
    booked = _texts(*B, chosen, "do 3-12-2026 09:00–13:00")
    assert any("gepland: do 3-12-2026" in t for t in booked)


def test_group_e_repair_states_the_answer() -> None:
    assert "joint.include_damage_repair" in _keys(*E)
    no = _keys(*E, DecidedChoices(repair_in_strengthening=False))
    assert "joint.decided.repair_separate" in no and "joint.include_damage_repair" not in no
    yes = DecidedChoices(repair_in_strengthening=True, payment_for_repair=True)
    assert "joint.decided.repair_in_plan_with_payment" in _keys(*E, yes)


def test_other_decisions_are_listed() -> None:
    choices = DecidedChoices(
        rebuild=True, joint_even_if_slower=True, first_contact=Organisation.NCG
    )
    texts = _texts(*E, choices)
    assert any("slopen en nieuw bouwen" in t for t in texts)
    assert any("ook als het langer duurt" in t for t in texts)
    assert any("aanspreekpunt van de bewoner: NCG" in t for t in texts)
