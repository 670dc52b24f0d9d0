"""The demo generator's pure parts: addresses, people, histories and the dossier plan."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from buddy_desk.core.address import AddressKey, normalise_postcode
from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import AdviceOutcome, ImgPhase, NcgStatus
from buddy_desk.demo.histories import (
    IMG_FIRST_DAY,
    NCG_FIRST_DAY,
    REFERENCE_DATE,
    img_history,
    ncg_history,
)
from buddy_desk.demo.names import make_person
from buddy_desk.demo.places import TOWNS, AddressBook
from buddy_desk.demo.plan import (
    MIN_PER_FLAG,
    MIN_PER_GROUP,
    Category,
    Counts,
    assign_supervisors,
    plan_dossiers,
    plan_supervisors,
)


def test_addresses_are_valid_unique_and_in_groningen() -> None:
    rng = random.Random(7)
    book = AddressBook()
    keys = set()
    for _ in range(5000):
        addr = book.next_address(rng, book.draw_town(rng))
        key = addr.key
        assert normalise_postcode(key.postcode) == key.postcode
        assert key.postcode[:2] in {"93", "95", "96", "97", "98", "99"}
        assert key.postcode[4:] not in {"SA", "SD", "SS"}
        reparsed = AddressKey.parse(key.postcode, key.huisnummer, key.huisletter, key.toevoeging)
        assert reparsed == key
        keys.add(key.match_key)
    assert len(keys) == 5000
    assert {t.gemeente for t in TOWNS} >= {
        "Groningen", "Eemsdelta", "Het Hogeland", "Midden-Groningen", "Oldambt",
        "Westerkwartier", "Pekela", "Veendam", "Stadskanaal",
    }  # fmt: skip


def test_some_addresses_have_a_huisletter_or_toevoeging() -> None:
    rng = random.Random(3)
    book = AddressBook()
    keys = [book.next_address(rng, book.draw_town(rng)).key for _ in range(2000)]
    assert 40 < sum(k.huisletter is not None for k in keys) < 300
    assert 20 < sum(k.toevoeging is not None for k in keys) < 200


def test_people_are_synthetic_dutch_with_example_contact_details() -> None:
    rng = random.Random(11)
    people = [make_person(rng) for _ in range(1000)]
    assert any(p.tussenvoegsel for p in people)
    for p in people:
        assert p.voorletters.startswith(p.voornaam[0] + ".")
        if p.email is not None:
            assert re.fullmatch(r"[a-z0-9.]+@example\.(com|org|net)", p.email)
        if p.telefoon is not None:
            assert re.fullmatch(r"0\d{1,3}-\d{6,8}", p.telefoon)
            assert len(p.telefoon.replace("-", "")) == 10


@pytest.mark.parametrize("phase", list(ImgPhase))
def test_img_history_ascends_before_the_reference_date(phase: ImgPhase) -> None:
    rng = random.Random(phase.value)
    for _ in range(300):
        h = img_history(rng, phase)
        assert h.codes == tuple(p.value for p in ImgPhase)[: phase.order + 1]
        assert all(a < b for a, b in zip(h.dates, h.dates[1:], strict=False))
        assert h.start >= IMG_FIRST_DAY and h.current < REFERENCE_DATE


@pytest.mark.parametrize("status", list(NcgStatus))
def test_ncg_history_ascends_and_skips_planning_when_the_norm_is_met(status: NcgStatus) -> None:
    rng = random.Random(status.value)
    for advies in (None, AdviceOutcome.MEETS_NORM, AdviceOutcome.MEASURES):
        h = ncg_history(rng, status, advies)
        assert all(a < b for a, b in zip(h.dates, h.dates[1:], strict=False))
        assert h.start >= NCG_FIRST_DAY and h.current < REFERENCE_DATE
        assert h.codes[0] == "1.2" and h.codes[-1] == status.value
        if status is NcgStatus.S6 and advies is AdviceOutcome.MEETS_NORM:
            assert h.codes == ("1.2", "2.1", "3.1", "6")


def test_plan_matches_the_seed_figures_at_full_scale() -> None:
    counts = Counts.for_scale(1.0)
    assert counts.combination + counts.settled + counts.ncg_only == 26_800
    assert (counts.combination, counts.settled) == (1_400, 7_700)
    assert 2_000 <= counts.img_only <= 6_000
    assert (counts.img_supervisors, counts.ncg_supervisors) == (150, 120)


@pytest.mark.parametrize("scale", [0.001, 0.02, 0.2])
def test_plan_guarantees_every_group_and_flag(scale: float) -> None:
    rng = random.Random(5)
    counts = Counts.for_scale(scale)
    plans = plan_dossiers(rng, counts, AddressBook())
    unpaired = assign_supervisors(rng, plans, plan_supervisors(rng, counts))
    combos = [p for p in plans if p.category is Category.COMBINATION]
    groups = Counter(p.group for p in combos)
    assert all(groups[g] >= MIN_PER_GROUP for g in CollaborationGroup)
    flags = Counter(kind for p in plans for kind in p.flags)
    assert all(flags[kind] >= minimum for kind, minimum in MIN_PER_FLAG.items())
    for p in combos:
        assert collaboration_group(p.ncg_status, p.img_phase) is p.group
    assert 2 <= len(unpaired) < max(3, len(combos) // 20)
    assert all(p.img_supervisor_id is None for p in combos if p.id in unpaired)
    assert all(p.img_supervisor_id and p.ncg_supervisor_id for p in combos if p.id not in unpaired)
    assert all(p.group is None for p in plans if p.category is not Category.COMBINATION)


def test_same_seed_same_plan() -> None:
    def plan(seed: int) -> list[tuple[object, ...]]:
        rng = random.Random(seed)
        return [
            (p.category, p.town.name, p.ncg_status, p.img_phase, sorted(p.flags))
            for p in plan_dossiers(rng, Counts.for_scale(0.01), AddressBook())
        ]

    assert plan(1) == plan(1)
    assert plan(1) != plan(2)


def test_bulk_sqlite_timestamps_match_sqlalchemys_own_conversion() -> None:
    """The bulk loader's one-step UTC timestamp text equals UtcDateTime + SQLite DATETIME."""
    from datetime import UTC, datetime, timedelta, timezone

    from sqlalchemy.dialects import sqlite

    from buddy_desk.demo.bulk import _processor, _sqlite_utc_datetime
    from buddy_desk.models.base import UtcDateTime

    dialect = sqlite.dialect()
    column = UtcDateTime()
    assert _processor(column, dialect) is _sqlite_utc_datetime
    reference = column.dialect_impl(dialect).bind_processor(dialect)
    assert reference is not None
    rng = random.Random(7)
    zones = [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-5, minutes=-30))]
    for _ in range(500):
        value = datetime(2021, 1, 1, tzinfo=rng.choice(zones)) + timedelta(
            seconds=rng.randrange(6 * 365 * 86400), microseconds=rng.randrange(1_000_000)
        )
        assert _sqlite_utc_datetime(value) == reference(value)
    with pytest.raises(ValueError, match="naive"):
        _sqlite_utc_datetime(datetime(2026, 11, 26, 9, 0))


def test_compact_maps_behave_as_the_dicts_they_replace() -> None:
    from buddy_desk.core.phases import ImgPhase
    from buddy_desk.demo.context import CodesById, IntsById

    phases: CodesById[ImgPhase] = CodesById(list(ImgPhase))
    cases = IntsById()
    expected_phases = {3: ImgPhase.OPNAME, 7: ImgPhase.AFGEROND, 8: ImgPhase.VOORBEREIDING}
    expected_cases = {2: 40, 5: 41, 9: 42}
    for key, phase in expected_phases.items():
        phases[key] = phase
    for key, case_id in expected_cases.items():
        cases[key] = case_id
    phases[3] = ImgPhase.UITVOERING  # overwriting does not count twice
    expected_phases[3] = ImgPhase.UITVOERING
    assert dict(phases) == expected_phases and len(phases) == 3
    assert dict(cases) == expected_cases and len(cases) == 3
    assert 4 not in phases and 100 not in phases and -1 not in phases
    assert 4 not in cases and 100 not in cases and cases.get(1) is None
