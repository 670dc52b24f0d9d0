"""The laptop's transactional outbox: SQLite triggers on the synced tables.

Triggers rather than ORM session events because they see *every* path: the notes save
writes with a Core ``UPDATE … WHERE updated_at = …`` that no ``before_flush`` listener sees,
and a kill -9 can never separate a change from its outbox row (same statement, same
transaction). They are installed at enrolment and re-checked on every sync; a database that
is not enrolled has none, so nothing is queued on a desk that works on the server directly.
``sync_state.applying`` is set while a pulled batch is applied, so pulled rows are not
queued back.
"""

from __future__ import annotations

_ACTIVE = "(SELECT applying FROM sync_state WHERE id = 1) = 0"
_UUID = "lower(hex(randomblob(16)))"
_NOW = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"

_CHOICE_COLUMNS = (
    "dossier_id",
    "seq",
    "kind",
    "choice_type",
    "value",
    "made_at",
    "recorded_at",
    "recorded_by",
    "recorded_by_org",
    "channel",
    "note",
    "form_reference",
    "explanation_version",
    "direction",
    "purpose",
    "categories",
    "method",
    "only_if_no_delay",
    "effective_from",
    "refers_to_seq",
)
_EVENT_COLUMNS = ("occurred_at", "organisation", "kind", "title", "detail", "created_by")
_ACCESS_COLUMNS = (
    "actie_id",
    "actie_naam",
    "handeling_naam",
    "verwerking_naam",
    "verwerking_id",
    "verwerkingsactiviteit_id",
    "vertrouwelijkheid",
    "bewaartermijn",
    "uitvoerder",
    "systeem",
    "gebruiker",
    "gebruiker_rol",
    "gegevensbron",
    "doel",
    "tijdstip",
    "tijdstip_registratie",
    "objecttype",
    "soorten_gegevens",
    "consent_seq",
)


def _json(columns: tuple[str, ...]) -> str:
    return "json_object(" + ", ".join(f"'{c}', NEW.{c}" for c in columns) + ")"


_INSERT = (
    "INSERT INTO sync_outbox (uuid, table_name, row_key, dossier_id, payload, base_version, "
    "base_change, author, created_at, sent) "
)

_NOTE_KEY = "CAST(NEW.dossier_id AS TEXT)"
_NOTE_PAYLOAD = "json_object('body', NEW.body, 'updated_by', NEW.updated_by)"


def _note_body() -> str:
    """Typed on before the push: the unsent entry takes the new text. Otherwise a new entry
    on the version last pulled, or on this laptop's own edit still awaiting its answer."""
    same = f"table_name = 'conversation_note' AND row_key = {_NOTE_KEY}"
    return (
        f"UPDATE sync_outbox SET payload = {_NOTE_PAYLOAD}, author = NEW.updated_by "
        f"WHERE {same} AND sent = 0; "
        f"{_INSERT} SELECT {_UUID}, 'conversation_note', {_NOTE_KEY}, NEW.dossier_id, "
        f"{_NOTE_PAYLOAD}, "
        f"COALESCE((SELECT version FROM sync_version WHERE {same}), 0), "
        f"(SELECT uuid FROM sync_outbox WHERE {same} AND sent = 1 AND outcome IS NULL "
        "ORDER BY id DESC LIMIT 1), "
        f"NEW.updated_by, {_NOW}, 0 "
        f"WHERE NOT EXISTS (SELECT 1 FROM sync_outbox WHERE {same} AND sent = 0);"
    )


def outbox_triggers() -> list[str]:
    choice_key = "NEW.dossier_id || ':' || NEW.seq"
    refers = (
        "(SELECT o.uuid FROM sync_outbox o WHERE o.table_name = 'choice_log_entry' "
        "AND o.row_key = NEW.dossier_id || ':' || NEW.refers_to_seq)"
    )
    return [
        # a choice-log entry: its content; a reference to an entry not yet pulled goes by UUID
        "CREATE TRIGGER IF NOT EXISTS trg_sync_outbox_choice AFTER INSERT ON choice_log_entry "
        f"WHEN {_ACTIVE} BEGIN {_INSERT} VALUES ({_UUID}, 'choice_log_entry', {choice_key}, "
        f"NEW.dossier_id, {_json(_CHOICE_COLUMNS)}, NEW.seq - 1, {refers}, NEW.recorded_by, "
        f"{_NOW}, 0); END",
        "CREATE TRIGGER IF NOT EXISTS trg_sync_outbox_note_insert AFTER INSERT ON "
        f"conversation_note WHEN {_ACTIVE} BEGIN {_note_body()} END",
        "CREATE TRIGGER IF NOT EXISTS trg_sync_outbox_note_update AFTER UPDATE OF body ON "
        f"conversation_note WHEN {_ACTIVE} AND NEW.body IS NOT OLD.body BEGIN {_note_body()} END",
        "CREATE TRIGGER IF NOT EXISTS trg_sync_outbox_event AFTER INSERT ON timeline_event "
        f"WHEN {_ACTIVE} BEGIN {_INSERT} VALUES ({_UUID}, 'timeline_event', {_UUID}, "
        f"NEW.dossier_id, {_json(_EVENT_COLUMNS)}, NULL, NULL, NEW.created_by, {_NOW}, 0); END",
        # a view of the other organisation's details; not an anchor of the laptop's own
        # chain (the server re-seals pushed entries and anchors them in its own access log)
        "CREATE TRIGGER IF NOT EXISTS trg_sync_outbox_access AFTER INSERT ON access_log_entry "
        f"WHEN {_ACTIVE} AND NEW.anchor_seq IS NULL BEGIN {_INSERT} VALUES ({_UUID}, "
        "'access_log_entry', NEW.actie_id, "
        f"NEW.dossier_id, {_json(_ACCESS_COLUMNS)}, NULL, NULL, NEW.gebruiker, {_NOW}, 0); END",
    ]
