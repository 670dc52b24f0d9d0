"""Recording the resident's choices and reading them back.

Public API (for the dossier view, letters, planning and the CLI); every function takes a
``UnitOfWork`` and returns frozen dataclasses from ``buddy_desk.choices.rules``:

- ``record_choice(uow, dossier_id, choice, actor)`` → ``ChoiceEntry``: a new choice.
- ``correct_choice(uow, dossier_id, seq, choice, actor)`` → ``ChoiceEntry``: a correction of
  entry ``seq`` (a recording mistake); the original stays in the log.
- ``withdraw_choice(uow, dossier_id, seq, actor, channel=…, effective_from=…)`` →
  ``ChoiceEntry``: the resident withdraws the choice (for consent: at once).
- ``log_entries(uow, dossier_id)`` → every entry, oldest first.
- ``current_choices(uow, dossier_id)`` → ``list[ChoiceState]``: the current state of every
  choice, each with its history (what the letters' "your choices" section prints).
- ``joint_inspection_choice(uow, dossier_id)`` → ``ChoiceState | None``; use
  ``state.value`` (``JointInspection`` value, None when withdrawn) and
  ``state.current.only_if_no_delay`` (planning).
- ``decided_choices(uow, dossier_id)`` → ``DecidedChoices``: what the choices in force decide
  (planning, signals, letters, 'wat komt er nu'); ``decided_in_session(session, ids)`` the
  same for many dossiers inside a caller's transaction (None: every dossier with a choice).
- ``consent_state(uow, dossier_id, direction)`` → the data-sharing consent state or None.
- ``choice_log(uow, dossier_id)`` → ``ChoiceLog`` (address, residents, entries, states) for
  the PDF overview, the CSV export and receipts.
- ``verify_log(uow)`` → ``VerifyReport``: walks every dossier's hash chain.

Entries are appended under the write lock (SQLite ``BEGIN IMMEDIATE``) and a lock on the
dossier's chain head (PostgreSQL), so concurrent recorders take turns; a lost race (unique
sequence number) is retried. Each append also anchors the new head in the access log
(``choices.anchors``), which ``verify_log`` checks along with the chains.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from buddy_desk.choices.anchors import AccessProblem, matches_digest, verify_anchors
from buddy_desk.choices.rules import (
    EXPLANATION_VERSIONS,
    GENESIS_HASH,
    Actor,
    ChainProblem,
    Channel,
    ChoiceEntry,
    ChoiceState,
    ChoiceType,
    ConsentMethod,
    DecidedChoices,
    Direction,
    DocumentCategory,
    EntryKind,
    consent_for,
    current_states,
    decided,
    entry_from_row,
    seal,
    validate_new,
    verify_chain,
)
from buddy_desk.choices.service.anchoring import (
    WipeNotice,
    anchor_head,
    dossier_problems,
    verify_access,
    wipe_notices,
)
from buddy_desk.choices.texts import (
    LOCAL as LOCAL,  # other features name choices through the service
)
from buddy_desk.choices.texts import state_label as state_label
from buddy_desk.choices.texts import summary_event
from buddy_desk.choices.texts import type_label as type_label
from buddy_desk.dossiers.service import person_name
from buddy_desk.errors import NotFoundError, ValidationError
from buddy_desk.i18n import tr
from buddy_desk.models import (
    Address,
    Dossier,
    DossierResident,
    Person,
    Supervisor,
    TimelineEvent,
)
from buddy_desk.models.access_log import AccessLogEntry
from buddy_desk.models.base import utcnow
from buddy_desk.models.choices import ChoiceLogEntry, ChoiceLogHead, to_row_values
from buddy_desk.persistence.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
RETRIES = 5


@dataclass(frozen=True, slots=True)
class NewChoice:
    """What the recorder enters; the service adds who, when, the number and the hash."""

    choice_type: ChoiceType
    value: str
    channel: Channel
    made_at: datetime | None = None  # default: now
    note: str | None = None
    form_reference: str | None = None
    direction: Direction | None = None
    purpose: str | None = None
    categories: tuple[DocumentCategory, ...] = ()
    method: ConsentMethod | None = None
    only_if_no_delay: bool | None = None


@dataclass(frozen=True, slots=True)
class ChoiceLog:
    dossier_id: int
    address_line: str
    postcode: str
    woonplaats: str
    residents: tuple[str, ...]
    entries: tuple[ChoiceEntry, ...]
    states: tuple[ChoiceState, ...]
    # recorded_by → how a resident knows the recorder: "Sanne Bakker, zaakbegeleider IMG"
    recorders: tuple[tuple[str, str], ...] = ()

    def recorder(self, entry: ChoiceEntry) -> str:
        """The recorder's name and role for the resident, never a bare username."""
        return dict(self.recorders).get(entry.recorded_by) or recorder_label(entry, None)

    # the running digest written with each entry (seq → digest): printed on receipts
    digests: tuple[tuple[int, str], ...] = ()
    problems: tuple[ChainProblem, ...] = ()  # this dossier's chain does not verify

    def digest_at(self, seq: int | None = None) -> str | None:
        """The digest that covers entry ``seq``: the one written with it, or (entries from
        the demo data or an upgrade, anchored only at their head) the first written after
        it. Default: the latest."""
        if seq is None:
            return self.digests[-1][1] if self.digests else None
        return next((d for s, d in sorted(self.digests) if s >= seq), None)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    chains: int
    entries: int
    problems: tuple[ChainProblem, ...]
    access_rows: int = 0
    access_problems: tuple[AccessProblem, ...] = ()
    digests: tuple[tuple[str, int, int], ...] = ()  # (digest, dossier, seq), oldest first
    wipes: tuple[WipeNotice, ...] = ()  # the database was wiped (a revoked laptop)

    @property
    def ok(self) -> bool:
        intact = all(w.intact for w in self.wipes)
        return not self.problems and not self.access_problems and intact

    def find_digest(self, given: str) -> tuple[str, int, int] | None:
        """Where a digest printed on a receipt or letter (full or short form) was written."""
        return next((d for d in self.digests if matches_digest(d[0], given)), None)


def to_entry(row: ChoiceLogEntry) -> ChoiceEntry:
    return entry_from_row(row)


def _entries(uow: UnitOfWork, dossier_id: int) -> list[ChoiceEntry]:
    rows = uow.session.scalars(
        select(ChoiceLogEntry)
        .where(ChoiceLogEntry.dossier_id == dossier_id)
        .order_by(ChoiceLogEntry.seq)
    )
    return [to_entry(r) for r in rows]


def _require_dossier(uow: UnitOfWork, dossier_id: int) -> None:
    if uow.session.get(Dossier, dossier_id) is None:
        raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")


Build = Callable[[list[ChoiceEntry], int, datetime], ChoiceEntry]


def _append(
    uow: UnitOfWork, dossier_id: int, build: Build, actor: Actor, now: datetime | None
) -> ChoiceEntry:
    for attempt in range(1, RETRIES + 1):
        try:
            return _append_once(uow, dossier_id, build, actor, now)
        except (IntegrityError, OperationalError) as exc:
            if attempt == RETRIES or not _is_race(exc):
                raise
            log.info("choice log of dossier %s busy; retry %d", dossier_id, attempt)
    raise AssertionError("unreachable")


def _is_race(exc: Exception) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return any(
        word in text for word in ("unique", "duplicate", "locked", "busy", "serializ", "deadlock")
    )


def _append_once(
    uow: UnitOfWork, dossier_id: int, build: Build, actor: Actor, now: datetime | None
) -> ChoiceEntry:
    with uow:
        uow.for_writing()  # recorders on one dossier take turns (SQLite: BEGIN IMMEDIATE)
        s = uow.session
        _require_dossier(uow, dossier_id)
        head = s.scalars(
            select(ChoiceLogHead).where(ChoiceLogHead.dossier_id == dossier_id).with_for_update()
        ).one_or_none()
        existing = _entries(uow, dossier_id)
        at = now or utcnow()
        seq = (head.last_seq if head else 0) + 1
        draft = replace(build(existing, seq, at), dossier_id=dossier_id)
        validate_new(existing, draft)
        entry = seal(draft, head.last_hash if head else GENESIS_HASH)
        s.add(ChoiceLogEntry(**to_row_values(entry)))
        if head is None:
            s.add(ChoiceLogHead(dossier_id=dossier_id, last_seq=seq, last_hash=entry.entry_hash))
        else:
            head.last_seq = seq
            head.last_hash = entry.entry_hash
        anchor_head(uow, entry, actor, at)
        key, params = summary_event(entry)
        s.add(
            TimelineEvent.about(
                "choice",
                key,
                params,
                dossier_id=dossier_id,
                occurred_at=at,
                organisation=None,  # the choice log is the pair's, not one organisation's
                created_by=actor.username,
            )
        )
        s.flush()
        _follow_signals(uow, dossier_id, at, actor)
        uow.commit()
        log.info("choice log dossier=%s seq=%s kind=%s", dossier_id, seq, entry.kind.value)
        return entry


def _follow_signals(uow: UnitOfWork, dossier_id: int, at: datetime, actor: Actor) -> None:
    """A choice can answer an open signal or call for a new one: run the signal rules for
    this dossier in the same transaction, so the signal list never lags the choice log."""
    # imported here: the signals service reads the choice log through this module
    from buddy_desk.signals.service import evaluate_in_session

    evaluate_in_session(uow.session, at.astimezone(LOCAL).date(), [dossier_id], actor.username)


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


def _from_choice(
    choice: NewChoice, kind: EntryKind, actor: Actor, refers_to_seq: int | None
) -> Build:
    def build(_existing: list[ChoiceEntry], seq: int, now: datetime) -> ChoiceEntry:
        return ChoiceEntry(
            dossier_id=0,
            seq=seq,
            kind=kind,
            choice_type=choice.choice_type,
            value=choice.value.strip(),
            made_at=choice.made_at or now,
            recorded_at=now,
            recorded_by=actor.signature,
            recorded_by_org=actor.organisation.value if actor.organisation else None,
            channel=choice.channel,
            note=_clean(choice.note),
            form_reference=_clean(choice.form_reference),
            explanation_version=EXPLANATION_VERSIONS[choice.choice_type],
            direction=choice.direction,
            purpose=_clean(choice.purpose),
            categories=tuple(sorted(set(choice.categories))),
            method=choice.method,
            only_if_no_delay=choice.only_if_no_delay,
            refers_to_seq=refers_to_seq,
        )

    return build


def record_choice(
    uow: UnitOfWork,
    dossier_id: int,
    choice: NewChoice,
    actor: Actor,
    *,
    now: datetime | None = None,
) -> ChoiceEntry:
    """Append a new choice; raises ValidationError (Dutch, naming the field) if it is wrong."""
    return _append(uow, dossier_id, _from_choice(choice, EntryKind.RECORD, actor, None), actor, now)


def correct_choice(
    uow: UnitOfWork,
    dossier_id: int,
    refers_to_seq: int,
    choice: NewChoice,
    actor: Actor,
    *,
    now: datetime | None = None,
) -> ChoiceEntry:
    """Append a correction of entry ``refers_to_seq`` (which stays in the log unchanged)."""
    build = _from_choice(choice, EntryKind.CORRECTION, actor, refers_to_seq)
    return _append(uow, dossier_id, build, actor, now)


def withdraw_choice(
    uow: UnitOfWork,
    dossier_id: int,
    refers_to_seq: int,
    actor: Actor,
    *,
    channel: Channel,
    effective_from: datetime | None = None,
    note: str | None = None,
    form_reference: str | None = None,
    method: ConsentMethod | None = None,
    now: datetime | None = None,
) -> ChoiceEntry:
    """The resident withdraws choice ``refers_to_seq``; ``effective_from`` defaults to now
    and may lie earlier (the date on the resident's letter), never later."""

    def build(existing: list[ChoiceEntry], seq: int, at: datetime) -> ChoiceEntry:
        target = next((e for e in existing if e.seq == refers_to_seq), None)
        if target is None:
            raise NotFoundError(f"Regel {refers_to_seq} bestaat niet in het keuzelogboek.")
        return ChoiceEntry(
            dossier_id=0,
            seq=seq,
            kind=EntryKind.WITHDRAWAL,
            choice_type=target.choice_type,
            value=target.value,
            made_at=effective_from or at,
            recorded_at=at,
            recorded_by=actor.signature,
            recorded_by_org=actor.organisation.value if actor.organisation else None,
            channel=channel,
            note=_clean(note),
            form_reference=_clean(form_reference),
            explanation_version=EXPLANATION_VERSIONS[target.choice_type],
            direction=target.direction,
            method=method,
            effective_from=effective_from or at,
            refers_to_seq=refers_to_seq,
        )

    return _append(uow, dossier_id, build, actor, now)


def actor_for(uow: UnitOfWork, username: str | None) -> Actor:
    """The recorder named by a username (the CLI's --user): name, organisation and role from
    the staff register. Refused without a username or for an unknown one: a choice in the
    log must say who recorded it."""
    if not (username or "").strip():
        raise ValidationError("gebruiker", tr("choices.cli.no_user"))
    assert username is not None
    with uow:
        sup = uow.session.scalars(
            select(Supervisor).where(func.lower(Supervisor.username) == username.strip().lower())
        ).first()
        if sup is None or not sup.username:
            raise NotFoundError(tr("choices.cli.unknown_user", user=username.strip()))
        return Actor(sup.username, sup.naam, sup.organisation, sup.role)


def log_entries(uow: UnitOfWork, dossier_id: int) -> list[ChoiceEntry]:
    with uow:
        _require_dossier(uow, dossier_id)
        return _entries(uow, dossier_id)


def current_choices(uow: UnitOfWork, dossier_id: int) -> list[ChoiceState]:
    return current_states(log_entries(uow, dossier_id))


def joint_inspection_choice(uow: UnitOfWork, dossier_id: int) -> ChoiceState | None:
    for state in current_choices(uow, dossier_id):
        if state.choice_type is ChoiceType.JOINT_INSPECTION:
            return state
    return None


def decided_choices(uow: UnitOfWork, dossier_id: int) -> DecidedChoices:
    return decided(current_choices(uow, dossier_id))


def decided_in_session(
    session: Session, dossier_ids: Iterable[int] | None = None
) -> dict[int, DecidedChoices]:
    """The decisions per dossier (only dossiers with a choice), in one query."""
    stmt = select(ChoiceLogEntry).where(
        ChoiceLogEntry.choice_type.not_in([ChoiceType.DATA_SHARING, ChoiceType.FREE_TEXT])
    )
    if dossier_ids is not None:
        wanted = sorted(set(dossier_ids))
        if not wanted:
            return {}
        stmt = stmt.where(ChoiceLogEntry.dossier_id.in_(wanted))
    by_dossier: dict[int, list[ChoiceEntry]] = defaultdict(list)
    for row in session.scalars(stmt.order_by(ChoiceLogEntry.dossier_id, ChoiceLogEntry.seq)):
        by_dossier[row.dossier_id].append(to_entry(row))
    return {d: decided(current_states(items)) for d, items in by_dossier.items()}


def consent_state(uow: UnitOfWork, dossier_id: int, direction: Direction) -> ChoiceState | None:
    return consent_for(current_choices(uow, dossier_id), direction)


def choice_log(uow: UnitOfWork, dossier_id: int) -> ChoiceLog:
    with uow:
        s = uow.session
        row = s.execute(
            select(
                Address.straat,
                Address.huisnummer,
                Address.huisletter,
                Address.huisnummertoevoeging,
                Address.postcode,
                Address.woonplaats,
            )
            .join(Dossier, Dossier.address_id == Address.id)
            .where(Dossier.id == dossier_id)
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        straat, nr, letter, toev, postcode, woonplaats = row
        number = f"{nr}{letter or ''}" + (f"-{toev}" if toev else "")
        names = tuple(
            person_name(p.voorletters, p.tussenvoegsel, p.achternaam, p.voornaam)
            for p in s.scalars(
                select(Person)
                .join(DossierResident, DossierResident.person_id == Person.id)
                .where(DossierResident.dossier_id == dossier_id)
                .order_by(DossierResident.primary.desc(), DossierResident.id)
            )
        )
        entries = tuple(_entries(uow, dossier_id))
        digests = tuple(
            (int(seq or 0), str(digest))
            for seq, digest in s.execute(
                select(AccessLogEntry.anchor_seq, AccessLogEntry.heads_digest)
                .where(
                    AccessLogEntry.dossier_id == dossier_id,
                    AccessLogEntry.anchor_seq.is_not(None),
                )
                .order_by(AccessLogEntry.chain_seq)
            )
        )
        usernames = {_username(e.recorded_by) for e in entries}
        staff = {
            sup.username: sup
            for sup in s.scalars(select(Supervisor).where(Supervisor.username.in_(usernames)))
        }
        recorders = tuple(
            (e.recorded_by, recorder_label(e, staff.get(_username(e.recorded_by))))
            for e in {e.recorded_by: e for e in entries}.values()
        )
        return ChoiceLog(
            dossier_id=dossier_id,
            address_line=f"{straat} {number}",
            postcode=f"{postcode[:4]} {postcode[4:]}",
            woonplaats=woonplaats,
            residents=names,
            entries=entries,
            states=tuple(current_states(entries)),
            digests=digests,
            problems=tuple(dossier_problems(uow, dossier_id, list(entries))),
            recorders=recorders,
        )


def _username(recorded_by: str) -> str:
    """The username in a signature: "Sanne Bakker (sbakker)" or just "sbakker"."""
    if recorded_by.endswith(")") and " (" in recorded_by:
        return recorded_by.rsplit(" (", 1)[1][:-1]
    return recorded_by


def recorder_label(entry: ChoiceEntry, staff: Supervisor | None) -> str:
    """Name and role of who recorded ``entry``, as a resident reads it on a receipt."""
    org = entry.recorded_by_org or (staff.organisation.value if staff is not None else None)
    if staff is not None:
        return tr("choices.recorder.staff", name=staff.naam, role=staff.role, org=org or "")
    if entry.recorded_by != _username(entry.recorded_by):  # "Name (username)"
        name = entry.recorded_by.rsplit(" (", 1)[0]
        if org:
            return tr("choices.recorder.named", name=name, org=org)
        return name
    return tr("choices.recorder.org", org=org) if org else tr("choices.recorder.unknown")


def verify_log(uow: UnitOfWork) -> VerifyReport:
    """Walk every dossier's chain and the access log that anchors them.

    Reports each broken chain at its first bad entry: a changed, removed or reordered entry,
    a removed tail (even with the head moved back: the anchors remember it), and any edit of
    the access log itself.
    """
    with uow:
        s = uow.session
        by_dossier: dict[int, list[ChoiceEntry]] = defaultdict(list)
        # stored order (by id) — a reorder of rows shows up as a sequence or link break
        for row in s.scalars(select(ChoiceLogEntry).order_by(ChoiceLogEntry.id)):
            by_dossier[row.dossier_id].append(to_entry(row))
        heads = {h.dossier_id: (h.last_seq, h.last_hash) for h in s.scalars(select(ChoiceLogHead))}
        access = verify_access(uow)
        anchors = access.verdict.anchors
        problems: list[ChainProblem] = []
        for dossier_id in sorted(set(by_dossier) | set(heads) | set(anchors)):
            entries = by_dossier.get(dossier_id, [])
            head = heads.get(dossier_id)
            found = verify_chain(dossier_id, entries, head)
            if not found and not access.verdict.problems:
                found = verify_anchors(dossier_id, entries, head, anchors.get(dossier_id, []))
            problems.extend(found)
        return VerifyReport(
            chains=len(set(by_dossier) | set(heads)),
            entries=sum(len(v) for v in by_dossier.values()),
            problems=tuple(problems),
            access_rows=access.rows,
            access_problems=access.verdict.problems,
            digests=access.verdict.digests,
            wipes=tuple(wipe_notices(uow)),
        )
