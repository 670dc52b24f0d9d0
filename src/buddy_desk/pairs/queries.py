"""The Buddyparen list and workload in SQL: which dossiers the desk works on, a page of them
in address order, and the counts (per group, per buddy) by GROUP BY, the same on SQLite and
PostgreSQL. The list's group is the dossier list's (``dossier_listing.grp``, kept true on
every write), so nothing here reads a case."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.models import Address, Dossier
from buddy_desk.models.dossiers import DossierListing
from buddy_desk.models.pairs import PairChange
from buddy_desk.pairs.rules import PairChangeKind

_later = aliased(PairChange, name="later")


@dataclass(frozen=True)
class PairFilter:
    """Which of the desk's dossiers to show: all, those without a full pair, one group, one
    buddy's."""

    only_unpaired: bool = False
    supervisor_id: int | None = None
    group: CollaborationGroup | None = None


def _full() -> ColumnElement[bool]:
    return and_(Dossier.img_supervisor_id.is_not(None), Dossier.ncg_supervisor_id.is_not(None))


def pending_proposal() -> Any:
    """The dossier's pending proposal: its latest pair change (by time, then id) when that is a
    proposal (a coupling after it settles it). Joined outer on the dossier."""
    later = (
        select(literal(1))
        .where(
            _later.dossier_id == PairChange.dossier_id,
            or_(
                _later.changed_at > PairChange.changed_at,
                and_(_later.changed_at == PairChange.changed_at, _later.id > PairChange.id),
            ),
        )
        .exists()
    )
    return (
        select(
            PairChange.dossier_id,
            PairChange.img_after_id,
            PairChange.ncg_after_id,
            PairChange.changed_at,
        )
        .where(PairChange.kind == PairChangeKind.PROPOSED, ~later)
        .subquery("proposal")
    )


def _from(proposal: Any) -> Any:
    return (
        Dossier.__table__.join(Address.__table__, Address.id == Dossier.address_id)
        .outerjoin(DossierListing.__table__, DossierListing.dossier_id == Dossier.id)
        .outerjoin(proposal, proposal.c.dossier_id == Dossier.id)
    )


def conditions(f: PairFilter, proposal: Any) -> list[ColumnElement[bool]]:
    """The desk's dossiers (running at both, a full pair, or a pending proposal) that ``f``
    wants."""
    where: list[ColumnElement[bool]] = [
        or_(DossierListing.grp.is_not(None), _full(), proposal.c.dossier_id.is_not(None))
    ]
    if f.only_unpaired:
        where.append(~_full())
    if f.supervisor_id is not None:
        where.append(
            or_(
                Dossier.img_supervisor_id == f.supervisor_id,
                Dossier.ncg_supervisor_id == f.supervisor_id,
            )
        )
    if f.group is not None:
        where.append(DossierListing.grp == f.group.value)
    return where


def _address_order() -> list[Any]:
    # NULL (no letter, no addition) first on both databases, as "" would sort
    return [
        Address.straat,
        Address.huisnummer,
        Address.huisletter.nulls_first(),
        Address.huisnummertoevoeging.nulls_first(),
        Address.woonplaats,
        Dossier.id,
    ]


def page_statement(f: PairFilter, offset: int, limit: int | None) -> Select[*tuple[Any, ...]]:
    """The rows ``offset`` to ``offset + limit`` (None: to the end) in address order."""
    proposal = pending_proposal()
    return (
        select(
            Dossier.id,
            Dossier.img_supervisor_id,
            Dossier.ncg_supervisor_id,
            Address.straat,
            Address.huisnummer,
            Address.huisletter,
            Address.huisnummertoevoeging,
            Address.woonplaats,
            Address.gemeente,
            DossierListing.grp,
            proposal.c.dossier_id,
            proposal.c.img_after_id,
            proposal.c.ncg_after_id,
        )
        .select_from(_from(proposal))
        .where(*conditions(f, proposal))
        .order_by(*_address_order())
        .offset(offset)
        .limit(limit)
    )


def id_statement(f: PairFilter) -> Select[*tuple[Any, ...]]:
    """The ids of the rows ``f`` shows, in list order."""
    proposal = pending_proposal()
    return (
        select(Dossier.id)
        .select_from(_from(proposal))
        .where(*conditions(f, proposal))
        .order_by(*_address_order())
    )


def count_statement(f: PairFilter) -> Select[*tuple[Any, ...]]:
    """How many dossiers ``f`` shows, how many of them have no full pair, and how many have a
    pending proposal shown (a proposal is shown while the pair is not full)."""
    proposal = pending_proposal()
    shown_proposal = and_(proposal.c.dossier_id.is_not(None), ~_full())
    return (
        select(
            func.count(),
            func.coalesce(func.sum(case((_full(), 0), else_=1)), 0),
            func.coalesce(func.sum(case((shown_proposal, 1), else_=0)), 0),
        )
        .select_from(_from(proposal))
        .where(*conditions(f, proposal))
    )


def group_count_statement(f: PairFilter) -> Select[*tuple[Any, ...]]:
    """Dossiers ``f`` shows per group (NULL: outside the matrix)."""
    proposal = pending_proposal()
    return (
        select(DossierListing.grp, func.count())
        .select_from(_from(proposal))
        .where(*conditions(f, proposal))
        .group_by(DossierListing.grp)
    )


def _grouped() -> Any:
    return Dossier.__table__.outerjoin(
        DossierListing.__table__, DossierListing.dossier_id == Dossier.id
    )


def buddy_group_statement() -> Select[*tuple[Any, ...]]:
    """Dossiers per buddy and group: (supervisor id, group or NULL, count)."""
    halves = union_all(
        select(Dossier.img_supervisor_id.label("sid"), DossierListing.grp.label("grp"))
        .select_from(_grouped())
        .where(Dossier.img_supervisor_id.is_not(None)),
        select(Dossier.ncg_supervisor_id.label("sid"), DossierListing.grp.label("grp"))
        .select_from(_grouped())
        .where(Dossier.ncg_supervisor_id.is_not(None)),
    ).subquery("half")
    return select(halves.c.sid, halves.c.grp, func.count()).group_by(halves.c.sid, halves.c.grp)


def paired_group_statement() -> Select[*tuple[Any, ...]]:
    """Dossiers with a full pair per group (NULL: outside the matrix)."""
    return (
        select(DossierListing.grp, func.count())
        .select_from(_grouped())
        .where(_full())
        .group_by(DossierListing.grp)
    )


def unpaired_statement() -> Select[*tuple[Any, ...]]:
    """Dossiers running at both (a group) without a full pair."""
    return (
        select(func.count())
        .select_from(_grouped())
        .where(DossierListing.grp.is_not(None), ~_full())
    )
