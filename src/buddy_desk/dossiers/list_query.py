"""The dossier list in SQL: filter, count, sort and one page of rows, the same on SQLite and
PostgreSQL.

The search rule is ``core.search``'s: every query token must start one of the dossier's
words. The words live in ``dossier_search_word`` (kept by ``persistence.listing``), so a
token is an index range ``low <= word < high`` and the list never reads every dossier.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, func, literal, or_, select

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.search import DossierFilter, prefix_range
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.persistence.list_tables import (
    FLAG_BITS,
    address,
    dossier,
    dossier_listing,
    dossier_search_word,
)

# Core declarations, not the models: the first page shows before the ORM is imported
_a = address
_d = dossier
_l = dossier_listing
_w = dossier_search_word


class SortKey(StrEnum):
    ADDRESS = "address"
    POSTCODE = "postcode"
    WOONPLAATS = "woonplaats"
    RESIDENT = "resident"
    IMG = "img"
    NCG = "ncg"
    GROUP = "group"
    FLAGS = "flags"


@dataclass(frozen=True)
class ListSort:
    key: SortKey = SortKey.ADDRESS
    descending: bool = False


_ADDRESS_ORDER: tuple[Any, ...] = (
    _a.c.straat,
    _a.c.huisnummer,
    _a.c.huisletter,
    _a.c.huisnummertoevoeging,
    _d.c.id,
)
_FIRST: dict[SortKey, tuple[Any, ...]] = {
    SortKey.ADDRESS: (),
    SortKey.POSTCODE: (_a.c.postcode,),
    SortKey.WOONPLAATS: (_a.c.woonplaats,),
    SortKey.RESIDENT: (_l.c.resident_key,),
    SortKey.IMG: (_l.c.img_order,),
    SortKey.NCG: (_l.c.ncg_order,),
    SortKey.GROUP: (func.coalesce(_l.c.grp, literal("~")),),
    SortKey.FLAGS: (-_l.c.flag_count,),
}
_FROM = _a.join(_d, _d.c.address_id == _a.c.id).outerjoin(_l, _l.c.dossier_id == _d.c.id)
_IMG_PHASES = {p.value: p for p in ImgPhase}
_NCG_STATUSES = {s.value: s for s in NcgStatus}
_GROUPS = {g.value: g for g in CollaborationGroup}
_NO_FLAGS: frozenset[FlagKind] = frozenset()


def _order_by(sort: ListSort) -> list[Any]:
    order: list[Any] = []
    for column in (*_FIRST[sort.key], *_ADDRESS_ORDER):
        if getattr(column, "nullable", False):
            # NULL (no letter, no addition) sorts as "" does: first going up, on both
            # databases (SQLite puts NULL first, PostgreSQL last, unless told)
            order.append(column.desc().nulls_last() if sort.descending else column.nulls_first())
        else:  # NOT NULL: a plain order, so PostgreSQL matches it to the index
            order.append(column.desc() if sort.descending else column.asc())
    return order


BROAD_WORDS = 10_000
"""At most this many words are counted to decide whether a token is broad."""


def broad_words(dossiers: int) -> int:
    """From how many words a token is broad: its page is found faster by walking the list in
    its order and asking each dossier (``exists``, ~60 × dossiers / matches probes) than by
    gathering and sorting every match (``in``, ~matches). The two meet near the square root
    of 60 × dossiers: at 31,000 dossiers `97` (9,400 matches) took 22 ms gathered and 5 ms
    walked, `kerk` (384) 6 ms gathered and 45 ms walked."""
    return min(BROAD_WORDS, max(1_000, int(1.5 * math.sqrt(60 * dossiers))))


_DOSSIERS: dict[int, int] = {}
"""The number of dossiers, per engine, counted once: it only steers the plan."""


_BROAD: dict[tuple[int, str], bool] = {}
"""Whether a token is broad, per engine (insertion-ordered, bounded). A token that a narrow
token starts is narrow too (it starts fewer words), so typing on needs no count."""
_BROAD_KEEP = 2_000
_BROAD_LOCK = threading.Lock()


def is_broad(conn: Connection, token: str) -> bool:
    engine = id(conn.engine)
    known = _BROAD.get((engine, token))
    if known is not None:
        return known
    if any(_BROAD.get((engine, token[:n])) is False for n in range(1, len(token))):
        return False
    broad = _count_is_broad(conn, token)
    # only the plan depends on this answer (``in`` or ``exists``), never the rows, so a stale
    # entry after an import costs speed at most
    with _BROAD_LOCK:  # pages are read on two worker threads and the GUI thread
        _BROAD[(engine, token)] = broad
        while len(_BROAD) > _BROAD_KEEP:
            del _BROAD[next(iter(_BROAD))]
    return broad


def _count_is_broad(conn: Connection, token: str) -> bool:
    engine = id(conn.engine)
    if engine not in _DOSSIERS:
        _DOSSIERS[engine] = int(conn.execute(select(func.count()).select_from(_d)).scalar_one())
    enough = broad_words(_DOSSIERS[engine])
    low, high = prefix_range(token)
    first = (
        select(literal(1))
        .select_from(_w)
        .where(_w.c.word >= low, _w.c.word < high)
        .limit(enough)
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(first)).scalar_one()) >= enough


def conditions(f: DossierFilter, broad: frozenset[str] = frozenset()) -> list[ColumnElement[bool]]:
    """The filter as WHERE conditions over the address, dossier and listing tables.

    Tokens in ``broad`` are asked per dossier (``exists``) rather than gathered (``in``):
    the same rows either way; which is faster depends on how many words a token starts.
    """
    where: list[ColumnElement[bool]] = []
    for token in tokens(f):
        low, high = prefix_range(token)
        in_range = (_w.c.word >= low, _w.c.word < high)
        if token in broad:
            where.append(
                select(_w.c.dossier_id).where(_w.c.dossier_id == _d.c.id, *in_range).exists()
            )
        else:
            where.append(_d.c.id.in_(select(_w.c.dossier_id).where(*in_range)))
    if f.groups:
        where.append(_l.c.grp.in_(sorted(g.value for g in f.groups)))
    if f.flags:
        mask = sum(FLAG_BITS[k] for k in f.flags)
        where.append(_l.c.flag_bits.op("&")(mask) != 0)
    if f.img_phases:
        where.append(_l.c.img_phase.in_(sorted(p.value for p in f.img_phases)))
    if f.ncg_statuses:
        where.append(_l.c.ncg_status.in_(sorted(s.value for s in f.ncg_statuses)))
    if f.supervisor_id is not None:
        where.append(
            or_(
                _d.c.img_supervisor_id == f.supervisor_id, _d.c.ncg_supervisor_id == f.supervisor_id
            )
        )
    return where


def tokens(f: DossierFilter) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in f.tokens))


def count_matching(conn: Connection, f: DossierFilter) -> int:
    """How many dossiers the filter matches (every dossier has an address: no join)."""
    needs_listing = bool(f.groups or f.flags or f.img_phases or f.ncg_statuses)
    source = _d.outerjoin(_l, _l.c.dossier_id == _d.c.id) if needs_listing else _d
    stmt = select(func.count()).select_from(source).where(*conditions(f))
    return int(conn.execute(stmt).scalar_one())


def count_all(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(_d)).scalar_one())


def page_statement(
    f: DossierFilter,
    sort: ListSort,
    offset: int,
    limit: int | None,
    broad: frozenset[str] = frozenset(),
) -> Select[Any]:
    return (
        select(
            _d.c.id,
            _a.c.straat,
            _a.c.huisnummer,
            _a.c.huisletter,
            _a.c.huisnummertoevoeging,
            _a.c.postcode,
            _a.c.woonplaats,
            _a.c.gemeente,
            _l.c.resident,
            _l.c.zaaknummers,
            _l.c.img_phase,
            _l.c.ncg_status,
            _l.c.grp,
            _l.c.flag_bits,
            _d.c.img_supervisor_id,
            _d.c.ncg_supervisor_id,
        )
        .select_from(_FROM)
        .where(*conditions(f, broad))
        .order_by(*_order_by(sort))
        .offset(offset)
        .limit(limit)
    )


def page(
    conn: Connection, f: DossierFilter, sort: ListSort, offset: int, limit: int
) -> list[DossierSummary]:
    """Rows ``offset`` to ``offset + limit`` of the filtered, sorted list.

    The rows carry no ``search_key`` (the database searched them)."""
    found = tokens(f)
    broad = frozenset(t for t in found if is_broad(conn, t))
    if broad == frozenset(found) and sort.key is not SortKey.ADDRESS:
        broad = frozenset()  # no index walks that order: gather the matches instead
    rows = conn.execute(page_statement(f, sort, offset, limit, broad)).all()
    return [_summary(*row) for row in rows]


def every_row(
    conn: Connection, f: DossierFilter, sort: ListSort, size: int
) -> Iterator[list[DossierSummary]]:
    """Every row of the filtered, sorted list, ``size`` rows at a time, from one query (a
    letter run reads the whole selection: an OFFSET per page would sort it again each time).
    PostgreSQL streams them from a server-side cursor."""
    found = tokens(f)
    broad = frozenset(t for t in found if is_broad(conn, t))
    if broad == frozenset(found) and sort.key is not SortKey.ADDRESS:
        broad = frozenset()
    stmt = page_statement(f, sort, 0, None, broad)
    result = conn.execution_options(stream_results=True, yield_per=size).execute(stmt)
    for part in result.partitions(size):
        yield [_summary(*row) for row in part]


WORDS_CHUNK = 500
"""Dossier ids per ``words_starting`` query."""


def words_starting(
    conn: Connection, dossier_ids: Sequence[int], tokens: Iterable[str]
) -> dict[int, set[str]]:
    """The search words of ``dossier_ids`` that start with one of ``tokens`` (index ranges
    on ``(dossier_id, word)``)."""
    ranges = [prefix_range(t) for t in sorted(set(tokens)) if t]
    found: dict[int, set[str]] = {}
    if not ranges:
        return found
    in_ranges = or_(*(and_(_w.c.word >= low, _w.c.word < high) for low, high in ranges))
    for at in range(0, len(dossier_ids), WORDS_CHUNK):
        chunk = dossier_ids[at : at + WORDS_CHUNK]
        stmt = select(_w.c.dossier_id, _w.c.word).where(_w.c.dossier_id.in_(chunk), in_ranges)
        for dossier_id, word in conn.execute(stmt):
            found.setdefault(dossier_id, set()).add(word)
    return found


def _summary(
    d_id: int,
    straat: str,
    nr: int,
    letter: str | None,
    toev: str | None,
    pc: str,
    wp: str,
    gem: str | None,
    resident: str | None,
    zaaknummers: str | None,
    img: str | None,
    ncg: str | None,
    grp: str | None,
    bits: int | None,
    img_sup: int | None,
    ncg_sup: int | None,
) -> DossierSummary:
    return DossierSummary(
        d_id,
        straat,
        nr,
        letter,
        toev,
        pc,
        wp,
        gem,
        resident or "",
        tuple(zaaknummers.split()) if zaaknummers else (),
        _IMG_PHASES.get(img) if img else None,
        _NCG_STATUSES.get(ncg) if ncg else None,
        _GROUPS.get(grp) if grp else None,
        frozenset(k for k, bit in FLAG_BITS.items() if bits & bit) if bits else _NO_FLAGS,
        img_sup,
        ncg_sup,
    )
