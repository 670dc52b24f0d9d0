"""Who may couple, what a change is, and which buddy a new dossier is proposed."""

from __future__ import annotations

from buddy_desk.core.phases import Organisation
from buddy_desk.pairs.rules import (
    AREA_SLACK,
    Candidate,
    PairChangeKind,
    change_kind,
    clean_reason,
    may_couple,
    propose,
)


def _c(sid: int, naam: str, dossiers: int, areas: dict[str, int] | None = None) -> Candidate:
    return Candidate(sid, Organisation.IMG, naam, dossiers, areas or {})


def test_only_an_active_coordinator_may_couple() -> None:
    assert may_couple("coordinator")
    assert not may_couple("coordinator", active=False)
    assert not may_couple("zaakbegeleider")
    assert not may_couple(None)


def test_change_kind_tells_coupling_from_recoupling() -> None:
    assert change_kind((None, None), (1, 2)) is PairChangeKind.COUPLED
    assert change_kind((1, None), (1, 2)) is PairChangeKind.COUPLED
    assert change_kind((1, 2), (3, 2)) is PairChangeKind.RECOUPLED
    assert change_kind((1, 2), (1, 2)) is None


def test_a_reason_must_say_something() -> None:
    assert clean_reason("  ziek   gemeld ") == "ziek gemeld"
    assert clean_reason(" . ") is None


def test_the_least_loaded_buddy_is_proposed_without_local_colleagues() -> None:
    pool = [_c(1, "Bakker", 12), _c(2, "Visser", 4), _c(3, "Smit", 9)]
    chosen = propose(pool, "Loppersum")
    assert chosen is not None and chosen.supervisor_id == 2


def test_a_buddy_in_the_area_wins_within_the_slack() -> None:
    pool = [_c(1, "Bakker", 4 + AREA_SLACK, {"Loppersum": 3}), _c(2, "Visser", 4)]
    chosen = propose(pool, "Loppersum")
    assert chosen is not None and chosen.supervisor_id == 1


def test_a_buddy_in_the_area_loses_beyond_the_slack() -> None:
    pool = [_c(1, "Bakker", 5 + AREA_SLACK, {"Loppersum": 3}), _c(2, "Visser", 4)]
    chosen = propose(pool, "Loppersum")
    assert chosen is not None and chosen.supervisor_id == 2


def test_ties_are_broken_by_name_so_the_proposal_is_stable() -> None:
    pool = [_c(7, "Visser", 3), _c(8, "Bakker", 3)]
    assert [propose(pool, None), propose(list(reversed(pool)), None)] == [pool[1], pool[1]]
    assert propose([], "Loppersum") is None
