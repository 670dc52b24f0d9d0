"""The demo data of the three desks: coordinators and pair histories that end in the current
pair, SVIP answers that never share case data without consent, outreach contacts on the
proactive list only."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select

from buddy_desk.choices.rules import Direction
from buddy_desk.choices.service.log import consent_state
from buddy_desk.demo.generator import generate
from buddy_desk.models import Supervisor
from buddy_desk.outreach.service import WorklistFilter, load_worklist
from buddy_desk.pairs.rules import PairChangeKind
from buddy_desk.pairs.service import list_pairs, pair_history
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.service import request_queue
from buddy_desk.signals.svip import RequestOutcome, answer_carries_case_data


def test_demo_desks(engine: Engine) -> None:
    stats = generate(engine, seed=11, scale=0.02)
    ctx = stats.context
    uow = UnitOfWork(engine)
    with uow:
        coordinators = uow.session.scalars(
            select(Supervisor).where(Supervisor.role == "coordinator")
        ).all()
        assert {c.organisation.value for c in coordinators} == {"IMG", "NCG"}
    # every pair's history ends in the pair the dossier has now
    for d_id, pair in list(ctx.buddy_pairs.items())[:40]:
        history = [h for h in pair_history(uow, d_id) if h.kind is not PairChangeKind.PROPOSED]
        assert history, d_id
        last = history[-1]
        assert last.img_after is not None and last.ncg_after is not None
        assert (last.img_after.id, last.ncg_after.id) == (
            pair.img_supervisor_id,
            pair.ncg_supervisor_id,
        )
    unpaired = set(ctx.combination) - set(ctx.buddy_pairs)
    rows = {r.dossier_id: r for r in list_pairs(uow, only_unpaired=True)}
    assert all(rows[d].proposal is not None for d in unpaired)
    # SVIP: an answer carrying case data only with consent towards the asker
    for row in request_queue(uow, date(2026, 11, 26)):
        req = row.request
        if req.answer is None or not answer_carries_case_data(req.kind):
            continue
        state = consent_state(uow, req.dossier_id, Direction.towards(req.from_organisation))
        if req.outcome is RequestOutcome.ANSWERED:
            assert state is not None and state.consent_active, req
    # outreach: contacts only on the proactive list, some closing
    worklist = load_worklist(uow, WorklistFilter(include_closed=True))
    assert {r.dossier_id for r in worklist} == set(ctx.ncg_only_ids)
    assert any(r.attempts for r in worklist) and any(not r.open for r in worklist)
