"""The server re-validates every pushed choice-log entry: ``choices.rules.validate_new`` in SQL.

A laptop's login may only call ``SECURITY DEFINER`` functions, so the check has to live in
the database: a modified client that skipped the app's validation (a second withdrawal, a
correction of an entry that does not exist, an option that is not one) is refused by the
server all the same. ``sync.refuse_choice`` is called by ``sync.push`` for each pushed entry
before it is appended; a refused entry becomes a listed conflict (``invalid_entry`` or
``author_mismatch``) that every laptop holding the dossier pulls — never silently dropped.

The author is the pushing login's user: an entry whose ``recorded_by`` names somebody else
(``Actor.signature`` is "Name (username)" or the username) or another organisation is
refused, so a laptop cannot record in a colleague's name.

The SQL is generated from the Python constants (options, maximum lengths, the pairs of
choices that contradict each other, the messages), and a differential test
(tests/integration/sync/test_validate_sql.py) feeds random logs and entries to both.
"""

from __future__ import annotations

from buddy_desk.choices.rules import _TYPE_NAMES as TYPE_NAMES
from buddy_desk.choices.rules import (
    CLOCK_SKEW,
    CONFLICTS,
    FORM_REFERENCE_MAX,
    FREE_TEXT_MAX,
    NOTE_MAX,
    ONLY_IF_NO_DELAY,
    OPTIONS,
    PURPOSE_MAX,
    Channel,
    ChoiceType,
    ConsentMethod,
    ConsentValue,
    Direction,
    DocumentCategory,
    EntryKind,
    JointInspection,
)

RULES_AUTHOR = "regels"  # the author of what the signal rules write (signals.service)
INVALID = "invalid_entry"
AUTHOR = "author_mismatch"
REFUSED_ENTRY = frozenset({INVALID, AUTHOR})  # conflict reasons whose text says why

_RECORD, _CORRECTION, _WITHDRAWAL = (k.value for k in EntryKind)
_SHARING, _FREE = ChoiceType.DATA_SHARING.value, ChoiceType.FREE_TEXT.value
_JOINT = ChoiceType.JOINT_INSPECTION.value


def _q(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join(_q(v) for v in values) + "]::text[]"


def _type_order() -> str:
    whens = " ".join(f"WHEN {_q(t.value)} THEN {i}" for i, t in enumerate(ChoiceType))
    return f"(CASE t {whens} ELSE 99 END)"


def _options_message() -> str:
    """SQL CASE: the 'kies uit …' list per choice type (``_validate_content``)."""
    whens = " ".join(
        f"WHEN {_q(t.value)} THEN {_q(', '.join(OPTIONS[t]))}" for t in ChoiceType if OPTIONS[t]
    )
    return f"(CASE n.choice_type {whens} END)"


def _options_check() -> str:
    whens = " ".join(
        f"WHEN {_q(t.value)} THEN n.value = ANY({_array(list(OPTIONS[t]))})"
        for t in ChoiceType
        if OPTIONS[t]
    )
    return f"(CASE n.choice_type {whens} ELSE false END)"


def _type_name() -> str:
    whens = " ".join(f"WHEN {_q(t.value)} THEN {_q(name)}" for t, name in TYPE_NAMES.items())
    return f"(CASE o.choice_type {whens} END)"


def _conflict_pairs() -> str:
    rows = [
        f"({i}, {_q(a[0].value + '=' + a[1])}, {_q(b[0].value + '=' + b[1])}, {_q(why)})"
        for i, (a, b, why) in enumerate(CONFLICTS)
    ]
    return "(VALUES " + ", ".join(rows) + ") AS pair(n, a, b, why)"


SKEW_SECONDS = int(CLOCK_SKEW.total_seconds())

SQL = f"""
-- a choice's key (choices.rules._key): the type; per direction for consent; each free-text
-- record its own
CREATE OR REPLACE FUNCTION sync.choice_key(e public.choice_log_entry, record_seq integer)
RETURNS text IMMUTABLE LANGUAGE sql AS $$
    SELECT e.choice_type || '|' || CASE e.choice_type
        WHEN {_q(_SHARING)} THEN COALESCE(e.direction, '')
        WHEN {_q(_FREE)} THEN record_seq::text ELSE '' END $$;

CREATE OR REPLACE FUNCTION sync.type_order(t text) RETURNS integer IMMUTABLE LANGUAGE sql AS $$
    SELECT {_type_order()} $$;

-- choices.rules.record_of + current_states: per choice key, the record in force, its latest
-- content (corrections followed back to their record) and its withdrawal, if any
CREATE OR REPLACE FUNCTION sync.choice_states(log public.choice_log_entry[])
RETURNS TABLE (choice_key text, choice_type text, direction text, record_seq integer,
               cur_seq integer, withdrawal_seq integer, roots jsonb)
IMMUTABLE LANGUAGE plpgsql AS $$
DECLARE
    e public.choice_log_entry;
    root jsonb := '{{}}'; content jsonb := '{{}}'; withdrawn jsonb := '{{}}';
    latest jsonb := '{{}}'; r integer; k text; cur public.choice_log_entry;
BEGIN
    FOR e IN SELECT * FROM unnest(log) x ORDER BY x.seq LOOP
        IF e.kind = {_q(_RECORD)} OR e.refers_to_seq IS NULL THEN
            r := e.seq;
        ELSE
            r := COALESCE((root ->> e.refers_to_seq::text)::integer, e.refers_to_seq);
        END IF;
        root := root || jsonb_build_object(e.seq::text, r);
        IF e.kind = {_q(_WITHDRAWAL)} THEN
            withdrawn := withdrawn || jsonb_build_object(r::text, e.seq);
        ELSIF content ? r::text OR e.kind = {_q(_RECORD)} THEN
            content := content || jsonb_build_object(r::text, e.seq);
        END IF;
    END LOOP;
    FOR r IN SELECT x::integer FROM jsonb_object_keys(content) x ORDER BY 1 LOOP
        SELECT * INTO cur FROM unnest(log) x WHERE x.seq = (content ->> r::text)::integer;
        latest := latest || jsonb_build_object(sync.choice_key(cur, r), r);
    END LOOP;
    FOR k, r IN SELECT key, value::integer FROM jsonb_each_text(latest) LOOP
        SELECT * INTO cur FROM unnest(log) x WHERE x.seq = (content ->> r::text)::integer;
        choice_key := k; choice_type := cur.choice_type; direction := cur.direction;
        record_seq := r; cur_seq := cur.seq;
        withdrawal_seq := (withdrawn ->> r::text)::integer; roots := root;
        RETURN NEXT;
    END LOOP;
END $$;

-- choices.rules.contradiction_with: the recorded choice in force that n contradicts
CREATE OR REPLACE FUNCTION sync.contradiction(log public.choice_log_entry[],
                                              n public.choice_log_entry)
RETURNS text IMMUTABLE LANGUAGE sql AS $$
    WITH tokens AS (
        SELECT ARRAY[n.choice_type || '=' || n.value] || CASE
            WHEN n.choice_type = {_q(_JOINT)} AND COALESCE(n.only_if_no_delay, false)
                 AND n.value <> {_q(JointInspection.NO.value)}
            THEN ARRAY[{_q(_JOINT + "=" + ONLY_IF_NO_DELAY)}] ELSE ARRAY[]::text[] END AS mine
    ), others AS (
        SELECT s.choice_type AS t, o.*,
            ARRAY[o.choice_type || '=' || o.value] || CASE
            WHEN o.choice_type = {_q(_JOINT)} AND COALESCE(o.only_if_no_delay, false)
                 AND o.value <> {_q(JointInspection.NO.value)}
            THEN ARRAY[{_q(_JOINT + "=" + ONLY_IF_NO_DELAY)}] ELSE ARRAY[]::text[] END AS theirs
        FROM sync.choice_states(log) s JOIN unnest(log) o ON o.seq = s.cur_seq
        WHERE s.withdrawal_seq IS NULL AND s.choice_type <> n.choice_type
          AND s.choice_type NOT IN ({_q(_SHARING)}, {_q(_FREE)})
    )
    SELECT 'past niet bij de vastgelegde keuze ''' || {_type_name()} || ': '
        || replace(o.value, '_', ' ') || ''' (regel ' || o.seq || '): ' || pair.why
        || '. Corrigeer of trek die keuze eerst in als de bewoner van gedachten is veranderd.'
    FROM others o, tokens, {_conflict_pairs()}
    WHERE (pair.a = ANY(tokens.mine) AND pair.b = ANY(o.theirs))
       OR (pair.b = ANY(tokens.mine) AND pair.a = ANY(o.theirs))
    ORDER BY sync.type_order(o.t), pair.n LIMIT 1 $$;

-- choices.rules._validate_content: "field: reason", or NULL
CREATE OR REPLACE FUNCTION sync.content_problem(others public.choice_log_entry[],
                                                n public.choice_log_entry)
RETURNS text IMMUTABLE LANGUAGE plpgsql AS $$
DECLARE why text; active boolean;
BEGIN
    IF n.choice_type = {_q(_FREE)} THEN
        IF n.value ~ '^[[:space:]]*$' THEN
            RETURN 'keuze: beschrijf de keuze van de bewoner';
        END IF;
        IF char_length(n.value) > {FREE_TEXT_MAX} THEN
            RETURN 'keuze: is langer dan {FREE_TEXT_MAX} tekens';
        END IF;
    ELSIF NOT {_options_check()} THEN
        RETURN 'keuze: ''' || n.value || ''' is geen optie; kies uit ' || {_options_message()};
    END IF;
    IF n.choice_type = {_q(_JOINT)} AND COALESCE(n.only_if_no_delay, false)
       AND n.value = {_q(JointInspection.NO.value)} THEN
        RETURN 'alleen als niet langer wachten: past niet bij ''geen gezamenlijke opname''';
    END IF;
    IF n.choice_type <> {_q(_SHARING)} THEN
        why := sync.contradiction(others, n);
        IF why IS NOT NULL THEN RETURN 'keuze: ' || why; END IF;
        IF n.direction IS NOT NULL OR COALESCE(n.categories, '') <> ''
           OR COALESCE(n.purpose, '') <> '' THEN
            RETURN 'toestemming: alleen bij toestemming voor gegevensdeling';
        END IF;
        RETURN NULL;
    END IF;
    IF n.direction IS NULL THEN RETURN 'richting: kies IMG→NCG of NCG→IMG'; END IF;
    IF COALESCE(n.purpose, '') ~ '^[[:space:]]*$' THEN
        RETURN 'doel: beschrijf waarvoor de gegevens gedeeld worden';
    END IF;
    IF char_length(n.purpose) > {PURPOSE_MAX} THEN
        RETURN 'doel: is langer dan {PURPOSE_MAX} tekens';
    END IF;
    IF COALESCE(n.categories, '') = '' THEN
        RETURN 'documentsoorten: kies minstens één soort gegevens';
    END IF;
    IF n.method IS NULL THEN RETURN 'wijze: kies getekend formulier of mondeling'; END IF;
    IF n.method = {_q(ConsentMethod.SIGNED_FORM.value)}
       AND COALESCE(n.form_reference, '') ~ '^[[:space:]]*$' THEN
        RETURN 'formulierkenmerk: vul het kenmerk van het getekende formulier in';
    END IF;
    IF COALESCE(n.explanation_version, '') = '' THEN
        RETURN 'versie toelichting: ontbreekt';
    END IF;
    IF n.value = {_q(ConsentValue.ASSESSED.value)} AND n.kind = {_q(_RECORD)} THEN
        SELECT s.withdrawal_seq IS NULL AND o.value = ANY({
    _array(sorted(v.value for v in (ConsentValue.GIVEN, ConsentValue.ASSESSED)))
})
            INTO active
            FROM sync.choice_states(others) s JOIN unnest(others) o ON o.seq = s.cur_seq
            WHERE s.choice_key = {_q(_SHARING)} || '|' || n.direction;
        IF NOT COALESCE(active, false) THEN
            RETURN 'keuze: er is geen geldige toestemming in deze richting om te beoordelen';
        END IF;
    END IF;
    RETURN NULL;
END $$;

-- choices.rules.validate_new: may n be appended to the log? "field: reason", or NULL
CREATE OR REPLACE FUNCTION sync.choice_problem(existing public.choice_log_entry[],
                                               n public.choice_log_entry)
RETURNS text IMMUTABLE LANGUAGE plpgsql AS $$
DECLARE
    target public.choice_log_entry; rec public.choice_log_entry;
    root jsonb; st record; rec_key text; r integer;
BEGIN
    IF COALESCE(n.recorded_by, '') ~ '^[[:space:]]*$' THEN
        RETURN 'vastgelegd door: onbekend; kies eerst een gebruikersprofiel';
    END IF;
    IF n.made_at > n.recorded_at + interval '{SKEW_SECONDS} seconds' THEN
        RETURN 'datum keuze: ligt in de toekomst';
    END IF;
    IF extract(year FROM n.made_at AT TIME ZONE 'UTC') < 2012 THEN
        RETURN 'datum keuze: ligt vóór 2012; controleer de datum';
    END IF;
    IF char_length(n.note) > {NOTE_MAX} THEN
        RETURN 'notitie: is langer dan {NOTE_MAX} tekens';
    END IF;
    IF char_length(n.form_reference) > {FORM_REFERENCE_MAX} THEN
        RETURN 'formulierkenmerk: is langer dan {FORM_REFERENCE_MAX} tekens';
    END IF;
    IF n.kind = {_q(_RECORD)} THEN
        IF n.refers_to_seq IS NOT NULL THEN
            RETURN 'verwijzing: een nieuwe keuze verwijst niet naar een regel';
        END IF;
        RETURN sync.content_problem(existing, n);
    END IF;
    SELECT * INTO target FROM unnest(existing) x WHERE x.seq = n.refers_to_seq;
    IF n.refers_to_seq IS NULL OR target.seq IS NULL THEN
        RETURN 'verwijzing: regel ' || COALESCE(n.refers_to_seq::text, 'None') || ' bestaat niet';
    END IF;
    -- record_of over the existing entries and n (n's root is its target's)
    SELECT s.roots INTO root FROM sync.choice_states(existing) s LIMIT 1;
    r := COALESCE((root ->> target.seq::text)::integer, target.seq);
    SELECT * INTO rec FROM unnest(existing) x WHERE x.seq = r;
    IF rec.seq IS NULL THEN
        RETURN 'verwijzing: regel ' || r || ' bestaat niet';
    END IF;
    IF target.kind = {_q(_WITHDRAWAL)} THEN
        RETURN 'verwijzing: een intrekking kan niet worden gecorrigeerd; leg de keuze opnieuw vast';
    END IF;
    IF n.choice_type IS DISTINCT FROM rec.choice_type THEN
        RETURN 'soort keuze: moet gelijk blijven aan de oorspronkelijke keuze';
    END IF;
    IF n.kind = {_q(_CORRECTION)} THEN
        IF EXISTS (SELECT 1 FROM sync.choice_states(existing) s
                   WHERE s.record_seq = rec.seq AND s.withdrawal_seq IS NOT NULL) THEN
            RETURN 'verwijzing: deze keuze is ingetrokken';
        END IF;
        IF rec.choice_type = {_q(_SHARING)}
           AND n.direction IS DISTINCT FROM rec.direction THEN
            RETURN 'richting: een correctie kan de richting niet wijzigen';
        END IF;
        RETURN sync.content_problem(ARRAY(
            SELECT x FROM unnest(existing) x
            WHERE COALESCE((root ->> x.seq::text)::integer, -1) <> rec.seq
            ORDER BY x.seq), n);
    END IF;
    -- a withdrawal: the state the record belongs to (keyed by its latest content)
    SELECT sync.choice_key(c, rec.seq) INTO rec_key
    FROM unnest(existing) c
    WHERE COALESCE((root ->> c.seq::text)::integer, -1) = rec.seq AND c.kind <> {_q(_WITHDRAWAL)}
    ORDER BY c.seq DESC LIMIT 1;
    SELECT * INTO st FROM sync.choice_states(existing) s WHERE s.choice_key = rec_key;
    IF st.record_seq IS DISTINCT FROM rec.seq THEN
        RETURN 'verwijzing: deze keuze is al vervangen door een latere keuze';
    END IF;
    IF st.withdrawal_seq IS NOT NULL THEN
        RETURN 'verwijzing: deze keuze is al ingetrokken';
    END IF;
    IF n.effective_from IS NULL THEN RETURN 'ingangsdatum: ontbreekt'; END IF;
    IF n.effective_from > n.recorded_at THEN
        RETURN 'ingangsdatum: een intrekking geldt direct; een datum in de toekomst kan niet';
    END IF;
    IF n.effective_from < rec.made_at THEN
        RETURN 'ingangsdatum: ligt vóór de keuze die wordt ingetrokken';
    END IF;
    RETURN NULL;
END $$;

-- what a pushed payload must be before it can even be read as an entry (the app's enums
-- and column sizes; validate_new works on typed entries, so this is the server's own check)
CREATE OR REPLACE FUNCTION sync.payload_problem(p jsonb) RETURNS text
IMMUTABLE LANGUAGE plpgsql AS $$
DECLARE c text;
BEGIN
    IF jsonb_typeof(p) IS DISTINCT FROM 'object' THEN RETURN 'regel: geen keuzeregel'; END IF;
    IF NOT COALESCE(p->>'kind' = ANY({_array([k.value for k in EntryKind])}), false) THEN
        RETURN 'soort regel: ''' || COALESCE(p->>'kind', '') || ''' is onbekend';
    END IF;
    IF NOT COALESCE(p->>'choice_type' = ANY({_array([t.value for t in ChoiceType])}), false)
    THEN
        RETURN 'soort keuze: ''' || COALESCE(p->>'choice_type', '') || ''' is onbekend';
    END IF;
    IF NOT COALESCE(p->>'channel' = ANY({_array([c.value for c in Channel])}), false) THEN
        RETURN 'kanaal: ''' || COALESCE(p->>'channel', '') || ''' is onbekend';
    END IF;
    IF p->>'direction' IS NOT NULL
       AND NOT p->>'direction' = ANY({_array([d.value for d in Direction])}) THEN
        RETURN 'richting: ''' || (p->>'direction') || ''' is onbekend';
    END IF;
    IF p->>'method' IS NOT NULL
       AND NOT p->>'method' = ANY({_array([m.value for m in ConsentMethod])}) THEN
        RETURN 'wijze: ''' || (p->>'method') || ''' is onbekend';
    END IF;
    FOREACH c IN ARRAY COALESCE(string_to_array(NULLIF(p->>'categories', ''), ','),
                                ARRAY[]::text[]) LOOP
        IF NOT c = ANY({_array([d.value for d in DocumentCategory])}) THEN
            RETURN 'documentsoorten: ''' || c || ''' is onbekend';
        END IF;
    END LOOP;
    IF char_length(p->>'value') > {FREE_TEXT_MAX} THEN
        RETURN 'keuze: is langer dan {FREE_TEXT_MAX} tekens';
    END IF;
    IF char_length(p->>'purpose') > {PURPOSE_MAX} THEN
        RETURN 'doel: is langer dan {PURPOSE_MAX} tekens';
    END IF;
    IF char_length(p->>'form_reference') > {FORM_REFERENCE_MAX} THEN
        RETURN 'formulierkenmerk: is langer dan {FORM_REFERENCE_MAX} tekens';
    END IF;
    IF char_length(p->>'recorded_by') > 120 OR char_length(p->>'explanation_version') > 60 THEN
        RETURN 'regel: auteur of versie toelichting is te lang';
    END IF;
    IF p->>'value' IS NULL OR p->>'made_at' IS NULL OR p->>'recorded_at' IS NULL
       OR p->>'recorded_by' IS NULL THEN
        RETURN 'regel: keuze, datum of auteur ontbreekt';
    END IF;
    RETURN NULL;
END $$;

-- one pushed choice-log entry: refused (and kept as a conflict) unless it reads as an entry,
-- names the pushing login as its author and passes validate_new against the server's chain
CREATE OR REPLACE FUNCTION sync.refuse_choice(u sync.user, c jsonb, d integer)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    p jsonb := (c->>'payload')::jsonb;
    why text; code text := {_q(INVALID)}; e public.choice_log_entry; ref integer;
    sig text;
BEGIN
    why := sync.payload_problem(p);
    IF why IS NULL THEN
        BEGIN
            e := jsonb_populate_record(NULL::public.choice_log_entry, p);
        EXCEPTION WHEN others THEN
            why := 'regel: onleesbaar (' || SQLERRM || ')';
        END;
    END IF;
    IF why IS NULL THEN
        sig := e.recorded_by;
        IF NOT (sig = u.username OR right(sig, char_length(u.username) + 3)
                                    = ' (' || u.username || ')')
           OR e.recorded_by_org IS DISTINCT FROM u.organisation THEN
            code := {_q(AUTHOR)};
            why := 'vastgelegd door: ''' || sig || ' (' || COALESCE(e.recorded_by_org, '-')
                || ')'' is niet de gebruiker van deze laptop (' || u.username || ', '
                || u.organisation || ')';
        END IF;
    END IF;
    IF why IS NULL THEN
        ref := e.refers_to_seq;
        IF c->>'base_change' IS NOT NULL THEN
            SELECT seq INTO ref FROM sync.entry WHERE uuid = c->>'base_change';
        END IF;
        e.dossier_id := d;
        e.refers_to_seq := ref;
        why := sync.choice_problem(ARRAY(SELECT x FROM public.choice_log_entry x
                                         WHERE x.dossier_id = d ORDER BY x.seq), e);
    END IF;
    IF why IS NULL THEN
        RETURN false;
    END IF;
    INSERT INTO sync.conflict VALUES (c->>'uuid', d, 'choice_log_entry', code,
        why || ' — ' || COALESCE(p->>'kind', '?') || ' ' || COALESCE(p->>'choice_type', '?')
            || ': ' || left(COALESCE(p->>'value', ''), 200),
        u.username, now());  -- the pushing login, whatever the client claims
    RETURN true;
END $$;

-- one pushed timeline or access-log line: refused (and kept as a conflict) when it names
-- somebody other than the pushing login as its author (a timeline line may also be the
-- rules' own, or nobody's), or, for an access-log line, another organisation as the viewer
CREATE OR REPLACE FUNCTION sync.refuse_line(u sync.user, c jsonb, d integer)
RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    p jsonb := (c->>'payload')::jsonb;
    tbl text := c->>'table';
    sig text := CASE tbl WHEN 'timeline_event' THEN p->>'created_by' ELSE p->>'gebruiker' END;
    org text := CASE tbl WHEN 'access_log_entry' THEN p->>'uitvoerder' ELSE u.organisation END;
BEGIN
    IF (tbl = 'timeline_event' AND (sig IS NULL OR sig = {_q(RULES_AUTHOR)}))
       OR ((sig = u.username OR right(sig, char_length(u.username) + 3)
                                = ' (' || u.username || ')')
           AND org IS NOT DISTINCT FROM u.organisation) THEN
        RETURN false;
    END IF;
    INSERT INTO sync.conflict VALUES (c->>'uuid', d, tbl, {_q(AUTHOR)},
        CASE tbl WHEN 'timeline_event' THEN 'door' ELSE 'gebruiker' END || ': '''
            || COALESCE(sig, '-') || ' (' || COALESCE(org, '-')
            || ')'' is niet de gebruiker van deze laptop (' || u.username || ', '
            || u.organisation || ') — '
            || left(COALESCE(p->>'title', p->>'handeling_naam', ''), 200),
        u.username, now());  -- the pushing login, whatever the client claims
    RETURN true;
END $$;
"""
