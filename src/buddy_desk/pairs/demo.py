"""Demo data of the buddy-pair desk: two coordinators, the coupling history of every demo pair
(some re-coupled, with a reason), and proposals for combination dossiers still without a pair.

Deterministic per seed (the given ``rng``; dates before ``ctx.reference_date``)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select

from buddy_desk.core.event_texts import render_value
from buddy_desk.core.phases import Organisation
from buddy_desk.demo.context import DemoContext
from buddy_desk.demo.names import ascii_slug, make_person, mobile_number
from buddy_desk.i18n import tr
from buddy_desk.models import Supervisor, TimelineEvent
from buddy_desk.models.pairs import PairChange
from buddy_desk.pairs.rules import COORDINATOR_ROLE, PairChangeKind
from buddy_desk.pairs.service import change_detail, proposal_detail

RECOUPLE_SHARE = 0.08
RECOUPLE_REASONS = (
    "Zaakbegeleider langdurig afwezig; dossier overgedragen",
    "Herverdeling van de werklast in het gebied",
    "Bewonersbegeleider gaat naar een ander gebied",
    "Op verzoek van de bewoner: liever één vaste contactpersoon die de buurt kent",
    "Buddypaar samengesteld voor de gezamenlijke opname",
)
FIRST_REASONS = (
    "Combinatiedossier: buddypaar gekoppeld bij de start",
    "Koppeling na samenloopcontrole",
    "Gekoppeld in het buddyoverleg",
)


def _moment(day: Any, rng: random.Random) -> datetime:
    return datetime.combine(day, time(9 + rng.randint(0, 7), rng.choice((0, 15, 30, 45))), UTC)


def _coordinators(conn: Connection, rng: random.Random) -> dict[Organisation, tuple[int, str, str]]:
    taken = set(conn.execute(select(Supervisor.username)).scalars())
    found = {}
    for org in Organisation:
        person = make_person(rng)
        surname = ascii_slug((person.tussenvoegsel or "") + person.achternaam)
        username = f"{ascii_slug(person.voornaam[0])}{surname}"
        while username in taken:
            username = f"{username}{rng.randint(2, 99)}"
        taken.add(username)
        domain = "img.example" if org is Organisation.IMG else "ncg.example"
        sid = conn.execute(
            insert(Supervisor).returning(Supervisor.id),
            {
                "organisation": org,
                "role": COORDINATOR_ROLE,
                "naam": person.full_name,
                "telefoon": mobile_number(rng),
                "email": f"{username}@{domain}",
                "username": username,
                "active": True,
            },
        ).scalar_one()
        found[org] = (sid, username, person.full_name)
    return found


def populate(conn: Connection, rng: random.Random, ctx: DemoContext) -> None:
    coordinators = _coordinators(conn, rng)
    names = dict(conn.execute(select(Supervisor.id, Supervisor.naam)).all())
    today = ctx.reference_date
    changes: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []

    def add(
        d_id: int,
        kind: PairChangeKind,
        before: tuple[Any, Any],
        after: tuple[Any, Any],
        reason: str,
        when: datetime,
        org: Organisation,
    ) -> None:
        _sid, username, naam = coordinators[org]
        changes.append(
            {
                "dossier_id": d_id,
                "kind": kind,
                "img_before_id": before[0],
                "ncg_before_id": before[1],
                "img_after_id": after[0],
                "ncg_after_id": after[1],
                "reason": reason,
                "changed_at": when,
                "changed_by": username if kind is not PairChangeKind.PROPOSED else None,
                "changed_by_name": naam if kind is not PairChangeKind.PROPOSED else None,
            }
        )

        def n(x: Any) -> str:
            return str(names.get(x, "—")) if x else "—"

        if kind is PairChangeKind.PROPOSED:
            detail = proposal_detail(n(after[0]), n(after[1]), reason)
        else:
            detail = change_detail(
                (n(before[0]), n(after[0])), (n(before[1]), n(after[1])), reason, naam
            )
        key = f"pairs.event.{kind.value}"  # stored as keys with values, as the service does
        events.append(
            {
                "dossier_id": d_id,
                "occurred_at": when,
                "organisation": None,
                "kind": "pair",
                "title": tr(key),
                "detail": render_value(detail),
                "text_key": key,
                "params": {"detail": detail},
                "created_by": username if kind is not PairChangeKind.PROPOSED else None,
            }
        )

    img_ids, ncg_ids = ctx.img_supervisor_ids, ctx.ncg_supervisor_ids
    for d_id in ctx.combination_ids:
        pair = ctx.buddy_pairs.get(d_id)
        org = rng.choice(tuple(Organisation))
        if pair is None:
            if img_ids and ncg_ids:
                when = _moment(today - timedelta(days=rng.randint(1, 20)), rng)
                add(
                    d_id,
                    PairChangeKind.PROPOSED,
                    (None, None),
                    (rng.choice(img_ids), rng.choice(ncg_ids)),
                    "voorstel op werklast en gebied",
                    when,
                    org,
                )
            continue
        current = (pair.img_supervisor_id, pair.ncg_supervisor_id)
        start = _moment(today - timedelta(days=rng.randint(60, 700)), rng)
        if rng.random() < RECOUPLE_SHARE and len(img_ids) > 1 and len(ncg_ids) > 1:
            # re-coupled once: first a different zaakbegeleider or bewonersbegeleider
            if rng.random() < 0.5:
                first = (rng.choice([i for i in img_ids if i != current[0]]), current[1])
            else:
                first = (current[0], rng.choice([i for i in ncg_ids if i != current[1]]))
            add(
                d_id,
                PairChangeKind.COUPLED,
                (None, None),
                first,
                rng.choice(FIRST_REASONS),
                start,
                org,
            )
            later = start + timedelta(
                days=rng.randint(10, max(11, (today - start.date()).days - 1))
            )
            add(
                d_id,
                PairChangeKind.RECOUPLED,
                first,
                current,
                rng.choice(RECOUPLE_REASONS),
                later,
                org,
            )
        else:
            add(
                d_id,
                PairChangeKind.COUPLED,
                (None, None),
                current,
                rng.choice(FIRST_REASONS),
                start,
                org,
            )
    if changes:
        conn.execute(insert(PairChange), changes)
    if events:
        conn.execute(insert(TimelineEvent), events)
