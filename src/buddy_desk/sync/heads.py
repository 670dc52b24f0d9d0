"""The server keeps every laptop's choice-log heads and refuses a laptop whose head moved back.

A laptop's local file can be edited by whoever holds it: cut the tail of a dossier's choice
log, copy the previous number and hash into the head row, and the local chain is whole again
— a withdrawn consent would be back in the gate. So with every push (and once more after
each pull) the laptop reports, per dossier it holds, its chain's head and its **base**: the
last entry that came from the server (an entry without an outbox row; every entry made on
the laptop has one until the next pull replaces the chain with the server's). The server:

- checks that the base is an entry of its own chain (same number, same hash) — a laptop's
  base can only be a prefix of the server's append-only chain;
- keeps the highest base each laptop reported per dossier (``sync.laptop_head``) and refuses
  a report whose base is *lower*: the laptop once held entries it no longer has.

Only the base is compared, not the local head: entries made on the laptop may be refused by
the server (``validate_sql``) and then legitimately disappear at the next pull. The head and
the laptop's running digest are stored for the privacy officer.

A refusal is sticky for that laptop (``sync.laptop.refused_at``): it is written once to the
server's access log (sealed like every row there) and every later push of that laptop gets
the same answer, until the database is re-enrolled — so the laptop cannot retry its way past
it, and the privacy officer's log is not flooded by the automatic sync. Laptops call only
``sync.push_from(laptop, heads, changes)``; ``sync.push`` is not granted to them, so a client
cannot push without reporting its heads.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select, text

from buddy_desk.choices.service.anchoring import (
    ACTIVITY_ID,
    CONFIDENTIALITY,
    PROCESSING_NAME,
    RETENTION,
)
from buddy_desk.models import Dossier
from buddy_desk.models.access_log import AccessLogHead
from buddy_desk.models.choices import ChoiceLogEntry
from buddy_desk.models.sync import SyncOutbox
from buddy_desk.sync.server_sql import group_role

HANDLING_REFUSED = "Synchronisatie geweigerd: keuzelogboek op de laptop teruggezet"
REFUSED_PURPOSE = "Keuzelogboek verankeren"

SQL = f"""
CREATE TABLE IF NOT EXISTS sync.laptop (
    laptop_id text PRIMARY KEY,
    username text NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT now(),
    last_seen timestamptz NOT NULL DEFAULT now(),
    access_digest text,
    refused_at timestamptz,
    refused_reason text
);
CREATE TABLE IF NOT EXISTS sync.laptop_head (
    laptop_id text NOT NULL REFERENCES sync.laptop (laptop_id),
    dossier_id integer NOT NULL,
    base_seq integer NOT NULL,
    base_hash text NOT NULL,
    head_seq integer NOT NULL,
    head_hash text NOT NULL,
    reported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (laptop_id, dossier_id)
);

-- why a laptop's report moves a head back (Dutch, one line), or NULL; stores the report
CREATE OR REPLACE FUNCTION sync.check_heads(p_laptop text, heads jsonb) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r jsonb; d integer; base integer; base_hash text; known sync.laptop_head;
    ours text;
BEGIN
    FOR r IN SELECT * FROM jsonb_array_elements(COALESCE(heads->'dossiers', '[]'::jsonb)) LOOP
        d := (r->>'id')::integer;
        base := COALESCE((r->>'base_seq')::integer, 0);
        base_hash := COALESCE(r->>'base_hash', '');
        IF base > 0 THEN
            SELECT entry_hash INTO ours FROM public.choice_log_entry
            WHERE dossier_id = d AND seq = base;
            IF ours IS DISTINCT FROM base_hash THEN
                RETURN 'het keuzelogboek van dossier ' || d || ' wijkt af van de server (regel '
                    || base || ' is op de laptop gewijzigd of vervangen)';
            END IF;
        END IF;
        SELECT * INTO known FROM sync.laptop_head WHERE laptop_id = p_laptop AND dossier_id = d;
        IF FOUND AND base < known.base_seq THEN
            RETURN 'het keuzelogboek van dossier ' || d || ' is op de laptop ingekort (de laptop '
                || 'had regel ' || known.base_seq || ', nu eindigt het bij regel ' || base || ')';
        END IF;
        INSERT INTO sync.laptop_head AS h VALUES (p_laptop, d, base, base_hash,
            COALESCE((r->>'head_seq')::integer, 0), COALESCE(r->>'head_hash', ''), now())
        ON CONFLICT (laptop_id, dossier_id) DO UPDATE SET
            base_seq = greatest(h.base_seq, EXCLUDED.base_seq),
            base_hash = CASE WHEN EXCLUDED.base_seq >= h.base_seq THEN EXCLUDED.base_hash
                             ELSE h.base_hash END,
            head_seq = EXCLUDED.head_seq, head_hash = EXCLUDED.head_hash,
            reported_at = EXCLUDED.reported_at;
    END LOOP;
    -- dossiers this laptop no longer holds left its scope (removed at a pull)
    DELETE FROM sync.laptop_head WHERE laptop_id = p_laptop AND dossier_id NOT IN (
        SELECT (x->>'id')::integer
        FROM jsonb_array_elements(COALESCE(heads->'dossiers', '[]'::jsonb)) x);
    RETURN NULL;
END $$;

-- the one push a laptop may call: its heads first, then its changes (sync.push)
CREATE OR REPLACE FUNCTION sync.push_from(p_laptop text, heads jsonb, changes jsonb)
RETURNS jsonb
SECURITY DEFINER SET search_path = pg_catalog, public SET timezone = 'UTC'
LANGUAGE plpgsql AS $$
DECLARE
    u sync.user := sync.me(); l sync.laptop; why text; d integer;
BEGIN
    IF u.username IS NULL THEN
        RAISE EXCEPTION 'buddy-desk: login % is not enrolled or was revoked', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO sync.laptop (laptop_id, username) VALUES (p_laptop, u.username)
        ON CONFLICT (laptop_id) DO NOTHING;
    SELECT * INTO l FROM sync.laptop WHERE laptop_id = p_laptop FOR UPDATE;
    IF l.username <> u.username THEN
        RAISE EXCEPTION 'buddy-desk: deze laptopdatabase is aangemeld voor een andere gebruiker'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF l.refused_at IS NOT NULL THEN
        RETURN jsonb_build_object('refused', l.refused_reason);
    END IF;
    why := sync.check_heads(p_laptop, heads);
    IF why IS NOT NULL THEN
        d := substring(why FROM 'dossier ([0-9]+)')::integer;
        UPDATE sync.laptop SET refused_at = now(), refused_reason = why
            WHERE laptop_id = p_laptop;
        PERFORM sync.append_access(jsonb_populate_record(NULL::public.access_log_entry,
            jsonb_build_object('actie_id', gen_random_uuid()::text,
            'actie_naam', 'Weigeren', 'handeling_naam', '{HANDLING_REFUSED}',
            'verwerking_naam', '{PROCESSING_NAME}', 'verwerking_id', gen_random_uuid()::text,
            'verwerkingsactiviteit_id', '{ACTIVITY_ID}', 'vertrouwelijkheid',
            '{CONFIDENTIALITY}', 'bewaartermijn', '{RETENTION}', 'uitvoerder', u.organisation,
            'systeem', 'Buddy Desk sync', 'gebruiker', u.username, 'gebruiker_rol', u.role,
            'gegevensbron', 'GUO', 'doel', '{REFUSED_PURPOSE} (laptop ' || p_laptop || ')',
            'tijdstip', now(), 'tijdstip_registratie', now(), 'dossier_id', d,
            'objecttype', 'dossier', 'soorten_gegevens', 'keuzelogboek', 'consent_seq', 0)));
        RETURN jsonb_build_object('refused', why);
    END IF;
    UPDATE sync.laptop SET last_seen = now(), access_digest = heads->>'digest'
        WHERE laptop_id = p_laptop;
    RETURN jsonb_build_object('results', sync.push(changes));
END $$;
"""


def grants() -> list[str]:
    """Laptops push only through ``sync.push_from``; the privacy officer reads the heads."""
    buddy = group_role("buddy")
    return [
        "REVOKE ALL ON FUNCTION sync.check_heads(text, jsonb) FROM PUBLIC",
        "REVOKE ALL ON FUNCTION sync.push_from(text, jsonb, jsonb) FROM PUBLIC",
        f"REVOKE EXECUTE ON FUNCTION sync.push(jsonb) FROM {buddy}",
        f"GRANT EXECUTE ON FUNCTION sync.push_from(text, jsonb, jsonb) TO {buddy}",
        f"GRANT SELECT ON sync.laptop, sync.laptop_head TO {group_role('privacy_officer')}",
    ]


def local_heads(conn: Connection) -> dict[str, Any]:
    """This laptop's report: per dossier its head and its base (the last entry that came
    from the server: one without an outbox row), and the access log's running digest."""
    made_here = set(
        conn.scalars(select(SyncOutbox.row_key).where(SyncOutbox.table_name == "choice_log_entry"))
    )
    # every dossier held, also one whose chain is empty: a chain cut to nothing moved back too
    found: dict[int, dict[str, Any]] = {
        dossier_id: {"id": dossier_id, "base_seq": 0, "base_hash": "", "head_seq": 0}
        for dossier_id in conn.scalars(select(Dossier.id))
    }
    rows = conn.execute(
        select(ChoiceLogEntry.dossier_id, ChoiceLogEntry.seq, ChoiceLogEntry.entry_hash).order_by(
            ChoiceLogEntry.dossier_id, ChoiceLogEntry.seq
        )
    )
    for dossier_id, seq, entry_hash in rows:
        head = found.setdefault(
            dossier_id, {"id": dossier_id, "base_seq": 0, "base_hash": "", "head_seq": 0}
        )
        head["head_seq"], head["head_hash"] = seq, entry_hash
        if f"{dossier_id}:{seq}" not in made_here:
            head["base_seq"], head["base_hash"] = seq, entry_hash
    digest = conn.scalar(select(AccessLogHead.heads_digest).where(AccessLogHead.id == 1))
    return {"digest": digest, "dossiers": list(found.values())}


class HeadsRefused(Exception):  # noqa: N818 - carried to service.py, which raises SyncError
    """The server refused this laptop: a chain head moved back."""


def push_from(
    server: Connection, laptop_id: str, heads: dict[str, Any], batch: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Report the heads and push ``batch`` (may be empty) in one server call; the caller
    commits (a refusal is committed here, then raised)."""
    answer = server.scalar(
        text("SELECT sync.push_from(:l, CAST(:h AS jsonb), CAST(:c AS jsonb))"),
        {"l": laptop_id, "h": json.dumps(heads), "c": json.dumps(batch)},
    )
    if answer.get("refused"):
        server.commit()  # the refusal is on record (access log) before the laptop hears it
        raise HeadsRefused(str(answer["refused"]))
    results: list[dict[str, Any]] = answer["results"]
    return results
