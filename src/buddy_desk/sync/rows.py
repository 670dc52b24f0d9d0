"""The laptop's side of syncing signals, information requests, buddy pairs and bookings.

Called by ``sync.service`` at fixed points (the SQL is in ``rows_sql``):

- ``fold_booking_events`` before a push: each unsent booking (new, moved, cancelled) is
  one outbox entry carrying the booking as it is now, and the planning lines and the
  joint-inspection signal edit it made travel inside it, so a booking the server refuses
  leaves no "gepland" line or closed signal behind on the server.
- ``after_push``: an applied field edit's new version becomes the base of the next edit.
- ``rows_pulled`` / ``apply_reference`` / ``replace_rows`` / ``remove_rows`` around and
  inside a pull's transaction.
- ``after_pull``: a refused booking gets the slots the planning feature's own slot finder
  proposes now, against the experts' calendars just pulled (``fill_alternatives``).
- ``conflict_details``: what the conflicts listing shows of these changes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from buddy_desk.core.formatting import AMSTERDAM as AMSTERDAM  # its home; imported from here too
from buddy_desk.core.inspection import AppointmentState, InspectionForm
from buddy_desk.errors import BuddyDeskError
from buddy_desk.i18n import tr
from buddy_desk.models.base import Base
from buddy_desk.models.pairs import PairChange
from buddy_desk.models.planning import (
    AppointmentChange,
    AppointmentVisit,
    InspectionAppointment,
    PlanningPreference,
)
from buddy_desk.models.signals import InformationRequest, Observation, Signal
from buddy_desk.models.sync import SyncConflict, SyncOutbox, SyncState, SyncVersion
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.service.booking import propose
from buddy_desk.signals.rules import Rule
from buddy_desk.sync.rules import ConflictReason

ALTERNATIVES = 3  # slots shown with a refused booking


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


# --- push --------------------------------------------------------------------------------------


_BOOKING_TABLES = ("inspection_appointment", "inspection_appointment_change")


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _appointment_payload(a: InspectionAppointment, base: int | None) -> dict[str, Any]:
    """The booking as it is now, with its visits and the history lines since ``base``."""
    return {
        "uid": a.uid,
        "form": a.form.value,
        "state": a.state.value,
        "sequence": a.sequence,
        "start_at": _iso(a.start_at),
        "end_at": _iso(a.end_at),
        "cancel_reason": a.cancel_reason,
        "created_at": _iso(a.created_at),
        "created_by": a.created_by,
        "visits": [
            {
                "expert_id": v.expert_id,
                "kind": v.kind.value,
                "start_at": _iso(v.start_at),
                "end_at": _iso(v.end_at),
            }
            for v in a.visits
        ],
        "changes": [
            {
                "changed_at": _iso(c.changed_at),
                "changed_by": c.changed_by,
                "action": c.action,
                "sequence": c.sequence,
                "old_start": _iso(c.old_start),
                "new_start": _iso(c.new_start),
                "experts": c.experts,
                "reason": c.reason,
            }
            for c in a.changes
            if base is None or c.sequence > base
        ],
    }


def _collect_bookings(uow: UnitOfWork) -> dict[int, SyncOutbox]:
    """One unsent outbox entry per booking, carrying the booking as it is now: a booking
    made and then moved offline is one new booking; several moves are one move from the
    version last pulled (the first entry's base)."""
    s = uow.session
    kept: dict[str, SyncOutbox] = {}
    for row in s.scalars(
        select(SyncOutbox)
        .where(SyncOutbox.table_name.in_(_BOOKING_TABLES), SyncOutbox.sent.is_(False))
        .order_by(SyncOutbox.id)
    ):
        first = kept.get(row.row_key)
        if first is None:
            kept[row.row_key] = row
        else:
            s.delete(row)  # the first entry (a new booking, or the earliest base) speaks for it
    by_dossier: dict[int, SyncOutbox] = {}
    for uid, row in kept.items():
        appointment = s.scalars(
            select(InspectionAppointment).where(InspectionAppointment.uid == uid)
        ).one_or_none()
        if appointment is not None:
            base = None if row.table_name == "inspection_appointment" else row.base_version
            row.payload = json.dumps(_appointment_payload(appointment, base))
        by_dossier.setdefault(row.dossier_id, row)
    return by_dossier


def fold_booking_events(uow: UnitOfWork) -> None:
    """Before a push: each unsent booking (new, moved, cancelled) carries its current state,
    and the unsent planning timeline lines and joint-inspection signal edits of its dossier."""
    with uow:
        s = uow.session
        bookings = _collect_bookings(uow)
        if not bookings:
            uow.commit()
            return
        events = s.scalars(
            select(SyncOutbox)
            .where(
                SyncOutbox.table_name == "timeline_event",
                SyncOutbox.sent.is_(False),
                SyncOutbox.dossier_id.in_(bookings),
            )
            .order_by(SyncOutbox.id)
        ).all()
        for event in events:
            payload = json.loads(event.payload)
            if payload.get("kind") != "planning":
                continue
            _carry(bookings[event.dossier_id], "events", payload)
            s.delete(event)
        # booking closes the dossier's joint-inspection signal: that edit stands or falls with it
        closing = s.execute(
            select(SyncOutbox, Signal.dossier_id)
            .join(
                Signal, Signal.uuid == func.substr(SyncOutbox.row_key, 1, func.length(Signal.uuid))
            )
            .where(
                SyncOutbox.table_name == "signal_field",
                SyncOutbox.sent.is_(False),
                Signal.rule == Rule.JOINT_INSPECTION.value,
                Signal.dossier_id.in_(bookings),
            )
            .order_by(SyncOutbox.id)
        ).all()
        for edit, dossier_id in closing:
            change = {
                "uuid": edit.uuid,
                "table": edit.table_name,
                "row_key": edit.row_key,
                "dossier_id": edit.dossier_id,
                "payload": edit.payload,
                "base_version": edit.base_version,
                "base_change": edit.base_change,
                "author": edit.author,
            }
            _carry(bookings[dossier_id], "signal_fields", change)
            s.delete(edit)
        uow.commit()


def _carry(booking: SyncOutbox, key: str, item: Mapping[str, Any]) -> None:
    carried = json.loads(booking.payload)
    carried.setdefault(key, []).append(dict(item))
    booking.payload = json.dumps(carried)


def after_push(uow: UnitOfWork, table: str, row_key: str, result: Mapping[str, Any]) -> None:
    """Inside the push's answer transaction: remember the version an edit produced."""
    if not table.endswith("_field") or result["outcome"] in ("conflict", "refused"):
        return
    group = table.removesuffix("_field")
    version = result.get("new_version")
    if version is None:
        return
    s = uow.session
    row = s.get(SyncVersion, (group, row_key))
    if row is None:
        s.add(SyncVersion(table_name=group, row_key=row_key, version=version))
    else:
        row.version = version


# --- pull --------------------------------------------------------------------------------------


def apply_reference(conn: Connection, reference: Mapping[str, Any] | None, convert: Any) -> None:
    """Experts and their calendars, as the server has them (``convert``: service._convert)."""
    if not reference:
        return
    experts = _table("inspection_expert")
    for row in reference["inspection_expert"]:
        values = convert(experts, row, keep_id=True)
        statement = sqlite_insert(experts).values(**values)
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["id"],
                set_={k: statement.excluded[k] for k in values if k != "id"},
            )
        )
    for name in ("expert_area", "expert_pattern", "expert_absence", "planning_setting"):
        table = _table(name)
        conn.execute(delete(table))
        values = [convert(table, row, keep_id=True) for row in reference[name]]
        if values:
            conn.execute(insert(table), values)


_DOSSIER_ROWS: tuple[type[Any], ...] = (
    Signal,
    InformationRequest,
    PairChange,
    Observation,
    PlanningPreference,
)


def remove_rows(conn: Connection, dossier_id: int) -> None:
    appointments = select(InspectionAppointment.id).where(
        InspectionAppointment.dossier_id == dossier_id
    )
    conn.execute(delete(AppointmentVisit).where(AppointmentVisit.appointment_id.in_(appointments)))
    conn.execute(
        delete(AppointmentChange).where(AppointmentChange.appointment_id.in_(appointments))
    )
    conn.execute(
        delete(InspectionAppointment).where(InspectionAppointment.dossier_id == dossier_id)
    )
    for model in _DOSSIER_ROWS:
        conn.execute(delete(model).where(model.dossier_id == dossier_id))
    conn.execute(
        delete(SyncVersion).where(
            SyncVersion.table_name.in_(("dossier_pair", "planning_preference")),
            SyncVersion.row_key.like(f"{dossier_id}:%"),
        )
    )


def replace_rows(conn: Connection, snap: Mapping[str, Any], convert: Any) -> None:
    """A pulled dossier's signals, requests, pair history, observations, planning preference
    and bookings replace the laptop's."""
    dossier_id = snap["id"]
    remove_rows(conn, dossier_id)
    for name in (
        "signal",
        "information_request",
        "pair_change",
        "observation",
        "planning_preference",
    ):
        table = _table(name)
        values = [convert(table, row, keep_id=False) for row in snap.get(name, [])]
        if values:
            conn.execute(insert(table), values)
    appointments, visits, changes = (
        _table("inspection_appointment"),
        _table("appointment_visit"),
        _table("appointment_change"),
    )
    for row in snap.get("inspection_appointment", []):
        key = conn.execute(
            insert(appointments).values(**convert(appointments, row, keep_id=False))
        ).inserted_primary_key
        assert key is not None
        new_id = key[0]
        for child, rows in ((visits, row["visits"]), (changes, row["changes"])):
            values = [{**convert(child, r, keep_id=False), "appointment_id": new_id} for r in rows]
            if values:
                conn.execute(insert(child), values)
    for version in snap.get("field_versions", []):
        conn.execute(
            sqlite_insert(SyncVersion.__table__)  # type: ignore[arg-type]
            .values(**version)
            .on_conflict_do_update(
                index_elements=["table_name", "row_key"], set_={"version": version["version"]}
            )
        )


# a SyncVersion row: this laptop's scope was pulled with its rows (observations and planning
# preferences included: a laptop that pulled before they were synced pulls its scope again)
_MARKER = ("sync_rows", "scope+observations+preferences")


def rows_pulled(uow: UnitOfWork) -> bool:
    """False on a laptop enrolled before signals, requests, pairs and bookings were synced:
    its next pull asks for the whole scope (the dossiers that did not change since would
    otherwise never bring their signals along)."""
    return uow.session.get(SyncVersion, _MARKER) is not None


def after_pull(uow: UnitOfWork, batch: Mapping[str, Any]) -> None:
    with uow:
        s = uow.session
        state = s.get(SyncState, 1)
        applied = state is not None and state.watermark == batch["watermark"]
        if applied and s.get(SyncVersion, _MARKER) is None:
            s.add(SyncVersion(table_name=_MARKER[0], row_key=_MARKER[1], version=1))
        uow.commit()
    fill_alternatives(uow, batch.get("reference"))


def fill_alternatives(uow: UnitOfWork, reference: Mapping[str, Any] | None) -> None:
    """Each refused booking gets the slots the planning's slot finder proposes now."""
    with uow:
        refused = [
            (c.uuid, c.dossier_id, c.mine, c.detail)
            for c in uow.session.scalars(
                select(SyncConflict).where(SyncConflict.reason == ConflictReason.SLOT_TAKEN.value)
            )
        ]
    if not refused:
        return
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)
    for item in (reference or {}).get("busy", []):
        busy[int(item["expert_id"])].append((_moment(item["start_at"]), _moment(item["end_at"])))
    found: dict[str, str] = {}
    for conflict_uuid, dossier_id, mine, detail in refused:
        booking = json.loads(mine or "{}")
        try:
            form = InspectionForm(booking.get("form"))
            options = propose(uow, dossier_id, form, extra_busy=busy)
        except (ValueError, BuddyDeskError):
            continue  # not a booking this laptop can plan (dossier gone, unknown form)
        listed = [
            {
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "experts": [
                    options.experts[v.expert_id].naam
                    for v in p.visits
                    if v.expert_id in options.experts
                ],
            }
            for p in options.proposals.options[:ALTERNATIVES]
        ]
        data = json.loads(detail or "{}")
        data["alternatives"] = listed
        found[conflict_uuid] = json.dumps(data)
    with uow:
        for conflict_uuid, detail in found.items():
            uow.session.execute(
                update(SyncConflict).where(SyncConflict.uuid == conflict_uuid).values(detail=detail)
            )
        uow.commit()


def alternative_lines(detail: Mapping[str, Any]) -> tuple[str, ...]:
    """The alternatives as lines a planner reads: "08-12-2026 09:00–11:30 (A. de Vries)"."""
    return tuple(
        _slot_line(item["start"], item["end"], item["experts"])
        for item in detail.get("alternatives", [])
    )


def conflict_details(
    table: str, mine: str | None, detail: str | None, names: Mapping[int, str]
) -> dict[str, Any]:
    """What the listing shows beyond the reason (``ConflictInfo``'s fields): a refused
    booking's slot as a time rather than its JSON, the field and the value the server kept
    (a buddy by name, ``names``: supervisor id → name), the alternatives."""
    data = json.loads(detail) if detail else {}
    theirs = None if data.get("theirs") is None else str(data["theirs"])
    shown = mine
    if table in _BOOKING_TABLES and mine:
        booking = json.loads(mine)
        shown = _slot_line(booking["start_at"], booking["end_at"], [])
        if booking.get("state") == AppointmentState.CANCELLED.value:
            shown = tr("sync.rows.cancelled", slot=shown)
    elif table == "dossier_pair_field":
        shown, theirs = (_name(v, names) for v in (mine, theirs))
    return {
        "mine": shown,
        "field": data.get("field"),
        "theirs": theirs,
        "alternatives": alternative_lines(data),
    }


def _name(value: str | None, names: Mapping[int, str]) -> str | None:
    if value is None or not value.isdigit():
        return value
    return names.get(int(value), value)


def _slot_line(start_at: str, end_at: str, names: list[str]) -> str:
    start = _moment(start_at).astimezone(AMSTERDAM)
    end = _moment(end_at).astimezone(AMSTERDAM)
    joined = ", ".join(names)
    return f"{start:%d-%m-%Y %H:%M}–{end:%H:%M}" + (f" ({joined})" if joined else "")


def _moment(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
