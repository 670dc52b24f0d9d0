"""The choice log's rules without a database: current state, validation, the hash chain."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest

from buddy_desk.choices.rules import (
    GENESIS_HASH,
    Channel,
    ChoiceEntry,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
    EntryKind,
    StateStatus,
    canonical_time,
    consent_active,
    current_states,
    seal,
    validate_new,
    verify_chain,
)
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import ValidationError

T0 = datetime(2026, 10, 1, 9, 30, tzinfo=UTC)


def _entry(
    seq: int, kind: EntryKind, choice_type: ChoiceType, value: str, **kw: object
) -> ChoiceEntry:
    base: dict[str, object] = {
        "dossier_id": 7,
        "seq": seq,
        "kind": kind,
        "choice_type": choice_type,
        "value": value,
        "made_at": T0 + timedelta(days=seq),
        "recorded_at": T0 + timedelta(days=seq, minutes=5),
        "recorded_by": "tester",
        "recorded_by_org": "IMG",
        "channel": Channel.KITCHEN_TABLE,
        "explanation_version": f"{choice_type.value}/2026-11",
    }
    base.update(kw)
    return ChoiceEntry(**base)  # type: ignore[arg-type]


def _consent(seq: int, value: str, direction: Direction | None, **kw: object) -> ChoiceEntry:
    fields: dict[str, object] = {
        "direction": direction,
        "purpose": "samen afhandelen",
        "categories": (DocumentCategory.CASE_DETAILS,),
        "method": ConsentMethod.VERBAL,
    }
    fields.update(kw)
    return _entry(seq, EntryKind.RECORD, ChoiceType.DATA_SHARING, value, **fields)


def _withdraw(seq: int, refers: int, target: ChoiceEntry) -> ChoiceEntry:
    at = T0 + timedelta(days=seq)
    return _entry(
        seq,
        EntryKind.WITHDRAWAL,
        target.choice_type,
        target.value,
        direction=target.direction,
        refers_to_seq=refers,
        effective_from=at,
        made_at=at,
    )


def _chain(entries: list[ChoiceEntry]) -> list[ChoiceEntry]:
    out: list[ChoiceEntry] = []
    prev = GENESIS_HASH
    for e in entries:
        sealed = seal(e, prev)
        out.append(sealed)
        prev = sealed.entry_hash
    return out


def test_correction_replaces_value_but_keeps_the_original_in_history() -> None:
    first = _entry(1, EntryKind.RECORD, ChoiceType.JOINT_INSPECTION, "gelijktijdig")
    fix = _entry(2, EntryKind.CORRECTION, ChoiceType.JOINT_INSPECTION, "na_elkaar", refers_to_seq=1)
    [state] = current_states([first, fix])
    assert state.value == "na_elkaar"
    assert state.record_seq == 1
    assert [e.seq for e in state.history] == [1, 2]


def test_newer_record_supersedes_and_withdrawal_leaves_no_value() -> None:
    a = _entry(1, EntryKind.RECORD, ChoiceType.REPAIR_IN_STRENGTHENING, "ja")
    b = _entry(2, EntryKind.RECORD, ChoiceType.REPAIR_IN_STRENGTHENING, "nee")
    [state] = current_states([a, b])
    assert state.value == "nee"
    w = _withdraw(3, 2, b)
    [state] = current_states([a, b, w])
    assert state.status is StateStatus.WITHDRAWN
    assert state.value is None
    assert [e.seq for e in state.history] == [1, 2, 3]


def test_consent_is_per_direction() -> None:
    given = _consent(1, "gegeven", Direction.IMG_TO_NCG)
    assert consent_active([given], Direction.IMG_TO_NCG) is not None
    assert consent_active([given], Direction.NCG_TO_IMG) is None
    requested = _consent(2, "aangevraagd", Direction.NCG_TO_IMG)
    assert consent_active([given, requested], Direction.NCG_TO_IMG) is None


def test_withdrawal_ends_consent_and_a_new_grant_restores_it() -> None:
    given = _consent(1, "gegeven", Direction.IMG_TO_NCG)
    gone = _withdraw(2, 1, given)
    assert consent_active([given, gone], Direction.IMG_TO_NCG) is None
    again = _consent(3, "gegeven", Direction.IMG_TO_NCG)
    assert consent_active([given, gone, again], Direction.IMG_TO_NCG) is not None


def test_free_text_choices_each_have_their_own_state() -> None:
    a = _entry(1, EntryKind.RECORD, ChoiceType.FREE_TEXT, "geen afspraken op woensdag")
    b = _entry(2, EntryKind.RECORD, ChoiceType.FREE_TEXT, "hond is thuis")
    assert {s.value for s in current_states([a, b])} == {a.value, b.value}


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (_entry(1, EntryKind.RECORD, ChoiceType.JOINT_INSPECTION, "misschien"), "keuze"),
        (_consent(1, "gegeven", Direction.IMG_TO_NCG, purpose=" "), "doel"),
        (_consent(1, "gegeven", Direction.IMG_TO_NCG, categories=()), "documentsoorten"),
        (
            _consent(1, "gegeven", Direction.IMG_TO_NCG, method=ConsentMethod.SIGNED_FORM),
            "formulierkenmerk",
        ),
        (_consent(1, "gegeven", None), "richting"),
        (_consent(1, "beoordeeld", Direction.IMG_TO_NCG), "keuze"),
        (
            _entry(1, EntryKind.RECORD, ChoiceType.JOINT_INSPECTION, "geen", only_if_no_delay=True),
            "alleen als niet langer wachten",
        ),
        (
            _entry(
                1,
                EntryKind.RECORD,
                ChoiceType.FIRST_CONTACT,
                "IMG",
                made_at=T0 + timedelta(days=30),
            ),
            "datum keuze",
        ),
        (_entry(1, EntryKind.RECORD, ChoiceType.FREE_TEXT, "   "), "keuze"),
    ],
)
def test_invalid_new_entries_are_refused_naming_the_field(entry: ChoiceEntry, field: str) -> None:
    with pytest.raises(ValidationError) as info:
        validate_new([], entry)
    assert info.value.field == field


def test_withdrawal_rules() -> None:
    given = _consent(1, "gegeven", Direction.IMG_TO_NCG)
    later = _consent(2, "gegeven", Direction.IMG_TO_NCG)
    with pytest.raises(ValidationError, match="al vervangen"):
        validate_new([given, later], _withdraw(3, 1, given))
    future = replace(_withdraw(3, 2, later), effective_from=T0 + timedelta(days=60))
    with pytest.raises(ValidationError, match="direct"):
        validate_new([given, later], future)
    ok = _withdraw(3, 2, later)
    validate_new([given, later], ok)
    with pytest.raises(ValidationError, match="al ingetrokken"):
        validate_new([given, later, ok], _withdraw(4, 2, later))
    with pytest.raises(ValidationError, match="bestaat niet"):
        validate_new([given], _withdraw(2, 9, given))


def test_correction_cannot_change_type_or_direction() -> None:
    given = _consent(1, "gegeven", Direction.IMG_TO_NCG)
    other_type = _entry(2, EntryKind.CORRECTION, ChoiceType.FIRST_CONTACT, "IMG", refers_to_seq=1)
    with pytest.raises(ValidationError):
        validate_new([given], other_type)
    flipped = replace(
        _consent(2, "gegeven", Direction.NCG_TO_IMG), kind=EntryKind.CORRECTION, refers_to_seq=1
    )
    with pytest.raises(ValidationError, match="richting"):
        validate_new([given], flipped)


def test_canonical_time_is_utc_with_microseconds_whatever_the_zone() -> None:
    cet = timezone(timedelta(hours=1))
    local = datetime(2026, 11, 26, 10, 0, 0, 5, tzinfo=cet)
    assert canonical_time(local) == "2026-11-26T09:00:00.000005Z"
    with pytest.raises(ValueError, match="naive"):
        canonical_time(datetime(2026, 1, 1))


def _three() -> list[ChoiceEntry]:
    return _chain(
        [
            _entry(1, EntryKind.RECORD, ChoiceType.JOINT_INSPECTION, "gelijktijdig"),
            _consent(2, "gegeven", Direction.IMG_TO_NCG),
            _entry(3, EntryKind.RECORD, ChoiceType.FIRST_CONTACT, Organisation.NCG.value),
        ]
    )


def test_an_intact_chain_verifies() -> None:
    chain = _three()
    assert verify_chain(7, chain, (3, chain[-1].entry_hash)) == []


@pytest.mark.parametrize(
    ("tamper", "bad_seq"),
    [
        (lambda c: [c[0], replace(c[1], value="aangevraagd"), c[2]], 2),
        (
            lambda c: [
                c[0],
                replace(c[1], recorded_at=c[1].recorded_at + timedelta(seconds=1)),
                c[2],
            ],
            2,
        ),
        (lambda c: [c[0], c[2]], 3),
        (lambda c: [c[1], c[0], c[2]], 2),
        (lambda c: [c[0], c[1]], 3),
        (lambda c: [c[1], c[2]], 2),
    ],
    ids=["edit-value", "edit-time", "delete-middle", "reorder", "delete-last", "delete-first"],
)
def test_any_single_change_is_detected_and_located(tamper: object, bad_seq: int) -> None:
    chain = _three()
    head = (3, chain[-1].entry_hash)
    problems = verify_chain(7, tamper(chain), head)  # type: ignore[operator]
    assert problems, "tampering went unnoticed"
    assert problems[0].dossier_id == 7
    assert problems[0].seq == bad_seq
