"""The server's SQL ports of the app's rules give the app's answers (differential tests).

The hash of a choice-log entry is computed by the server when it accepts a laptop's entry;
if it differed from ``choices.rules.entry_hash`` in one character, chains would stop
verifying on the laptops. The consent rule decides what a laptop receives; it must be the
rule the app's gate applies.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, text

from buddy_desk.choices.rules import (
    GENESIS_HASH,
    Channel,
    ChoiceEntry,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
    EntryKind,
    consent_active,
    entry_hash,
)
from buddy_desk.models import Address, Dossier
from buddy_desk.models.choices import ChoiceLogEntry, to_row_values
from buddy_desk.persistence.schema import open_database
from buddy_desk.sync import service

pytestmark = pytest.mark.postgres
SLOW = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
_ids = itertools.count(1)

moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)
)
texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=30,
)


@pytest.fixture
def server_engine(server_url: str) -> Engine:
    service.init_server(server_url)
    return open_database(server_url)


@st.composite
def entries(draw: st.DrawFn) -> ChoiceEntry:
    return ChoiceEntry(
        dossier_id=draw(st.integers(1, 10**6)),
        seq=draw(st.integers(1, 500)),
        kind=draw(st.sampled_from(EntryKind)),
        choice_type=draw(st.sampled_from(ChoiceType)),
        value=draw(texts),
        made_at=draw(moments),
        recorded_at=draw(moments),
        recorded_by=draw(texts),
        recorded_by_org=draw(st.none() | st.sampled_from(["IMG", "NCG"])),
        channel=draw(st.sampled_from(Channel)),
        note=draw(st.none() | texts),
        form_reference=draw(st.none() | texts),
        explanation_version=draw(st.none() | texts),
        direction=draw(st.none() | st.sampled_from(Direction)),
        purpose=draw(st.none() | texts),
        categories=tuple(sorted(draw(st.sets(st.sampled_from(DocumentCategory))))),
        method=draw(st.none() | st.sampled_from(ConsentMethod)),
        only_if_no_delay=draw(st.none() | st.booleans()),
        effective_from=draw(st.none() | moments),
        refers_to_seq=draw(st.none() | st.integers(1, 500)),
        prev_hash=draw(
            st.just(GENESIS_HASH) | st.text("0123456789abcdef", min_size=64, max_size=64)
        ),
    )


def _as_json(entry: ChoiceEntry) -> str:
    row = to_row_values(entry)
    return json.dumps(
        {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()},
        default=str,
    )


@SLOW
@given(entry=entries())
def test_the_server_hashes_an_entry_as_the_app_does(
    server_engine: Engine, entry: ChoiceEntry
) -> None:
    with server_engine.connect() as conn:
        computed = conn.scalar(
            text(
                "SELECT sync.entry_hash(jsonb_populate_record(NULL::choice_log_entry, "
                "CAST(:e AS jsonb)))"
            ),
            {"e": _as_json(entry)},
        )
    assert computed == entry_hash(entry)


@st.composite
def logs(draw: st.DrawFn) -> list[ChoiceEntry]:
    size = draw(st.integers(0, 8))
    at = datetime(2026, 11, 1, tzinfo=UTC)
    out = []
    for seq in range(1, size + 1):
        kind = draw(st.sampled_from(EntryKind))
        out.append(
            ChoiceEntry(
                dossier_id=0,
                seq=seq,
                kind=kind,
                choice_type=draw(st.sampled_from([ChoiceType.DATA_SHARING, ChoiceType.FREE_TEXT])),
                value=draw(st.sampled_from(["gegeven", "beoordeeld", "aangevraagd", "nee"])),
                made_at=at + timedelta(minutes=seq),
                recorded_at=at + timedelta(minutes=seq),
                recorded_by="tester",
                recorded_by_org="IMG",
                channel=Channel.KITCHEN_TABLE,
                direction=draw(st.none() | st.sampled_from(Direction)),
                purpose=draw(st.sampled_from([None, "Samen afhandelen"])),
                categories=tuple(sorted(draw(st.sets(st.sampled_from(DocumentCategory))))),
                refers_to_seq=None
                if kind is EntryKind.RECORD and draw(st.booleans())
                else draw(st.none() | st.integers(1, size + 1)),
                entry_hash=f"{next(_ids):064x}",
            )
        )
    return out


@SLOW
@given(log=logs())
def test_the_server_applies_the_apps_consent_rule(
    server_engine: Engine, log: list[ChoiceEntry]
) -> None:
    n = next(_ids)
    with server_engine.begin() as conn:
        address = conn.scalar(
            insert(Address)
            .values(
                match_key=f"T{n}",
                postcode="9999ZZ",
                huisnummer=1,
                straat="Proefweg",
                woonplaats="Groningen",
            )
            .returning(Address.id)
        )
        dossier = conn.scalar(insert(Dossier).values(address_id=address).returning(Dossier.id))
        assert dossier is not None
        placed = [replace(e, dossier_id=dossier) for e in log]
        if placed:
            conn.execute(insert(ChoiceLogEntry), [to_row_values(e) for e in placed])
        for direction in Direction:
            answer = conn.scalar(
                text("SELECT sync.consent(:d, :dir)"), {"d": dossier, "dir": direction.value}
            )
            state = consent_active(placed, direction)
            if state is None:
                assert answer is None
            else:
                assert answer == {
                    "seq": state.current.seq,
                    "purpose": state.current.purpose,
                    "categories": [c.value for c in state.current.categories],
                }
