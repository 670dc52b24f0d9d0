"""The dossier list in SQL: filter, count, sort and one page of rows, the same on SQLite and
PostgreSQL.

The search rule is ``core.search``'s: every query token must start one of the dossier's
words. The words live in ``dossier_search_word`` (kept by ``persistence.listing``), so a
token is an index range ``low <= word < high`` and the list never reads every dossier. Each
word carries its dossier's address key, so in the list's address order a token's first page
is read from that range alone (``_keyed_page_ids``).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    any_,
    func,
    literal,
    or_,
    select,
)

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


BROAD_WORDS = 20_000
"""At most this many words are counted to decide whether a token is broad."""

KEYED_WORDS = BROAD_WORDS
"""In address order, from how many words a token's page is found by walking the list rather
than read from its range of the word index (``_keyed_page_ids``, which sorts every match by
its address key). A sweep of prefixes with 3,000–30,000 words at 310,000 dossiers: read from
the index 2–10 ms up to 10,000 words and 5–25 ms up to 30,000, on both databases; walked,
tokens whose matches sit late in the order took up to 1.9 s on SQLite (`pa`, `li`, `ma`) and
100–800 ms on PostgreSQL (`st`, `kl`, `li`) below 17,000 words, and 2–30 ms above 18,000."""


def broad_words(dossiers: int, reach: float = 1.5) -> int:
    """From how many words a token is broad: its page is found faster by walking the list in
    its order and asking each dossier (``exists``, ~60 × dossiers / matches probes) than by
    gathering and sorting every match (``in``, ~matches). The two meet near the square root
    of 60 × dossiers (times ``reach``): at 31,000 dossiers `97` (9,400 matches) took 22 ms
    gathered and 5 ms walked, `kerk` (384) 6 ms gathered and 45 ms walked."""
    return min(10_000, max(1_000, int(reach * math.sqrt(60 * dossiers))))


GATHERING_REACH = {"postgresql": 2.5}
"""``broad_words``' reach per database, where it is not 1.5. PostgreSQL gathers a page's
matches first and reads its rows after (``late_page_statement``), so gathering stays the
faster way further: at 310,000 dossiers `ka` (8,900 words) took 41 ms gathered and 249 ms
walked, `9791` (9,100) 37 and 59 ms, `979` (18,200) 91 and 7 ms; at 31,000 `979` (1,700)
5 and 6 ms, `2` (3,700) 9 and 4 ms."""


def _enough(conn: Connection) -> int:
    reach = GATHERING_REACH.get(conn.dialect.name, 1.5)
    return broad_words(_dossier_count(conn), reach)


_DOSSIERS: dict[int, int] = {}
"""The number of dossiers, per engine, counted once: it only steers the plan."""


_BROAD: dict[tuple[int, str], int] = {}
"""How many words a token starts, counted up to ``BROAD_WORDS`` (per engine, insertion-ordered,
bounded). A token that another token starts starts no more words than that one, so typing on
from a narrow token needs no count."""
_BROAD_KEEP = 2_000
_BROAD_LOCK = threading.Lock()


def breadth(conn: Connection, token: str) -> int:
    """How many words ``token`` starts, up to ``BROAD_WORDS`` (for a token typed on from a
    narrow one: at most as many as that one, not counted again)."""
    engine = id(conn.engine)
    known = _BROAD.get((engine, token))
    if known is not None:
        return known
    narrow = [c for n in range(1, len(token)) if (c := _BROAD.get((engine, token[:n]))) is not None]
    if narrow and min(narrow) < BROAD_WORDS:
        return min(narrow)
    counted = _count_words(conn, token, BROAD_WORDS)
    # only the plan depends on this answer (``in`` or ``exists``, which token leads), never
    # the rows, so a stale entry after an import costs speed at most
    with _BROAD_LOCK:  # pages are read on two worker threads and the GUI thread
        _BROAD[(engine, token)] = counted
        while len(_BROAD) > _BROAD_KEEP:
            del _BROAD[next(iter(_BROAD))]
    return counted


def _dossier_count(conn: Connection) -> int:
    engine = id(conn.engine)
    if engine not in _DOSSIERS:
        _DOSSIERS[engine] = int(conn.execute(select(func.count()).select_from(_d)).scalar_one())
    return _DOSSIERS[engine]


def _count_words(conn: Connection, token: str, enough: int) -> int:
    low, high = prefix_range(token)
    first = (
        select(literal(1))
        .select_from(_w)
        .where(_w.c.word >= low, _w.c.word < high)
        .limit(enough)
        .subquery()
    )
    return int(conn.execute(select(func.count()).select_from(first)).scalar_one())


def _gathered_first(ids: ColumnElement[int], gathered: Select[Any]) -> ColumnElement[bool]:
    """``ids = ANY(ARRAY(gathered))`` (PostgreSQL): the matching ids are gathered first and
    each looked up by its key. With ``IN (ids)`` PostgreSQL's planner may turn the gathering
    into a walk of the whole list in its order (it deems a walk cheap, assuming the matches
    spread evenly): at 310,000 dossiers that took 150–230 ms for a token with 3,000–5,000
    matches, the gathering 15–25 ms."""
    return ids == any_(func.array(gathered.scalar_subquery()))


def conditions(
    f: DossierFilter, broad: frozenset[str] = frozenset(), lead: str | None = None
) -> list[ColumnElement[bool]]:
    """The filter as WHERE conditions over the address, dossier and listing tables.

    Tokens in ``broad`` are asked per dossier (``exists``) rather than gathered (``in``):
    the same rows either way; which is faster depends on how many words a token starts.
    On PostgreSQL the ``lead`` token's matches are gathered first (``_gathered_first``),
    the others checked per match.
    """
    return [*_token_conditions(tokens(f), _d.c.id, _w, broad, lead), *_filters(f)]


def _token_conditions(
    found: Iterable[str],
    ids: ColumnElement[int],
    words: Any,
    broad: frozenset[str] = frozenset(),
    lead: str | None = None,
) -> list[ColumnElement[bool]]:
    """Each token's condition on the dossier ids ``ids``, asked of the word table ``words``."""
    where: list[ColumnElement[bool]] = []
    for token in found:
        low, high = prefix_range(token)
        in_range = (words.c.word >= low, words.c.word < high)
        if token in broad:
            where.append(
                select(words.c.dossier_id).where(words.c.dossier_id == ids, *in_range).exists()
            )
        elif token == lead:
            where.append(_gathered_first(ids, select(words.c.dossier_id).where(*in_range)))
        else:
            where.append(ids.in_(select(words.c.dossier_id).where(*in_range)))
    return where


def _filters(f: DossierFilter) -> list[ColumnElement[bool]]:
    """The filter's conditions other than its search tokens."""
    where: list[ColumnElement[bool]] = []
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
    """How many dossiers the filter matches (every dossier has an address: no join).

    Where one token starts fewer than ``BROAD_WORDS`` words, its matches are gathered and
    each asked for the other tokens: gathering every token's matches cost SQLite 132 ms for
    `9726 b` at 310,000 dossiers (all dossiers with a word starting with `b`), asking 1,917
    matches for it 3 ms; `de vries` 87 → 22 ms. Where every token is that broad, each is
    gathered (asking 20,000 or more matches took 2–5 times as long: `1 a`, `9 a b`)."""
    needs_listing = bool(f.groups or f.flags or f.img_phases or f.ncg_statuses)
    source = _d.outerjoin(_l, _l.c.dossier_id == _d.c.id) if needs_listing else _d
    found = tokens(f)
    asked: frozenset[str] = frozenset()
    lead = None
    if len(found) > 1:
        counts = {t: breadth(conn, t) for t in found}
        narrowest = _narrowest(found, counts)
        if counts[narrowest] < BROAD_WORDS:
            asked = frozenset(t for t in found if t != narrowest)
            lead = _gathered_lead(conn, narrowest)
    stmt = select(func.count()).select_from(source).where(*conditions(f, asked, lead))
    return int(conn.execute(stmt).scalar_one())


def count_all(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(_d)).scalar_one())


_PAGE_COLUMNS: tuple[Any, ...] = (
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


def page_statement(
    f: DossierFilter,
    sort: ListSort,
    offset: int,
    limit: int | None,
    broad: frozenset[str] = frozenset(),
    lead: str | None = None,
) -> Select[Any]:
    return (
        select(*_PAGE_COLUMNS)
        .select_from(_FROM)
        .where(*conditions(f, broad, lead))
        .order_by(*_order_by(sort))
        .offset(offset)
        .limit(limit)
    )


def late_page_statement(
    f: DossierFilter,
    sort: ListSort,
    offset: int,
    limit: int,
    broad: frozenset[str] = frozenset(),
    lead: str | None = None,
    keyed: str | None = None,
) -> Select[Any]:
    """``page_statement`` that finds the page's ids first and reads their columns after:
    both databases would otherwise read every gathered match's listing row (and carry it
    through the sort) to show 60 of them. At 31,000 dossiers on SQLite `kamminga` (439
    matches) took 10 ms that way and 3.5 ms this way, `38` 6.2 and 1.4 ms; at 310,000 on
    PostgreSQL `kamminga` 45 and 25 ms.

    The ``keyed`` token's page comes from the word index itself (``_keyed_page_ids``)."""
    if keyed is not None:
        ids = _keyed_page_ids(f, sort.descending, offset, limit, broad, keyed)
    else:
        ids = (
            select(_d.c.id)
            .select_from(_FROM)
            .where(*conditions(f, broad, lead))
            .order_by(*_order_by(sort))
            .offset(offset)
            .limit(limit)
            .subquery("page_ids")
        )
    return (
        select(*_PAGE_COLUMNS)
        .select_from(ids.join(_d, _d.c.id == ids.c.id).join(_a, _a.c.id == _d.c.address_id))
        .outerjoin(_l, _l.c.dossier_id == _d.c.id)
        .order_by(*_order_by(sort))
    )


def _keyed_page_ids(
    f: DossierFilter,
    descending: bool,
    offset: int,
    limit: int,
    broad: frozenset[str],
    lead: str,
) -> Any:
    """The page's ids in address order, read from the ``lead`` token's range of the word
    index: its entries carry each dossier's address key (``core.search.address_key``, whose
    order is the columns' order), so the matches are sorted without looking up any of their
    addresses, and only the page's dossiers are read. At 310,000 dossiers on PostgreSQL `wij`
    (4,564 matches) took 20 ms gathered and looked up, 3–4 ms this way; on SQLite `wijk`
    22–26 ms and 4–8 ms, `38` 12–27 and 2.5–3 ms (the same pages)."""
    low, high = prefix_range(lead)
    others = [t for t in tokens(f) if t != lead]
    filters = _filters(f)
    source: Any = _w
    if filters:  # the matches' dossiers and list rows are needed after all
        source = _w.join(_d, _d.c.id == _w.c.dossier_id).outerjoin(
            _l, _l.c.dossier_id == _w.c.dossier_id
        )
    order = (_w.c.address_key, _w.c.dossier_id)
    return (
        select(_w.c.dossier_id.label("id"), _w.c.address_key)
        .select_from(source)
        .where(
            _w.c.word >= low,
            _w.c.word < high,
            *_token_conditions(others, _w.c.dossier_id, _w.alias("other_word"), broad),
            *filters,
        )
        .distinct()  # a dossier with two words the token starts
        .order_by(*(c.desc() for c in order) if descending else order)
        .offset(offset)
        .limit(limit)
        .subquery("page_ids")
    )


class Plan(NamedTuple):
    """How a page is found (``plan``)."""

    broad: frozenset[str]
    """Tokens asked per dossier while walking the list in its order."""
    lead: str | None
    """PostgreSQL: the token whose matches are gathered first (SQLite gathers ``IN`` first
    by itself)."""
    keyed: str | None
    """In address order, on both databases: the token whose range of the word index gives
    the page (``_keyed_page_ids``)."""


def plan(conn: Connection, f: DossierFilter, sort: ListSort) -> Plan:
    """How the page is found: the broad tokens, and the narrowest other one leads."""
    found = tokens(f)
    counts = {t: breadth(conn, t) for t in found}
    address_order = sort.key is SortKey.ADDRESS
    enough = KEYED_WORDS if address_order else _enough(conn) if found else 0
    broad = frozenset(t for t in found if counts[t] >= enough)
    if broad == frozenset(found) and not address_order:
        broad = frozenset()  # no index walks that order: gather the matches instead
    narrow = [t for t in found if t not in broad]
    if not narrow:
        return Plan(broad, None, None)
    narrowest = _narrowest(narrow, counts)
    return Plan(broad, _gathered_lead(conn, narrowest), narrowest if address_order else None)


def _narrowest(found: Sequence[str], counts: dict[str, int]) -> str:
    """The token that starts the fewest words (the first of equals)."""
    return min(found, key=counts.__getitem__)


def _gathered_lead(conn: Connection, token: str) -> str | None:
    """The token gathered first (``_gathered_first``): PostgreSQL only; SQLite gathers
    ``IN`` first by itself."""
    return token if conn.dialect.name == "postgresql" else None


def page(
    conn: Connection, f: DossierFilter, sort: ListSort, offset: int, limit: int
) -> list[DossierSummary]:
    """Rows ``offset`` to ``offset + limit`` of the filtered, sorted list.

    The rows carry no ``search_key`` (the database searched them)."""
    rows = conn.execute(late_page_statement(f, sort, offset, limit, *plan(conn, f, sort))).all()
    return [_summary(*row) for row in rows]


def every_row(
    conn: Connection, f: DossierFilter, sort: ListSort, size: int
) -> Iterator[list[DossierSummary]]:
    """Every row of the filtered, sorted list, ``size`` rows at a time, from one query (a
    letter run reads the whole selection: an OFFSET per page would sort it again each time).
    PostgreSQL streams them from a server-side cursor."""
    broad, lead, _ = plan(conn, f, sort)
    stmt = page_statement(f, sort, 0, None, broad, lead)
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
