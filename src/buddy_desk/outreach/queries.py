"""The proactive worklist in SQL: its rows (phase, contacts, the latest one) worked out per
address by the database, filtered, in worklist order a page at a time, and its counts per
phase by GROUP BY, the same on SQLite and PostgreSQL.

The order and the phase are ``rules.outreach_phase`` and the list's order as the in-memory
worklist had them: phase, gemeente (the town where there is none), postcode, the address line
as letters write it (``core.address.street_line``: "Kerkstraat 10" before "Kerkstraat 9", as
text), dossier."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, case, cast, exists, func
from sqlalchemy import select as sql_select
from sqlalchemy.orm import aliased

from buddy_desk.core.phases import NcgStatus, Organisation
from buddy_desk.models import Address, Case, Dossier
from buddy_desk.models.outreach import OutreachContact
from buddy_desk.models.party import number_suffix, place_of
from buddy_desk.models.signals import Observation
from buddy_desk.outreach.rules import ContactOutcome, OutreachPhase, outreach_phase
from buddy_desk.signals.rules import ObservationKind

_last = aliased(OutreachContact, name="last_contact")


@dataclass(frozen=True)
class WorklistFilter:
    phases: frozenset[OutreachPhase] = frozenset()
    gemeente: str | None = None
    woonplaats: str | None = None
    ncg_status: NcgStatus | None = None
    include_closed: bool = False


def _phase_of_status() -> dict[OutreachPhase, list[str]]:
    """The NCG statuses per phase when NCG saw no damage (from ``rules.outreach_phase``)."""
    found: dict[OutreachPhase, list[str]] = {}
    for status in NcgStatus:
        found.setdefault(outreach_phase(status, False), []).append(status.value)
    return found


def _for_dossier(column: Any) -> tuple[Any, Any, Any]:
    """Per dossier (``column``): when NCG first saw damage, its number of contacts, the id of
    its latest contact (by day, then as recorded)."""
    seen = (
        sql_select(func.min(Observation.datum))
        .where(Observation.dossier_id == column, Observation.kind == _SEEN)
        .scalar_subquery()
    )
    attempts = (
        sql_select(func.count(OutreachContact.id))
        .where(OutreachContact.dossier_id == column)
        .scalar_subquery()
    )
    last_id = (
        sql_select(OutreachContact.id)
        .where(OutreachContact.dossier_id == column)
        .order_by(OutreachContact.attempted_on.desc(), OutreachContact.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return seen, attempts, last_id


_SEEN = ObservationKind.NCG_DAMAGE_SEEN
_latest = aliased(OutreachContact, name="latest_contact")


def _closed_dossiers() -> Any:
    """The dossiers whose latest contact (by day, then as recorded) closed them: the latest
    day per dossier, the last contact recorded that day, its outcome."""
    last_day = (
        sql_select(OutreachContact.dossier_id, func.max(OutreachContact.attempted_on).label("day"))
        .group_by(OutreachContact.dossier_id)
        .subquery("last_day")
    )
    last_ids = (
        sql_select(func.max(_latest.id))
        .join(
            last_day,
            (last_day.c.dossier_id == _latest.dossier_id)
            & (last_day.c.day == _latest.attempted_on),
        )
        .group_by(_latest.dossier_id)
    )
    closing = sorted(o.value for o in ContactOutcome if o.closes)
    return (
        sql_select(OutreachContact.dossier_id)
        .where(OutreachContact.id.in_(last_ids), OutreachContact.outcome.in_(closing))
        .scalar_subquery()
    )


def _worklist() -> Any:
    """Per address on the proactive list (an NCG case, no IMG case): its case, its address,
    whether NCG saw damage and whether its latest contact closed it. Only what filters and
    orders the list: a page's other columns are read for its rows alone (``page_statement``)."""
    img_case = (
        exists()
        .where(Case.dossier_id == Dossier.id, Case.organisation == Organisation.IMG)
        .correlate(Dossier)
    )
    # sets worked out once, not asked per address: both databases hash them
    seen = Dossier.id.in_(
        sql_select(Observation.dossier_id).where(Observation.kind == _SEEN).scalar_subquery()
    )
    closed = Dossier.id.in_(_closed_dossiers())
    return (
        sql_select(
            Dossier.id.label("dossier_id"),
            Case.id.label("case_id"),
            Case.status,
            Address.straat,
            Address.huisnummer,
            Address.huisletter,
            Address.huisnummertoevoeging,
            Address.postcode,
            Address.woonplaats,
            Address.gemeente,
            seen.label("seen"),
            closed.label("closed"),
        )
        .join(Case, Case.dossier_id == Dossier.id)
        .join(Address, Address.id == Dossier.address_id)
        .where(Case.organisation == Organisation.NCG, ~img_case)
        .subquery("worklist")
    )


class _Columns:
    """The worklist's derived columns over one ``_worklist()`` subquery."""

    def __init__(self, w: Any) -> None:
        self.w = w
        statuses = _phase_of_status()
        self.phase: ColumnElement[int] = case(
            (w.c.seen, int(OutreachPhase.DAMAGE_SEEN)),
            *(
                (w.c.status.in_(statuses[p]), int(p))
                for p in (OutreachPhase.INSPECTION_AHEAD, OutreachPhase.PLAN_AHEAD)
            ),
            else_=int(OutreachPhase.OTHER),
        )
        # ``gem or wp``: an empty gemeente counts as none
        self.gemeente: ColumnElement[str] = place_of(w.c.gemeente, w.c.woonplaats)
        self.open: ColumnElement[bool] = ~w.c.closed
        number = cast(w.c.huisnummer, String) + number_suffix(
            w.c.huisletter, w.c.huisnummertoevoeging
        )
        self.address_line: ColumnElement[str] = case(
            (func.coalesce(w.c.straat, "") != "", w.c.straat + " " + number), else_=number
        )

    def where(self, f: WorklistFilter) -> list[ColumnElement[bool]]:
        w = self.w
        found: list[ColumnElement[bool]] = []
        if not f.include_closed:
            found.append(self.open)
        if f.phases:
            found.append(self.phase.in_(sorted(int(p) for p in f.phases)))
        if f.gemeente is not None:
            found.append(func.lower(self.gemeente) == f.gemeente.lower())
        if f.woonplaats is not None:
            found.append(func.lower(w.c.woonplaats) == f.woonplaats.lower())
        if f.ncg_status is not None:
            found.append(w.c.status == f.ncg_status.value)
        return found


def page_statement(
    f: WorklistFilter,
    offset: int,
    limit: int | None,
    dossiers: Collection[int] | None = None,
) -> Select[*tuple[Any, ...]]:
    """The rows ``offset`` to ``offset + limit`` (None: to the end) in worklist order (only
    ``dossiers``, when given): the page's addresses found first, their contacts and
    observations read for them alone."""
    c = _Columns(_worklist())
    w = c.w
    keys = (
        cast(c.phase, Integer).label("phase"),
        c.gemeente.label("place"),
        w.c.postcode,
        c.address_line.label("line"),
        w.c.dossier_id,
        w.c.case_id,
    )
    found = (
        sql_select(*keys)
        .where(*c.where(f))
        .where(*(() if dossiers is None else (w.c.dossier_id.in_(sorted(dossiers)),)))
        .order_by(*keys)
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )
    seen, attempts, last_id = _for_dossier(found.c.dossier_id)
    source = (
        found.join(Case, Case.id == found.c.case_id)
        .join(Dossier, Dossier.id == found.c.dossier_id)
        .join(Address, Address.id == Dossier.address_id)
        .outerjoin(_last, _last.id == last_id)
    )
    return (
        sql_select(
            found.c.dossier_id,
            Case.identificatie,
            Case.status,
            Case.bijzondere_situatie,
            Address.straat,
            Address.huisnummer,
            Address.huisletter,
            Address.huisnummertoevoeging,
            Address.postcode,
            Address.woonplaats,
            found.c.place,
            Address.ncg_address_id,
            seen,
            attempts,
            found.c.phase,
            _last.id,
            _last.attempted_on,
            _last.channel,
            _last.outcome,
            _last.note,
            _last.recorded_by,
        )
        .select_from(source)
        .order_by(
            found.c.phase,
            found.c.place,
            found.c.postcode,
            found.c.line,
            found.c.dossier_id,
            found.c.case_id,
        )
    )


def count_statement(f: WorklistFilter) -> Select[*tuple[Any, ...]]:
    c = _Columns(_worklist())
    return sql_select(func.count()).select_from(c.w).where(*c.where(f))


def phase_count_statement(f: WorklistFilter) -> Select[*tuple[Any, ...]]:
    """(phase, addresses) of the rows ``f`` shows."""
    c = _Columns(_worklist())
    return (
        sql_select(c.phase.label("phase"), func.count())
        .select_from(c.w)
        .where(*c.where(f))
        .group_by(c.phase)
    )


def summary_statement() -> Select[*tuple[Any, ...]]:
    """(phase, open, gemeente, NCG status, addresses) over the whole worklist."""
    c = _Columns(_worklist())
    open_ = case((c.open, 1), else_=0)
    return (
        sql_select(c.phase, open_, c.gemeente, c.w.c.status, func.count())
        .select_from(c.w)
        .group_by(c.phase, open_, c.gemeente, c.w.c.status)
    )
