"""Demo data of the proactive approach: a first letter run to part of the proactive list some
weeks ago, and the follow-up phone calls and visits with their outcomes.

Deterministic per seed (the given ``rng``; every date before ``ctx.reference_date``)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, insert

from buddy_desk.demo.context import DemoContext
from buddy_desk.models.outreach import OutreachContact
from buddy_desk.outreach.rules import ContactChannel, ContactOutcome

LETTER_SHARE = 0.06  # of the proactive list, written to in the first run
FOLLOW_UP = (  # outcome of a phone call after the letter, with its weight
    (ContactOutcome.NO_ANSWER, 30),
    (ContactOutcome.CALL_BACK, 15),
    (ContactOutcome.WILL_REPORT, 20),
    (ContactOutcome.REPORTED, 10),
    (ContactOutcome.NO_DAMAGE, 15),
    (ContactOutcome.DECLINED, 7),
    (ContactOutcome.WRONG_ADDRESS, 3),
)
NOTES = {
    ContactOutcome.CALL_BACK: "Bewoner vraagt om na de zomer terug te bellen.",
    ContactOutcome.WILL_REPORT: "Bewoner heeft scheuren in de gevel en gaat die melden.",
    ContactOutcome.REPORTED: "Bewoner heeft de schade gemeld bij IMG.",
    ContactOutcome.NO_DAMAGE: "Bewoner ziet geen schade aan het huis.",
    ContactOutcome.DECLINED: "Bewoner wil niet meer benaderd worden.",
}


def populate(conn: Connection, rng: random.Random, ctx: DemoContext) -> None:
    pool = ctx.ncg_only_ids
    if not pool:
        return
    chosen = sorted(rng.sample(pool, k=max(1, round(len(pool) * LETTER_SHARE))))
    run_day = ctx.reference_date - timedelta(days=42)
    rows: list[dict[str, Any]] = []
    outcomes, weights = zip(*FOLLOW_UP, strict=True)
    for d_id in chosen:
        rows.append(
            {
                "dossier_id": d_id,
                "attempted_on": run_day,
                "channel": ContactChannel.LETTER,
                "outcome": ContactOutcome.SENT,
                "note": f"kenmerk BD-PA-{d_id:06d}-{run_day:%Y%m%d}",
                "recorded_at": datetime.combine(run_day, time(16, 0), UTC),
                "recorded_by": None,
            }
        )
        if rng.random() < 0.45:
            day = run_day + timedelta(days=rng.randint(7, 35))
            outcome = rng.choices(outcomes, weights=weights)[0]
            channel = ContactChannel.VISIT if rng.random() < 0.15 else ContactChannel.PHONE
            if outcome is ContactOutcome.WRONG_ADDRESS:
                channel = ContactChannel.LETTER
            rows.append(
                {
                    "dossier_id": d_id,
                    "attempted_on": day,
                    "channel": channel,
                    "outcome": outcome,
                    "note": NOTES.get(outcome),
                    "recorded_at": datetime.combine(day, time(rng.randint(9, 16), 0), UTC),
                    "recorded_by": None,
                }
            )
    conn.execute(insert(OutreachContact), rows)
