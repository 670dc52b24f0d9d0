"""The sync design as a model, fuzzed: lost requests and responses, kills, any sync order.

After everyone has synced: no edit is lost (each is on the server or in its conflict list),
every conflict is listed on the laptops that hold the dossier, every laptop holds exactly
its scope and the same state as the server, and every choice-log chain verifies.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from buddy_desk.choices.rules import verify_chain
from buddy_desk.sync.model import (
    Change,
    DossierState,
    Fault,
    Laptop,
    Server,
)
from buddy_desk.sync.rules import (
    ChangeKind,
    ConflictReason,
    Outcome,
    PendingEntry,
    rebase_entries,
)

DOSSIERS = 4
USERS = ("img-buddy", "ncg-buddy")
FIELDS = ("notes", "signal.state")
SLOTS = ("ma-09", "ma-13")

Op = tuple[object, ...]

op = st.one_of(
    st.tuples(st.just("choice"), st.integers(0, 4), st.integers(0, DOSSIERS - 1)),
    st.tuples(st.just("withdraw"), st.integers(0, 4), st.integers(0, DOSSIERS - 1)),
    st.tuples(
        st.just("field"),
        st.integers(0, 4),
        st.integers(0, DOSSIERS - 1),
        st.sampled_from(FIELDS),
        st.sampled_from(("a", "b", "c")),
    ),
    st.tuples(
        st.just("book"), st.integers(0, 4), st.integers(0, DOSSIERS - 1), st.sampled_from(SLOTS)
    ),
    st.tuples(st.just("sync"), st.integers(0, 4), st.sampled_from(list(Fault))),
    st.tuples(st.just("push"), st.integers(0, 4), st.sampled_from(list(Fault))),
    st.tuples(st.just("pull"), st.integers(0, 4)),
    st.tuples(
        st.just("server_field"),
        st.integers(0, DOSSIERS - 1),
        st.sampled_from(FIELDS),
        st.sampled_from(("a", "x")),
    ),
    st.tuples(
        st.just("scope"), st.sampled_from(USERS), st.integers(0, DOSSIERS - 1), st.booleans()
    ),
)


def _world(laptops: int) -> tuple[Server, list[Laptop]]:
    server = Server(DOSSIERS, {"img-buddy": {0, 1, 2}, "ncg-buddy": {1, 2, 3}})
    machines = [Laptop(f"L{i}", USERS[i % 2]) for i in range(laptops)]
    for machine in machines:  # enrolment: the first pull
        machine.sync(server)
    return server, machines


def _run(server: Server, laptops: list[Laptop], ops: list[Op]) -> dict[str, Change]:
    direct: dict[str, Change] = {}
    for step in ops:
        name = step[0]
        if name == "server_field":
            _n, dossier_id, field_name, value = step
            assert isinstance(dossier_id, int) and isinstance(field_name, str)
            state = server.dossiers[dossier_id]
            version = state.fields.get(field_name, (None, 0))[1]
            uuid = f"server-{len(direct)}"
            change = Change(
                uuid,
                dossier_id,
                ChangeKind.FIELD,
                field_name=field_name,
                value=str(value),
                base_version=version,
            )
            direct[uuid] = change
            server.direct(change)
            continue
        if name == "scope":
            _n, user, dossier_id, take = step
            assert isinstance(user, str) and isinstance(dossier_id, int)
            server.set_scope(user, dossier_id, take=bool(take))
            continue
        index = step[1]
        assert isinstance(index, int)
        laptop = laptops[index % len(laptops)]
        if name == "choice":
            laptop.record_choice(int(step[2]))  # type: ignore[call-overload]
        elif name == "withdraw":
            laptop.record_choice(int(step[2]), withdraw_last=True)  # type: ignore[call-overload]
        elif name == "field":
            laptop.edit_field(int(step[2]), str(step[3]), str(step[4]))  # type: ignore[call-overload]
        elif name == "book":
            laptop.book(int(step[2]), str(step[3]))  # type: ignore[call-overload]
        elif name == "sync" or name == "push":
            fault = step[2]
            assert isinstance(fault, Fault)
            (laptop.sync if name == "sync" else laptop.push)(server, fault)
        elif name == "pull":  # a background pull, possibly between an edit and its push
            laptop.pull(server)
    return direct


def _assert_chain_verifies(dossier_id: int, state: DossierState) -> None:
    head = (state.chain[-1].seq, state.chain[-1].entry_hash) if state.chain else None
    assert verify_chain(dossier_id, state.chain, head) == []


@settings(max_examples=150, deadline=None)
@given(st.integers(2, 5), st.lists(op, max_size=60))
def test_all_converge_nothing_lost_every_conflict_listed(laptop_count: int, ops: list[Op]) -> None:
    server, laptops = _world(laptop_count)
    direct = _run(server, laptops, ops)
    for _round in range(2):  # quiesce: everyone syncs, without faults, twice
        for laptop in laptops:
            laptop.sync(server)

    ledger: dict[str, Change] = dict(direct)
    for laptop in laptops:
        ledger.update(laptop.made)

    # nothing lost: every edit was decided, and is either in force or kept as a conflict
    for uuid, change in ledger.items():
        result = server.results[uuid]
        state = server.dossiers[change.dossier_id]
        if result.outcome is Outcome.REFUSED or result.outcome is Outcome.CONFLICT:
            assert server.conflicts[uuid].dossier_id == change.dossier_id
        elif change.kind is ChangeKind.CHOICE:
            assert Counter(state.uuids)[uuid] == 1
        elif change.kind is ChangeKind.BOOKING:
            assert state.slots[str(change.slot)] == uuid
    # a field holds the value of the last edit the server applied to it
    last_applied: dict[tuple[int, str], str | None] = {}
    for uuid in server.order:
        change = ledger[uuid]
        if change.kind is ChangeKind.FIELD:
            last_applied[(change.dossier_id, str(change.field_name))] = change.value
    for dossier_id, state in server.dossiers.items():
        for field_name, (value, _version) in state.fields.items():
            assert last_applied[(dossier_id, field_name)] == value
        assert len(state.chain) == len(set(state.uuids))  # nothing applied twice
        _assert_chain_verifies(dossier_id, state)

    # converged: each laptop holds exactly its scope, as the server has it, conflicts listed
    for laptop in laptops:
        scope = server.scopes[laptop.user]
        assert not laptop.outbox
        assert set(laptop.dossiers) == scope
        for dossier_id, state in laptop.dossiers.items():
            assert state == server.dossiers[dossier_id]
            _assert_chain_verifies(dossier_id, state)
        expected = {k for k, c in server.conflicts.items() if c.dossier_id in scope}
        assert set(laptop.conflicts) == expected


def test_two_laptops_record_for_one_resident_offline_both_entries_kept_in_acceptance_order() -> (
    None
):
    server, (img, ncg) = _world(2)
    img.record_choice(1)
    ncg.record_choice(1)
    ncg.record_choice(1, withdraw_last=True)  # withdraws its own, not yet synced entry
    ncg.sync(server)
    img.sync(server)
    ncg.sync(server)
    chain = server.dossiers[1].chain
    assert [e.recorded_by for e in chain] == ["ncg-buddy", "ncg-buddy", "img-buddy"]
    assert chain[1].refers_to_seq == 1  # the withdrawal still points at the right entry
    assert img.dossiers[1] == ncg.dossiers[1] == server.dossiers[1]


def test_a_retried_push_after_a_lost_response_is_applied_once() -> None:
    server, (laptop, _other) = _world(2)
    laptop.record_choice(0)
    laptop.sync(server, Fault.LOSE_RESPONSE)
    laptop.sync(server)
    assert len(server.dossiers[0].chain) == 1


def test_concurrent_note_edits_keep_both_versions() -> None:
    server, (img, ncg) = _world(2)
    img.edit_field(1, "notes", "mine")
    ncg.edit_field(1, "notes", "theirs")
    img.sync(server)
    ncg.sync(server)
    img.sync(server)
    (conflict,) = server.conflicts.values()
    assert conflict.reason is ConflictReason.CONCURRENT_EDIT
    assert conflict.value == "theirs"
    assert server.dossiers[1].fields["notes"][0] == "mine"
    assert set(img.conflicts) == set(ncg.conflicts) == set(server.conflicts)


def test_typing_on_after_a_lost_response_is_no_conflict_with_myself() -> None:
    server, (img, _ncg) = _world(2)
    img.edit_field(0, "notes", "one")
    img.sync(server, Fault.LOSE_RESPONSE)
    img.edit_field(0, "notes", "one two")
    img.sync(server)
    assert server.dossiers[0].fields["notes"][0] == "one two"
    assert not server.conflicts


def test_an_offline_booking_that_collides_is_refused_and_listed() -> None:
    server, (img, ncg) = _world(2)
    img.book(1, "ma-09")
    ncg.book(1, "ma-09")
    img.sync(server)
    ncg.sync(server)
    (conflict,) = server.conflicts.values()
    assert conflict.reason is ConflictReason.SLOT_TAKEN
    assert ncg.dossiers[1].slots["ma-09"] == img.dossiers[1].slots["ma-09"]
    assert set(ncg.conflicts) == {conflict.uuid}


def test_a_dossier_leaving_the_scope_leaves_the_laptop() -> None:
    server, (img, _ncg) = _world(2)
    server.set_scope("img-buddy", 0, take=False)
    server.set_scope("img-buddy", 3, take=True)
    img.sync(server)
    assert set(img.dossiers) == {1, 2, 3}


def test_rebase_translates_references_between_pending_entries() -> None:
    server, (img, _ncg) = _world(2)
    img.record_choice(0)
    img.record_choice(0, withdraw_last=True)
    pending = [
        PendingEntry(c.uuid, c.pending.entry, c.pending.refers_to_uuid)
        for c in img.made.values()
        if c.pending is not None
    ]
    server.direct(_server_choice(img, 0))
    canonical = server.dossiers[0].chain
    added = rebase_entries(
        canonical, {u: i + 1 for i, u in enumerate(server.dossiers[0].uuids)}, pending
    )
    assert [e.seq for e in added] == [2, 3]
    assert added[1].refers_to_seq == 2


def _server_choice(template: Laptop, dossier_id: int) -> Change:
    other = Laptop("S", "coordinator")
    other.dossiers[dossier_id] = DossierState()
    other.record_choice(dossier_id)
    (change,) = other.made.values()
    return change
