"""Demo contact moments: a few per combination dossier, by its buddy pair, in the last months.

Texts are short and synthetic (no names); the authors are the dossier's own buddies.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Connection, insert, select

from buddy_desk.core.phases import Organisation
from buddy_desk.demo.context import DemoContext
from buddy_desk.journal.rules import ContactKind
from buddy_desk.models import Supervisor
from buddy_desk.models.journal import ContactMoment

TEXTS: dict[ContactKind, tuple[str, ...]] = {
    ContactKind.PHONE: (
        "Bewoner belde met een vraag over de planning van de opname.",
        "Teruggebeld over de stand van de schademelding.",
        "Afspraak voor het keukentafelgesprek gemaakt.",
    ),
    ContactKind.HOME_VISIT: ("Huisbezoek: schade in de keuken samen bekeken.",),
    ContactKind.KITCHEN_TABLE: (
        "Keukentafelgesprek met het buddypaar: beide trajecten doorgenomen.",
        "Keuzes voor de opname besproken; bewoner denkt erover na.",
    ),
    ContactKind.EMAIL: ("Bewoner mailde foto's van nieuwe scheuren.",),
}


def populate(conn: Connection, rng: random.Random, ctx: DemoContext) -> None:
    supervisors = conn.execute(select(Supervisor.id, Supervisor.naam, Supervisor.organisation))
    names = {row.id: row.naam for row in supervisors}
    orgs = {
        row.id: row.organisation
        for row in conn.execute(select(Supervisor.id, Supervisor.organisation))
    }
    today = datetime.combine(ctx.reference_date, time(12), UTC)
    rows = []
    for dossier_id in ctx.combination_ids:
        pair = ctx.buddy_pairs.get(dossier_id)
        if pair is None:
            continue
        for _ in range(rng.randint(0, 3)):
            kind = rng.choice(list(TEXTS))
            author = rng.choice((pair.img_supervisor_id, pair.ncg_supervisor_id))
            when = today - timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 6))
            rows.append(
                {
                    "dossier_id": dossier_id,
                    "occurred_at": when,
                    "kind": kind.value,
                    "organisation": Organisation(orgs[author]).value,
                    "author": names[author],
                    "text": rng.choice(TEXTS[kind]),
                    "recorded_at": when,
                }
            )
    if rows:
        conn.execute(insert(ContactMoment), rows)
