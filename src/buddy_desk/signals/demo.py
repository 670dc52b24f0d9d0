"""Demo signals, observations and information requests between IMG and NCG.

The rule-made signals are what ``buddy_desk.signals.rules`` asks for on the demo data
(so ``buddy-desk signals evaluate`` afterwards adds nothing), evaluated on a day in the last
month: some are done with an outcome, some are overdue. On top: what NCG saw (non-constructive
damage at a few proactive addresses, hidden damage during construction in group F), a few
signals added by hand, and the information requests of the SVIP log with their answers.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.ids import derived_uuid
from buddy_desk.core.phases import Organisation
from buddy_desk.demo.context import DemoContext
from buddy_desk.i18n import tr
from buddy_desk.models.signals import InformationRequest, Observation, Signal
from buddy_desk.signals.rules import (
    ObservationKind,
    RequestKind,
    SignalState,
    evaluate,
)
from buddy_desk.signals.service import consents_in_force, load_facts
from buddy_desk.signals.svip import RequestOutcome, answer_carries_case_data

OUTCOMES = (
    "Besproken aan de keukentafel; bewoner is geïnformeerd.",
    "Buddy gebeld; afgesproken wie de bewoner benadert.",
    "Bewoner wil dit (nog) niet; vastgelegd in de notities.",
    "Doorgegeven aan de collega van de andere organisatie.",
    "Afgehandeld in het buddyoverleg van deze week.",
)
HAND_SIGNALS = (
    "Bewoner terugbellen over de planning",
    "Kopie van het opnamerapport opvragen bij de buddy",
    "Keukentafelgesprek voorbereiden met de buddy",
    "Nagaan of de bewoner toestemming voor gegevensdeling heeft gegeven",
)
REQUESTS = {
    RequestKind.STATUS_EXCHANGE: (
        "Wat is de actuele status van het dossier op dit adres?",
        "Status doorgegeven; het rapport volgt binnen twee weken.",
    ),
    RequestKind.COUPLING_STAFF: (
        "Wie is de zaakbegeleider / bewonersbegeleider op dit adres?",
        "Contactgegevens van de collega gedeeld; buddy's zijn gekoppeld.",
    ),
    RequestKind.SPEED_UP: (
        "Kan de opname versneld worden, zodat beide opnames dicht bij elkaar liggen?",
        "Opname naar voren gehaald; afgestemd met de planner.",
    ),
}


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(8 + rng.randint(0, 8), rng.choice((0, 15, 30, 45))), UTC)


def _with_uuids(rows: list[dict[str, Any]], table: str, seed: int) -> list[dict[str, Any]]:
    """The sync identity, from the seed (one seed, one database; the random stream the rest
    of the demo draws from stays as it was)."""
    for i, row in enumerate(rows):
        row["uuid"] = derived_uuid(f"buddy-desk-demo:{seed}:{table}:{i}")
    return rows


def _observations(rng: random.Random, ctx: DemoContext) -> list[dict[str, Any]]:
    today = ctx.reference_date
    rows: list[dict[str, Any]] = []
    seen = rng.sample(ctx.ncg_only_ids, k=min(len(ctx.ncg_only_ids), max(1, round(60 * ctx.scale))))
    for d_id in seen:
        ref = f"demo-seen-{d_id}"
        rows.append(
            {
                "dossier_id": d_id,
                "kind": ObservationKind.NCG_DAMAGE_SEEN,
                "ref": ref,
                "organisation": Organisation.NCG,
                "datum": today - timedelta(days=rng.randint(3, 60)),
                "bedrag": None,
                "note": "Scheuren in binnenmuur gezien bij de opname",
                "created_by": None,
            }
        )
    group_f = ctx.dossiers_in_group(CollaborationGroup.F)
    for d_id in rng.sample(group_f, k=min(len(group_f), max(1, round(len(group_f) * 0.3)))):
        amount = Decimal(rng.choice((rng.randint(300, 2500), rng.randint(2501, 14000)))).quantize(
            Decimal("0.01")
        )
        ref = f"demo-hidden-{d_id}"
        rows.append(
            {
                "dossier_id": d_id,
                "kind": ObservationKind.HIDDEN_DAMAGE,
                "ref": ref,
                "organisation": Organisation.NCG,
                "datum": today - timedelta(days=rng.randint(3, 45)),
                "bedrag": amount,
                "note": "Gemeld door de aannemer",
                "created_by": None,
            }
        )
    return rows


def populate(conn: Connection, rng: random.Random, ctx: DemoContext) -> None:
    today = ctx.reference_date
    obs_rows = _observations(rng, ctx)
    if obs_rows:
        conn.execute(insert(Observation), obs_rows)
    usernames = ctx.supervisor_usernames
    signals: list[dict[str, Any]] = []
    with Session(bind=conn) as session:  # the choices demo ran before this one
        all_facts = load_facts(session)
    for facts in all_facts:
        evaluated_on = today - timedelta(days=rng.randint(0, 35))
        for p in evaluate(facts, evaluated_on):
            created = _moment(evaluated_on, rng)
            done = rng.random() < 0.35 and evaluated_on < today - timedelta(days=2)
            closed = created + timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 5))
            if closed.date() > today:
                done = False
            signals.append(
                {
                    "dossier_id": facts.dossier_id,
                    "rule": p.rule.value,
                    "ref": p.ref,
                    "title": tr(p.title_key, **p.values)[:200],
                    "detail": tr(p.detail_key, **p.values),
                    "organisation": p.organisation,
                    "owner_id": p.owner_id,
                    "due": p.due,
                    "state": SignalState.DONE if done else SignalState.OPEN,
                    "outcome": rng.choice(OUTCOMES) if done else None,
                    "created_at": created,
                    "created_by": "regels",
                    "closed_at": closed if done else None,
                    "closed_by": usernames.get(p.owner_id or -1) if done else None,
                }
            )
    combination = ctx.combination_ids
    for d_id in rng.sample(combination, k=min(len(combination), round(len(combination) * 0.1))):
        pair = ctx.buddy_pairs.get(d_id)
        org = rng.choice(tuple(Organisation))
        owner = None
        if pair is not None:
            owner = pair.img_supervisor_id if org is Organisation.IMG else pair.ncg_supervisor_id
        created_on = today - timedelta(days=rng.randint(0, 20))
        signals.append(
            {
                "dossier_id": d_id,
                "rule": None,
                "ref": None,
                "title": rng.choice(HAND_SIGNALS),
                "detail": None,
                "organisation": org,
                "owner_id": owner,
                "due": created_on + timedelta(days=rng.choice((3, 7, 14))),
                "state": SignalState.OPEN,
                "outcome": None,
                "created_at": _moment(created_on, rng),
                "created_by": usernames.get(owner or -1),
                "closed_at": None,
                "closed_by": None,
            }
        )
    if signals:
        conn.execute(insert(Signal), _with_uuids(signals, "signal", ctx.seed))
    requests: list[dict[str, Any]] = []
    with Session(bind=conn) as session:
        shared = consents_in_force(session)
    for d_id in rng.sample(combination, k=min(len(combination), round(len(combination) * 0.25))):
        pair = ctx.buddy_pairs.get(d_id)
        for _ in range(rng.choice((1, 1, 2))):
            kind = rng.choices(tuple(REQUESTS), weights=(5, 3, 2))[0]
            question, answer = REQUESTS[kind]
            src = rng.choice(tuple(Organisation))
            asked = _moment(today - timedelta(days=rng.randint(1, 90)), rng)
            answered = asked + timedelta(days=rng.randint(1, 12))
            is_answered = rng.random() < 0.8 and answered.date() <= today
            asker = answerer = None
            if pair is not None:
                asker = (
                    pair.img_supervisor_id if src is Organisation.IMG else pair.ncg_supervisor_id
                )
                answerer = (
                    pair.ncg_supervisor_id if src is Organisation.IMG else pair.img_supervisor_id
                )
            outcome = RequestOutcome.ANSWERED
            if answer_carries_case_data(kind) and (d_id, src) not in shared:
                # the SVIP desk's rule: no case data towards the asker without consent
                outcome = RequestOutcome.NO_CONSENT
                answer = tr("svip.answer.no_consent", source=src.other.value, recipient=src.value)
            requests.append(
                {
                    "dossier_id": d_id,
                    "kind": kind,
                    "from_organisation": src,
                    "question": question,
                    "asked_at": asked,
                    "asked_by": usernames.get(asker or -1),
                    "outcome": outcome.value if is_answered else None,
                    "answer": answer if is_answered else None,
                    "answered_at": answered if is_answered else None,
                    "answered_by": usernames.get(answerer or -1) if is_answered else None,
                }
            )
    if requests:
        conn.execute(
            insert(InformationRequest), _with_uuids(requests, "information_request", ctx.seed)
        )
