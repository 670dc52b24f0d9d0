"""Loading the dossier list and one dossier; saving the conversation notes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Connection, CursorResult, select, update
from sqlalchemy.exc import IntegrityError

from buddy_desk.core.address import house_number
from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.gc_pause import no_cyclic_gc
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.search import DossierFilter, search_key
from buddy_desk.core.summaries import (
    CaseInfo,
    DossierDetail,
    DossierSummary,
    EventInfo,
    FlagInfo,
    NoteInfo,
    ReportInfo,
    ResidentInfo,
    StatusEntry,
    SupervisorInfo,
)
from buddy_desk.dossiers import list_query
from buddy_desk.dossiers.list_query import ListSort as ListSort
from buddy_desk.dossiers.list_query import SortKey as SortKey
from buddy_desk.errors import NoteConflictError, NotFoundError
from buddy_desk.persistence.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    # the list's functions (find_summaries, count_summaries) are Core only: the app shows
    # its first page before the ORM is imported, so the ORM is imported where it is used
    from sqlalchemy.orm import Session

    from buddy_desk.models import Case, ConversationNote, Dossier, Supervisor


def person_name(
    voorletters: str | None, tussenvoegsel: str | None, achternaam: str, voornaam: str | None = None
) -> str:
    return " ".join(filter(None, (voorletters or voornaam, tussenvoegsel, achternaam)))


def img_rank(status: str, startdatum: date | None) -> tuple[bool, date]:
    """The case the dossier shows first: a running one, then the most recent."""
    return (ImgPhase(status).is_running, startdatum or date.min)


_IMG_PHASES = {p.value: p for p in ImgPhase}
_NCG_STATUSES = {s.value: s for s in NcgStatus}
_FLAGS = {f.value: f for f in FlagKind}
_IMG = Organisation.IMG.value

# Plain SQL over the driver: the list is the one hot path at start-up, and ORM/enum result
# processing cost more than the queries themselves. The ORDER BY puts each dossier's primary
# IMG case (running first, then the most recent start) first, the same rule as img_rank.
_CASES_SQL = """
SELECT dossier_id, organisation, identificatie, status FROM org_case
ORDER BY dossier_id, organisation, status = 'Afgerond', startdatum IS NULL, startdatum DESC, id
"""
_NAMES_SQL = """
SELECT r.dossier_id, p.voorletters, p.voornaam, p.tussenvoegsel, p.achternaam
FROM dossier_resident r JOIN person p ON p.id = r.person_id
ORDER BY r.dossier_id, r."primary" DESC, r.id
"""
_FLAGS_SQL = "SELECT dossier_id, kind FROM dossier_flag WHERE active"
_DOSSIERS_SQL = """
SELECT d.id, d.img_supervisor_id, d.ncg_supervisor_id, a.straat, a.huisnummer, a.huisletter,
       a.huisnummertoevoeging, a.postcode, a.woonplaats, a.gemeente
FROM dossier d JOIN address a ON a.id = d.address_id
"""


@dataclass(frozen=True)
class SummaryPage:
    """One page of the filtered, sorted dossier list, with the counts when known."""

    rows: tuple[DossierSummary, ...]
    matching: int | None = None  # dossiers the filter matches; None: not counted
    total: int | None = None  # dossiers in the database; None: not counted
    consumed: int | None = None  # database rows this page used (None: as many as it shows)


def every_summary(
    uow: UnitOfWork, dossier_filter: DossierFilter, sort: ListSort, size: int
) -> Iterator[list[DossierSummary]]:
    """Every row of the filtered, sorted list, ``size`` rows at a time, from one query (a
    letter run's selection). Call inside ``with uow:``."""
    return list_query.every_row(uow.session.connection(), dossier_filter, sort, size)


def find_summaries(
    uow: UnitOfWork,
    dossier_filter: DossierFilter,
    sort: ListSort = ListSort(),  # noqa: B008 - frozen
    offset: int = 0,
    limit: int = 200,
    *,
    with_counts: bool = False,
) -> SummaryPage:
    """The list rows ``offset`` to ``offset + limit``, searched, filtered and sorted in the
    database (``dossiers.list_query``): only what the list shows is read.

    ``matching`` is set when it costs nothing (the whole result fits on a first page) or
    when ``with_counts`` asks for it (with ``total``); counting a large result takes longer
    than the page itself (``count_summaries``)."""
    with uow.reading() as conn:
        return summaries_on(conn, dossier_filter, sort, offset, limit, with_counts=with_counts)


def summaries_on(
    conn: Connection,
    dossier_filter: DossierFilter,
    sort: ListSort,
    offset: int,
    limit: int,
    *,
    with_counts: bool = False,
) -> SummaryPage:
    """``find_summaries`` on a connection the caller holds (the consent gate reads the
    page's verdicts on the same one: a round trip less per keystroke)."""
    rows = tuple(list_query.page(conn, dossier_filter, sort, offset, limit))
    matching = len(rows) if offset == 0 and len(rows) < limit else None
    if not with_counts:
        return SummaryPage(rows, matching)
    total = list_query.count_all(conn)
    if matching is None:
        matching = (
            list_query.count_matching(conn, dossier_filter)
            if list_query.conditions(dossier_filter)
            else total
        )
    return SummaryPage(rows, matching, total)


def words_starting(
    conn: Connection, dossier_ids: Sequence[int], tokens: Iterable[str]
) -> dict[int, set[str]]:
    """The search words of ``dossier_ids`` that start with one of ``tokens``."""
    return list_query.words_starting(conn, dossier_ids, tokens)


def count_summaries(uow: UnitOfWork, dossier_filter: DossierFilter) -> int:
    """How many dossiers ``dossier_filter`` matches, counted in the database."""
    with uow.reading() as conn:
        return list_query.count_matching(conn, dossier_filter)


def load_summaries(uow: UnitOfWork) -> list[DossierSummary]:
    """Every dossier as a list row, in four flat queries (fast for ~30,000 dossiers)."""
    with uow, no_cyclic_gc():
        cursor = uow.session.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]

        def rows_of(sql: str) -> list[Any]:
            cursor.execute(sql)
            return list(cursor.fetchall())

        img_cases: dict[int, list[tuple[str, str]]] = defaultdict(list)
        ncg_cases: dict[int, tuple[str, str]] = {}
        for dossier_id, org, ident, status in rows_of(_CASES_SQL):
            if org == _IMG:
                img_cases[dossier_id].append((ident, status))
            elif dossier_id not in ncg_cases:
                ncg_cases[dossier_id] = (ident, status)
        names: dict[int, list[str]] = defaultdict(list)
        for dossier_id, vl, vn, tv, an in rows_of(_NAMES_SQL):
            names[dossier_id].append(person_name(vl, tv, an, vn))
        flags: dict[int, set[FlagKind]] = defaultdict(set)
        for dossier_id, kind in rows_of(_FLAGS_SQL):
            flags[dossier_id].add(_FLAGS[kind])
        no_flags: frozenset[FlagKind] = frozenset()
        rows: list[DossierSummary] = []
        append = rows.append
        for d_id, img_sup, ncg_sup, straat, nr, letter, toev, pc, wp, gem in rows_of(_DOSSIERS_SQL):
            img = img_cases.get(d_id)
            ncg = ncg_cases.get(d_id)
            img_phase = _IMG_PHASES[img[0][1]] if img else None
            ncg_status = _NCG_STATUSES[ncg[1]] if ncg else None
            zaaknummers = tuple(c[0] for c in img) if img else ()
            if ncg:
                zaaknummers += (ncg[0],)
            resident_names = names.get(d_id, ())
            number = f"{nr}{letter or ''}-{toev}" if toev else f"{nr}{letter or ''}"
            flag_set = flags.get(d_id)
            append(
                DossierSummary(
                    d_id,
                    straat,
                    nr,
                    letter,
                    toev,
                    pc,
                    wp,
                    gem,
                    resident_names[0] if resident_names else "",
                    zaaknummers,
                    img_phase,
                    ncg_status,
                    _group(ncg_status, img_phase),
                    frozenset(flag_set) if flag_set else no_flags,
                    img_sup,
                    ncg_sup,
                    search_key(straat, number, pc, wp, resident_names, zaaknummers),
                )
            )
        return rows


@cache
def _group(ncg_status: NcgStatus | None, img_phase: ImgPhase | None) -> CollaborationGroup | None:
    return collaboration_group(ncg_status, img_phase)


def supervisor_info(sup: Supervisor | None) -> SupervisorInfo | None:
    if sup is None:
        return None
    return SupervisorInfo(sup.id, sup.organisation, sup.role, sup.naam, sup.telefoon, sup.email)


def case_info(case: Case) -> CaseInfo:
    return CaseInfo(
        id=case.id,
        organisation=case.organisation,
        identificatie=case.identificatie,
        status=case.status,
        status_date=case.status_date,
        startdatum=case.startdatum,
        einddatum=case.einddatum,
        urgent=case.urgent,
        schadebedrag=case.schadebedrag,
        besluitdatum=case.besluitdatum,
        advies=case.advies,
        bijzondere_situatie=case.bijzondere_situatie,
        history=tuple(StatusEntry(st.code, st.datum, st.toelichting) for st in case.statuses),
        reports=tuple(
            ReportInfo(r.kind, r.datum, r.bedrag, r.constructief, r.omschrijving)
            for r in case.reports
        ),
    )


def detail_options(*, with_events: bool = True) -> list[Any]:
    """Eager loads for building DossierDetail (one query per relation, not per dossier)."""
    from sqlalchemy.orm import selectinload

    from buddy_desk.models import Case, Dossier, DossierResident

    options: list[Any] = [
        selectinload(Dossier.address),
        selectinload(Dossier.img_supervisor),
        selectinload(Dossier.ncg_supervisor),
        selectinload(Dossier.cases).selectinload(Case.statuses),
        selectinload(Dossier.cases).selectinload(Case.reports),
        selectinload(Dossier.residents).selectinload(DossierResident.person),
        selectinload(Dossier.flags),
    ]
    if with_events:
        options.append(selectinload(Dossier.events))
    return options


def _safe_img_rank(status: str, start: date | None) -> tuple[bool, date]:
    try:
        return img_rank(status, start)
    except ValueError:  # an unknown phase code (a newer export) sorts last, shown as unknown
        return (False, start or date.min)


def _safe_group(ncg: CaseInfo | None, img: CaseInfo | None) -> CollaborationGroup | None:
    try:
        ncg_status = NcgStatus.parse(ncg.status) if ncg else None
        img_phase = ImgPhase(img.status) if img else None
    except ValueError:
        return None
    return collaboration_group(ncg_status, img_phase)


def to_detail(
    dossier: Dossier, note: ConversationNote | None, *, with_events: bool = True
) -> DossierDetail:
    """The plain, frozen picture of one loaded dossier (see ``detail_options``)."""
    img_cases = sorted(
        (c for c in dossier.cases if c.organisation is Organisation.IMG),
        key=lambda c: _safe_img_rank(c.status, c.startdatum),
        reverse=True,
    )
    ncg_cases = [c for c in dossier.cases if c.organisation is Organisation.NCG]
    img_infos = tuple(case_info(c) for c in img_cases)
    ncg_info = case_info(ncg_cases[0]) if ncg_cases else None
    a = dossier.address
    residents = tuple(
        ResidentInfo(
            person_name(
                r.person.voorletters, r.person.tussenvoegsel, r.person.achternaam, r.person.voornaam
            ),
            r.roltype,
            r.person.telefoon,
            r.person.email,
            r.person.aanhef,
        )
        for r in sorted(dossier.residents, key=lambda r: (not r.primary, r.id))
    )
    number = house_number(a.huisnummer, a.huisletter, a.huisnummertoevoeging)
    events = (
        tuple(
            EventInfo(
                e.occurred_at, e.organisation, e.kind, e.title, e.detail, e.text_key, e.params
            )
            for e in sorted(dossier.events, key=lambda e: e.occurred_at, reverse=True)
        )
        if with_events
        else ()
    )
    return DossierDetail(
        id=dossier.id,
        straat=a.straat,
        number_text=number,
        postcode=a.postcode,
        woonplaats=a.woonplaats,
        gemeente=a.gemeente,
        residents=residents,
        img_supervisor=supervisor_info(dossier.img_supervisor),
        ncg_supervisor=supervisor_info(dossier.ncg_supervisor),
        img_cases=img_infos,
        ncg_case=ncg_info,
        group=_safe_group(ncg_info, img_infos[0] if img_infos else None),
        flags=tuple(
            FlagInfo(f.kind, f.set_at, f.set_by, f.note) for f in dossier.flags if f.active
        ),
        events=events,
        note=NoteInfo(note.body, note.updated_at, note.updated_by)
        if note
        else NoteInfo("", None, None),
    )


def get_dossier(uow: UnitOfWork, dossier_id: int) -> DossierDetail:
    from buddy_desk.models import ConversationNote, Dossier

    with uow:
        s = uow.session
        dossier = s.scalars(
            select(Dossier).where(Dossier.id == dossier_id).options(*detail_options())
        ).one_or_none()
        if dossier is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        note = s.scalars(
            select(ConversationNote).where(ConversationNote.dossier_id == dossier_id)
        ).one_or_none()
        return to_detail(dossier, note)


def save_note(
    uow: UnitOfWork,
    dossier_id: int,
    body: str,
    user: str | None,
    *,
    base_updated_at: datetime | None,
) -> NoteInfo:
    """Store the conversation notes the editor started from ``base_updated_at`` (None: no note).

    Raises ``NoteConflictError`` and writes nothing if someone else saved in between. An unchanged
    text is not rewritten (not even against an older base: there is nothing to lose).
    """
    from buddy_desk.models import ConversationNote, Dossier
    from buddy_desk.models.base import utcnow

    with uow:
        s = uow.session
        if s.get(Dossier, dossier_id) is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        # FOR UPDATE holds a concurrent save on PostgreSQL until this one commits; SQLite
        # ignores it, so the UPDATE below checks the version again in its WHERE clause.
        note = s.scalars(
            select(ConversationNote)
            .where(ConversationNote.dossier_id == dossier_id)
            .with_for_update()
        ).one_or_none()
        if note is None:
            return _create_note(uow, dossier_id, body, user)
        if note.body == body:
            return NoteInfo(note.body, note.updated_at, note.updated_by)
        if note.updated_at != base_updated_at:
            raise _conflict(s, note)
        now = utcnow()
        result = s.execute(
            update(ConversationNote)
            .where(
                ConversationNote.id == note.id,
                ConversationNote.updated_at == note.updated_at,
            )
            .values(body=body, updated_by=user, updated_at=now)
            .execution_options(synchronize_session=False)
        )
        if cast(CursorResult[Any], result).rowcount != 1:
            s.rollback()
            raise _conflict(s, _current_note(s, dossier_id))
        uow.commit()
        return NoteInfo(body, now, user)


def _create_note(uow: UnitOfWork, dossier_id: int, body: str, user: str | None) -> NoteInfo:
    from buddy_desk.models import ConversationNote
    from buddy_desk.models.base import utcnow

    s = uow.session
    note = ConversationNote(dossier_id=dossier_id, body=body, updated_by=user, updated_at=utcnow())
    s.add(note)
    try:
        s.flush()
    except IntegrityError:
        # the unique dossier_id: another buddy created the note since this one was loaded
        s.rollback()
        raise _conflict(s, _current_note(s, dossier_id)) from None
    info = NoteInfo(note.body, note.updated_at, note.updated_by)
    uow.commit()
    return info


def _current_note(s: Session, dossier_id: int) -> ConversationNote:
    from buddy_desk.models import ConversationNote

    return s.scalars(
        select(ConversationNote).where(ConversationNote.dossier_id == dossier_id)
    ).one()


def _conflict(s: Session, note: ConversationNote) -> NoteConflictError:
    from buddy_desk.models import Supervisor

    name = (
        s.scalars(select(Supervisor.naam).where(Supervisor.username == note.updated_by)).first()
        if note.updated_by
        else None
    )
    return NoteConflictError(note.dossier_id, note.body, note.updated_at, note.updated_by, name)


def list_supervisors(uow: UnitOfWork) -> list[SupervisorInfo]:
    from buddy_desk.models import Supervisor

    with uow:
        sups = uow.session.scalars(select(Supervisor).order_by(Supervisor.naam)).all()
        return [info for sup in sups if (info := supervisor_info(sup)) is not None]
