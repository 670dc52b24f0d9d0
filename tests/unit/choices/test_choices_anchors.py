"""Anchors: a cut tail with the head moved back, or an edited access log, is found."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from buddy_desk.choices.anchors import (
    AccessHead,
    anchor_values,
    matches_digest,
    seal_access,
    short_digest,
    verify_access_chain,
    verify_anchors,
)
from buddy_desk.choices.rules import (
    GENESIS_HASH,
    Channel,
    ChoiceEntry,
    ChoiceType,
    EntryKind,
    seal,
    verify_chain,
)

T0 = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)


def _chain(n: int) -> list[ChoiceEntry]:
    out: list[ChoiceEntry] = []
    prev = GENESIS_HASH
    for seq in range(1, n + 1):
        entry = seal(
            ChoiceEntry(
                dossier_id=7,
                seq=seq,
                kind=EntryKind.RECORD,
                choice_type=ChoiceType.JOINT_INSPECTION,
                value="gelijktijdig",
                made_at=T0,
                recorded_at=T0,
                recorded_by="t",
                recorded_by_org="IMG",
                channel=Channel.PHONE,
            ),
            prev,
        )
        out.append(entry)
        prev = entry.entry_hash
    return out


def _anchored(entries: list[ChoiceEntry]) -> tuple[list[dict[str, object]], AccessHead]:
    head = AccessHead()
    rows: list[dict[str, object]] = []
    for e in entries:
        values = anchor_values(
            e.dossier_id, e.seq, e.entry_hash, at=T0, user="t", organisation="IMG", system="t"
        )
        row, head = seal_access(values, head)
        rows.append(row)
    return rows, head


def test_a_whole_log_verifies() -> None:
    entries = _chain(3)
    rows, head = _anchored(entries)
    verdict = verify_access_chain(rows, head)
    assert verdict.problems == ()
    assert verify_anchors(7, entries, (3, entries[-1].entry_hash), verdict.anchors[7]) == []


def test_cutting_the_tail_and_moving_the_head_back_is_found() -> None:
    entries = _chain(3)
    rows, head = _anchored(entries)
    cut = entries[:2]
    moved_head = (2, cut[-1].entry_hash)
    assert verify_chain(7, cut, moved_head) == []  # the chain alone cannot see it
    verdict = verify_access_chain(rows, head)
    problems = verify_anchors(7, cut, moved_head, verdict.anchors[7])
    assert problems and problems[0].seq == 3


def test_an_edited_or_removed_access_row_breaks_its_chain() -> None:
    rows, head = _anchored(_chain(3))
    edited = [rows[0], {**rows[1], "gebruiker": "someone else"}, rows[2]]
    assert verify_access_chain(edited, head).problems[0].seq == 2
    assert verify_access_chain(rows[:2], head).problems  # the head remembers row 3
    assert verify_access_chain(rows, replace(head, heads_digest="0" * 64)).problems


def test_the_short_check_code_finds_its_digest() -> None:
    rows, _head = _anchored(_chain(1))
    digest = str(rows[0]["heads_digest"])
    short = short_digest(digest)
    assert len(short) == 19 and short.count(" ") == 3
    assert matches_digest(digest, short.lower())
    assert matches_digest(digest, digest)
    assert not matches_digest(digest, "0000 0000 0000 0000")
