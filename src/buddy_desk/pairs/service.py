"""The buddy-pair desk: list the pairs, couple and re-couple (coordinators only), the history
per dossier, the workload per buddy and per group, and the pair proposed for a new dossier.

A (re-)coupling writes, in one transaction: the dossier's pair, a ``PairChange`` row (who,
when, why), a timeline event on the dossier (organisation-neutral: the pair is coordination,
not case data, so the consent gate shows it to both), and a notice in the Signalen workspace
of every buddy involved — the new ones, the ones taken off, and the partner who stays.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from buddy_desk.core.address import house_number, street_line
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.event_texts import render_value
from buddy_desk.core.event_texts import text as event_text
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import BuddyDeskError, NotFoundError, ValidationError
from buddy_desk.i18n import tr
from buddy_desk.models import Address, Dossier, Supervisor, TimelineEvent
from buddy_desk.models.base import utcnow
from buddy_desk.models.pairs import PairChange
from buddy_desk.models.party import place_of
from buddy_desk.pairs.queries import PairFilter as PairFilter
from buddy_desk.pairs.queries import (
    buddy_group_statement,
    count_statement,
    group_count_statement,
    id_statement,
    page_statement,
    paired_group_statement,
    pending_proposal,
    unpaired_statement,
)
from buddy_desk.pairs.rules import (
    COORDINATOR_ROLE,
    Candidate,
    PairChangeKind,
    change_kind,
    clean_reason,
    may_couple,
    propose,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.service import count_open_signals, notify_in_session

EVENT_KIND = "pair"
_GROUPS = {g.value: g for g in CollaborationGroup}


class NotCoordinatorError(BuddyDeskError):
    """Someone who is not a coordinator tried to couple a buddy pair."""


@dataclass(frozen=True, slots=True)
class Buddy:
    id: int
    naam: str
    organisation: Organisation


@dataclass(frozen=True, slots=True)
class PairRow:
    dossier_id: int
    address: str
    gemeente: str
    group: CollaborationGroup | None
    img: Buddy | None
    ncg: Buddy | None
    open_signals: int
    proposal: tuple[Buddy | None, Buddy | None] | None  # a pending proposal (no pair yet)

    @property
    def paired(self) -> bool:
        return self.img is not None and self.ncg is not None


@dataclass(frozen=True, slots=True)
class PairChangeInfo:
    id: int
    dossier_id: int
    kind: PairChangeKind
    img_before: Buddy | None
    ncg_before: Buddy | None
    img_after: Buddy | None
    ncg_after: Buddy | None
    reason: str
    changed_at: datetime
    changed_by: str | None
    changed_by_name: str | None


@dataclass(frozen=True, slots=True)
class BuddyLoad:
    buddy: Buddy
    dossiers: int
    by_group: dict[str, int]  # group letter (or "-") → dossiers
    open_signals: int


@dataclass(frozen=True, slots=True)
class Workload:
    buddies: tuple[BuddyLoad, ...]
    by_group: dict[str, int]  # group letter (or "-") → paired dossiers
    unpaired: int


@dataclass(frozen=True, slots=True)
class BulkResult:
    changed: tuple[PairChangeInfo, ...]
    unchanged: tuple[int, ...]  # dossiers that already had this pair


def _address(a: Address) -> str:
    number = house_number(a.huisnummer, a.huisletter, a.huisnummertoevoeging)
    return f"{street_line(a.straat, number)}, {a.woonplaats}"


def _buddies(session: Session) -> dict[int, Buddy]:
    return {
        sid: Buddy(sid, naam, org)
        for sid, naam, org in session.execute(
            select(Supervisor.id, Supervisor.naam, Supervisor.organisation)
        )
    }


_CHUNK = 500  # dossier ids per IN query


def _pending_proposals(session: Session, dossier_ids: Sequence[int]) -> dict[int, Any]:
    """The pending proposal (``queries.pending_proposal``: dossier_id, img_after_id,
    ncg_after_id, changed_at) of each of ``dossier_ids`` that has one."""
    proposal = pending_proposal()
    found: dict[int, Any] = {}
    for at in range(0, len(dossier_ids), _CHUNK):
        chunk = dossier_ids[at : at + _CHUNK]
        for row in session.execute(select(proposal).where(proposal.c.dossier_id.in_(chunk))):
            found[row.dossier_id] = row
    return found


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PairCount:
    """What a filter of the desk shows, counted in the database."""

    dossiers: int
    unpaired: int  # without a full pair
    proposals: int  # with a pending proposal (and no full pair): accepting them all may work


PAGE_ROWS = 200
"""Rows per page of the pairs list (and per batch when a whole selection is read)."""


def _pair_rows(session: Session, found: Sequence[Any], buddies: dict[int, Buddy]) -> list[PairRow]:
    signals = count_open_signals(session, dossier_ids=[r[0] for r in found])
    rows = []
    for (
        d_id,
        img_id,
        ncg_id,
        straat,
        nr,
        letter,
        toev,
        woonplaats,
        gemeente,
        grp,
        proposed,
        proposed_img,
        proposed_ncg,
    ) in found:
        full = img_id is not None and ncg_id is not None
        rows.append(
            PairRow(
                dossier_id=d_id,
                address=f"{straat} {house_number(nr, letter, toev)}, {woonplaats}",
                gemeente=gemeente or woonplaats,
                group=_GROUPS.get(grp) if grp else None,
                img=buddies.get(img_id) if img_id else None,
                ncg=buddies.get(ncg_id) if ncg_id else None,
                open_signals=signals.get(d_id, 0),
                proposal=(
                    (
                        buddies.get(proposed_img) if proposed_img else None,
                        buddies.get(proposed_ncg) if proposed_ncg else None,
                    )
                    if proposed is not None and not full
                    else None
                ),
            )
        )
    return rows


def pairs_page(uow: UnitOfWork, pair_filter: PairFilter, offset: int, limit: int) -> list[PairRow]:
    """Rows ``offset`` to ``offset + limit`` of the desk's dossiers that ``pair_filter``
    shows, by address (``queries.page_statement``): one page of the list, read and counted in
    the database."""
    with uow:
        s = uow.session
        found = s.execute(page_statement(pair_filter, offset, limit)).all()
        return _pair_rows(s, found, _buddies(s))


def pair_batches(
    uow: UnitOfWork, pair_filter: PairFilter, size: int = PAGE_ROWS
) -> Iterator[list[PairRow]]:
    """Every row ``pair_filter`` shows, ``size`` at a time, from one query (a bulk action on a
    whole selection, the command line): memory holds one batch, not the province."""
    with uow:
        s = uow.session
        buddies = _buddies(s)
        result = s.execute(
            page_statement(pair_filter, 0, None),
            execution_options={"stream_results": True, "yield_per": size},
        )
        for part in result.partitions(size):
            yield _pair_rows(s, part, buddies)


def list_pairs(
    uow: UnitOfWork,
    *,
    only_unpaired: bool = False,
    supervisor_id: int | None = None,
    group: CollaborationGroup | None = None,
) -> list[PairRow]:
    """The dossiers the desk works on, by address: every combination dossier (running at
    both: the dossiers a buddy pair is for), every dossier with a full pair, and every dossier
    with a pending proposal. A dossier with one organisation's supervisor only is that
    organisation's own business, not a buddy-pair dossier. Every row at once: for a short
    list (tests, one buddy's); the app reads pages (``pairs_page``)."""
    f = PairFilter(only_unpaired, supervisor_id, group)
    return [row for batch in pair_batches(uow, f) for row in batch]


def count_pairs(uow: UnitOfWork, pair_filter: PairFilter) -> PairCount:
    """How many dossiers ``pair_filter`` shows, how many of them lack a full pair, and how many
    have a pending proposal (one counting query in the database)."""
    with uow:
        dossiers, unpaired, proposals = uow.session.execute(count_statement(pair_filter)).one()
    return PairCount(int(dossiers), int(unpaired), int(proposals))


def pair_ids(uow: UnitOfWork, pair_filter: PairFilter) -> list[int]:
    """The ids of every dossier ``pair_filter`` shows, in list order (a bulk action on the
    whole list: ids only, read in one pass)."""
    with uow:
        return list(uow.session.scalars(id_statement(pair_filter)))


def _change_info(c: PairChange, buddies: dict[int, Buddy]) -> PairChangeInfo:
    def b(sid: int | None) -> Buddy | None:
        return buddies.get(sid) if sid is not None else None

    return PairChangeInfo(
        c.id,
        c.dossier_id,
        c.kind,
        b(c.img_before_id),
        b(c.ncg_before_id),
        b(c.img_after_id),
        b(c.ncg_after_id),
        c.reason,
        c.changed_at,
        c.changed_by,
        c.changed_by_name,
    )


def pair_history(uow: UnitOfWork, dossier_id: int) -> list[PairChangeInfo]:
    """Every proposal and (re-)coupling of the dossier's pair, oldest first."""
    with uow:
        s = uow.session
        if s.get(Dossier, dossier_id) is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        buddies = _buddies(s)
        return [
            _change_info(c, buddies)
            for c in s.scalars(
                select(PairChange)
                .where(PairChange.dossier_id == dossier_id)
                .order_by(PairChange.changed_at, PairChange.id)
            )
        ]


def workload(uow: UnitOfWork) -> Workload:
    """Dossiers per buddy (split by group) and open signals per buddy; dossiers per group.
    Counted in the database (GROUP BY); the dossier's group is the dossier list's."""
    with uow:
        s = uow.session
        buddies = _buddies(s)
        active = set(s.scalars(select(Supervisor.id).where(Supervisor.active)))
        per: dict[int, dict[str, int]] = defaultdict(dict)
        for sid, grp, n in s.execute(buddy_group_statement()):
            per[sid][grp or "-"] = int(n)
        by_group = {grp or "-": int(n) for grp, n in s.execute(paired_group_statement())}
        unpaired = int(s.execute(unpaired_statement()).scalar_one())
        open_signals = count_open_signals(s, by_owner=True)
        roles = dict(s.execute(select(Supervisor.id, Supervisor.role)).all())
        loads = [
            BuddyLoad(
                buddies[sid],
                sum(per[sid].values()),
                dict(sorted(per[sid].items())),
                open_signals.get(sid, 0),
            )
            for sid in buddies
            if (sid in active and roles.get(sid) != COORDINATOR_ROLE) or per.get(sid)
        ]
    loads.sort(key=lambda b: (b.buddy.organisation.value, -b.dossiers, b.buddy.naam))
    return Workload(tuple(loads), dict(sorted(by_group.items())), unpaired)


def supervisor_id(uow: UnitOfWork, username: str) -> int:
    with uow:
        sid = uow.session.scalar(
            select(Supervisor.id).where(func.lower(Supervisor.username) == username.lower())
        )
    if sid is None:
        raise NotFoundError(f"Er is geen medewerker met gebruikersnaam '{username}'.")
    return sid


# --- proposing -------------------------------------------------------------------------------


def candidates_in_session(session: Session, organisation: Organisation) -> list[Candidate]:
    """The active buddies of one organisation with their dossiers and areas."""
    column = (
        Dossier.img_supervisor_id if organisation is Organisation.IMG else Dossier.ncg_supervisor_id
    )
    areas: dict[int, Counter[str]] = defaultdict(Counter)
    # counted per buddy and area in the database: at 310,000 dossiers reading every dossier's
    # area took 0.3 s per organisation for each new dossier's proposal
    area = place_of(Address.gemeente, Address.woonplaats)
    for sid, place, dossiers in session.execute(
        select(column, area, func.count())
        .join(Address, Address.id == Dossier.address_id)
        .where(column.is_not(None))
        .group_by(column, area)
    ):
        if sid is not None:  # none by the WHERE; the column's type allows it
            areas[sid][place] += dossiers
    return [
        Candidate(sid, organisation, naam, sum(areas[sid].values()), dict(areas[sid]))
        for sid, naam in session.execute(
            select(Supervisor.id, Supervisor.naam).where(
                Supervisor.active,
                Supervisor.organisation == organisation,
                Supervisor.role != COORDINATOR_ROLE,
            )
        )
    ]


def propose_in_session(
    session: Session, dossier: Dossier, area: str | None, user: str | None
) -> PairChange | None:
    """Record a proposed pair for a new dossier (from workload and area); the caller commits.
    Nothing is coupled: a coordinator decides."""
    img = propose(candidates_in_session(session, Organisation.IMG), area)
    ncg = propose(candidates_in_session(session, Organisation.NCG), area)
    if img is None and ncg is None:
        return None
    reason = tr(
        "pairs.proposal.reason",
        area=area or "-",
        img=img.dossiers if img else 0,
        ncg=ncg.dossiers if ncg else 0,
    )
    change = PairChange(
        kind=PairChangeKind.PROPOSED,
        img_after_id=img.supervisor_id if img else None,
        ncg_after_id=ncg.supervisor_id if ncg else None,
        reason=reason,
        changed_at=utcnow(),
        changed_by=user,
    )
    proposed = proposal_detail(img.naam if img else "—", ncg.naam if ncg else "—", reason)
    dossier.events.append(
        TimelineEvent.about(
            EVENT_KIND,
            "pairs.event.proposed",
            {"detail": proposed},
            occurred_at=change.changed_at,
            organisation=None,
            detail=render_value(proposed),  # today's text, for readers that do not translate
            created_by=user,
        )
    )
    change.dossier_id = dossier.id
    session.add(change)
    return change


def propose_pair(
    uow: UnitOfWork, dossier_id: int, user: str | None = None
) -> PairChangeInfo | None:
    """Propose a pair for a dossier without one (intake calls this for a new dossier)."""
    with uow:
        s = uow.session
        row = s.execute(
            select(Dossier, Address)
            .join(Address, Address.id == Dossier.address_id)
            .where(Dossier.id == dossier_id)
        ).first()
        if row is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        dossier, address = row
        if dossier.img_supervisor_id is not None and dossier.ncg_supervisor_id is not None:
            return None
        change = propose_in_session(s, dossier, address.gemeente or address.woonplaats, user)
        if change is None:
            return None
        s.flush()
        info = _change_info(change, _buddies(s))
        uow.commit()
        return info


# --- coupling --------------------------------------------------------------------------------


def proposal_detail(img: str, ncg: str, reason: str) -> dict[str, Any]:
    """'Voorgesteld: zaakbegeleider A, bewonersbegeleider B (reden). Een coördinator koppelt.'"""
    return event_text("pairs.event.proposed.detail", img=img, ncg=ncg, reason=reason)


def change_detail(
    img: tuple[str, str], ncg: tuple[str, str], reason: str, by: str | None
) -> dict[str, Any]:
    """'Zaakbegeleider: A → B. Bewonersbegeleider: C (blijft). Reden: …. Door: ….', stored as
    a key with values (``core/event_texts``): it reads in the language of whoever looks."""

    def half(role: str, before: str, after: str) -> dict[str, Any]:
        state = "same" if before == after else "changed"
        return event_text(f"pairs.event.{role}.{state}", before=before, after=after)

    return event_text(
        "pairs.event.detail",
        img=half("img", *img),
        ncg=half("ncg", *ncg),
        reason=reason,
        by=by or "—",
    )


def _coordinator(session: Session, username: str | None) -> Supervisor:
    if not username:
        raise NotCoordinatorError(
            "Alleen een coördinator mag buddyparen koppelen; geef aan wie dat doet "
            "(--user GEBRUIKERSNAAM)."
        )
    sup = session.scalars(
        select(Supervisor).where(func.lower(Supervisor.username) == username.lower())
    ).first()
    if sup is None or not may_couple(sup.role, sup.active):
        what = "onbekend" if sup is None else (sup.role or "geen rol")
        raise NotCoordinatorError(
            f"Alleen een coördinator mag buddyparen koppelen; '{username}' is {what}."
        )
    return sup


def _buddy(session: Session, sid: int, organisation: Organisation) -> Supervisor:
    sup = session.get(Supervisor, sid)
    field = "zaakbegeleider" if organisation is Organisation.IMG else "bewonersbegeleider"
    if sup is None:
        raise NotFoundError(f"{field}: medewerker {sid} bestaat niet.")
    if sup.organisation is not organisation:
        raise ValidationError(field, f"{sup.naam} werkt bij {sup.organisation.value}")
    if not sup.active or sup.role == COORDINATOR_ROLE:
        raise ValidationError(field, f"{sup.naam} kan geen buddy zijn (niet actief of coördinator)")
    return sup


def _couple_one(
    session: Session,
    dossier: Dossier,
    address: str,
    img: Supervisor | None,
    ncg: Supervisor | None,
    reason: str,
    by: Supervisor,
    today: date,
) -> PairChange | None:
    before = (dossier.img_supervisor_id, dossier.ncg_supervisor_id)
    after = (
        img.id if img is not None else before[0],
        ncg.id if ncg is not None else before[1],
    )
    kind = change_kind(before, after)
    if kind is None:
        return None
    now = utcnow()
    change = PairChange(
        dossier_id=dossier.id,
        kind=kind,
        img_before_id=before[0],
        ncg_before_id=before[1],
        img_after_id=after[0],
        ncg_after_id=after[1],
        reason=reason,
        changed_at=now,
        changed_by=by.username,
        changed_by_name=by.naam,
    )
    session.add(change)
    dossier.img_supervisor_id, dossier.ncg_supervisor_id = after
    names = {
        s.id: s.naam
        for s in session.scalars(
            select(Supervisor).where(Supervisor.id.in_([i for i in (*before, *after) if i]))
        )
    }

    def name(sid: int | None) -> str:
        return names.get(sid, "—") if sid else "—"

    detail = change_detail(
        (name(before[0]), name(after[0])),
        (name(before[1]), name(after[1])),
        reason,
        by.naam,
    )
    detail_text = str(render_value(detail))
    session.add(
        TimelineEvent.about(
            EVENT_KIND,
            f"pairs.event.{kind.value}",
            {"detail": detail},
            dossier_id=dossier.id,
            occurred_at=now,
            organisation=None,
            detail=detail_text,  # today's text, for readers that do not translate
            created_by=by.username,
        )
    )
    for org, old, new, partner_changed in (
        (Organisation.IMG, before[0], after[0], before[1] != after[1]),
        (Organisation.NCG, before[1], after[1], before[0] != after[0]),
    ):
        if old == new:
            if new is not None and partner_changed:
                title = tr("pairs.notice.partner", dossier=dossier.id, address=address)
                notify_in_session(
                    session, dossier.id, new, org, title, detail_text, by.username, today
                )
            continue
        if new is not None:
            title = tr("pairs.notice.coupled", dossier=dossier.id, address=address)
            notify_in_session(session, dossier.id, new, org, title, detail_text, by.username, today)
        if old is not None:
            title = tr("pairs.notice.released", dossier=dossier.id, address=address)
            notify_in_session(session, dossier.id, old, org, title, detail_text, by.username, today)
    return change


def couple_many(
    uow: UnitOfWork,
    dossier_ids: Sequence[int],
    *,
    img_id: int | None,
    ncg_id: int | None,
    reason: str,
    by_username: str | None,
    today: date,
) -> BulkResult:
    """Couple (or re-couple) the same buddies to every dossier in one transaction.
    ``img_id``/``ncg_id`` None keeps that half of each pair as it is."""
    if not dossier_ids:
        raise ValidationError("dossiers", "kies minstens één dossier")
    if img_id is None and ncg_id is None:
        raise ValidationError("buddies", "kies een zaakbegeleider en/of een bewonersbegeleider")
    text = clean_reason(reason)
    if text is None:
        raise ValidationError("reden", "vul in waarom dit paar wordt gekoppeld")
    with uow:
        s = uow.session
        by = _coordinator(s, by_username)
        img = _buddy(s, img_id, Organisation.IMG) if img_id is not None else None
        ncg = _buddy(s, ncg_id, Organisation.NCG) if ncg_id is not None else None
        changed: list[PairChange] = []
        unchanged: list[int] = []
        for d_id in dict.fromkeys(dossier_ids):
            row = s.execute(
                select(Dossier, Address)
                .join(Address, Address.id == Dossier.address_id)
                .where(Dossier.id == d_id)
            ).first()
            if row is None:
                raise NotFoundError(f"Dossier {d_id} bestaat niet.")
            dossier, address = row
            change = _couple_one(s, dossier, _address(address), img, ncg, text, by, today)
            if change is None:
                unchanged.append(d_id)
            else:
                changed.append(change)
        s.flush()
        buddies = _buddies(s)
        result = BulkResult(tuple(_change_info(c, buddies) for c in changed), tuple(unchanged))
        uow.commit()
        return result


def couple(
    uow: UnitOfWork,
    dossier_id: int,
    *,
    img_id: int,
    ncg_id: int,
    reason: str,
    by_username: str | None,
    today: date,
) -> PairChangeInfo:
    """Couple the pair of one dossier, or re-couple it when it has one."""
    result = couple_many(
        uow,
        [dossier_id],
        img_id=img_id,
        ncg_id=ncg_id,
        reason=reason,
        by_username=by_username,
        today=today,
    )
    if not result.changed:
        raise ValidationError("buddypaar", f"dossier {dossier_id} heeft dit paar al")
    return result.changed[0]


def accept_proposals(
    uow: UnitOfWork,
    dossier_ids: Sequence[int],
    *,
    by_username: str | None,
    today: date,
) -> BulkResult:
    """Couple each dossier with its own pending proposal, in one transaction. A dossier without
    a pending proposal is refused (nothing is written)."""
    if not dossier_ids:
        raise ValidationError("dossiers", "kies minstens één dossier")
    with uow:
        s = uow.session
        by = _coordinator(s, by_username)
        proposals = _pending_proposals(s, list(dict.fromkeys(dossier_ids)))
        changed: list[PairChange] = []
        unchanged: list[int] = []
        for d_id in dict.fromkeys(dossier_ids):
            p = proposals.get(d_id)
            if p is None:
                raise ValidationError("voorstel", f"dossier {d_id} heeft geen openstaand voorstel")
            row = s.execute(
                select(Dossier, Address)
                .join(Address, Address.id == Dossier.address_id)
                .where(Dossier.id == d_id)
            ).one()
            dossier, address = row
            img = _buddy(s, p.img_after_id, Organisation.IMG) if p.img_after_id else None
            ncg = _buddy(s, p.ncg_after_id, Organisation.NCG) if p.ncg_after_id else None
            reason = tr("pairs.proposal.accepted", date=f"{p.changed_at:%d-%m-%Y}")
            change = _couple_one(s, dossier, _address(address), img, ncg, reason, by, today)
            if change is None:
                unchanged.append(d_id)
            else:
                changed.append(change)
        s.flush()
        buddies = _buddies(s)
        result = BulkResult(tuple(_change_info(c, buddies) for c in changed), tuple(unchanged))
        uow.commit()
        return result


def is_coordinator(uow: UnitOfWork, username: str | None) -> bool:
    """For the UI: may this user couple? (The service checks again on every coupling.)"""
    if not username:
        return False
    with uow:
        try:
            _coordinator(uow.session, username)
        except NotCoordinatorError:
            return False
        return True


def group_counts(uow: UnitOfWork, pair_filter: PairFilter) -> dict[str, int]:
    """Dossiers ``pair_filter`` shows per group letter ("-": outside the matrix), counted in
    the database."""
    with uow:
        found = {
            grp or "-": int(n) for grp, n in uow.session.execute(group_count_statement(pair_filter))
        }
    return dict(sorted(found.items()))
