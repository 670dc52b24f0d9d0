"""The server re-validates every pushed choice-log entry with the app's rule.

Differential: random valid logs (built through ``validate_new`` itself) and a random new
entry — often invalid: a second withdrawal, a correction of an entry that does not exist,
an option that is not one, contradicting choices, a consent without a form reference —
go to ``choices.rules.validate_new`` and to the server's ``sync.choice_problem``; both must
give the same answer, word for word. Then the push itself: a modified client's entries are
refused and listed as conflicts on the laptop, the rest of its batch is applied.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, text

from buddy_desk.choices.rules import (
    GENESIS_HASH,
    OPTIONS,
    Channel,
    ChoiceEntry,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
    EntryKind,
    seal,
    validate_new,
)
from buddy_desk.choices.service.log import log_entries, record_choice, verify_log
from buddy_desk.cli import main as cli_main
from buddy_desk.errors import ValidationError
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import service
from tests.integration.sync.conftest import Team, enrol_laptop, push_from
from tests.integration.sync.test_server_rules import _as_json
from tests.integration.sync.test_two_laptops import T0, _choice

pytestmark = pytest.mark.postgres
AT = datetime(2026, 11, 1, tzinfo=UTC)
EXAMPLES = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
def server_engine(pg_base_url: str) -> Engine:
    from sqlalchemy import create_engine

    name = f"validate{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_base_url.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = pg_base_url.format(db=name)
    service.init_server(url)
    return open_database(url)


def candidate(draw: st.DrawFn, log: list[ChoiceEntry]) -> ChoiceEntry:
    """Mostly a plausible entry (a record, or a correction or withdrawal of an entry in the
    log), then sometimes one field spoiled: so the deep rules are reached, one at a time."""
    seq = len(log) + 1
    recorded_at = AT + timedelta(minutes=seq)
    kind = draw(st.sampled_from([EntryKind.RECORD, *EntryKind])) if log else EntryKind.RECORD
    target = draw(st.sampled_from(log)) if kind is not EntryKind.RECORD else None
    choice_type = target.choice_type if target else draw(st.sampled_from(ChoiceType))
    # (values longer than their column cannot even be read as an entry on the server: the
    # push refuses them before this rule, see test_a_modified_clients_entries_are_refused)
    options = list(OPTIONS[choice_type]) or ["de bewoner wil een bouwkundige"]
    sharing = choice_type is ChoiceType.DATA_SHARING
    entry = ChoiceEntry(
        dossier_id=0,
        seq=seq,
        kind=kind,
        choice_type=choice_type,
        value=draw(st.sampled_from(options)),
        made_at=recorded_at,
        recorded_at=recorded_at,
        recorded_by="Anna Visser (anna)",
        recorded_by_org="IMG",
        channel=draw(st.sampled_from(Channel)),
        form_reference="GUO-1" if sharing else None,
        explanation_version="toestemming/2026-11" if sharing else None,
        direction=(target.direction if target else draw(st.sampled_from(Direction)))
        if sharing
        else None,
        purpose="Samen afhandelen" if sharing else None,
        categories=tuple(sorted(draw(st.sets(st.sampled_from(DocumentCategory), min_size=1))))
        if sharing
        else (),
        method=draw(st.sampled_from(ConsentMethod)) if sharing else None,
        only_if_no_delay=draw(st.none() | st.booleans()),
        effective_from=recorded_at if kind is EntryKind.WITHDRAWAL else None,
        refers_to_seq=target.seq if target else None,
    )
    spoil = draw(st.sampled_from([None, None, *SPOILERS]))
    if spoil is None:
        return entry
    return replace(entry, **{spoil: draw(SPOILERS[spoil](entry))})


SPOILERS: dict[str, Callable[[ChoiceEntry], st.SearchStrategy[Any]]] = {
    "value": lambda e: st.sampled_from(
        ["onzin", "", "  ", "x" * 500, *OPTIONS[ChoiceType.FIRST_CONTACT]]
    ),
    "made_at": lambda e: st.sampled_from(
        [
            e.recorded_at + timedelta(hours=1),
            datetime(2011, 5, 1, tzinfo=UTC),
            AT - timedelta(days=3),
        ]
    ),
    "recorded_by": lambda e: st.sampled_from([" ", ""]),
    "note": lambda e: st.sampled_from(["n" * 2001, "n" * 2000]),
    "form_reference": lambda e: st.sampled_from([None, "", " ", "f" * 100]),
    "explanation_version": lambda e: st.sampled_from([None, ""]),
    "direction": lambda e: st.none() | st.sampled_from(Direction),
    "purpose": lambda e: st.sampled_from([None, "", "  ", "d" * 200]),
    "categories": lambda e: st.just(()) | st.just((DocumentCategory.DECISION,)),
    "method": lambda e: st.none() | st.sampled_from(ConsentMethod),
    "choice_type": lambda e: st.sampled_from(ChoiceType),
    "kind": lambda e: st.sampled_from(EntryKind),
    "refers_to_seq": lambda e: st.none() | st.integers(1, e.seq) | st.just(99),
    "effective_from": lambda e: st.sampled_from(
        [None, e.recorded_at + timedelta(days=2), AT - timedelta(days=400), AT - timedelta(days=2)]
    ),
    "only_if_no_delay": lambda e: st.booleans(),
}


@st.composite
def cases(draw: st.DrawFn) -> tuple[list[ChoiceEntry], ChoiceEntry]:
    log: list[ChoiceEntry] = []
    for _ in range(draw(st.integers(0, 12))):
        entry = candidate(draw, log)
        try:
            validate_new(log, entry)
        except ValidationError:
            continue
        log.append(seal(entry, log[-1].entry_hash if log else GENESIS_HASH))
    return log, candidate(draw, log)


def _python(log: list[ChoiceEntry], new: ChoiceEntry) -> str | None:
    try:
        validate_new(log, new)
    except ValidationError as exc:
        return str(exc)
    return None


@EXAMPLES
@given(case=cases())
def test_the_server_validates_an_entry_as_the_app_does(
    server_engine: Engine, case: tuple[list[ChoiceEntry], ChoiceEntry]
) -> None:
    log, new = case
    with server_engine.connect() as conn:
        answer = conn.scalar(
            text(
                "SELECT sync.choice_problem(ARRAY(SELECT jsonb_populate_record("
                "NULL::choice_log_entry, x) FROM jsonb_array_elements(CAST(:log AS jsonb)) x), "
                "jsonb_populate_record(NULL::choice_log_entry, CAST(:n AS jsonb)))"
            ),
            {"log": json.dumps([json.loads(_as_json(e)) for e in log]), "n": _as_json(new)},
        )
    assert answer == _python(log, new)


def _entry(team: Team, **changes: object) -> dict[str, object]:
    payload: dict[str, object] = {
        "dossier_id": team.shared,
        "seq": 1,
        "kind": "vastgelegd",
        "choice_type": "vrije_keuze",
        "value": "aan tafel gezegd",
        "made_at": T0.isoformat(),
        "recorded_at": T0.isoformat(),
        "recorded_by": f"Anna Visser ({team.secrets['anna_login']})",
        "recorded_by_org": "IMG",
        "channel": "keukentafel",
        "refers_to_seq": None,
    }
    payload.update(changes)
    return {
        "uuid": uuid.uuid4().hex,
        "table": "choice_log_entry",
        "row_key": f"{team.shared}:1",
        "dossier_id": team.shared,
        "payload": json.dumps(payload),
        "base_version": 0,
        "base_change": None,
        "author": "anna",
    }


def test_a_modified_clients_entries_are_refused_and_listed(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    record_choice(anna, team.shared, _choice("eerst"), team.actor("anna"), now=T0)
    service.sync(anna)
    good = _entry(team)
    batch = [
        _entry(team, choice_type="geen_soort"),  # an unknown choice type
        _entry(team, choice_type="eerste_aanspreekpunt", value="de buurman"),  # not an option
        _entry(team, kind="correctie", refers_to_seq=7),  # corrects nothing
        _entry(team, recorded_by="Bram Dijkstra (bram)"),  # in a colleague's name
        _entry(team, recorded_by_org="NCG"),  # for the other organisation
        _entry(team, made_at="not a moment"),  # unreadable
        _entry(team, choice_type="toestemming_gegevens", purpose="d" * 201),  # too long
        good,
    ]
    results = push_from(team, anna, batch)
    outcome = {r["uuid"]: r["outcome"] for r in results}
    assert outcome.pop(good["uuid"]) == "applied"
    assert set(outcome.values()) == {"refused"}

    service.sync(anna)  # the laptop pulls the conflicts: every refused entry is listed
    listed = {c.uuid: c for c in service.conflicts(anna)}
    assert set(listed) == set(outcome)
    reasons = {c.reason for c in listed.values()}
    assert reasons == {"invalid_entry", "author_mismatch"}
    texts = " | ".join(c.mine or "" for c in listed.values())
    for says in (
        "soort keuze: 'geen_soort' is onbekend",
        "'de buurman' is geen optie",
        "verwijzing: regel 7 bestaat niet",
        "is niet de gebruiker van deze laptop",
        "regel: onleesbaar",
        "doel: is langer dan 200 tekens",
    ):
        assert says in texts
    # the command line lists them with the reason
    capsys.readouterr()
    assert cli_main(["conflicts", "--db", str(anna.engine.url)]) == 0
    out = capsys.readouterr().out
    assert "keuzeregel geweigerd" in out and "verwijzing: regel 7 bestaat niet" in out
    assert f"{len(outcome)} conflict(en)" in out
    server = UnitOfWork(open_database(team.url))
    assert [e.value for e in log_entries(server, team.shared)] == ["eerst", "aan tafel gezegd"]
    assert verify_log(server).ok and verify_log(anna).ok
