"""Sync of signals, information requests, the buddy pair and planning bookings: the SQL.

Both sides of the wire, kept apart from ``server_sql``/``laptop_sql`` so the choice-log and
notes machinery stays readable:

- **laptop** (``laptop_triggers``): SQLite triggers that queue, in the same transaction as
  the write, a new signal / information request / pair-history line / booking (``<table>``,
  keyed by the row's UUID or the booking's ``uid``) and every edit of a synced field
  (``<table>_field``, keyed ``<uuid>:<field>``, with the base version last pulled — the same
  folding as the notes: typing on before the push folds into the unsent entry, after it a new
  entry names the unanswered one as its ``base_change``).
- **server** (``SERVER``, ``server_triggers``): a version per synced field
  (``sync.field_version``, bumped by a trigger whenever anyone — laptop, coordinator, rule —
  changes the field), ``sync.push_row`` deciding each pushed row change (per field with base
  versions, ``rules.decide_field``; a booking refused when its slot was taken meanwhile,
  ``rules.decide_booking``), ``sync.pull_rows`` giving a dossier's rows as the laptop's user
  may hold them (the consent gate: a rule's signal text or an answer that carries the other
  organisation's case details travels only when the consent covers them) and
  ``sync.reference`` (experts and their calendars).
"""

from __future__ import annotations

import textwrap

from buddy_desk.choices.rules import DocumentCategory
from buddy_desk.core.inspection import AppointmentState, InspectionForm
from buddy_desk.core.phases import Organisation
from buddy_desk.pairs.rules import COORDINATOR_ROLE, PairChangeKind
from buddy_desk.signals.rules import RULE_SOURCES, RequestKind
from buddy_desk.signals.service import RequestOutcome, answer_carries_case_data

# the fields merged one by one; anything else of a row is fixed once it exists
FIELDS: dict[str, tuple[str, ...]] = {
    "signal": (
        "title",
        "detail",
        "owner_id",
        "due",
        "state",
        "outcome",
        "closed_at",
        "closed_by",
    ),
    "information_request": ("question", "answer", "answered_at", "answered_by", "outcome"),
    "dossier_pair": ("img_supervisor_id", "ncg_supervisor_id"),
    # the resident's wishes and the buddy's reason for the joint-inspection queue; one row
    # per dossier, so the dossier names it to both sides
    "planning_preference": (
        "weekdays",
        "day_parts",
        "max_people",
        "form",
        "no_joint_reason",
        "queue_reason",
    ),
}
# the app's table behind each field group, and the column that names a row to both sides
_TABLE = {
    "signal": "signal",
    "information_request": "information_request",
    "dossier_pair": "dossier",
    "planning_preference": "planning_preference",
}
_KEY = {
    "signal": "uuid",
    "information_request": "uuid",
    "dossier_pair": "id",
    "planning_preference": "dossier_id",
}

_SIGNAL_COLUMNS = (
    "uuid",
    "rule",
    "ref",
    "title",
    "detail",
    "organisation",
    "owner_id",
    "due",
    "state",
    "outcome",
    "created_at",
    "created_by",
    "closed_at",
    "closed_by",
)
_REQUEST_COLUMNS = (
    "uuid",
    "kind",
    "from_organisation",
    "question",
    "asked_at",
    "asked_by",
    "answer",
    "answered_at",
    "answered_by",
    "outcome",
)
_PAIR_COLUMNS = (
    "kind",
    "img_before_id",
    "ncg_before_id",
    "img_after_id",
    "ncg_after_id",
    "reason",
    "changed_at",
    "changed_by",
    "changed_by_name",
)
# an observation is never edited: (dossier, kind, ref) names it on both sides (a hand-made
# ref carries its moment and a random part, an imported one the export key)
_OBSERVATION_COLUMNS = ("kind", "ref", "organisation", "datum", "bedrag", "note", "created_by")
_PREFERENCE_COLUMNS = ("dossier_id", *FIELDS["planning_preference"], "updated_by")
_APPOINTMENT_COLUMNS = ("form", "state", "uid", "start_at", "end_at", "created_at", "created_by")

# the outbox's table names for these changes (service._push sends them as they are)
ROW_TABLES = (
    "signal",
    "information_request",
    "pair_change",
    "observation",
    "planning_preference",
    "inspection_appointment",
    "inspection_appointment_change",
    *(f"{group}_field" for group in FIELDS),
)

# --- the laptop ------------------------------------------------------------------------------

_ACTIVE = "(SELECT applying FROM sync_state WHERE id = 1) = 0"
_UUID = "lower(hex(randomblob(16)))"
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"
_ME = "(SELECT username FROM sync_state WHERE id = 1)"
_INSERT = (
    "INSERT INTO sync_outbox (uuid, table_name, row_key, dossier_id, payload, base_version, "
    "base_change, author, created_at, sent) "
)


def _json(columns: tuple[str, ...]) -> str:
    return "json_object(" + ", ".join(f"'{c}', NEW.{c}" for c in columns) + ")"


def _field_trigger(group: str, field: str) -> str:
    table, key_column = _TABLE[group], _KEY[group]
    dossier = "NEW.id" if group == "dossier_pair" else "NEW.dossier_id"
    key = f"NEW.{key_column} || ':{field}'"
    same = f"table_name = '{group}_field' AND row_key = {key}"
    payload = f"json_object('value', NEW.{field})"
    body = (
        f"UPDATE sync_outbox SET payload = {payload}, author = {_ME} WHERE {same} AND sent = 0; "
        f"{_INSERT} SELECT {_UUID}, '{group}_field', {key}, {dossier}, {payload}, "
        f"COALESCE((SELECT version FROM sync_version WHERE table_name = '{group}' "
        f"AND row_key = {key}), 0), "
        f"(SELECT uuid FROM sync_outbox WHERE {same} AND sent = 1 AND outcome IS NULL "
        "ORDER BY id DESC LIMIT 1), "
        f"{_ME}, {_NOW}, 0 WHERE NOT EXISTS (SELECT 1 FROM sync_outbox WHERE {same} AND sent = 0);"
    )
    return (
        f"CREATE TRIGGER IF NOT EXISTS trg_sync_rows_{group}_{field} AFTER UPDATE OF {field} "
        f"ON {table} WHEN {_ACTIVE} AND NEW.{field} IS NOT OLD.{field} BEGIN {body} END"
    )


def _insert_trigger(table: str, key: str, payload: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS trg_sync_rows_{table} AFTER INSERT ON {table} "
        f"WHEN {_ACTIVE} BEGIN {_INSERT} VALUES ({_UUID}, '{table}', {key}, NEW.dossier_id, "
        f"{payload}, NULL, NULL, {_ME}, {_NOW}, 0); END"
    )


def laptop_triggers() -> list[str]:
    visits = (
        "json((SELECT json_group_array(json_object('expert_id', v.expert_id, 'kind', v.kind, "
        "'start_at', v.start_at, 'end_at', v.end_at)) FROM appointment_visit v "
        "WHERE v.appointment_id = NEW.appointment_id))"
    )
    return [
        _insert_trigger("signal", "NEW.uuid", _json(_SIGNAL_COLUMNS)),
        _insert_trigger("information_request", "NEW.uuid", _json(_REQUEST_COLUMNS)),
        _insert_trigger("pair_change", _UUID, _json(_PAIR_COLUMNS)),
        _insert_trigger("observation", "NEW.kind || ':' || NEW.ref", _json(_OBSERVATION_COLUMNS)),
        _insert_trigger(
            "planning_preference", "CAST(NEW.dossier_id AS TEXT)", _json(_PREFERENCE_COLUMNS)
        ),
        _insert_trigger(
            "inspection_appointment",
            "NEW.uid",
            f"json_set({_json(_APPOINTMENT_COLUMNS)}, '$.visits', json('[]'))",
        ),
        # a booking's visits are written after it: they complete its unsent outbox entry
        "CREATE TRIGGER IF NOT EXISTS trg_sync_rows_appointment_visit AFTER INSERT ON "
        f"appointment_visit WHEN {_ACTIVE} BEGIN UPDATE sync_outbox SET payload = "
        f"json_set(payload, '$.visits', {visits}) WHERE table_name = 'inspection_appointment' "
        "AND row_key = (SELECT uid FROM inspection_appointment WHERE id = NEW.appointment_id) "
        "AND sent = 0; END",
        # a move or cancellation (the sequence goes up, RFC 5545): its content is read at
        # push time (rows.fold_booking_events), when the visits and history lines are written
        "CREATE TRIGGER IF NOT EXISTS trg_sync_rows_appointment_change AFTER UPDATE OF sequence "
        f"ON inspection_appointment WHEN {_ACTIVE} AND NEW.sequence > OLD.sequence BEGIN "
        f"{_INSERT} VALUES ({_UUID}, 'inspection_appointment_change', NEW.uid, NEW.dossier_id, "
        f"json_object('uid', NEW.uid), OLD.sequence, NULL, {_ME}, {_NOW}, 0); END",
        *(_field_trigger(group, field) for group, fields in FIELDS.items() for field in fields),
    ]


# --- the server ------------------------------------------------------------------------------


def _sql_text_list(values: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in sorted(values)) + "]::text[]"


def _rules_showing(org: Organisation) -> str:
    """SQL: the rules whose texts carry ``org``'s case details (signals.rules.RULE_SOURCES)."""
    return _sql_text_list([rule.value for rule, sources in RULE_SOURCES.items() if org in sources])


_CASE_DATA_KINDS = _sql_text_list([k.value for k in RequestKind if answer_carries_case_data(k)])
_DETAILS = DocumentCategory.CASE_DETAILS.value

_UNCHANGED = "RETURN jsonb_build_object('outcome', 'unchanged');"


def _indented(sql: str, indent: int) -> str:
    """``sql`` for a place ``indent`` spaces in (its first line is put there by the caller)."""
    return ("\n" + " " * indent).join(sql.splitlines())


def _insert_pushed(table: str, var: str, *also: str, indent: int = 8) -> str:
    """PL/pgSQL: the pushed row ``p`` inserted into ``table`` under a new id, in dossier ``d``.

    ``var`` is a variable of the table's row type; ``also`` are further assignments to it,
    made before the insert (``"updated_at := now()"``).
    """
    lines = (
        f"{var} := jsonb_populate_record(NULL::public.{table}, p);",
        f"{var}.id := nextval(pg_get_serial_sequence('public.{table}', 'id'));",
        " ".join(f"{var}.{assignment};" for assignment in ("dossier_id := d", *also)),
        f"INSERT INTO public.{table} SELECT {var}.*;",
    )
    return _indented("\n".join(lines), indent)


def _insert_once(table: str, var: str, *, by_uuid: bool = True, unless: str = "") -> str:
    """PL/pgSQL: a push_row branch adding the pushed row once. With ``by_uuid``, a row the
    server holds under its uuid (a replayed push) is unchanged; the check ``unless`` may
    return before the insert too."""
    known = (
        f"IF EXISTS (SELECT 1 FROM public.{table} WHERE uuid = p->>'uuid') THEN\n"
        f"    {_UNCHANGED}\nEND IF;"
        if by_uuid
        else ""
    )
    body = (known, textwrap.dedent(unless).strip(), _insert_pushed(table, var, indent=0))
    applied = "RETURN jsonb_build_object('outcome', 'applied');"
    return _indented("\n".join([*filter(None, body), applied]), 8)


# the rules ran on both sides: one signal (the laptop's uuid becomes an alias of the server's)
_SAME_RULE_SIGNAL = f"""
    IF p->>'rule' IS NOT NULL THEN
        SELECT uuid INTO target FROM public.signal
        WHERE dossier_id = d AND rule = p->>'rule' AND ref IS NOT DISTINCT FROM p->>'ref';
        IF FOUND THEN
            INSERT INTO sync.row_alias VALUES (p->>'uuid', target) ON CONFLICT DO NOTHING;
            {_UNCHANGED}
        END IF;
    END IF;
"""
# a (re)coupling's history line stands only when the pair is now what it says: its field
# edits (pushed just before it) were applied; otherwise they are listed conflicts
_PAIR_NOT_AS_SAID = f"""
    IF p->>'kind' <> '{PairChangeKind.PROPOSED.value}' AND NOT EXISTS (
            SELECT 1 FROM public.dossier x WHERE x.id = d
            AND x.img_supervisor_id IS NOT DISTINCT FROM (p->>'img_after_id')::integer
            AND x.ncg_supervisor_id IS NOT DISTINCT FROM (p->>'ncg_after_id')::integer) THEN
        {_UNCHANGED}
    END IF;
"""

SERVER = f"""
ALTER TABLE sync.conflict ADD COLUMN IF NOT EXISTS detail text;
-- a rule's signal made on a laptop that the server had made meanwhile: the server's row
CREATE TABLE IF NOT EXISTS sync.row_alias (uuid text PRIMARY KEY, server_uuid text NOT NULL);

-- a version per synced field, bumped whoever changes it (laptop, coordinator, rule)
CREATE OR REPLACE FUNCTION sync.bump_fields() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    o jsonb := to_jsonb(OLD); n jsonb := to_jsonb(NEW); f text;
    grp text := CASE TG_TABLE_NAME WHEN 'dossier' THEN 'dossier_pair' ELSE TG_TABLE_NAME END;
    k text := CASE TG_TABLE_NAME WHEN 'dossier' THEN n->>'id'
                                 WHEN 'planning_preference' THEN n->>'dossier_id'
                                 ELSE n->>'uuid' END;
BEGIN
    FOREACH f IN ARRAY TG_ARGV LOOP
        IF o->f IS DISTINCT FROM n->f THEN
            INSERT INTO sync.field_version AS v VALUES (grp, k || ':' || f, 1)
            ON CONFLICT (table_name, row_key) DO UPDATE SET version = v.version + 1;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- why a booking cannot be had: the slot's expert is booked then, or the dossier has an
-- overlapping (or, for a joint form, any active joint) booking; NULL when it is free
CREATE OR REPLACE FUNCTION sync.booking_clash(d integer, p jsonb) RETURNS jsonb
STABLE LANGUAGE sql AS $$
    SELECT x FROM (
        SELECT jsonb_build_object('kind', 'expert', 'expert_id', v.expert_id,
                                  'start_at', v.start_at, 'end_at', v.end_at) AS x
        FROM public.appointment_visit v
        JOIN public.inspection_appointment a ON a.id = v.appointment_id
        JOIN jsonb_to_recordset(COALESCE(p->'visits', '[]'::jsonb))
             AS n(expert_id integer, start_at timestamptz, end_at timestamptz)
          ON n.expert_id = v.expert_id AND v.start_at < n.end_at AND v.end_at > n.start_at
        WHERE a.state = '{AppointmentState.BOOKED.value}' AND a.uid <> p->>'uid'
        UNION ALL
        SELECT jsonb_build_object('kind', 'dossier', 'start_at', a.start_at, 'end_at', a.end_at)
        FROM public.inspection_appointment a
        WHERE a.dossier_id = d AND a.state = '{AppointmentState.BOOKED.value}'
          AND a.uid <> p->>'uid'
          AND ((a.start_at < (p->>'end_at')::timestamptz
                AND a.end_at > (p->>'start_at')::timestamptz)
               OR (a.form <> '{InspectionForm.SEPARATE.value}'
                   AND p->>'form' <> '{InspectionForm.SEPARATE.value}'))
    ) clashes LIMIT 1 $$;

-- one pushed change of a signal, information request, pair or booking (called by sync.push)
CREATE OR REPLACE FUNCTION sync.push_row(u sync.user, c jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    d integer := (c->>'dossier_id')::integer;
    p jsonb := (c->>'payload')::jsonb;
    tbl text := c->>'table';
    grp text; tname text; kcol text; target text; field text; cur jsonb; found_row boolean;
    cur_version integer; base integer; earlier sync.applied; clash jsonb;
    s public.signal; r public.information_request; pc public.pair_change;
    ap public.inspection_appointment; ev jsonb; pp public.planning_preference;
    one jsonb; outcomes text[] := ARRAY[]::text[];
BEGIN
    IF tbl = 'signal' THEN
        {_insert_once("signal", "s", unless=_SAME_RULE_SIGNAL)}
    ELSIF tbl = 'information_request' THEN
        {_insert_once("information_request", "r")}
    ELSIF tbl = 'pair_change' THEN
        {_insert_once("pair_change", "pc", by_uuid=False, unless=_PAIR_NOT_AS_SAID)}
    ELSIF tbl = 'observation' THEN
        INSERT INTO public.observation (dossier_id, kind, ref, organisation, datum, bedrag,
                                        note, created_by)
        VALUES (d, p->>'kind', p->>'ref', p->>'organisation', (p->>'datum')::date,
                (p->>'bedrag')::numeric, p->>'note', p->>'created_by')
        ON CONFLICT ON CONSTRAINT uq_observation_ref DO NOTHING;
        RETURN jsonb_build_object('outcome', CASE WHEN FOUND THEN 'applied'
                                                  ELSE 'unchanged' END);
    ELSIF tbl = 'planning_preference' THEN
        IF NOT EXISTS (SELECT 1 FROM public.planning_preference WHERE dossier_id = d) THEN
            {_insert_pushed("planning_preference", "pp", "updated_at := now()", indent=12)}
            -- the laptop's own row: its fields are at the laptop's base version (0)
            DELETE FROM sync.field_version
            WHERE table_name = 'planning_preference' AND row_key LIKE d::text || ':%';
            RETURN jsonb_build_object('outcome', 'applied');
        END IF;
        -- made on the server (or another laptop) meanwhile: each field is an edit made on
        -- version 0, so a field both sides filled in differently is a listed conflict
        FOREACH field IN ARRAY {_sql_text_list(list(FIELDS["planning_preference"]))} LOOP
            one := sync.push_row(u, jsonb_build_object(
                'uuid', md5((c->>'uuid') || ':' || field), 'table', 'planning_preference_field',
                'row_key', d::text || ':' || field, 'dossier_id', d,
                'payload', jsonb_build_object('value', p->field)::text, 'base_version', 0,
                'base_change', NULL, 'author', c->>'author'));
            outcomes := outcomes || (one->>'outcome');
        END LOOP;
        RETURN jsonb_build_object('outcome', CASE
            WHEN 'conflict' = ANY(outcomes) THEN 'conflict'
            WHEN 'applied' = ANY(outcomes) THEN 'applied' ELSE 'unchanged' END);
    ELSIF tbl IN ('inspection_appointment', 'inspection_appointment_change') THEN
        SELECT * INTO ap FROM public.inspection_appointment WHERE uid = p->>'uid' FOR UPDATE;
        IF tbl = 'inspection_appointment' AND FOUND THEN
            RETURN jsonb_build_object('outcome', 'unchanged');
        END IF;
        IF tbl = 'inspection_appointment_change'
           AND (NOT FOUND OR ap.dossier_id <> d
                OR ap.sequence <> (c->>'base_version')::integer) THEN
            -- moved or cancelled on the server meanwhile (or gone): kept for the planner
            INSERT INTO sync.conflict (uuid, dossier_id, table_name, reason, mine, author,
                                       created_at, detail)
            VALUES (c->>'uuid', d, tbl, 'concurrent_edit',
                    (p - 'events' - 'signal_fields')::text, c->>'author', now(), NULL);
            RETURN jsonb_build_object('outcome', 'conflict');
        END IF;
        IF p->>'state' = '{AppointmentState.BOOKED.value}' THEN
            -- one booking at a time per expert: lock the experts of the slot in id order
            PERFORM 1 FROM public.inspection_expert
            WHERE id IN (SELECT (x->>'expert_id')::integer
                         FROM jsonb_array_elements(COALESCE(p->'visits', '[]'::jsonb)) x)
            ORDER BY id FOR UPDATE;
            clash := sync.booking_clash(d, p);
            IF clash IS NOT NULL THEN  -- refused; the laptop lists it with alternatives
                INSERT INTO sync.conflict (uuid, dossier_id, table_name, reason, mine, author,
                                           created_at, detail)
                VALUES (c->>'uuid', d, tbl, 'slot_taken', (p - 'events' - 'signal_fields')::text,
                        c->>'author', now(), jsonb_build_object('clash', clash)::text);
                RETURN jsonb_build_object('outcome', 'refused');
            END IF;
        END IF;
        IF tbl = 'inspection_appointment' THEN
            {
    _insert_pushed(
        "inspection_appointment",
        "ap",
        "sequence := COALESCE(ap.sequence, 0)",
        "updated_at := now()",
        indent=12,
    )
}
        ELSE
            UPDATE public.inspection_appointment x SET state = p->>'state',
                start_at = (p->>'start_at')::timestamptz, end_at = (p->>'end_at')::timestamptz,
                cancel_reason = p->>'cancel_reason', sequence = (p->>'sequence')::integer,
                updated_at = now()
            WHERE x.id = ap.id;
            DELETE FROM public.appointment_visit WHERE appointment_id = ap.id;
        END IF;
        INSERT INTO public.appointment_visit (appointment_id, expert_id, kind, start_at, end_at)
        SELECT ap.id, n.expert_id, n.kind, n.start_at, n.end_at
        FROM jsonb_to_recordset(COALESCE(p->'visits', '[]'::jsonb))
             AS n(expert_id integer, kind text, start_at timestamptz, end_at timestamptz);
        -- the history lines made on the laptop (booked, moved, cancelled) since the base
        FOR ev IN SELECT * FROM jsonb_array_elements(COALESCE(p->'changes', '[]'::jsonb)) LOOP
            INSERT INTO public.appointment_change SELECT (jsonb_populate_record(
                NULL::public.appointment_change, ev || jsonb_build_object(
                    'id', nextval(pg_get_serial_sequence('public.appointment_change', 'id')),
                    'appointment_id', ap.id))).*;
        END LOOP;
        -- the joint-inspection signal a booking closed, and the planning lines of the
        -- dossier's timeline made with it, go with the booking
        FOR ev IN SELECT * FROM jsonb_array_elements(COALESCE(p->'signal_fields', '[]'::jsonb))
        LOOP
            IF sync.push_row(u, ev)->>'outcome' = 'conflict' THEN
                INSERT INTO sync.change (dossier_id, table_name) VALUES (d, 'conflict');
            END IF;
        END LOOP;
        FOR ev IN SELECT * FROM jsonb_array_elements(COALESCE(p->'events', '[]'::jsonb)) LOOP
            INSERT INTO public.timeline_event SELECT (jsonb_populate_record(
                NULL::public.timeline_event, ev || jsonb_build_object(
                    'id', nextval(pg_get_serial_sequence('public.timeline_event', 'id')),
                    'dossier_id', d))).*;
        END LOOP;
        RETURN jsonb_build_object('outcome', 'applied');
    END IF;

    -- an edit of one field, made on a base version
    grp := left(tbl, length(tbl) - length('_field'));
    IF grp NOT IN ('signal', 'information_request', 'dossier_pair', 'planning_preference') THEN
        RAISE EXCEPTION 'buddy-desk: table % is not synced', tbl;
    END IF;
    tname := CASE grp WHEN 'dossier_pair' THEN 'dossier' ELSE grp END;
    kcol := CASE grp WHEN 'dossier_pair' THEN 'id' WHEN 'planning_preference' THEN 'dossier_id'
                     ELSE 'uuid' END;
    target := split_part(c->>'row_key', ':', 1);
    field := split_part(c->>'row_key', ':', 2);
    IF NOT field = ANY(CASE grp
            WHEN 'signal' THEN {_sql_text_list(list(FIELDS["signal"]))}
            WHEN 'information_request' THEN {_sql_text_list(list(FIELDS["information_request"]))}
            WHEN 'planning_preference' THEN {_sql_text_list(list(FIELDS["planning_preference"]))}
            ELSE {_sql_text_list(list(FIELDS["dossier_pair"]))} END) THEN
        RAISE EXCEPTION 'buddy-desk: field % of % is not synced', field, grp;
    END IF;
    IF grp = 'dossier_pair' AND NOT EXISTS (
            SELECT 1 FROM public.supervisor
            WHERE username = u.username AND role = '{COORDINATOR_ROLE}' AND active) THEN
        -- only a coordinator couples buddy pairs (pairs.rules.may_couple), also offline
        INSERT INTO sync.conflict (uuid, dossier_id, table_name, reason, mine, author,
                                   created_at, detail)
        VALUES (c->>'uuid', d, tbl, 'not_allowed', p->>'value', c->>'author', now(),
                jsonb_build_object('field', field)::text);
        RETURN jsonb_build_object('outcome', 'refused');
    END IF;
    SELECT a.server_uuid INTO target FROM sync.row_alias a WHERE a.uuid = target
    UNION ALL SELECT target LIMIT 1;
    EXECUTE format('SELECT true, to_jsonb(x) -> %L FROM public.%I x WHERE x.%I::text = $1 '
                   'AND x.%I = $2 FOR UPDATE', field, tname, kcol,
                   CASE grp WHEN 'dossier_pair' THEN 'id' ELSE 'dossier_id' END)
        INTO found_row, cur USING target, d;
    IF found_row IS NULL THEN  -- gone on the server meanwhile: kept, never dropped
        INSERT INTO sync.conflict (uuid, dossier_id, table_name, reason, mine, author,
                                   created_at, detail)
        VALUES (c->>'uuid', d, tbl, 'concurrent_edit', p->>'value', c->>'author', now(),
                jsonb_build_object('field', field, 'row', target, 'gone', true)::text);
        RETURN jsonb_build_object('outcome', 'conflict');
    END IF;
    SELECT version INTO cur_version FROM sync.field_version
        WHERE table_name = grp AND row_key = target || ':' || field;
    cur_version := COALESCE(cur_version, 0);
    base := (c->>'base_version')::integer;
    IF c->>'base_change' IS NOT NULL THEN
        SELECT * INTO earlier FROM sync.applied WHERE uuid = c->>'base_change';
        base := CASE WHEN FOUND AND earlier.outcome NOT IN ('conflict', 'refused')
                     THEN earlier.new_version ELSE -1 END;
    END IF;
    IF cur IS NOT DISTINCT FROM (p->'value') THEN
        RETURN jsonb_build_object('outcome', 'unchanged', 'new_version', cur_version);
    ELSIF base = cur_version THEN
        -- jsonb_populate_record casts the laptop's value to the column's type
        EXECUTE format('UPDATE public.%I x SET %I = (jsonb_populate_record(NULL::public.%I, '
                       'jsonb_build_object(%L, $1))).%I WHERE x.%I::text = $2',
                       tname, field, tname, field, field, kcol)
            USING p->'value', target;
        RETURN jsonb_build_object('outcome', 'applied', 'new_version', cur_version + 1);
    END IF;
    INSERT INTO sync.conflict (uuid, dossier_id, table_name, reason, mine, author, created_at,
                               detail)
    VALUES (c->>'uuid', d, tbl, 'concurrent_edit', p->>'value', c->>'author', now(),
            jsonb_build_object('field', field, 'row', target, 'theirs', cur)::text);
    RETURN jsonb_build_object('outcome', 'conflict', 'new_version', cur_version);
END $$;

-- a dossier's signals, requests, pair history and bookings as ``viewer`` may hold them
CREATE OR REPLACE FUNCTION sync.pull_rows(d integer, viewer text, allowed text[]) RETURNS jsonb
STABLE LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'signal', COALESCE((SELECT jsonb_agg(CASE
            WHEN s.rule = ANY(CASE viewer WHEN 'IMG' THEN {_rules_showing(Organisation.NCG)}
                                          ELSE {_rules_showing(Organisation.IMG)} END)
                 AND NOT '{_DETAILS}' = ANY(allowed)
            -- the text carries the other side's case details: the laptop's gate writes the
            -- masked text from the rule (signals.service.gate_signal)
            THEN to_jsonb(s) || jsonb_build_object('title', '', 'detail', NULL)
            ELSE to_jsonb(s) END ORDER BY s.id)
            FROM public.signal s WHERE s.dossier_id = d), '[]'::jsonb),
        'information_request', COALESCE((SELECT jsonb_agg(CASE
            WHEN r.from_organisation = viewer AND r.answer IS NOT NULL
                 AND r.kind = ANY({_CASE_DATA_KINDS})
                 AND r.outcome IS DISTINCT FROM '{RequestOutcome.NO_CONSENT.value}'
                 AND NOT '{_DETAILS}' = ANY(allowed)
            -- an answer with case data the consent no longer lets through (signals._shown)
            THEN to_jsonb(r) || jsonb_build_object('answer', '')
            ELSE to_jsonb(r) END ORDER BY r.id)
            FROM public.information_request r WHERE r.dossier_id = d), '[]'::jsonb),
        'pair_change', COALESCE((SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id)
            FROM public.pair_change c WHERE c.dossier_id = d), '[]'::jsonb),
        -- what one organisation saw: to the other only when the consent covers case details
        'observation', COALESCE((SELECT jsonb_agg(to_jsonb(o) ORDER BY o.id)
            FROM public.observation o WHERE o.dossier_id = d
            AND (o.organisation = viewer OR '{_DETAILS}' = ANY(allowed))), '[]'::jsonb),
        'planning_preference', COALESCE((SELECT jsonb_agg(to_jsonb(x))
            FROM public.planning_preference x WHERE x.dossier_id = d), '[]'::jsonb),
        'inspection_appointment', COALESCE((SELECT jsonb_agg(to_jsonb(a) || jsonb_build_object(
                'visits', COALESCE((SELECT jsonb_agg(to_jsonb(v) ORDER BY v.id)
                    FROM public.appointment_visit v WHERE v.appointment_id = a.id), '[]'::jsonb),
                'changes', COALESCE((SELECT jsonb_agg(to_jsonb(h) ORDER BY h.id)
                    FROM public.appointment_change h WHERE h.appointment_id = a.id),
                    '[]'::jsonb)) ORDER BY a.id)
            FROM public.inspection_appointment a WHERE a.dossier_id = d), '[]'::jsonb),
        'field_versions', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                'table_name', v.table_name, 'row_key', v.row_key, 'version', v.version))
            FROM sync.field_version v
            WHERE (v.table_name IN ('dossier_pair', 'planning_preference')
                   AND split_part(v.row_key, ':', 1) = d::text)
               OR (v.table_name = 'signal' AND split_part(v.row_key, ':', 1) IN
                   (SELECT uuid FROM public.signal WHERE dossier_id = d))
               OR (v.table_name = 'information_request' AND split_part(v.row_key, ':', 1) IN
                   (SELECT uuid FROM public.information_request WHERE dossier_id = d))),
            '[]'::jsonb)) $$;

-- reference data every laptop holds: the experts and their calendars (working patterns,
-- absences, the planning settings, and when each is booked — times only, no dossier)
CREATE OR REPLACE FUNCTION sync.reference() RETURNS jsonb STABLE LANGUAGE sql AS $$
    SELECT jsonb_build_object(
        'inspection_expert', COALESCE((SELECT jsonb_agg(to_jsonb(e) ORDER BY e.id)
            FROM public.inspection_expert e), '[]'::jsonb),
        'expert_area', COALESCE((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id)
            FROM public.expert_area x), '[]'::jsonb),
        'expert_pattern', COALESCE((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id)
            FROM public.expert_pattern x), '[]'::jsonb),
        'expert_absence', COALESCE((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.id)
            FROM public.expert_absence x WHERE x.end_at > now() - interval '1 day'),
            '[]'::jsonb),
        'planning_setting', COALESCE((SELECT jsonb_agg(to_jsonb(x) ORDER BY x.key)
            FROM public.planning_setting x), '[]'::jsonb),
        'busy', COALESCE((SELECT jsonb_agg(jsonb_build_object('expert_id', v.expert_id,
                'start_at', v.start_at, 'end_at', v.end_at) ORDER BY v.start_at)
            FROM public.appointment_visit v
            JOIN public.inspection_appointment a ON a.id = v.appointment_id
            WHERE a.state = '{AppointmentState.BOOKED.value}'
              AND v.end_at > now() - interval '1 day'), '[]'::jsonb)) $$;
"""


def server_triggers() -> list[str]:
    """Field versions and change-log lines for the rows synced here (every ``server init``)."""
    statements = []
    for group, fields in FIELDS.items():
        table = _TABLE[group]
        args = ", ".join(f"'{f}'" for f in fields)
        statements += [
            f"DROP TRIGGER IF EXISTS trg_sync_fields ON public.{table}",
            f"CREATE TRIGGER trg_sync_fields AFTER UPDATE ON public.{table} "
            f"FOR EACH ROW EXECUTE FUNCTION sync.bump_fields({args})",
        ]
    # a preference made on the server (a planner, another laptop's row is reset by push_row)
    # is at version 1: a laptop's own new row for the dossier then merges field by field
    statements += [
        "DROP TRIGGER IF EXISTS trg_sync_fields_insert ON public.planning_preference",
        "CREATE TRIGGER trg_sync_fields_insert AFTER INSERT ON public.planning_preference "
        "FOR EACH ROW EXECUTE FUNCTION sync.bump_fields("
        + ", ".join(f"'{f}'" for f in FIELDS["planning_preference"])
        + ")",
    ]
    for table in (
        "signal",
        "information_request",
        "pair_change",
        "observation",
        "planning_preference",
        "inspection_appointment",
    ):
        statements += [
            f"DROP TRIGGER IF EXISTS trg_sync_change ON public.{table}",
            f"CREATE TRIGGER trg_sync_change AFTER INSERT OR UPDATE OR DELETE ON public.{table} "
            "FOR EACH ROW EXECUTE FUNCTION sync.log_change('dossier_id')",
        ]
    return statements
