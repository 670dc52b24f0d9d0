"""The demo's signals agree with the rules, and the samenloop numbers with the demo's plan."""

from __future__ import annotations

from sqlalchemy import Engine, select

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.demo.generator import generate
from buddy_desk.models.signals import InformationRequest, Signal
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.samenloop.service import ListId, SamenloopOverview, load_counts, load_rows
from buddy_desk.signals.service import evaluate_signals, list_requests, list_signals
from tests.factories import NCG_VIEWER


def _ungated(uow: UnitOfWork) -> SamenloopOverview:
    """The overview's raw lists (no consent gate): what these tests check is the counting."""
    return SamenloopOverview(load_counts(uow), lambda: load_rows(uow))


def test_demo_signals_and_samenloop(engine: Engine) -> None:
    stats = generate(engine, seed=7, scale=0.02)
    ctx = stats.context
    uow = UnitOfWork(engine)
    # the demo already holds every signal the rules ask for
    assert evaluate_signals(uow, ctx.reference_date).created == 0
    signals = list_signals(uow, viewer=NCG_VIEWER)
    assert signals and any(not s.is_open and s.outcome for s in signals)
    joint = {s.dossier_id for s in signals if s.rule == "joint_inspection"}
    assert joint <= set(ctx.dossiers_in_group(CollaborationGroup.B))
    overview = _ungated(uow)
    assert overview.counts[ListId.PROACTIVE] == len(ctx.ncg_only_ids)
    assert overview.counts[ListId.SETTLED] == len(ctx.settled_damage_ids)
    combination = {r.dossier_id for r in overview.rows_for(ListId.BOTH)}
    assert combination == set(ctx.combination)
    for row in overview.rows_for(ListId.BOTH):
        assert row.group is ctx.combination[row.dossier_id]
    asked = [d for d in ctx.combination_ids if list_requests(uow, d)]
    assert asked


def test_the_demo_derives_its_uuids_from_the_seed(engine: Engine) -> None:
    generate(engine, seed=7, scale=0.02)
    with engine.connect() as conn:
        signal = conn.execute(select(Signal.uuid).order_by(Signal.id)).scalars().first()
        request = (
            conn.execute(select(InformationRequest.uuid).order_by(InformationRequest.id))
            .scalars()
            .first()
        )
    # as every earlier version made them: the same seed, the same rows on every database
    assert (signal, request) == (
        "88197758e80f50d8a4cddd77068d7af9",
        "c9febead8b985fa799b56ae0c412297c",
    )
