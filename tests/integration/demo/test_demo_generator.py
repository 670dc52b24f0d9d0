"""Demo data at a small scale, on SQLite and PostgreSQL: what a demo user relies on."""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import date
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, insert, select

from buddy_desk.core.address import AddressKey, normalise_postcode
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.demo.generator import count_dossiers, generate
from buddy_desk.demo.histories import REFERENCE_DATE
from buddy_desk.demo.plan import MIN_PER_GROUP
from buddy_desk.dossiers.service import load_summaries
from buddy_desk.errors import BuddyDeskError
from buddy_desk.models import (
    Address,
    Case,
    CaseStatus,
    DamageReport,
    Dossier,
    DossierResident,
    Supervisor,
    TimelineEvent,
)
from buddy_desk.models.base import Base
from buddy_desk.persistence.unit_of_work import UnitOfWork

SCALE = 0.02
CORE_TABLES = (
    "supervisor", "address", "dossier", "person", "dossier_resident", "org_case",
    "case_status", "damage_report", "dossier_flag", "timeline_event", "conversation_note",
)  # fmt: skip


def _dump(engine: Engine, tables: tuple[str, ...]) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            name: [
                tuple(row)
                for row in conn.execute(
                    select(Base.metadata.tables[name]).order_by(
                        *Base.metadata.tables[name].primary_key.columns
                    )
                )
            ]
            for name in tables
        }


def test_same_seed_gives_the_same_data_and_another_seed_other_data(engine: Engine) -> None:
    generate(engine, seed=7, scale=SCALE)
    first = _dump(engine, CORE_TABLES)
    generate(engine, seed=7, scale=SCALE, replace=True)
    assert _dump(engine, CORE_TABLES) == first
    generate(engine, seed=8, scale=SCALE, replace=True)
    other = _dump(engine, CORE_TABLES)
    assert other["address"] != first["address"]
    assert other["org_case"] != first["org_case"]


def test_extras_data_is_deterministic_too(engine: Engine) -> None:
    """Every table, the other features' demo extras included."""
    tables = tuple(t.name for t in Base.metadata.sorted_tables)
    generate(engine, seed=3, scale=SCALE)
    first = _dump(engine, tables)
    generate(engine, seed=3, scale=SCALE, replace=True)
    assert _dump(engine, tables) == first


def test_refuses_a_filled_database_unless_replacing(engine: Engine) -> None:
    stats = generate(engine, seed=1, scale=SCALE)
    with pytest.raises(BuddyDeskError, match="bevat al gegevens"):
        generate(engine, seed=2, scale=SCALE)
    assert count_dossiers(engine) == stats.dossiers
    assert generate(engine, seed=2, scale=SCALE, replace=True).dossiers == stats.dossiers


def test_a_failing_extra_leaves_nothing_half_written(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    import buddy_desk.demo.generator as generator

    def populate(conn: Connection, rng: random.Random, ctx: object) -> None:
        conn.execute(insert(Supervisor), [{"organisation": "IMG", "role": "x", "naam": "x"}])
        raise RuntimeError("extra failed")

    broken = ModuleType("buddy_desk.zz_broken.demo")
    broken.populate = populate  # type: ignore[attr-defined]
    real = generator._extras
    monkeypatch.setattr(generator, "_extras", lambda: [*real(), broken])
    with pytest.raises(RuntimeError):
        generate(engine, seed=1, scale=SCALE)
    assert count_dossiers(engine) == 0


def test_proportions_match_the_ncg_address_file(uow: UnitOfWork) -> None:
    stats = generate(uow.engine, seed=2021, scale=SCALE)
    rows = load_summaries(uow)
    assert len(rows) == stats.dossiers
    ncg = [r for r in rows if r.ncg_status is not None]
    both = sum(1 for r in ncg if r.img_phase is not None and r.img_phase.is_running)
    settled = sum(1 for r in ncg if r.img_phase is ImgPhase.AFGEROND)
    no_report = sum(1 for r in ncg if r.img_phase is None)
    assert abs(len(ncg) - 26_800 * SCALE) <= 2
    assert abs(both / len(ncg) - 0.052) < 0.01
    assert abs(settled / len(ncg) - 0.287) < 0.01
    assert abs(no_report / len(ncg) - 0.66) < 0.015
    img_only = [r for r in rows if r.ncg_status is None]
    assert img_only and all(r.img_phase is not None for r in img_only)
    assert {r.img_phase is ImgPhase.AFGEROND for r in img_only} == {True, False}
    assert all(r.group is not None for r in ncg if r.img_phase and r.img_phase.is_running)


def test_every_group_flag_and_phase_appears(uow: UnitOfWork) -> None:
    generate(uow.engine, seed=2021, scale=SCALE)
    rows = load_summaries(uow)
    groups = Counter(r.group for r in rows if r.group is not None)
    assert all(groups[g] >= MIN_PER_GROUP for g in CollaborationGroup)
    assert (
        groups[CollaborationGroup.D] + groups[CollaborationGroup.E]
        > 2 * groups[CollaborationGroup.B]
    )
    assert set().union(*(r.flags for r in rows)) == set(FlagKind)
    aos = sum(FlagKind.AOS in r.flags for r in rows)
    assert 0 < aos < len(rows) / 50
    assert {r.img_phase for r in rows} >= set(ImgPhase)
    assert {r.ncg_status for r in rows} >= set(NcgStatus)


def test_addresses_are_valid_dutch_addresses(engine: Engine) -> None:
    generate(engine, seed=2021, scale=SCALE)
    with engine.connect() as conn:
        addresses = conn.execute(select(Address)).all()
    for a in addresses:
        assert normalise_postcode(a.postcode) == a.postcode
        key = AddressKey.parse(a.postcode, a.huisnummer, a.huisletter, a.huisnummertoevoeging)
        assert key.match_key == a.match_key
        assert a.straat and a.woonplaats and a.gemeente
    assert len({a.match_key for a in addresses}) == len(addresses)
    assert len({a.gemeente for a in addresses}) >= 5


def test_phase_dates_are_consistent(engine: Engine) -> None:
    generate(engine, seed=2021, scale=SCALE)
    with engine.connect() as conn:
        cases = conn.execute(select(Case)).all()
        history: dict[int, list[tuple[str, date]]] = defaultdict(list)
        for case_id, code, datum in conn.execute(
            select(CaseStatus.case_id, CaseStatus.code, CaseStatus.datum).order_by(CaseStatus.id)
        ):
            history[case_id].append((code, datum))
        reports = conn.execute(select(DamageReport.case_id, DamageReport.datum)).all()
        events = conn.execute(select(TimelineEvent.occurred_at)).scalars().all()
    by_id = {c.id: c for c in cases}
    for c in cases:
        steps = history[c.id]
        dates = [d for _, d in steps]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        assert steps[-1][0] == c.status and dates[-1] == c.status_date
        assert dates[0] == c.startdatum and dates[-1] < REFERENCE_DATE
        finished = c.status in (ImgPhase.AFGEROND.value, NcgStatus.S6.value)
        assert (c.einddatum is not None) == finished
        if finished:
            assert c.einddatum == c.status_date
        if c.organisation is Organisation.IMG:
            assessed = ImgPhase(c.status).order >= ImgPhase.ZIENSWIJZE.order
            assert (c.schadebedrag is not None) == assessed
        elif NcgStatus(c.status).order > NcgStatus.S3_1.order:
            assert c.advies is not None
    for case_id, datum in reports:
        assert by_id[case_id].startdatum <= datum < REFERENCE_DATE
    assert max(e.date() for e in events) < REFERENCE_DATE


def test_combination_dossiers_have_a_buddy_pair_except_a_few(engine: Engine) -> None:
    stats = generate(engine, seed=2021, scale=SCALE)
    ctx = stats.context
    with engine.connect() as conn:
        orgs = dict(conn.execute(select(Supervisor.id, Supervisor.organisation)).all())
        dossiers = {
            d_id: (img, ncg)
            for d_id, img, ncg in conn.execute(
                select(Dossier.id, Dossier.img_supervisor_id, Dossier.ncg_supervisor_id)
            )
        }
        roles = Counter(conn.execute(select(DossierResident.roltype)).scalars())
    paired = [d for d in ctx.combination if all(dossiers[d])]
    unpaired = [d for d in ctx.combination if not all(dossiers[d])]
    assert 1 <= len(unpaired) <= max(2, len(ctx.combination) // 50)
    assert len(paired) == len(ctx.buddy_pairs) == stats.buddy_pairs
    for d in paired:
        img, ncg = dossiers[d]
        assert img is not None and ncg is not None
        assert (orgs[img], orgs[ncg]) == (Organisation.IMG, Organisation.NCG)
        assert ctx.buddy_pairs[d].img_supervisor_id == img
    assert Counter(orgs.values())[Organisation.IMG] >= 6
    assert roles["eigenaar"] > 0 and roles["beide"] > roles["bewoner"]


def test_progress_is_reported_up_to_the_total(engine: Engine) -> None:
    calls: list[tuple[int, int]] = []
    stats = generate(engine, seed=1, scale=SCALE, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1] == (stats.dossiers, stats.dossiers)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
