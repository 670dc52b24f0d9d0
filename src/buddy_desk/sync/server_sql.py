"""The team server's sync objects in PostgreSQL: change log, users, scope, consent, push, pull.

Everything lives in the schema ``sync`` and is (re)created idempotently by
``buddy-desk server init``. Laptop logins get no table privileges at all; they may only
execute ``sync.push``, ``sync.pull`` and ``sync.whoami`` — ``SECURITY DEFINER`` functions
that decide scope and consent inside the database (docs/sync.md).

The hash of a choice-log entry and the consent rule are ported to SQL from
``buddy_desk.choices.rules``; the category tables are generated from the Python constants,
and differential tests (tests/integration/sync/) require both to give equal answers.
"""

from __future__ import annotations

from collections.abc import Iterable

from buddy_desk.choices.rules import (
    ACTIVE_CONSENT,
    GENESIS_HASH,
    HASH_DOMAIN,
    SOURCE_CATEGORIES,
    ChoiceType,
    DocumentCategory,
)
from buddy_desk.choices.service.anchoring import (
    ACCESS_DOMAIN,
    ACTIVITY_ID,
    ANCHOR_ACTION,
    ANCHOR_DATA,
    ANCHOR_HANDLING,
    ANCHOR_PURPOSE,
    CONFIDENTIALITY,
    HEADS_DOMAIN,
    PROCESSING_NAME,
    RETENTION,
)
from buddy_desk.choices.service.consent import REPORT_CATEGORY, VIEW
from buddy_desk.core.phases import Organisation
from buddy_desk.sync.rows_sql import ROW_TABLES

ROLES = ("buddy", "planner", "coordinator", "privacy_officer")
LAPTOP_FUNCTIONS = ("whoami()", "push(jsonb)", "pull(text, integer[])", "take(integer[])")
HANDLING_PULL = "Dossier meegenomen naar laptop"


def group_role(role: str) -> str:
    return f"buddy_desk_{role}"


def login_role(username: str) -> str:
    return f"bd_user_{username}"


def _sql_list(values: Iterable[object]) -> str:
    items = sorted(str(v) for v in values)
    return "ARRAY[" + ",".join(f"'{v}'" for v in items) + "]::text[]"


# tables whose rows belong to one dossier, and how a row names it
_DOSSIER_OF = {
    "dossier": "id",
    "dossier_resident": "dossier_id",
    "dossier_flag": "dossier_id",
    "timeline_event": "dossier_id",
    "conversation_note": "dossier_id",
    "choice_log_entry": "dossier_id",
    "org_case": "dossier_id",
    "case_status": "case_id",
    "damage_report": "case_id",
    "address": "address",
    "person": "person",
}

SCHEMA = f"""
CREATE SCHEMA IF NOT EXISTS sync;
REVOKE ALL ON SCHEMA sync FROM PUBLIC;

CREATE TABLE IF NOT EXISTS sync.change (
    seq bigserial PRIMARY KEY,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    dossier_id integer NOT NULL,
    table_name text NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS change_xid ON sync.change (xid);

CREATE TABLE IF NOT EXISTS sync.user (
    username text PRIMARY KEY,
    login text UNIQUE NOT NULL,
    organisation text NOT NULL CHECK (organisation IN ('IMG', 'NCG')),
    role text NOT NULL,
    supervisor_id integer,
    revoked boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sync.take (
    username text NOT NULL REFERENCES sync.user (username),
    dossier_id integer NOT NULL,
    PRIMARY KEY (username, dossier_id)
);
-- every change a laptop pushed, decided once (idempotency)
CREATE TABLE IF NOT EXISTS sync.applied (
    uuid text PRIMARY KEY,
    username text NOT NULL,
    outcome text NOT NULL,
    new_version integer NOT NULL DEFAULT 0,
    at timestamptz NOT NULL DEFAULT now()
);
-- the canonical number of every pushed choice-log entry
CREATE TABLE IF NOT EXISTS sync.entry (
    uuid text PRIMARY KEY,
    dossier_id integer NOT NULL,
    seq integer NOT NULL
);
CREATE TABLE IF NOT EXISTS sync.conflict (
    uuid text PRIMARY KEY,
    dossier_id integer NOT NULL,
    table_name text NOT NULL,
    reason text NOT NULL,
    mine text,
    author text,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS conflict_dossier ON sync.conflict (dossier_id);
-- every pull: who took which dossiers (personal data) to a laptop, and when
CREATE TABLE IF NOT EXISTS sync.pull_log (
    id bigserial PRIMARY KEY,
    username text NOT NULL,
    dossier_ids integer[] NOT NULL,
    removed integer[] NOT NULL,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sync.field_version (
    table_name text NOT NULL,
    row_key text NOT NULL,
    version integer NOT NULL,
    PRIMARY KEY (table_name, row_key)
);

-- the change log: every write to a dossier's rows, by anyone (laptop, import, coordinator)
CREATE OR REPLACE FUNCTION sync.log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    d integer;
BEGIN
    IF TG_ARGV[0] = 'address' THEN
        INSERT INTO sync.change (dossier_id, table_name)
            SELECT id, TG_TABLE_NAME FROM public.dossier WHERE address_id = (r->>'id')::integer;
        RETURN NULL;
    ELSIF TG_ARGV[0] = 'person' THEN
        INSERT INTO sync.change (dossier_id, table_name)
            SELECT dossier_id, TG_TABLE_NAME FROM public.dossier_resident
            WHERE person_id = (r->>'id')::integer;
        RETURN NULL;
    ELSIF TG_ARGV[0] = 'case_id' THEN
        SELECT dossier_id INTO d FROM public.org_case WHERE id = (r->>'case_id')::integer;
    ELSE
        d := (r->>TG_ARGV[0])::integer;
    END IF;
    IF d IS NOT NULL THEN
        INSERT INTO sync.change (dossier_id, table_name) VALUES (d, TG_TABLE_NAME);
    END IF;
    IF TG_TABLE_NAME = 'conversation_note' AND TG_OP <> 'DELETE' THEN
        INSERT INTO sync.field_version AS v VALUES ('conversation_note', d::text, 1)
        ON CONFLICT (table_name, row_key) DO UPDATE SET version = v.version + 1;
    END IF;
    RETURN NULL;
END $$;

-- a dossier's buddy pair changed: the dossier may enter or leave laptops' scopes
CREATE OR REPLACE FUNCTION sync.log_scope() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO sync.change (dossier_id, table_name) VALUES (NEW.dossier_id, 'take');
    RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS trg_sync_take ON sync.take;
CREATE TRIGGER trg_sync_take AFTER INSERT ON sync.take
    FOR EACH ROW EXECUTE FUNCTION sync.log_scope();

-- the choice log's hash, exactly as choices.rules.canonical_payload builds it
CREATE OR REPLACE FUNCTION sync.j(v text) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT CASE WHEN v IS NULL THEN 'null' ELSE to_json(v)::text END $$;
CREATE OR REPLACE FUNCTION sync.jt(v timestamptz) RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT CASE WHEN v IS NULL THEN 'null'
        ELSE '"' || to_char(v AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '"' END $$;
CREATE OR REPLACE FUNCTION sync.entry_hash(e public.choice_log_entry) RETURNS text
IMMUTABLE LANGUAGE sql AS $$
    SELECT encode(sha256(convert_to(
        '{HASH_DOMAIN}' || E'\\n' || '{{'
        || '"categories":' || CASE WHEN e.categories IS NULL OR e.categories = '' THEN '[]'
            ELSE (SELECT '[' || string_agg(to_json(c)::text, ',' ORDER BY c) || ']'
                  FROM unnest(string_to_array(e.categories, ',')) AS c) END
        || ',"channel":' || sync.j(e.channel)
        || ',"choice_type":' || sync.j(e.choice_type)
        || ',"direction":' || sync.j(e.direction)
        || ',"dossier_id":' || e.dossier_id::text
        || ',"effective_from":' || sync.jt(e.effective_from)
        || ',"explanation_version":' || sync.j(e.explanation_version)
        || ',"form_reference":' || sync.j(e.form_reference)
        || ',"kind":' || sync.j(e.kind)
        || ',"made_at":' || sync.jt(e.made_at)
        || ',"method":' || sync.j(e.method)
        || ',"note":' || sync.j(e.note)
        || ',"only_if_no_delay":' || CASE WHEN e.only_if_no_delay IS NULL THEN 'null'
            WHEN e.only_if_no_delay THEN 'true' ELSE 'false' END
        || ',"prev_hash":' || sync.j(e.prev_hash)
        || ',"purpose":' || sync.j(e.purpose)
        || ',"recorded_at":' || sync.jt(e.recorded_at)
        || ',"recorded_by":' || sync.j(e.recorded_by)
        || ',"recorded_by_org":' || sync.j(e.recorded_by_org)
        || ',"refers_to_seq":' || COALESCE(e.refers_to_seq::text, 'null')
        || ',"seq":' || e.seq::text
        || ',"value":' || sync.j(e.value)
        || '}}', 'UTF8')), 'hex') $$;

-- the data-sharing consent in force for a direction: its categories, or NULL
-- (choices.rules.consent_active: records, corrections follow refers_to_seq back to their
-- record, the latest record per direction counts, a withdrawal ends it)
CREATE OR REPLACE FUNCTION sync.consent(p_dossier integer, p_direction text)
RETURNS jsonb STABLE LANGUAGE sql AS $$
    WITH RECURSIVE e AS (
        SELECT * FROM public.choice_log_entry WHERE dossier_id = p_dossier
    ), walk(start, cur, depth, done) AS (
        SELECT seq, seq, 0, false FROM e
        UNION ALL
        SELECT w.start, x.refers_to_seq, w.depth + 1,
               NOT EXISTS (SELECT 1 FROM e y WHERE y.seq = x.refers_to_seq AND y.seq < x.seq)
        FROM walk w JOIN e x ON x.seq = w.cur
        WHERE NOT w.done AND x.kind <> 'vastgelegd' AND x.refers_to_seq IS NOT NULL
    ), root AS (
        SELECT DISTINCT ON (start) start AS seq, cur AS r FROM walk ORDER BY start, depth DESC
    ), content AS (
        SELECT DISTINCT ON (root.r) root.r, e.*
        FROM root JOIN e ON e.seq = root.seq
        WHERE e.kind <> 'intrekking' AND e.seq >= root.r
          AND EXISTS (SELECT 1 FROM e rec WHERE rec.seq = root.r AND rec.kind = 'vastgelegd')
        ORDER BY root.r, e.seq DESC
    ), latest AS (
        SELECT * FROM content
        WHERE choice_type = '{ChoiceType.DATA_SHARING.value}' AND direction = p_direction
        ORDER BY r DESC LIMIT 1
    )
    SELECT jsonb_build_object(
        'seq', seq,
        'purpose', purpose,
        'categories', to_jsonb(COALESCE(string_to_array(NULLIF(categories, ''), ','),
                                        ARRAY[]::text[])))
    FROM latest
    WHERE value = ANY({_sql_list(ACTIVE_CONSENT)})
      AND NOT EXISTS (SELECT 1 FROM root w JOIN e ON e.seq = w.seq
                      WHERE w.r = latest.r AND e.kind = 'intrekking') $$;
"""


def _source_categories(org: Organisation) -> str:
    return _sql_list(c.value for c in SOURCE_CATEGORIES[org])


# the hashed columns of an access-log row (all but id and entry_hash) and how each is written
_ACCESS_HASHED = {
    "actie_id": "text",
    "actie_naam": "text",
    "handeling_naam": "text",
    "verwerking_naam": "text",
    "verwerking_id": "text",
    "verwerkingsactiviteit_id": "text",
    "vertrouwelijkheid": "text",
    "bewaartermijn": "text",
    "uitvoerder": "text",
    "systeem": "text",
    "gebruiker": "text",
    "gebruiker_rol": "text",
    "gegevensbron": "text",
    "doel": "text",
    "tijdstip": "time",
    "tijdstip_registratie": "time",
    "dossier_id": "int",
    "objecttype": "text",
    "soorten_gegevens": "text",
    "consent_seq": "int",
    "chain_seq": "int",
    "prev_hash": "text",
    "anchor_seq": "int",
    "anchor_hash": "text",
    "heads_digest": "text",
}


def _access_payload() -> str:
    """SQL: the JSON text ``choices.anchors.access_row_hash`` hashes, for row ``a``."""
    how = {
        "text": "sync.j(a.{0})",
        "time": "sync.jt(a.{0})",
        "int": "COALESCE(a.{0}::text, 'null')",
    }
    parts = [
        f"'{',' if i else ''}\"{key}\":' || " + how[kind].format(key)
        for i, (key, kind) in enumerate(sorted(_ACCESS_HASHED.items()))
    ]
    return "'{' || " + " || ".join(parts) + " || '}'"


def _report_case(kind: str) -> str:
    """SQL: the category a damage report of ``kind`` falls under (NULL: none)."""
    whens = " ".join(f"WHEN '{k}' THEN '{c.value}'" for k, c in sorted(REPORT_CATEGORY.items()))
    return f"(CASE {kind} {whens} ELSE NULL END)"


C = DocumentCategory
_ROW_TABLES = _sql_list(ROW_TABLES)
FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION sync.me() RETURNS sync.user STABLE LANGUAGE sql AS $$
    SELECT * FROM sync.user WHERE login = session_user AND NOT revoked $$;

CREATE OR REPLACE FUNCTION sync.scope_of(u sync.user) RETURNS SETOF integer
STABLE LANGUAGE sql AS $$
    SELECT id FROM public.dossier
    WHERE u.supervisor_id IS NOT NULL
      AND (img_supervisor_id = u.supervisor_id OR ncg_supervisor_id = u.supervisor_id)
    UNION
    SELECT dossier_id FROM sync.take WHERE username = u.username $$;

-- what a viewer of organisation ``viewer`` may hold of the other side's categories
CREATE OR REPLACE FUNCTION sync.allowed(p_dossier integer, viewer text) RETURNS text[]
STABLE LANGUAGE sql AS $$
    SELECT ARRAY(
        SELECT unnest(ARRAY(SELECT jsonb_array_elements_text(
            sync.consent(p_dossier, CASE viewer WHEN 'IMG' THEN 'NCG_IMG' ELSE 'IMG_NCG' END)
            -> 'categories')))
        INTERSECT
        SELECT unnest(CASE viewer WHEN 'IMG' THEN {_source_categories(Organisation.NCG)}
                                  ELSE {_source_categories(Organisation.IMG)} END)) $$;

-- the other organisation's case as the consent gate lets it through (consent.py _filter_case)
CREATE OR REPLACE FUNCTION sync.case_row(c public.org_case, viewer text, allowed text[])
RETURNS jsonb STABLE LANGUAGE sql AS $$
    SELECT CASE WHEN c.organisation = viewer THEN to_jsonb(c)
    ELSE to_jsonb(c) || jsonb_build_object(
        'status_date', CASE WHEN '{C.CASE_DETAILS.value}' = ANY(allowed) THEN c.status_date END,
        'startdatum', CASE WHEN '{C.CASE_DETAILS.value}' = ANY(allowed) THEN c.startdatum END,
        'einddatum', CASE WHEN '{C.CASE_DETAILS.value}' = ANY(allowed) THEN c.einddatum END,
        'bijzondere_situatie',
            CASE WHEN '{C.CASE_DETAILS.value}' = ANY(allowed) THEN c.bijzondere_situatie END,
        'schadebedrag', CASE WHEN '{C.DECISION.value}' = ANY(allowed) THEN c.schadebedrag END,
        'besluitdatum', CASE WHEN '{C.DECISION.value}' = ANY(allowed) THEN c.besluitdatum END,
        'advies', CASE WHEN '{C.STRENGTHENING_ADVICE.value}' = ANY(allowed) THEN c.advies END)
    END $$;

CREATE OR REPLACE FUNCTION sync.whoami() RETURNS jsonb
SECURITY DEFINER SET search_path = pg_catalog, public LANGUAGE plpgsql AS $$
DECLARE u sync.user := sync.me();
BEGIN
    IF u.username IS NULL THEN
        RAISE EXCEPTION 'buddy-desk: login % is not enrolled or was revoked', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN jsonb_build_object('username', u.username, 'organisation', u.organisation,
                              'role', u.role);
END $$;

CREATE OR REPLACE FUNCTION sync.take(ids integer[]) RETURNS integer
SECURITY DEFINER SET search_path = pg_catalog, public LANGUAGE plpgsql AS $$
DECLARE u sync.user := sync.me(); bad integer; n integer;
BEGIN
    IF u.username IS NULL THEN
        RAISE EXCEPTION 'buddy-desk: login % is not enrolled or was revoked', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT min(i) INTO bad FROM unnest(ids) i WHERE NOT EXISTS (
        SELECT 1 FROM public.org_case c WHERE c.dossier_id = i AND c.organisation = u.organisation);
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'buddy-desk: dossier % heeft geen zaak van %; meenemen kan alleen voor '
            'dossiers van de eigen organisatie', bad, u.organisation
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO sync.take SELECT u.username, i FROM unnest(ids) i ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END $$;

-- the access log is one hash chain (choices.anchors.seal_access): every row the sync
-- functions write is sealed here, under the lock on its head row, like the app's append_access
CREATE OR REPLACE FUNCTION sync.access_hash(a public.access_log_entry) RETURNS text
IMMUTABLE LANGUAGE sql AS $$
    SELECT encode(sha256(convert_to('{ACCESS_DOMAIN}' || E'\\n' || {_access_payload()}, 'UTF8')),
                  'hex') $$;

CREATE OR REPLACE FUNCTION sync.append_access(a public.access_log_entry) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    h public.access_log_head;
BEGIN
    INSERT INTO public.access_log_head (id, last_seq, last_hash, heads_digest)
    VALUES (1, 0, '{GENESIS_HASH}', '{GENESIS_HASH}') ON CONFLICT (id) DO NOTHING;
    SELECT * INTO h FROM public.access_log_head WHERE id = 1 FOR UPDATE;
    a.id := nextval(pg_get_serial_sequence('public.access_log_entry', 'id'));
    a.chain_seq := h.last_seq + 1;
    a.prev_hash := h.last_hash;
    IF a.anchor_seq IS NOT NULL AND a.anchor_hash IS NOT NULL THEN
        a.heads_digest := encode(sha256(convert_to('{HEADS_DOMAIN}' || E'\\n' || h.heads_digest
            || E'\\n' || a.dossier_id::text || E'\\n' || a.anchor_seq::text || E'\\n'
            || a.anchor_hash, 'UTF8')), 'hex');
    ELSE
        a.anchor_seq := NULL; a.anchor_hash := NULL; a.heads_digest := NULL;
    END IF;
    a.entry_hash := sync.access_hash(a);
    INSERT INTO public.access_log_entry SELECT a.*;
    UPDATE public.access_log_head SET last_seq = a.chain_seq, last_hash = a.entry_hash,
        heads_digest = COALESCE(a.heads_digest, h.heads_digest) WHERE id = 1;
END $$;

CREATE OR REPLACE FUNCTION sync.push(changes jsonb) RETURNS jsonb
SECURITY DEFINER SET search_path = pg_catalog, public SET timezone = 'UTC'
LANGUAGE plpgsql AS $$
DECLARE
    u sync.user := sync.me();
    c jsonb; p jsonb; res jsonb := '[]'::jsonb;
    done sync.applied; earlier sync.applied;
    d integer; outcome text; newv integer; ref integer; base integer;
    head public.choice_log_head; e public.choice_log_entry;
    t public.timeline_event; a public.access_log_entry;
    cur_body text; cur_version integer; has_note boolean;
BEGIN
    IF u.username IS NULL THEN
        RAISE EXCEPTION 'buddy-desk: login % is not enrolled or was revoked', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    -- lock every dossier of the batch up front, in id order: two laptops pushing for the
    -- same dossiers in another order wait for each other instead of deadlocking
    PERFORM 1 FROM public.dossier
    WHERE id IN (SELECT DISTINCT (x->>'dossier_id')::integer FROM jsonb_array_elements(changes) x)
    ORDER BY id FOR UPDATE;
    FOR c IN SELECT * FROM jsonb_array_elements(changes) LOOP
        SELECT * INTO done FROM sync.applied WHERE uuid = c->>'uuid';
        IF FOUND THEN  -- a retry after a lost answer: the first answer again, nothing applied
            res := res || jsonb_build_array(jsonb_build_object(
                'uuid', done.uuid, 'outcome', done.outcome, 'new_version', done.new_version));
            CONTINUE;
        END IF;
        d := (c->>'dossier_id')::integer;
        p := (c->>'payload')::jsonb;
        newv := 0;
        IF NOT EXISTS (SELECT 1 FROM sync.scope_of(u) s WHERE s = d) THEN
            outcome := 'refused';
            INSERT INTO sync.conflict VALUES (c->>'uuid', d, c->>'table', 'out_of_scope',
                                              p::text, c->>'author', now());
        ELSIF c->>'table' = 'choice_log_entry' AND sync.refuse_choice(u, c, d) THEN
            outcome := 'refused';  -- validate_new in SQL (sync/validate_sql.py): a conflict
        ELSIF c->>'table' = 'choice_log_entry' THEN
            -- one appender per dossier at a time (the head may not exist yet)
            PERFORM 1 FROM public.dossier WHERE id = d FOR UPDATE;
            SELECT * INTO head FROM public.choice_log_head WHERE dossier_id = d FOR UPDATE;
            ref := (p->>'refers_to_seq')::integer;
            IF c->>'base_change' IS NOT NULL THEN
                SELECT seq INTO ref FROM sync.entry WHERE uuid = c->>'base_change';
            END IF;
            e := jsonb_populate_record(NULL::public.choice_log_entry, p);
            e.id := nextval(pg_get_serial_sequence('public.choice_log_entry', 'id'));
            e.dossier_id := d;
            e.seq := COALESCE(head.last_seq, 0) + 1;
            e.refers_to_seq := ref;
            e.prev_hash := COALESCE(head.last_hash, '{GENESIS_HASH}');
            e.entry_hash := sync.entry_hash(e);
            INSERT INTO public.choice_log_entry SELECT e.*;
            IF head.dossier_id IS NULL THEN
                INSERT INTO public.choice_log_head VALUES (d, e.seq, e.entry_hash);
            ELSE
                UPDATE public.choice_log_head SET last_seq = e.seq, last_hash = e.entry_hash
                WHERE dossier_id = d;
            END IF;
            INSERT INTO sync.entry VALUES (c->>'uuid', d, e.seq);
            -- the new head's anchor in the access log, as the app's record_choice writes it
            a := NULL;
            a.actie_id := gen_random_uuid()::text; a.actie_naam := '{ANCHOR_ACTION}';
            a.handeling_naam := '{ANCHOR_HANDLING}'; a.verwerking_naam := '{PROCESSING_NAME}';
            a.verwerking_id := gen_random_uuid()::text;
            a.verwerkingsactiviteit_id := '{ACTIVITY_ID}';
            a.vertrouwelijkheid := '{CONFIDENTIALITY}'; a.bewaartermijn := '{RETENTION}';
            a.uitvoerder := COALESCE(e.recorded_by_org, '-'); a.systeem := 'Buddy Desk sync';
            a.gebruiker := e.recorded_by; a.gegevensbron := 'GUO'; a.doel := '{ANCHOR_PURPOSE}';
            a.tijdstip := now(); a.tijdstip_registratie := now(); a.dossier_id := d;
            a.objecttype := 'dossier'; a.soorten_gegevens := '{ANCHOR_DATA}'; a.consent_seq := 0;
            a.anchor_seq := e.seq; a.anchor_hash := e.entry_hash;
            PERFORM sync.append_access(a);
            outcome := 'applied';
        ELSIF c->>'table' = 'conversation_note' THEN
            PERFORM 1 FROM public.dossier WHERE id = d FOR UPDATE;
            SELECT true, body INTO has_note, cur_body
                FROM public.conversation_note WHERE dossier_id = d FOR UPDATE;
            SELECT version INTO cur_version FROM sync.field_version
                WHERE table_name = 'conversation_note' AND row_key = d::text;
            cur_version := COALESCE(cur_version, 0);
            base := (c->>'base_version')::integer;
            IF c->>'base_change' IS NOT NULL THEN
                SELECT * INTO earlier FROM sync.applied WHERE uuid = c->>'base_change';
                base := CASE WHEN FOUND AND earlier.outcome <> 'conflict'
                             THEN earlier.new_version ELSE -1 END;
            END IF;
            IF has_note AND cur_body IS NOT DISTINCT FROM p->>'body' THEN
                outcome := 'unchanged'; newv := cur_version;
            ELSIF base = cur_version THEN
                INSERT INTO public.conversation_note (dossier_id, body, updated_at, updated_by)
                VALUES (d, p->>'body', now(), p->>'updated_by')
                ON CONFLICT (dossier_id) DO UPDATE SET body = EXCLUDED.body,
                    updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by;
                outcome := 'applied'; newv := cur_version + 1;
            ELSE
                outcome := 'conflict'; newv := cur_version;
                INSERT INTO sync.conflict VALUES (c->>'uuid', d, 'conversation_note',
                    'concurrent_edit', p->>'body', c->>'author', now());
            END IF;
        ELSIF c->>'table' = 'sync_conflict' THEN  -- a buddy resolved it
            DELETE FROM sync.conflict WHERE uuid = c->>'row_key' AND dossier_id = d;
            INSERT INTO sync.change (dossier_id, table_name) VALUES (d, 'conflict');
            outcome := 'applied';
        ELSIF c->>'table' IN ('timeline_event', 'access_log_entry')
              AND sync.refuse_line(u, c, d) THEN
            outcome := 'refused';  -- in another's name (sync/validate_sql.py): a conflict
        ELSIF c->>'table' = 'timeline_event' THEN
            t := jsonb_populate_record(NULL::public.timeline_event, p);
            t.id := nextval(pg_get_serial_sequence('public.timeline_event', 'id'));
            t.dossier_id := d;
            INSERT INTO public.timeline_event SELECT t.*;
            outcome := 'applied';
        ELSIF c->>'table' = 'access_log_entry' THEN
            a := jsonb_populate_record(NULL::public.access_log_entry, p);
            a.dossier_id := d;
            a.anchor_seq := NULL; a.anchor_hash := NULL;  -- a laptop's anchors stay there
            IF NOT EXISTS (SELECT 1 FROM public.access_log_entry x WHERE x.actie_id = a.actie_id)
            THEN
                PERFORM sync.append_access(a);
            END IF;
            outcome := 'applied';
        ELSIF c->>'table' = ANY({_ROW_TABLES}) THEN  -- signals, requests, pairs, bookings
            p := sync.push_row(u, c);
            outcome := p->>'outcome'; newv := COALESCE((p->>'new_version')::integer, 0);
        ELSE
            RAISE EXCEPTION 'buddy-desk: table % is not synced', c->>'table';
        END IF;
        IF outcome <> 'applied' THEN  -- laptops holding the dossier pull the conflict
            INSERT INTO sync.change (dossier_id, table_name) VALUES (d, 'conflict');
        END IF;
        INSERT INTO sync.applied VALUES (c->>'uuid', u.username, outcome, newv, now());
        res := res || jsonb_build_array(jsonb_build_object(
            'uuid', c->>'uuid', 'outcome', outcome, 'new_version', newv));
    END LOOP;
    RETURN res;
END $$;

CREATE OR REPLACE FUNCTION sync.pull(after text, held integer[]) RETURNS jsonb
SECURITY DEFINER SET search_path = pg_catalog, public SET timezone = 'UTC'
LANGUAGE plpgsql AS $$
DECLARE
    u sync.user := sync.me();
    watermark xid8 := pg_snapshot_xmin(pg_current_snapshot());
    scope integer[]; send integer[]; out jsonb := '[]'::jsonb;
    d integer; allowed text[]; consent jsonb; other text; details boolean; other_cases integer;
BEGIN
    IF u.username IS NULL THEN
        RAISE EXCEPTION 'buddy-desk: login % is not enrolled or was revoked', session_user
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    other := CASE u.organisation WHEN 'IMG' THEN 'NCG' ELSE 'IMG' END;
    scope := ARRAY(SELECT s FROM sync.scope_of(u) s ORDER BY 1);
    IF after IS NULL THEN
        send := scope;
    ELSE
        send := ARRAY(
            (SELECT dossier_id FROM sync.change
             WHERE xid >= after::xid8 AND xid < watermark AND dossier_id = ANY(scope)
             UNION (SELECT unnest(scope) EXCEPT SELECT unnest(held))) ORDER BY 1);
    END IF;
    FOREACH d IN ARRAY send LOOP
        allowed := sync.allowed(d, u.organisation);
        details := '{C.CASE_DETAILS.value}' = ANY(allowed);
        out := out || jsonb_build_array(jsonb_build_object(
            'id', d,
            'dossier', (SELECT to_jsonb(x) FROM public.dossier x WHERE x.id = d),
            'address', (SELECT to_jsonb(a) FROM public.address a
                        JOIN public.dossier x ON x.address_id = a.id WHERE x.id = d),
            'person', COALESCE((SELECT jsonb_agg(to_jsonb(pe) ORDER BY pe.id)
                FROM public.person pe JOIN public.dossier_resident r ON r.person_id = pe.id
                WHERE r.dossier_id = d), '[]'::jsonb),
            'dossier_resident', COALESCE((SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id)
                FROM public.dossier_resident r WHERE r.dossier_id = d), '[]'::jsonb),
            'dossier_flag', COALESCE((SELECT jsonb_agg(to_jsonb(f) ORDER BY f.id)
                FROM public.dossier_flag f WHERE f.dossier_id = d), '[]'::jsonb),
            'org_case', COALESCE((SELECT jsonb_agg(sync.case_row(c, u.organisation, allowed)
                ORDER BY c.id) FROM public.org_case c WHERE c.dossier_id = d), '[]'::jsonb),
            'case_status', COALESCE((SELECT jsonb_agg(to_jsonb(s) ORDER BY s.id)
                FROM public.case_status s JOIN public.org_case c ON c.id = s.case_id
                WHERE c.dossier_id = d AND (c.organisation = u.organisation OR details)),
                '[]'::jsonb),
            'damage_report', COALESCE((SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id)
                FROM public.damage_report r JOIN public.org_case c ON c.id = r.case_id
                WHERE c.dossier_id = d AND (c.organisation = u.organisation
                      OR {_report_case("r.kind")} = ANY(allowed))), '[]'::jsonb),
            'timeline_event', COALESCE((SELECT jsonb_agg(to_jsonb(t) ORDER BY t.id)
                FROM public.timeline_event t WHERE t.dossier_id = d
                AND (t.organisation IS NULL OR t.organisation = u.organisation OR details)),
                '[]'::jsonb),
            'conversation_note', (SELECT to_jsonb(n) FROM public.conversation_note n
                WHERE n.dossier_id = d),
            'note_version', (SELECT version FROM sync.field_version
                WHERE table_name = 'conversation_note' AND row_key = d::text),
            'choice_log_entry', COALESCE((SELECT jsonb_agg(to_jsonb(e) ORDER BY e.seq)
                FROM public.choice_log_entry e WHERE e.dossier_id = d), '[]'::jsonb),
            'choice_log_head', (SELECT to_jsonb(h) FROM public.choice_log_head h
                WHERE h.dossier_id = d)) || sync.pull_rows(d, u.organisation, allowed));
        -- the other organisation's details went to a laptop: that is a processing to log
        SELECT count(*) INTO other_cases FROM public.org_case
            WHERE dossier_id = d AND organisation = other;
        IF other_cases > 0 AND cardinality(allowed) > 0 THEN
            consent := sync.consent(d, CASE u.organisation WHEN 'IMG' THEN 'NCG_IMG'
                                                         ELSE 'IMG_NCG' END);
            PERFORM sync.append_access(jsonb_populate_record(NULL::public.access_log_entry,
                jsonb_build_object('actie_id', gen_random_uuid()::text,
                'actie_naam', '{VIEW.action}', 'handeling_naam', '{HANDLING_PULL}',
                'verwerking_naam', '{PROCESSING_NAME}', 'verwerking_id', gen_random_uuid()::text,
                'verwerkingsactiviteit_id', '{ACTIVITY_ID}', 'vertrouwelijkheid',
                '{CONFIDENTIALITY}', 'bewaartermijn', '{RETENTION}', 'uitvoerder', u.organisation,
                'systeem', 'Buddy Desk sync', 'gebruiker', u.username, 'gebruiker_rol', u.role,
                'gegevensbron', other, 'doel', left(COALESCE(consent->>'purpose', ''), 200),
                'tijdstip', now(), 'tijdstip_registratie', now(), 'dossier_id', d,
                'objecttype', 'dossier', 'soorten_gegevens', array_to_string(allowed, ','),
                'consent_seq', (consent->>'seq')::integer)));
        END IF;
    END LOOP;
    INSERT INTO sync.pull_log (username, dossier_ids, removed)
    VALUES (u.username, send, ARRAY(SELECT unnest(held) EXCEPT SELECT unnest(scope)));
    RETURN jsonb_build_object(
        'watermark', watermark::text,
        'scope', to_jsonb(scope),
        'dossiers', out,
        'supervisor', COALESCE((SELECT jsonb_agg(to_jsonb(s) ORDER BY s.id)
            FROM public.supervisor s), '[]'::jsonb),
        'reference', sync.reference(),
        'conflicts', COALESCE((SELECT jsonb_agg(to_jsonb(k) ORDER BY k.created_at, k.uuid)
            FROM sync.conflict k WHERE k.dossier_id = ANY(scope)), '[]'::jsonb));
END $$;
"""


def triggers() -> list[str]:
    """The change-log triggers on the app's tables (re-created on every ``server init``)."""
    statements = []
    for table, how in _DOSSIER_OF.items():
        statements.append(f"DROP TRIGGER IF EXISTS trg_sync_change ON public.{table}")
        statements.append(
            f"CREATE TRIGGER trg_sync_change AFTER INSERT OR UPDATE OR DELETE ON public.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION sync.log_change('{how}')"
        )
    return statements


def roles() -> list[str]:
    """Group roles per function; laptops may only call the sync functions."""
    statements = []
    for role in ROLES:
        name = group_role(role)
        statements.append(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{name}') "
            f"THEN CREATE ROLE {name} NOLOGIN; END IF; END $$"
        )
    everyone = ", ".join(group_role(r) for r in ROLES)
    functions = ", ".join(f"sync.{f}" for f in LAPTOP_FUNCTIONS)
    statements += [
        "REVOKE ALL ON ALL FUNCTIONS IN SCHEMA sync FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA sync TO {everyone}",
        f"GRANT EXECUTE ON FUNCTION {functions} TO {group_role('buddy')}",
        # planners and coordinators work on the server with the app itself
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
        f"TO {group_role('planner')}, {group_role('coordinator')}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public "
        f"TO {group_role('planner')}, {group_role('coordinator')}",
        f"GRANT SELECT ON public.access_log_entry, public.dossier, public.dossier_resident, "
        f"public.person, public.address, sync.pull_log TO {group_role('privacy_officer')}",
    ]
    return statements
