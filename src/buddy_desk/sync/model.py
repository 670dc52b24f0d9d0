"""An executable model of the team server and its laptops (pure Python, in memory).

The design of docs/sync.md in the smallest form that still has every moving part: a
server with a change sequence, per-user scope, idempotent pushes and a conflict list;
laptops with a transactional outbox that pull only when nothing of theirs is unacknowledged.
It uses the real merge rules (``buddy_desk.sync.rules``) and the real hash chain
(``buddy_desk.choices.rules``), so the fuzz test in tests/unit/sync/ checks the rules the
service applies, under lost requests, lost responses, kills and any sync order.

A kill of a laptop at any moment is a lost request or a lost response here: the laptop's
writes (the edit with its outbox entry; a pulled batch with its new sequence) are
transactions, so a kill leaves either all of one or none of it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from buddy_desk.choices.rules import (
    GENESIS_HASH,
    Channel,
    ChoiceEntry,
    ChoiceType,
    EntryKind,
    seal,
)
from buddy_desk.sync.rules import (
    ChangeKind,
    ConflictReason,
    Outcome,
    PendingEntry,
    decide_booking,
    decide_field,
    rebase_entries,
)

EPOCH = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@dataclass
class DossierState:
    chain: list[ChoiceEntry] = field(default_factory=list)
    uuids: list[str] = field(default_factory=list)  # the UUID of each chain entry
    fields: dict[str, tuple[str | None, int]] = field(default_factory=dict)  # value, version
    slots: dict[str, str] = field(default_factory=dict)  # slot → booking id


@dataclass(frozen=True)
class Change:
    uuid: str
    dossier_id: int
    kind: ChangeKind
    pending: PendingEntry | None = None
    field_name: str | None = None
    value: str | None = None
    base_version: int = 0
    # this laptop's earlier edit of the same field, sent but not yet answered: the edit was
    # made on top of that one, whatever version the server gave it
    base_change: str | None = None
    slot: str | None = None


@dataclass(frozen=True)
class Conflict:
    uuid: str
    dossier_id: int
    reason: ConflictReason
    value: str | None  # the version that was not applied (kept here, never lost)


@dataclass(frozen=True)
class Result:
    uuid: str
    outcome: Outcome
    new_version: int = 0


class Fault(StrEnum):
    NONE = "none"
    LOSE_REQUEST = "lose_request"  # the push never arrives
    LOSE_RESPONSE = "lose_response"  # the server applied it; the laptop never hears (or is killed)
    LOSE_PULL = "lose_pull"  # pushed fine; the pull dies before the laptop commits it


class Server:
    def __init__(self, dossiers: int, scopes: dict[str, set[int]]) -> None:
        self.dossiers = {d: DossierState() for d in range(dossiers)}
        self.scopes = {user: set(s) for user, s in scopes.items()}
        self.seq = 0
        self.changed: dict[int, int] = {}  # dossier → seq of its last change
        self.scope_log: list[tuple[int, str, int, bool]] = []  # seq, user, dossier, added
        self.results: dict[str, Result] = {}  # idempotency: a UUID is decided once
        self.conflicts: dict[str, Conflict] = {}
        self.order: list[str] = []  # acceptance order of applied changes

    def _touch(self, dossier_id: int) -> None:
        self.seq += 1
        self.changed[dossier_id] = self.seq

    def push(self, user: str, changes: list[Change]) -> list[Result]:
        """One transaction: every change decided once; a retried UUID gets its first answer."""
        return [self.results.get(c.uuid) or self._accept(user, c) for c in changes]

    def _accept(self, user: str | None, change: Change) -> Result:
        dossier = self.dossiers[change.dossier_id]
        if user is not None and change.dossier_id not in self.scopes[user]:
            result = Result(change.uuid, Outcome.REFUSED)
            self._conflict(change, ConflictReason.OUT_OF_SCOPE)
        elif change.kind is ChangeKind.CHOICE:
            assert change.pending is not None
            seq_of = {u: i + 1 for i, u in enumerate(dossier.uuids)}
            (entry,) = rebase_entries(dossier.chain, seq_of, [change.pending])
            dossier.chain.append(entry)
            dossier.uuids.append(change.uuid)
            result = Result(change.uuid, Outcome.APPLIED)
        elif change.kind is ChangeKind.FIELD:
            assert change.field_name is not None
            value, version = dossier.fields.get(change.field_name, (None, 0))
            base = change.base_version
            if change.base_change is not None:
                earlier = self.results.get(change.base_change)
                applied = earlier is not None and earlier.outcome is not Outcome.CONFLICT
                base = earlier.new_version if earlier is not None and applied else -1
            decision = decide_field(
                current_value=value, current_version=version, base_version=base, value=change.value
            )
            if decision.outcome is Outcome.APPLIED:
                dossier.fields[change.field_name] = (change.value, decision.new_version)
            elif decision.outcome is Outcome.CONFLICT:
                self._conflict(change, ConflictReason.CONCURRENT_EDIT)
            result = Result(change.uuid, decision.outcome, decision.new_version)
        else:
            assert change.slot is not None
            outcome = decide_booking(
                slot_holder=dossier.slots.get(change.slot), booking_id=change.uuid
            )
            if outcome is Outcome.APPLIED:
                dossier.slots[change.slot] = change.uuid
            elif outcome is Outcome.REFUSED:
                self._conflict(change, ConflictReason.SLOT_TAKEN)
            result = Result(change.uuid, outcome)
        if result.outcome is Outcome.APPLIED:
            self.order.append(change.uuid)
        self._touch(change.dossier_id)
        self.results[change.uuid] = result
        return result

    def _conflict(self, change: Change, reason: ConflictReason) -> None:
        value = change.value if change.kind is ChangeKind.FIELD else change.slot
        self.conflicts[change.uuid] = Conflict(change.uuid, change.dossier_id, reason, value)

    def direct(self, change: Change) -> Result:
        """A coordinator, planner or import writes on the server itself (no scope, no outbox)."""
        return self.results.get(change.uuid) or self._accept(None, change)

    def set_scope(self, user: str, dossier_id: int, *, take: bool) -> None:
        scope = self.scopes[user]
        if (dossier_id in scope) == take:
            return
        (scope.add if take else scope.discard)(dossier_id)
        self.seq += 1
        self.scope_log.append((self.seq, user, dossier_id, take))

    def pull(
        self, user: str, after: int | None
    ) -> tuple[int, dict[int, DossierState], set[int], dict[str, Conflict]]:
        """Everything in the user's scope changed after ``after`` (None: enrolment, the whole
        scope), and what left the scope."""
        scope = self.scopes[user]
        if after is None:
            return (
                self.seq,
                {d: copy.deepcopy(self.dossiers[d]) for d in scope},
                set(),
                {k: c for k, c in self.conflicts.items() if c.dossier_id in scope},
            )
        changed = {d for d, s in self.changed.items() if s > after and d in scope}
        entered = {d for s, u, d, take in self.scope_log if s > after and u == user and take}
        left = {d for s, u, d, take in self.scope_log if s > after and u == user and not take}
        send = (changed | entered) & scope
        snapshots = {d: copy.deepcopy(self.dossiers[d]) for d in send}
        conflicts = {k: c for k, c in self.conflicts.items() if c.dossier_id in scope}
        return self.seq, snapshots, left - scope, conflicts


@dataclass
class OutboxEntry:
    change: Change
    sent: bool = False  # a push was attempted: the server may have decided it already
    acknowledged: bool = False


class Laptop:
    def __init__(self, name: str, user: str) -> None:
        self.name = name
        self.user = user
        self.dossiers: dict[int, DossierState] = {}
        self.outbox: list[OutboxEntry] = []
        self.last_seq: int | None = None  # None: not enrolled yet
        self.conflicts: dict[str, Conflict] = {}
        self.made: dict[str, Change] = {}  # every change made here, as last sent (the ledger)
        self._counter = 0

    def _uuid(self) -> str:
        self._counter += 1
        return f"{self.name}-{self._counter}"

    def _queue(self, change: Change) -> None:
        self.outbox.append(OutboxEntry(change))
        self.made[change.uuid] = change

    # --- edits, each one transaction with its outbox entry --------------------------------
    def record_choice(self, dossier_id: int, *, withdraw_last: bool = False) -> None:
        dossier = self.dossiers.get(dossier_id)
        if dossier is None or (withdraw_last and not dossier.chain):
            return
        uuid = self._uuid()
        at = EPOCH + timedelta(minutes=self._counter)
        refers_seq: int | None = None
        refers_uuid: str | None = None
        if withdraw_last:
            target = dossier.chain[-1]
            refers_seq = target.seq
            unpulled = self._unpulled_uuid(dossier_id, target.seq)
            refers_uuid = unpulled
        entry = ChoiceEntry(
            dossier_id=dossier_id,
            seq=len(dossier.chain) + 1,
            kind=EntryKind.WITHDRAWAL if withdraw_last else EntryKind.RECORD,
            choice_type=ChoiceType.FREE_TEXT,
            value=f"keuze {uuid}",
            made_at=at,
            recorded_at=at,
            recorded_by=self.user,
            recorded_by_org=None,
            channel=Channel.KITCHEN_TABLE,
            refers_to_seq=refers_seq,
        )
        prev = dossier.chain[-1].entry_hash if dossier.chain else GENESIS_HASH
        local = seal(entry, prev)
        dossier.chain.append(local)
        dossier.uuids.append(uuid)
        pending = PendingEntry(uuid, local, refers_uuid)
        self._queue(Change(uuid, dossier_id, ChangeKind.CHOICE, pending=pending))

    def _unpulled_uuid(self, dossier_id: int, local_seq: int) -> str | None:
        for item in self.outbox:
            p = item.change.pending
            if p is not None and item.change.dossier_id == dossier_id and p.entry.seq == local_seq:
                return p.uuid
        return None

    def edit_field(self, dossier_id: int, name: str, value: str) -> None:
        dossier = self.dossiers.get(dossier_id)
        if dossier is None:
            return
        _old, version = dossier.fields.get(name, (None, 0))
        dossier.fields[name] = (value, version)
        base_change: str | None = None
        for index, item in enumerate(self.outbox):
            c = item.change
            same = (
                c.kind is ChangeKind.FIELD and c.field_name == name and c.dossier_id == dossier_id
            )
            if not same or item.acknowledged:
                continue
            if not item.sent:  # the same unsent edit, typed further
                self.outbox[index] = OutboxEntry(replace(c, value=value))
                self.made[c.uuid] = replace(c, value=value)
                return
            base_change = c.uuid
        change = Change(
            self._uuid(),
            dossier_id,
            ChangeKind.FIELD,
            field_name=name,
            value=value,
            base_version=version,
            base_change=base_change,
        )
        self._queue(change)

    def book(self, dossier_id: int, slot: str) -> None:
        dossier = self.dossiers.get(dossier_id)
        if dossier is None or slot in dossier.slots:
            return
        uuid = self._uuid()
        dossier.slots[slot] = uuid
        self._queue(Change(uuid, dossier_id, ChangeKind.BOOKING, slot=slot))

    # --- sync -----------------------------------------------------------------------------
    def sync(self, server: Server, fault: Fault = Fault.NONE) -> None:
        """Push, then pull (what ``buddy-desk sync`` does); edits may come in between."""
        if not self.push(server, fault) or fault is Fault.LOSE_PULL:
            return
        self.pull(server)

    def push(self, server: Server, fault: Fault = Fault.NONE) -> bool:
        """Send what is unacknowledged; True when the answers arrived (or nothing to send)."""
        waiting = [item for item in self.outbox if not item.acknowledged]
        for item in waiting:
            item.sent = True
        if not waiting:
            return True
        if fault is Fault.LOSE_REQUEST:
            return False
        results = server.push(self.user, [item.change for item in waiting])
        if fault is Fault.LOSE_RESPONSE:
            return False
        self._acknowledge(results)
        return True

    def _acknowledge(self, results: list[Result]) -> None:
        by_uuid = {r.uuid: r for r in results}
        for item in self.outbox:
            result = by_uuid.get(item.change.uuid)
            if result is None:
                continue
            item.acknowledged = True
            c = item.change
            dossier = self.dossiers.get(c.dossier_id)
            if c.kind is ChangeKind.FIELD and result.outcome is Outcome.APPLIED and dossier:
                assert c.field_name is not None
                # the next edit of this field is made on the version the server gave mine
                value, _ = dossier.fields[c.field_name]
                dossier.fields[c.field_name] = (value, result.new_version)

    def pull(self, server: Server) -> None:
        # PowerSync's rule: apply downloaded state only when nothing of ours is unacknowledged
        if any(not item.acknowledged for item in self.outbox):
            return
        seq, snapshots, left, conflicts = server.pull(self.user, self.last_seq)
        # one local transaction: state, removals, conflicts, sequence, cleared outbox
        for dossier_id, state in snapshots.items():
            self.dossiers[dossier_id] = state
        for dossier_id in left:
            self.dossiers.pop(dossier_id, None)
        self.conflicts = conflicts
        self.outbox = []
        self.last_seq = seq
