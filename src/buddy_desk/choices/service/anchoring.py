"""The access log's chain and the anchors of the choice logs, inside a unit of work.

``append_access(uow, values)`` adds one row to the access log, linked to the previous one
under a lock on the chain's head (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite writers take
turns already). ``anchor_head`` writes the anchor of a dossier's new choice-log head.
``dossier_problems`` checks one dossier's chain and its anchors (what the consent gate and the
dossier view rely on); ``verify_access`` the whole access log (``verify-log``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select

from buddy_desk import __version__
from buddy_desk.choices.anchors import ACCESS_DOMAIN as ACCESS_DOMAIN
from buddy_desk.choices.anchors import ACTIVITY_ID as ACTIVITY_ID
from buddy_desk.choices.anchors import ANCHOR_ACTION as ANCHOR_ACTION
from buddy_desk.choices.anchors import ANCHOR_DATA as ANCHOR_DATA
from buddy_desk.choices.anchors import ANCHOR_HANDLING as ANCHOR_HANDLING
from buddy_desk.choices.anchors import ANCHOR_PURPOSE as ANCHOR_PURPOSE
from buddy_desk.choices.anchors import CONFIDENTIALITY as CONFIDENTIALITY
from buddy_desk.choices.anchors import HEADS_DOMAIN as HEADS_DOMAIN
from buddy_desk.choices.anchors import PROCESSING_NAME as PROCESSING_NAME
from buddy_desk.choices.anchors import RETENTION as RETENTION
from buddy_desk.choices.anchors import (
    AccessHead,
    AccessVerdict,
    access_row_hash,
    seal_access,
    verify_access_chain,
    verify_anchors,
    wipe_hash,
)
from buddy_desk.choices.anchors import anchor_values as anchor_values  # for sync
from buddy_desk.choices.rules import Actor, ChainProblem, ChoiceEntry, verify_chain
from buddy_desk.models.access_log import AccessLogEntry, AccessLogHead, AccessLogWipe
from buddy_desk.models.choices import ChoiceLogHead
from buddy_desk.persistence.unit_of_work import UnitOfWork

HEAD_ID = 1
_COLUMNS = tuple(c.key for c in AccessLogEntry.__table__.columns if c.key != "id")


def row_values(row: AccessLogEntry) -> dict[str, object]:
    return {key: getattr(row, key) for key in _COLUMNS}


def _locked_head(uow: UnitOfWork) -> AccessLogHead:
    head = uow.session.scalars(
        select(AccessLogHead).where(AccessLogHead.id == HEAD_ID).with_for_update()
    ).one_or_none()
    if head is None:  # a wiped database (demo data replaced): the chain starts again
        start = AccessHead()
        head = AccessLogHead(
            id=HEAD_ID,
            last_seq=start.last_seq,
            last_hash=start.last_hash,
            heads_digest=start.heads_digest,
        )
        uow.session.add(head)
        uow.session.flush()
    return head


def append_access(uow: UnitOfWork, values: Mapping[str, object]) -> AccessLogEntry:
    """Add an access-log row (columns in ``values``) at the end of the chain; not committed."""
    head = _locked_head(uow)
    sealed, moved = seal_access(
        values, AccessHead(head.last_seq, head.last_hash, head.heads_digest)
    )
    row = AccessLogEntry(**sealed)
    uow.session.add(row)
    head.last_seq, head.last_hash, head.heads_digest = (
        moved.last_seq,
        moved.last_hash,
        moved.heads_digest,
    )
    uow.session.flush()
    return row


def anchor_head(uow: UnitOfWork, entry: ChoiceEntry, actor: Actor, at: datetime) -> str:
    """Anchor the dossier's new head (``entry``) in the access log; returns the new digest."""
    values = anchor_values(
        entry.dossier_id,
        entry.seq,
        entry.entry_hash,
        at=at,
        user=actor.username,
        organisation=actor.organisation.value if actor.organisation else None,
        system=f"Buddy Desk {__version__}",
    )
    row = append_access(uow, values)
    return str(row.heads_digest)


def _anchor_rows(uow: UnitOfWork, dossier_id: int) -> list[AccessLogEntry]:
    return list(
        uow.session.scalars(
            select(AccessLogEntry)
            .where(AccessLogEntry.dossier_id == dossier_id, AccessLogEntry.anchor_seq.is_not(None))
            .order_by(AccessLogEntry.chain_seq)
        )
    )


def dossier_problems(
    uow: UnitOfWork, dossier_id: int, entries: list[ChoiceEntry]
) -> list[ChainProblem]:
    """One dossier's chain, its head and its anchors (each anchor row's own hash included)."""
    head_row = uow.session.get(ChoiceLogHead, dossier_id)
    head = (head_row.last_seq, head_row.last_hash) if head_row else None
    problems = verify_chain(dossier_id, entries, head)
    if problems:
        return problems
    rows = _anchor_rows(uow, dossier_id)
    for row in rows:
        if access_row_hash(row_values(row)) != row.entry_hash:
            return [
                ChainProblem(
                    dossier_id, row.anchor_seq, "een anker in het inzagelogboek is gewijzigd"
                )
            ]
    anchored = [(int(r.anchor_seq or 0), str(r.anchor_hash)) for r in rows]
    return verify_anchors(dossier_id, entries, head, anchored)


def digest_for(uow: UnitOfWork, dossier_id: int, seq: int | None = None) -> str | None:
    """The running digest written with entry ``seq`` (default: the dossier's latest anchor)."""
    query = select(AccessLogEntry.heads_digest).where(
        AccessLogEntry.dossier_id == dossier_id, AccessLogEntry.anchor_seq.is_not(None)
    )
    if seq is not None:
        query = query.where(AccessLogEntry.anchor_seq == seq)
    return uow.session.scalars(query.order_by(AccessLogEntry.chain_seq.desc()).limit(1)).first()


@dataclass(frozen=True, slots=True)
class AccessCheck:
    rows: int
    verdict: AccessVerdict


def verify_access(uow: UnitOfWork) -> AccessCheck:
    """Walk the whole access log in stored order (inside the caller's ``with uow``)."""
    rows = [
        row_values(r)
        for r in uow.session.scalars(select(AccessLogEntry).order_by(AccessLogEntry.id))
    ]
    head_row = uow.session.get(AccessLogHead, HEAD_ID)
    head = (
        AccessHead(head_row.last_seq, head_row.last_hash, head_row.heads_digest)
        if head_row
        else None
    )
    return AccessCheck(len(rows), verify_access_chain(rows, head))


@dataclass(frozen=True, slots=True)
class WipeNotice:
    """This database was wiped (``close_access_log``); ``intact``: its record is unchanged."""

    wiped_at: datetime
    reason: str
    username: str
    dossiers: int
    access_rows: int
    intact: bool


_WIPE_COLUMNS = tuple(c.key for c in AccessLogWipe.__table__.columns if c.key != "id")


def close_access_log(
    uow: UnitOfWork,
    *,
    reason: str,
    username: str,
    laptop_id: str | None,
    dossiers: int,
    at: datetime,
) -> None:
    """Remove the whole access log and keep a sealed record of it (a revoked laptop's wipe).

    Inside the caller's transaction, with the log's guards lifted. The rows name dossiers
    that are gone from this database, and the team server's access log is the one of
    record, so a wiped laptop keeps only this: when, whose, how much, and the end of the
    removed chain. ``verify-log`` then passes on an empty log and says it was wiped.
    """
    s = uow.session
    head = s.get(AccessLogHead, HEAD_ID)
    end = AccessHead(head.last_seq, head.last_hash, head.heads_digest) if head else AccessHead()
    rows = s.scalar(select(func.count()).select_from(AccessLogEntry)) or 0
    for obj in list(s.identity_map.values()):
        if isinstance(obj, AccessLogEntry | AccessLogHead):
            s.expunge(obj)
    conn = s.connection()
    conn.execute(delete(AccessLogEntry))
    conn.execute(delete(AccessLogHead))
    values: dict[str, object] = {
        "wiped_at": at,
        "reason": reason,
        "username": username,
        "laptop_id": laptop_id,
        "dossiers": dossiers,
        "access_rows": rows,
        "last_seq": end.last_seq,
        "last_hash": end.last_hash,
        "heads_digest": end.heads_digest,
    }
    values["record_hash"] = wipe_hash(values)
    conn.execute(insert(AccessLogWipe).values(**values))


def wipe_notices(uow: UnitOfWork) -> list[WipeNotice]:
    """Every wipe of this database, oldest first (inside the caller's ``with uow``)."""
    notices = []
    for row in uow.session.scalars(select(AccessLogWipe).order_by(AccessLogWipe.id)):
        values = {key: getattr(row, key) for key in _WIPE_COLUMNS}
        notices.append(
            WipeNotice(
                row.wiped_at,
                row.reason,
                row.username,
                row.dossiers,
                row.access_rows,
                intact=wipe_hash(values) == row.record_hash,
            )
        )
    return notices
