"""The samenloop lists in the database: the tiles' counts, a list's pages and its batches,
as one viewer may see them (the consent gate, a page at a time).

The database filters, searches and sorts on what it holds; the consent gate then decides,
per row, what the viewer sees of the other organisation's case. A filter or an order on
what the gate may withhold (the NCG status, the bijzondere situatie, the group, a case
number in the search) is held against the row as shown (``rules.matches``), so the pages are
the rows ``rules.filter_rows`` / ``rules.sort_rows`` give on the whole list, in that order:

- a row the gate leaves out of a filter is dropped and the next one read (``Cursor`` counts
  the database rows a page used, so the next page starts after them);
- an order on a gated value is read in *segments*: first the rows whose value the viewer
  may see, in that value's order, then the rest in address order (a withheld value sorts
  last). Only dossiers with a choice-log entry can show the other side, so the first
  segment of an IMG viewer's NCG order reads only those.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Generator, Sequence
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import date
from sys import intern
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Row,
    Select,
    and_,
    case,
    exists,
    false,
    func,
    or_,
    select,
)

from buddy_desk.choices.rules import Actor
from buddy_desk.choices.service.list_gate import DossierDisclosure, disclosures_on
from buddy_desk.core.address import house_number
from buddy_desk.core.collaboration import collaboration_group
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.core.search import prefix_range
from buddy_desk.dossiers.service import img_rank
from buddy_desk.models import Address, Case, Dossier, Supervisor
from buddy_desk.models.choices import ChoiceLogEntry
from buddy_desk.models.dossiers import DossierListing, DossierSearchWord
from buddy_desk.models.party import number_suffix, place_of
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import Cancelled
from buddy_desk.samenloop.rules import (
    Category,
    ListFilter,
    ListId,
    SamenloopRow,
    SortKey,
    belongs,
    category_of,
    gate_row,
    group_pairs,
    matches,
)

PAGE_ROWS = 200
"""Rows of the workspace's first page (a few screenfuls)."""
MORE_ROWS = 1_000
"""Rows read as the view scrolls further: each read sorts the list again in the database
(~0.5 s at 310,000 dossiers on SQLite), so a scroll reads more at once."""
BATCH_ROWS = 2_000
"""Rows per batch of an export or the command line's list."""
_READ_AT_LEAST = 100
"""Database rows read per step once the gate has dropped some (fewer round trips)."""


@dataclass(frozen=True)
class ListQuery:
    """A list as shown: which one, filtered how, in which order."""

    list_id: ListId = ListId.NCG
    filter: ListFilter = field(default_factory=ListFilter)
    sort: SortKey = SortKey.ADDRESS


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: the segment of the order and the database rows read in it."""

    segment: int = 0
    offset: int = 0


@dataclass(frozen=True)
class Page:
    rows: tuple[SamenloopRow, ...]
    next: Cursor | None  # None: the list ends here


# -- the statement ------------------------------------------------------------------------

_IMG = {p.value: p for p in ImgPhase}
_NCG = {s.value: s for s in NcgStatus}
_RUNNING = [p.value for p in ImgPhase if p.is_running]
_SETTLED = [p.value for p in ImgPhase if not p.is_running]
_FINISHED = NcgStatus.S6.value
_GROUP_LIST = {lid.group: lid for lid in ListId if lid.group is not None}
_CATEGORY_LIST = {c: ListId(c.value) for c in Category}

_GEMEENTE = place_of(Address.gemeente, Address.woonplaats)
_SUFFIX = number_suffix(Address.huisletter, Address.huisnummertoevoeging)
# rules.address_key: place, street, number, then the number as written ("12" < "12-2" <
# "12a"); rows alike in all of it in the order their NCG cases were made
_ADDRESS_ORDER: tuple[Any, ...] = (
    Address.woonplaats,
    Address.straat,
    Address.huisnummer,
    _SUFFIX,
    Case.id,
)
_NCG_ORDER = case(*((Case.status == s.value, s.order) for s in NcgStatus), else_=99)
ROW_COLUMNS: tuple[Any, ...] = (
    Case.dossier_id,
    Case.identificatie,
    Case.status,
    Case.status_date,
    Case.bijzondere_situatie,
    Address.straat,
    Address.huisnummer,
    Address.huisletter,
    Address.huisnummertoevoeging,
    Address.postcode,
    Address.woonplaats,
    Address.gemeente,
    Address.ncg_address_id,
    Dossier.ncg_supervisor_id,
    Dossier.img_supervisor_id,
)


def _statement(where: Sequence[ColumnElement[bool]], order: Sequence[Any]) -> Select[Any]:
    return (
        select(*ROW_COLUMNS)
        .select_from(Case)
        .join(Dossier, Dossier.id == Case.dossier_id)
        .join(Address, Address.id == Dossier.address_id)
        .join(DossierListing, DossierListing.dossier_id == Case.dossier_id)
        .where(*where)
        .order_by(*order)
    )


def _in_group(group: Any) -> ColumnElement[bool]:
    pairs = group_pairs(group)
    if not pairs:
        return false()
    return or_(
        *(and_(Case.status == s.value, DossierListing.img_phase == p.value) for s, p in pairs)
    )


def _where(query: ListQuery) -> list[ColumnElement[bool]]:
    """The list and the filter in SQL, on the database's values: every row the viewer would
    see in the list is among these (the gate only takes away)."""
    f = query.filter
    phase = DossierListing.img_phase
    where: list[ColumnElement[bool]] = [Case.organisation == Organisation.NCG]
    match query.list_id.category:
        case Category.PROACTIVE:
            where.append(phase.is_(None))
        case Category.SETTLED:
            where.append(phase.in_(_SETTLED))
        case Category.BOTH:
            where += [phase.in_(_RUNNING), Case.status != _FINISHED]
        case Category.NCG_DONE:
            where += [phase.in_(_RUNNING), Case.status == _FINISHED]
    for group in {query.list_id.group, f.group} - {None}:
        where.append(_in_group(group))
    if f.ncg_status is not None:
        where.append(Case.status == f.ncg_status.value)
    if f.only_bijzonder:
        where += [Case.bijzondere_situatie.is_not(None), Case.bijzondere_situatie != ""]
    if f.gemeente:
        where.append(func.lower(_GEMEENTE) == f.gemeente.lower())
    word = DossierSearchWord
    for token in f.tokens:  # the database's words hold more (names); rules.matches decides
        low, high = prefix_range(token)
        where.append(
            Case.dossier_id.in_(select(word.dossier_id).where(word.word >= low, word.word < high))
        )
    return where


@dataclass(frozen=True)
class _Segment:
    where: tuple[ColumnElement[bool], ...]
    order: tuple[Any, ...]
    keep: Callable[[SamenloopRow], bool] | None = None  # on the gated row; None: every row


def _may_show_ncg(viewer: Organisation | None) -> ColumnElement[bool] | bool:
    """Whether the viewer may see a row's NCG details: surely (True), never (False), or only
    where the dossier has a choice-log entry at all (an SQL condition; the gate decides)."""
    if viewer is Organisation.NCG:
        return True
    if viewer is None:
        return False
    return exists().where(ChoiceLogEntry.dossier_id == Case.dossier_id)


def _segments(sort: SortKey, viewer: Organisation | None) -> list[_Segment]:
    shown = _may_show_ncg(viewer)
    maybe: tuple[ColumnElement[bool], ...] = () if isinstance(shown, bool) else (shown,)
    sure = shown is True
    match sort:
        case SortKey.GEMEENTE:
            return [_Segment((), (_GEMEENTE, *_ADDRESS_ORDER))]
        case SortKey.NCG_STATUS:
            segments = []
            if shown is not False:
                segments.append(
                    _Segment(
                        maybe,
                        (_NCG_ORDER, *_ADDRESS_ORDER),
                        None if sure else lambda r: r.ncg_status is not None,
                    )
                )
            if not sure:
                segments.append(_Segment((), _ADDRESS_ORDER, lambda r: r.ncg_status is None))
            return segments
        case SortKey.BIJZONDER:
            note = Case.bijzondere_situatie
            segments = []
            if shown is not False:
                segments.append(
                    _Segment(
                        (note.is_not(None), *maybe),
                        (note, *_ADDRESS_ORDER),
                        None if sure else lambda r: r.bijzondere_situatie is not None,
                    )
                )
            segments.append(
                _Segment(
                    (note.is_(None),) if sure else (),
                    _ADDRESS_ORDER,
                    None if sure else lambda r: r.bijzondere_situatie is None,
                )
            )
            return segments
    return [_Segment((), _ADDRESS_ORDER)]


# -- rows ---------------------------------------------------------------------------------

ImgCase = tuple[ImgPhase, date | None, str, int]
"""A damage case: phase, startdatum, zaaknummer, id."""


def lead_case(cases: Sequence[ImgCase]) -> ImgCase | None:
    """The case a samenloop row shows (``dossiers.service.img_rank``: a running one, then the
    latest start; the dossier list's rule for a tie: the case made first)."""
    if not cases:
        return None
    return max(cases, key=lambda c: img_rank(c[0], c[1]))  # of equals, the first made


def make_row(
    raw: Row[Any] | tuple[Any, ...], cases: Sequence[ImgCase], names: dict[int, str]
) -> SamenloopRow:
    """One NCG address from ``ROW_COLUMNS`` and its damage cases (in the order they were made)."""
    (
        d_id,
        ident,
        status,
        status_date,
        bijz,
        straat,
        nr,
        letter,
        toev,
        pc,
        wp,
        gem,
        ncg_id,
        bb,
        zb,
    ) = tuple(raw)
    ncg_status = _NCG[status]
    lead = lead_case(cases)
    phase = lead[0] if lead else None
    category = category_of(ncg_status, phase)
    return SamenloopRow(
        dossier_id=d_id,
        ncg_address_id=ncg_id or ident,
        # one string per street, postcode and place, not one per row
        straat=intern(straat),
        number_text=house_number(nr, letter, toev),
        postcode=intern(pc),
        woonplaats=intern(wp),
        gemeente=intern(gem or wp),
        ncg_status=ncg_status,
        ncg_status_date=status_date,
        bijzondere_situatie=bijz,
        img_phase=phase,
        zaaknummer=lead[2] if lead else None,
        img_cases=len(cases),
        group=collaboration_group(ncg_status, phase) if category is Category.BOTH else None,
        category=category,
        bewonersbegeleider=names.get(bb) if bb else None,
        zaakbegeleider=names.get(zb) if zb else None,
        zaaknummers=tuple(c[2] for c in cases),
    )


def supervisor_names(conn: Connection) -> dict[int, str]:
    return {int(i): str(n) for i, n in conn.execute(select(Supervisor.id, Supervisor.naam)).all()}


_CHUNK = 1_000


def img_cases_of(conn: Connection, dossier_ids: Sequence[int]) -> dict[int, list[ImgCase]]:
    """The damage cases of ``dossier_ids``, each dossier's in the order they were made."""
    found: dict[int, list[ImgCase]] = defaultdict(list)
    for at in range(0, len(dossier_ids), _CHUNK):
        stmt = (
            select(Case.dossier_id, Case.status, Case.startdatum, Case.identificatie, Case.id)
            .where(
                Case.organisation == Organisation.IMG,
                Case.dossier_id.in_(dossier_ids[at : at + _CHUNK]),
            )
            .order_by(Case.dossier_id, Case.id)
        )
        for d_id, status, start, ident, case_id in conn.execute(stmt):
            found[d_id].append((_IMG[status], start, ident, case_id))
    return found


def _gated(
    conn: Connection, viewer: Actor, raw: Sequence[Row[Any]], names: dict[int, str]
) -> tuple[list[SamenloopRow], dict[int, DossierDisclosure]]:
    """The rows as ``viewer`` may see them, and the gate's verdict per dossier."""
    ids = sorted({r[0] for r in raw})
    cases = img_cases_of(conn, ids)
    verdicts = disclosures_on(conn, viewer.organisation, ids)
    rows = []
    for r in raw:
        found = verdicts[r[0]]
        rows.append(gate_row(make_row(r, cases.get(r[0], ()), names), found.img, found.ncg))
    return rows, verdicts


def _keep(query: ListQuery) -> Callable[[SamenloopRow], bool]:
    f, list_id, tokens = query.filter, query.list_id, query.filter.tokens
    return lambda r: belongs(r, list_id) and matches(r, f, tokens)


# -- reads --------------------------------------------------------------------------------


def read_page(
    uow: UnitOfWork,
    viewer: Actor,
    query: ListQuery,
    cursor: Cursor = Cursor(),
    limit: int = PAGE_ROWS,
) -> Page:
    """Up to ``limit`` rows of the list from ``cursor`` on, as ``viewer`` may see them."""
    segments = _segments(query.sort, viewer.organisation)
    where, keep = _where(query), _keep(query)
    rows: list[SamenloopRow] = []
    segment, at = cursor.segment, cursor.offset
    with uow.reading(statements_apart=True) as conn:
        names = supervisor_names(conn)
        while segment < len(segments):
            s = segments[segment]
            # after a drop, read ahead: one more round trip per dropped row would cost more
            want = max(limit - len(rows), min(limit, _READ_AT_LEAST))
            stmt = _statement((*where, *s.where), s.order).offset(at).limit(want)
            raw = conn.execute(stmt).all()
            built, _verdicts = _gated(conn, viewer, raw, names)
            for i, row in enumerate(built):
                if keep(row) and (s.keep is None or s.keep(row)):
                    rows.append(row)
                    if len(rows) == limit:
                        return Page(tuple(rows), Cursor(segment, at + i + 1))
            at += len(raw)
            if len(raw) < want:
                segment, at = segment + 1, 0
    return Page(tuple(rows), None)


def batches(
    uow: UnitOfWork, viewer: Actor, query: ListQuery, size: int = BATCH_ROWS
) -> Generator[tuple[list[SamenloopRow], dict[int, DossierDisclosure]], None, None]:
    """The whole list, ``size`` database rows at a time, as ``viewer`` may see it (with the
    gate's verdicts, for the access log of an export). One query per segment; PostgreSQL
    streams it from a server-side cursor."""
    where, keep = _where(query), _keep(query)
    with uow.reading() as conn:
        names = supervisor_names(conn)
        for s in _segments(query.sort, viewer.organisation):
            stmt = _statement((*where, *s.where), s.order)
            result = conn.execution_options(stream_results=True, yield_per=size).execute(stmt)
            for part in result.partitions(size):
                built, verdicts = _gated(conn, viewer, part, names)
                kept = [r for r in built if keep(r) and (s.keep is None or s.keep(r))]
                if kept:
                    yield kept, verdicts


def _may_drop(query: ListQuery, viewer: Organisation | None) -> bool:
    """Whether the gate may leave rows of the database's matches out of this list."""
    f = query.filter
    if query.list_id.group is not None or f.group is not None or f.tokens:
        return True
    return viewer is not Organisation.NCG and (f.ncg_status is not None or f.only_bijzonder)


def count_rows(
    uow: UnitOfWork,
    viewer: Actor,
    query: ListQuery,
    stopped: Callable[[], bool] | None = None,
) -> int:
    """How many rows the list has as ``viewer`` sees it: counted in the database when the
    gate cannot leave one out, else by reading it in batches. ``stopped``: asked between
    batches; when it says so the count ends with ``Cancelled`` (a newer search typed on:
    a broad token's count reads most of the province)."""
    if _may_drop(query, viewer.organisation):
        counted = 0
        # the order does not change a count: by address, one segment, no sort on gated values
        unordered = replace(query, sort=SortKey.ADDRESS)
        with closing(batches(uow, viewer, unordered)) as found:  # its connection back at once
            for rows, _ in found:
                if stopped is not None and stopped():
                    raise Cancelled()
                counted += len(rows)
        return counted
    stmt = _statement(_where(query), ()).with_only_columns(func.count())
    with uow.reading(statements_apart=True) as conn:
        return int(conn.execute(stmt).scalar_one())


def load_counts(uow: UnitOfWork) -> dict[ListId, int]:
    """The numbers behind the tiles, counted in the database (no viewer's details: a count
    per combination of NCG status and leading damage phase, placed here)."""
    counts: Counter[ListId] = Counter()
    stmt = (
        select(Case.status, DossierListing.img_phase, func.count())
        .select_from(Case)
        .join(DossierListing, DossierListing.dossier_id == Case.dossier_id)
        .where(Case.organisation == Organisation.NCG)
        .group_by(Case.status, DossierListing.img_phase)
    )
    with uow.reading(statements_apart=True) as conn:
        found = conn.execute(stmt).all()
    for status, phase, n in found:
        ncg_status, lead = _NCG[status], _IMG[phase] if phase else None
        category = category_of(ncg_status, lead)
        counts[ListId.NCG] += n
        counts[_CATEGORY_LIST[category]] += n
        if category is Category.BOTH:
            group = collaboration_group(ncg_status, lead)
            if group is not None:
                counts[_GROUP_LIST[group]] += n
    return {lid: counts.get(lid, 0) for lid in ListId}


def places(uow: UnitOfWork) -> list[str]:
    """The municipalities of the NCG addresses (the filter's choices)."""
    stmt = (
        select(_GEMEENTE)
        .select_from(Case)
        .join(Dossier, Dossier.id == Case.dossier_id)
        .join(Address, Address.id == Dossier.address_id)
        .where(Case.organisation == Organisation.NCG)
        .distinct()
    )
    with uow.reading(statements_apart=True) as conn:
        return sorted(str(name) for (name,) in conn.execute(stmt))
