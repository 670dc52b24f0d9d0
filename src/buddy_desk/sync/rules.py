"""How the team server accepts a laptop's offline changes: pure rules, no database, no Qt.

Four kinds of change, each with its own merge (see docs/sync.md):

- **choice-log entries** are append-only: the server appends every entry it has not seen
  (by UUID) to the dossier's chain in *acceptance order* and re-seals it
  (``rebase_entries``); a reference to another pending entry (a correction or withdrawal of
  an entry made on the same laptop before it synced) is translated to that entry's
  canonical number. Nothing is ever dropped or rewritten.
- **fields** (the conversation notes as one field; signals, information requests and the
  buddy pair per field) carry the *base version* the laptop edited; ``decide_field``
  applies an edit made on the current version and keeps a concurrent one as a conflict.
- **bookings** take an expert's slot; ``decide_booking`` refuses one whose slot was taken
  meanwhile and the refusal is listed.
- **scope**: a change for a dossier outside the user's scope is refused and listed.

The server numbers every accepted change (its sequence); a laptop pulls "everything in my
scope after N". Every refusal or concurrent edit becomes a ``Conflict`` that is kept until a
person resolves it — never a silent loss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from buddy_desk.choices.rules import GENESIS_HASH, ChoiceEntry, seal


class ChangeKind(StrEnum):
    CHOICE = "choice"
    FIELD = "field"
    BOOKING = "booking"


class Outcome(StrEnum):
    APPLIED = "applied"  # accepted as it was made
    UNCHANGED = "unchanged"  # the server already had exactly this (nothing to do)
    CONFLICT = "conflict"  # kept aside: a concurrent edit, listed for a person
    REFUSED = "refused"  # not applied (slot taken, outside scope), listed with the reason


class ConflictReason(StrEnum):
    CONCURRENT_EDIT = "concurrent_edit"
    SLOT_TAKEN = "slot_taken"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_ALLOWED = "not_allowed"  # e.g. a buddy pair re-coupled by someone not a coordinator


@dataclass(frozen=True, slots=True)
class FieldDecision:
    outcome: Outcome
    new_version: int  # the field's version after the decision


def decide_field(
    *, current_value: str | None, current_version: int, base_version: int, value: str | None
) -> FieldDecision:
    """An edit of one field made on ``base_version``.

    Made on the current version: applied (version + 1). Same value as now: unchanged (two
    laptops typing the same thing do not conflict). Otherwise someone changed the field
    meanwhile: the server keeps its value and the edit is kept as a conflict (like ODK
    Central's flagged updates and CouchDB's conflicting revisions — both versions survive).
    """
    if value == current_value:
        return FieldDecision(Outcome.UNCHANGED, current_version)
    if base_version == current_version:
        return FieldDecision(Outcome.APPLIED, current_version + 1)
    return FieldDecision(Outcome.CONFLICT, current_version)


def decide_booking(*, slot_holder: str | None, booking_id: str) -> Outcome:
    """A booking of a slot: refused when another booking holds it (the planner is told)."""
    if slot_holder is None:
        return Outcome.APPLIED
    if slot_holder == booking_id:
        return Outcome.UNCHANGED
    return Outcome.REFUSED


@dataclass(frozen=True, slots=True)
class PendingEntry:
    """A choice-log entry as a laptop recorded it, on its way to the server.

    ``refers_to_uuid`` names the entry a correction or withdrawal is about when that entry
    was itself recorded on the laptop and not yet pulled back (its local number means
    nothing to the server); otherwise ``entry.refers_to_seq`` is a canonical number.
    """

    uuid: str
    entry: ChoiceEntry
    refers_to_uuid: str | None = None


def rebase_entries(
    canonical: Sequence[ChoiceEntry],
    seq_of_uuid: Mapping[str, int],
    pending: Sequence[PendingEntry],
) -> list[ChoiceEntry]:
    """Seal ``pending`` (in order) onto the end of ``canonical``: the server's acceptance order.

    ``seq_of_uuid`` gives the canonical number of every entry already accepted. Each entry
    keeps its content (author, moment, channel, value); only its number, link and hash are
    the server's, so the chain verifies wherever it is copied.
    """
    known = dict(seq_of_uuid)
    added: list[ChoiceEntry] = []
    prev = canonical[-1].entry_hash if canonical else GENESIS_HASH
    for item in pending:
        seq = len(canonical) + len(added) + 1
        refers = item.entry.refers_to_seq
        if item.refers_to_uuid is not None:
            if item.refers_to_uuid not in known:
                raise ValueError(f"entry {item.uuid} refers to unknown entry {item.refers_to_uuid}")
            refers = known[item.refers_to_uuid]
        sealed = seal(replace(item.entry, seq=seq, refers_to_seq=refers), prev)
        known[item.uuid] = seq
        added.append(sealed)
        prev = sealed.entry_hash
    return added


def content_key(entry: ChoiceEntry) -> tuple[object, ...]:
    """What an entry *says*, apart from its position in the chain (seq, link, hash)."""
    return (
        entry.dossier_id,
        entry.kind,
        entry.choice_type,
        entry.value,
        entry.made_at,
        entry.recorded_at,
        entry.recorded_by,
        entry.channel,
        entry.direction,
        entry.note,
    )
