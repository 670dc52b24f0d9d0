"""Nothing recorded is lost, and consent always gates: SIGKILL and property-based tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.consent import access_log, view_dossier
from buddy_desk.choices.service.log import (
    NewChoice,
    current_choices,
    log_entries,
    record_choice,
    verify_log,
    withdraw_choice,
)
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import ValidationError
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

ROOT = Path(__file__).resolve().parents[3]

CHILD = textwrap.dedent(
    """
    import sys
    from itertools import cycle
    from buddy_desk.choices.rules import Actor, Channel, ChoiceType
    from buddy_desk.core.phases import Organisation
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork
    from buddy_desk.choices.service.log import NewChoice, record_choice

    url, dossiers = sys.argv[1], [int(x) for x in sys.argv[2:]]
    uow = UnitOfWork(open_database(url, create=False))
    actor = Actor("kill.test", "", Organisation.NCG, "supervisor")
    values = cycle(["gelijktijdig", "na_elkaar", "gecombineerd", "geen"])
    for n, value in enumerate(values):
        dossier = dossiers[n % len(dossiers)]
        entry = record_choice(
            uow, dossier, NewChoice(ChoiceType.JOINT_INSPECTION, value, Channel.PHONE), actor
        )
        print(dossier, entry.seq, flush=True)
    """
)


@pytest.mark.slow
def test_sigkill_during_a_stream_of_choices_loses_nothing_that_returned(
    engine: Engine, db_url: str
) -> None:
    uow = UnitOfWork(engine)
    dossiers = [make_dossier(uow, img_phase=ImgPhase.OPNAME) for _ in range(3)]
    engine.dispose()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, db_url, *map(str, dossiers)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    returned: list[tuple[int, int]] = []
    assert child.stdout is not None
    for line in child.stdout:
        dossier, seq = map(int, line.split())
        returned.append((dossier, seq))
        if len(returned) == 40:
            child.send_signal(signal.SIGKILL)  # mid-stream: the next one is in flight
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    assert len(returned) == 40
    stored = {(d, e.seq) for d in dossiers for e in log_entries(uow, d)}
    assert set(returned) <= stored
    report = verify_log(uow)
    assert report.ok, report.problems
    assert report.entries == len(stored)


# --- property: no sequence of grants and withdrawals shows data without consent --------------

OPS = st.lists(
    st.tuples(
        st.sampled_from(["grant", "assess", "request", "withdraw", "view"]),
        st.sampled_from(list(Direction)),
        st.sampled_from(list(Organisation)),
    ),
    min_size=1,
    max_size=12,
)


def _consent(value: str, direction: Direction, at: datetime) -> NewChoice:
    return NewChoice(
        ChoiceType.DATA_SHARING,
        value,
        Channel.KITCHEN_TABLE,
        at,
        direction=direction,
        purpose="samen afhandelen",
        categories=(DocumentCategory.CASE_DETAILS, DocumentCategory.DECISION),
        method=ConsentMethod.VERBAL,
    )


_dossier_numbers = count(1000)


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=OPS)
def test_no_sequence_of_grants_and_withdrawals_leaks_details(
    engine: Engine, ops: list[tuple[str, Direction, Organisation]]
) -> None:
    uow = UnitOfWork(engine)
    dossier = make_dossier(
        uow,
        huisnummer=next(_dossier_numbers),
        img_phase=ImgPhase.OPNAME,
        ncg_status=NcgStatus.S2_1,
    )
    # the oracle: a plain model of what the resident has allowed, per direction
    allowed = dict.fromkeys(Direction, False)
    at = datetime(2026, 6, 1, tzinfo=UTC)
    logged = 0
    for op, direction, viewer_org in ops:
        at += timedelta(hours=1)
        actor = Actor("prop.test", "", viewer_org, "supervisor")
        if op in {"grant", "assess", "request"}:
            value = {"grant": "gegeven", "assess": "beoordeeld", "request": "aangevraagd"}[op]
            try:
                record_choice(uow, dossier, _consent(value, direction, at), actor)
            except ValidationError:
                assert op == "assess" and not allowed[direction]
                continue
            allowed[direction] = op in {"grant", "assess"}
        elif op == "withdraw":
            state = next(
                (s for s in current_choices(uow, dossier) if s.key.direction is direction), None
            )
            if state is None or state.withdrawal is not None:
                continue
            withdraw_choice(uow, dossier, state.record_seq, actor, channel=Channel.PHONE)
            allowed[direction] = False
        else:
            seen = view_dossier(uow, dossier, actor)
            may = allowed[Direction.towards(viewer_org)]
            other_visible = (
                bool(seen.img_cases)
                if viewer_org is Organisation.NCG
                else seen.ncg_case is not None
            )
            own_visible = (
                seen.ncg_case is not None
                if viewer_org is Organisation.NCG
                else bool(seen.img_cases)
            )
            assert own_visible
            assert other_visible == may
            assert bool(seen.withheld) == (not may)
            if not may:
                assert all(e.organisation in {None, viewer_org} for e in seen.events)
            logged += may
    assert len(access_log(uow, dossier_id=dossier)) == logged
