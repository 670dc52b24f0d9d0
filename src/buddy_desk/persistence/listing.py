"""Keeping the dossier list's tables (``models.dossiers``) true to the dossiers.

``refresh_listing(conn, ids)`` recomputes the rows of the given dossiers (or of all) from
the cases, residents, flags and address, in the caller's transaction. Bulk writers (import,
demo) call it for what they touched; ORM writes through a ``UnitOfWork`` are picked up by
``track_listing_changes`` and refreshed just before their commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from datetime import date
from functools import cache
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, event, select
from sqlalchemy.orm import Session, sessionmaker

from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.search import address_key, fold, search_words
from buddy_desk.models import Address, Case, Dossier, DossierFlag, DossierResident, Person
from buddy_desk.models.dossiers import DossierListing, DossierSearchWord
from buddy_desk.persistence.bulk_write import BulkInsert
from buddy_desk.persistence.list_tables import FLAG_BITS as FLAG_BITS

_BLOCK = 2_000
"""Dossiers recomputed per step: bounds memory for a full refresh of 310,000 dossiers."""

_LISTING: Table = DossierListing.__table__  # type: ignore[assignment]
_WORDS: Table = DossierSearchWord.__table__  # type: ignore[assignment]
_IMG_PHASES = {p.value: p for p in ImgPhase}
_NCG_STATUSES = {s.value: s for s in NcgStatus}
_FLAGS = {f.value: f for f in FlagKind}
_WORD_COLUMNS = ("word", "address_key", "dossier_id")
_LISTING_COLUMNS = (
    "dossier_id",
    "resident",
    "resident_key",
    "zaaknummers",
    "img_phase",
    "img_order",
    "ncg_status",
    "ncg_order",
    "grp",
    "flag_bits",
    "flag_count",
)

# each dossier's primary IMG case first: running before settled, then the latest start
# (the rule of dossiers.service.img_rank)
_CASES = """
SELECT dossier_id, organisation, identificatie, status FROM org_case WHERE {where}
ORDER BY dossier_id, organisation, status = 'Afgerond', startdatum IS NULL, startdatum DESC, id
"""
_NAMES = """
SELECT r.dossier_id, p.voorletters, p.voornaam, p.tussenvoegsel, p.achternaam
FROM dossier_resident r JOIN person p ON p.id = r.person_id WHERE {where}
ORDER BY r.dossier_id, r."primary" DESC, r.id
"""
_FLAG_ROWS = "SELECT dossier_id, kind FROM dossier_flag WHERE active AND {where}"
_LISTED = f"SELECT {', '.join(_LISTING_COLUMNS)} FROM dossier_listing WHERE {{where}}"
_WORDS_OF = "SELECT word, address_key, dossier_id FROM dossier_search_word WHERE {where}"
_DOSSIERS = """
SELECT d.id, a.straat, a.huisnummer, a.huisletter, a.huisnummertoevoeging, a.postcode,
       a.woonplaats
FROM dossier d JOIN address a ON a.id = d.address_id WHERE {where}
"""


def person_name(
    voorletters: str | None, tussenvoegsel: str | None, achternaam: str, voornaam: str | None
) -> str:
    return " ".join(filter(None, (voorletters or voornaam, tussenvoegsel, achternaam)))


def number_text(huisnummer: int, huisletter: str | None, toevoeging: str | None) -> str:
    number = f"{huisnummer}{huisletter or ''}"
    return f"{number}-{toevoeging}" if toevoeging else number


@cache
def _group(ncg: NcgStatus | None, img: ImgPhase | None) -> CollaborationGroup | None:
    return collaboration_group(ncg, img)


def refresh_listing(conn: Connection, dossier_ids: Collection[int] | None = None) -> None:
    """Recompute the list rows and search words of ``dossier_ids`` (None: every dossier).

    Only what differs is written: a second file's import adds its case numbers to the words
    of dossiers the first one made, instead of deleting and rewriting ~12 words each.
    """
    if dossier_ids is None:
        conn.execute(_WORDS.delete())
        conn.execute(_LISTING.delete())
        for lo, hi in _id_blocks(conn):
            _compute(conn, lo, hi, fresh=True)
        return
    for block in _blocks(sorted(set(dossier_ids))):
        lo, hi = block[0], block[-1]
        if hi - lo < 2 * len(block):
            # (nearly) consecutive ids, as an import makes them: a range, recomputed whole
            _compute(conn, lo, hi)
        else:
            _compute(conn, lo, hi, ids=block)


def _blocks(ids: list[int]) -> Iterator[list[int]]:
    """At most ``_BLOCK`` ids each, a new block where the ids jump far ahead."""
    block: list[int] = []
    for dossier_id in ids:
        if block and (len(block) >= _BLOCK or dossier_id - block[-1] > 64):
            yield block
            block = []
        block.append(dossier_id)
    if block:
        yield block


def _id_blocks(conn: Connection) -> Iterator[tuple[int, int]]:
    ids = [row[0] for row in conn.execute(select(Dossier.id).order_by(Dossier.id))]
    for start in range(0, len(ids), _BLOCK):
        block = ids[start : start + _BLOCK]
        yield block[0], block[-1]


def _compute(
    conn: Connection, lo: int, hi: int, ids: list[int] | None = None, *, fresh: bool = False
) -> None:
    """The rows of the dossiers ``ids`` (None: all from ``lo`` to ``hi``); ``fresh``: the
    tables hold none of them yet."""
    raw: Any = conn.connection.dbapi_connection
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    if ids is not None:  # integers, written into the statement
        condition = f"{{col}} IN ({', '.join(str(int(i)) for i in ids)})"
        args: tuple[Any, ...] = ()
    else:
        condition = f"{{col}} BETWEEN {mark} AND {mark}"
        args = (lo, hi)

    def rows(sql: str, col: str) -> list[Any]:
        # the driver's cursor: hundreds of thousands of plain tuples, no Row objects
        cursor = raw.cursor()
        try:
            cursor.execute(sql.format(where=condition.format(col=col)), args)
            return cast(list[Any], cursor.fetchall())
        finally:
            cursor.close()

    img_cases: dict[int, list[tuple[str, str]]] = defaultdict(list)
    ncg_cases: dict[int, tuple[str, str]] = {}
    for dossier_id, org, ident, status in rows(_CASES, "dossier_id"):
        if org == "IMG":
            img_cases[dossier_id].append((ident, status))
        elif dossier_id not in ncg_cases:
            ncg_cases[dossier_id] = (ident, status)
    names: dict[int, list[str]] = defaultdict(list)
    for dossier_id, vl, vn, tv, an in rows(_NAMES, "r.dossier_id"):
        names[dossier_id].append(person_name(vl, tv, an, vn))
    flags: dict[int, int] = defaultdict(int)
    for dossier_id, kind in rows(_FLAG_ROWS, "dossier_id"):
        flag = _FLAGS.get(kind)
        if flag is not None:
            flags[dossier_id] |= FLAG_BITS[flag]
    # what the tables hold now, to write only the difference
    stored: dict[int, tuple[Any, ...]] = {}
    stored_words: set[tuple[str, str, int]] = set()
    if not fresh:
        stored = {row[0]: tuple(row) for row in rows(_LISTED, "dossier_id")}
        stored_words = {(w, k, d) for w, k, d in rows(_WORDS_OF, "dossier_id")}
    listing = BulkInsert(conn, DossierListing, _LISTING_COLUMNS)
    words = BulkInsert(conn, DossierSearchWord, _WORD_COLUMNS)
    gone: list[int] = []  # dossiers whose stored list row is replaced or has no dossier now
    for d_id, straat, nr, letter, toev, pc, wp in rows(_DOSSIERS, "d.id"):
        img = img_cases.get(d_id)
        resident_names = names.get(d_id, [])
        row, found_by, key = listing_of(
            d_id,
            (straat, nr, letter, toev, pc, wp),
            img,
            ncg_cases.get(d_id),
            resident_names,
            flags.get(d_id, 0),
        )
        before = stored.pop(d_id, None)
        if before != row:
            if before is not None:
                gone.append(d_id)
            listing.add(row)
        for word in found_by:
            entry = (word, key, d_id)
            if entry in stored_words:
                stored_words.discard(entry)
            else:
                words.add(entry)
    gone += stored  # listed, but the dossier is gone
    for start in range(0, len(gone), 500):
        conn.execute(_LISTING.delete().where(_LISTING.c.dossier_id.in_(gone[start : start + 500])))
    if stored_words:  # words a dossier is no longer found by, or under another address
        conn.execute(
            _WORDS.delete().where(
                _WORDS.c.word == bindparam("w"), _WORDS.c.dossier_id == bindparam("d")
            ),
            [{"w": w, "d": d} for w, _, d in stored_words],
        )
    listing.flush()
    words.rows.sort()  # in index order: the B-tree grows at one end, not all over
    words.flush()


AddressText = tuple[str, int, str | None, str | None, str, str]
"""straat, huisnummer, huisletter, toevoeging, postcode, woonplaats"""
CaseOrder = tuple[str, str, date | None, int]
"""A case as ``primary_first`` orders it: zaaknummer, status, startdatum, id."""
NewDossier = tuple[int, AddressText, list[CaseOrder], list[CaseOrder], int]
"""dossier id, address, IMG cases, NCG cases, flag bits"""


def listing_of(
    dossier_id: int,
    address: AddressText,
    img: list[tuple[str, str]] | None,
    ncg: tuple[str, str] | None,
    resident_names: list[str],
    bits: int,
) -> tuple[tuple[Any, ...], set[str], str]:
    """A dossier's list row, the words it is found by and its address key.

    ``img``: its IMG cases as (zaaknummer, status), the primary one first (``primary_first``);
    ``ncg``: its NCG case; ``resident_names`` the primary resident first."""
    img_phase = _IMG_PHASES.get(img[0][1]) if img else None
    ncg_status = _NCG_STATUSES.get(ncg[1]) if ncg else None
    zaaknummers = [c[0] for c in img] if img else []
    if ncg:
        zaaknummers.append(ncg[0])
    resident = resident_names[0] if resident_names else ""
    group = _group(ncg_status, img_phase)
    row = (
        dossier_id,
        resident[:200],
        fold(resident)[:200],
        " ".join(zaaknummers)[:400],
        img[0][1][:20] if img else None,
        img_phase.order if img_phase else 99,
        ncg[1][:10] if ncg else None,
        ncg_status.order if ncg_status else 99,
        group.value if group else None,
        bits,
        bits.bit_count(),
    )
    straat, nr, letter, toev, pc, wp = address
    number = number_text(nr, letter, toev)
    found_by = search_words(straat, number, pc, wp, resident_names, zaaknummers)
    return row, found_by, address_key(straat, nr, letter, toev)


def primary_first(cases: list[CaseOrder]) -> list[CaseOrder]:
    """One dossier's cases of one organisation in the order ``_CASES`` reads them: running
    before settled, then the latest start, then the oldest id."""
    return sorted(
        cases,
        key=lambda c: (c[1] == "Afgerond", c[2] is None, -c[2].toordinal() if c[2] else 0, c[3]),
    )


def insert_listing(conn: Connection, dossiers: Iterable[NewDossier]) -> None:
    """The list rows and words of dossiers the tables do not hold yet, from what the caller
    knows of them (an import's new dossiers: their address, their IMG and NCG cases, their
    flag bits; no residents), instead of reading them back. Gives what ``refresh_listing``
    computes (tests/integration/importing/test_import_listing.py)."""
    listing = BulkInsert(conn, DossierListing, _LISTING_COLUMNS)
    words = BulkInsert(conn, DossierSearchWord, _WORD_COLUMNS)
    for dossier_id, address, img_cases, ncg_cases, bits in sorted(dossiers, key=_first):
        img = [c[:2] for c in _in_order(img_cases)] if img_cases else None
        ncg = _in_order(ncg_cases)[0][:2] if ncg_cases else None
        row, found_by, key = listing_of(dossier_id, address, img, ncg, [], bits)
        listing.add(row)
        words.rows.extend([(word, key, dossier_id) for word in found_by])
    listing.flush()
    words.rows.sort()  # in index order
    words.flush()


def _in_order(cases: list[CaseOrder]) -> list[CaseOrder]:
    return cases if len(cases) == 1 else primary_first(cases)


def _first(entry: tuple[Any, ...]) -> Any:
    return entry[0]


# --- ORM writes ---------------------------------------------------------------------------

_DIRTY = "listing_dirty"
_ADDRESSES = "listing_addresses"
_PERSONS = "listing_persons"


def track_listing_changes(factory: sessionmaker[Session]) -> None:
    """Refresh the list rows of every dossier an ORM flush touched, before the commit."""
    event.listen(factory, "after_flush", _collect)
    event.listen(factory, "before_commit", _refresh_collected)
    event.listen(factory, "after_rollback", _forget)


def _collect(session: Session, _context: Any) -> None:
    dirty: set[int] = session.info.setdefault(_DIRTY, set())
    addresses: set[int] = session.info.setdefault(_ADDRESSES, set())
    persons: set[int] = session.info.setdefault(_PERSONS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Dossier):
            dirty.add(obj.id)
        elif isinstance(obj, Case | DossierFlag | DossierResident):
            dirty.add(obj.dossier_id)
        elif isinstance(obj, Address):
            addresses.add(obj.id)
        elif isinstance(obj, Person):
            persons.add(obj.id)


def _refresh_collected(session: Session) -> None:
    session.flush()
    dirty: set[int] = session.info.pop(_DIRTY, set())
    addresses: set[int] = session.info.pop(_ADDRESSES, set())
    persons: set[int] = session.info.pop(_PERSONS, set())
    dirty.discard(None)  # type: ignore[arg-type, unused-ignore]
    if not (dirty or addresses or persons):
        return
    conn = session.connection()
    if addresses:
        dirty.update(
            conn.scalars(select(Dossier.id).where(Dossier.address_id.in_(sorted(addresses))))
        )
    if persons:
        dirty.update(
            conn.scalars(
                select(DossierResident.dossier_id).where(
                    DossierResident.person_id.in_(sorted(persons))
                )
            )
        )
    refresh_listing(conn, dirty)


def _forget(session: Session) -> None:
    for key in (_DIRTY, _ADDRESSES, _PERSONS):
        session.info.pop(key, None)
