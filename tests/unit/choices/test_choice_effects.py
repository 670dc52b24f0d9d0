"""What the recorded choices decide, and which combinations are refused at recording."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from buddy_desk.choices.rules import (
    OPTIONS,
    Channel,
    ChoiceEntry,
    ChoiceType,
    EntryKind,
    JointInspection,
    current_states,
    decided,
    validate_new,
)
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import ValidationError
from buddy_desk.planning.rules import (
    booking_conflict,
    chosen_form,
    latest_joint_day,
    queue_reason,
    week_form,
)

T0 = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)


def _entry(seq: int, choice_type: ChoiceType, value: str, **kw: object) -> ChoiceEntry:
    base: dict[str, object] = {
        "dossier_id": 7,
        "seq": seq,
        "kind": EntryKind.RECORD,
        "choice_type": choice_type,
        "value": value,
        "made_at": T0 + timedelta(days=seq),
        "recorded_at": T0 + timedelta(days=seq, minutes=5),
        "recorded_by": "tester",
        "recorded_by_org": "IMG",
        "channel": Channel.KITCHEN_TABLE,
        "explanation_version": f"{choice_type.value}/2026-12",
    }
    base.update(kw)
    return ChoiceEntry(**base)  # type: ignore[arg-type]


R, P = ChoiceType.REPAIR_IN_STRENGTHENING, ChoiceType.PAYMENT_FOR_REPAIR
J, S = ChoiceType.JOINT_INSPECTION, ChoiceType.JOINT_EVEN_IF_SLOWER
B = ChoiceType.STRENGTHEN_OR_REBUILD


def test_within_two_days_is_a_joint_option_and_a_joint_planning_form() -> None:
    assert "binnen_twee_dagen" in OPTIONS[J]
    assert JointInspection.WITHIN_TWO_DAYS.is_joint and not JointInspection.NO.is_joint
    assert InspectionForm.CLOSE.is_joint
    choices = decided(current_states([_entry(1, J, "binnen_twee_dagen")]))
    assert chosen_form(choices) is InspectionForm.CLOSE


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((R, "nee", {}), (P, "ja", {})),
        ((P, "ja", {}), (R, "nee", {})),
        ((R, "ja", {}), (B, "sloop_nieuwbouw", {})),
        ((B, "sloop_nieuwbouw", {}), (R, "ja", {})),
        ((J, "gelijktijdig", {"only_if_no_delay": True}), (S, "ja", {})),
        ((S, "ja", {}), (J, "na_elkaar", {"only_if_no_delay": True})),
    ],
)
def test_contradictory_choices_are_refused_naming_the_other_choice(
    first: tuple[ChoiceType, str, dict[str, object]],
    second: tuple[ChoiceType, str, dict[str, object]],
) -> None:
    recorded = _entry(1, first[0], first[1], **first[2])
    new = _entry(2, second[0], second[1], **second[2])
    with pytest.raises(ValidationError, match="regel 1") as caught:
        validate_new([recorded], new)
    assert "Corrigeer of trek die keuze eerst in" in str(caught.value)


def test_compatible_choices_and_a_withdrawn_contradiction_are_accepted() -> None:
    validate_new([_entry(1, R, "ja")], _entry(2, P, "ja"))
    validate_new([_entry(1, R, "nee")], _entry(2, P, "nee"))
    validate_new([_entry(1, J, "gelijktijdig")], _entry(2, S, "ja"))  # no condition: fine
    repair_no = _entry(1, R, "nee")
    withdrawn = _entry(
        2,
        R,
        "nee",
        kind=EntryKind.WITHDRAWAL,
        refers_to_seq=1,
        effective_from=T0 + timedelta(days=2),
    )
    validate_new([repair_no, withdrawn], _entry(3, P, "ja"))


def test_a_correction_is_checked_against_the_other_choices_too() -> None:
    entries = [_entry(1, R, "ja"), _entry(2, P, "ja")]
    fix = _entry(3, R, "nee", kind=EntryKind.CORRECTION, refers_to_seq=1)
    with pytest.raises(ValidationError, match="regie van NCG"):
        validate_new(entries, fix)


def test_decided_folds_every_choice_type() -> None:
    entries = [
        _entry(1, J, "na_elkaar", only_if_no_delay=True),
        _entry(2, R, "ja"),
        _entry(3, P, "ja"),
        _entry(4, B, "versterken"),
        _entry(5, S, "nee"),
        _entry(6, ChoiceType.FIRST_CONTACT, "NCG"),
    ]
    d = decided(current_states(entries))
    assert d.joint_inspection is JointInspection.SEQUENTIAL and d.only_if_no_delay
    assert d.repair_in_strengthening and d.payment_for_repair
    assert d.rebuild is False and d.joint_even_if_slower is False
    assert d.first_contact is Organisation.NCG
    assert not d.may_wait_longer
    assert decided(current_states([_entry(1, S, "ja")])).may_wait_longer


def test_booking_conflicts_with_the_recorded_choice() -> None:
    declined = decided(current_states([_entry(1, J, "geen")]))
    assert "geen gezamenlijke opname" in (
        booking_conflict(declined, InspectionForm.SIMULTANEOUS) or ""
    )
    sequential = decided(current_states([_entry(1, J, "na_elkaar")]))
    assert booking_conflict(sequential, InspectionForm.SEQUENTIAL) is None
    assert "na elkaar" in (booking_conflict(sequential, InspectionForm.COMBINED) or "")
    no_delay = decided(current_states([_entry(1, J, "na_elkaar", only_if_no_delay=True)]))
    assert booking_conflict(no_delay, InspectionForm.SEQUENTIAL, later_than_separate=False) is None
    assert booking_conflict(no_delay, InspectionForm.SEQUENTIAL, later_than_separate=True)
    nothing = decided([])
    assert booking_conflict(nothing, InspectionForm.COMBINED) is None  # not contradicted


def test_queue_holds_group_b_unless_declined_and_others_only_with_a_reason() -> None:
    nothing = decided([])
    declined = decided(current_states([_entry(1, J, "geen")]))
    kw: dict[str, object] = {"planner_form": None, "no_joint_reason": None, "added_reason": None}
    assert queue_reason(CollaborationGroup.B, nothing, **kw) == "groep B"  # type: ignore[arg-type]
    assert queue_reason(CollaborationGroup.B, declined, **kw) is None  # type: ignore[arg-type]
    for group in (CollaborationGroup.A, CollaborationGroup.C, CollaborationGroup.E, None):
        assert queue_reason(group, nothing, **kw) is None  # type: ignore[arg-type]
        assert (
            queue_reason(
                group, nothing, planner_form=None, no_joint_reason=None, added_reason="kwetsbaar"
            )
            == "kwetsbaar"
        )
        assert (
            queue_reason(
                group, declined, planner_form=None, no_joint_reason=None, added_reason="kwetsbaar"
            )
            is None
        )
    noted = queue_reason(
        CollaborationGroup.B,
        nothing,
        planner_form=None,
        no_joint_reason="NCG-opname al gedaan",
        added_reason=None,
    )
    assert noted is None


def test_week_plan_needs_a_chosen_or_noted_joint_form() -> None:
    nothing = decided([])
    assert week_form(nothing, None) is None
    assert week_form(nothing, InspectionForm.COMBINED) is InspectionForm.COMBINED
    assert week_form(nothing, InspectionForm.SEPARATE) is None
    declined = decided(current_states([_entry(1, J, "geen")]))
    assert week_form(declined, InspectionForm.COMBINED) is None  # the resident is leading
    close = decided(current_states([_entry(1, J, "binnen_twee_dagen")]))
    assert week_form(close, InspectionForm.SIMULTANEOUS) is InspectionForm.CLOSE


def test_within_two_days_may_end_two_days_after_the_separate_inspections() -> None:
    day = T0.date()
    assert latest_joint_day(InspectionForm.CLOSE, day) == day + timedelta(days=2)
    assert latest_joint_day(InspectionForm.SIMULTANEOUS, day) == day
