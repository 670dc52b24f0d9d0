"""The samenloop overview: NCG addresses and how they meet IMG's damage handling.

For every address in the NCG file: no damage report yet (the proactive pool), damage
settled, damage running while strengthening runs (with its group A–F), or damage running
after strengthening finished. Each count has the list behind it; lists can be filtered,
sorted and exported to CSV.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from sys import intern

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from buddy_desk.choices.rules import Actor, options_label, visible_group
from buddy_desk.choices.service.consent import (
    SAMENLOOP_EXPORT,
    DossierDisclosure,
    disclosed_sides,
    disclosures_in,
    log_disclosures_in,
    no_consent_verdict,
)
from buddy_desk.core.address import house_number, street_line
from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import NCG_STATUS_LABELS, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.search import fold, search_key
from buddy_desk.core.spreadsheet import write_csv
from buddy_desk.dossiers.service import img_rank
from buddy_desk.i18n import tr
from buddy_desk.models import Address, Case, Dossier, Supervisor
from buddy_desk.persistence.unit_of_work import UnitOfWork


class Category(StrEnum):
    PROACTIVE = "proactive"  # in the NCG file, no damage report yet
    SETTLED = "settled"  # every damage case settled
    BOTH = "both"  # damage running and strengthening running
    NCG_DONE = "ncg_done"  # damage running, strengthening finished


class ListId(StrEnum):
    NCG = "ncg"
    PROACTIVE = "proactive"
    SETTLED = "settled"
    BOTH = "both"
    NCG_DONE = "ncg_done"
    GROUP_A = "group_A"
    GROUP_B = "group_B"
    GROUP_C = "group_C"
    GROUP_D = "group_D"
    GROUP_E = "group_E"
    GROUP_F = "group_F"

    @property
    def group(self) -> CollaborationGroup | None:
        return CollaborationGroup(self.value[-1]) if self.value.startswith("group_") else None


class SortKey(StrEnum):
    ADDRESS = "address"
    NCG_STATUS = "ncg"
    GEMEENTE = "gemeente"
    BIJZONDER = "bijzonder"


@dataclass(frozen=True, slots=True)
class SamenloopRow:
    dossier_id: int
    ncg_address_id: str
    straat: str
    number_text: str
    postcode: str
    woonplaats: str
    gemeente: str
    ncg_status: NcgStatus | None  # None: withheld by the consent gate (see ``withheld``)
    ncg_status_date: date | None
    bijzondere_situatie: str | None
    img_phase: ImgPhase | None  # the leading case: a running one, else the most recent
    zaaknummer: str | None
    img_cases: int
    group: CollaborationGroup | None
    category: Category
    bewonersbegeleider: str | None
    zaakbegeleider: str | None
    zaaknummers: tuple[str, ...]
    # the consent gate: (organisation, reason) per side whose details are not shown, and the
    # groups it may be when only "one of these" is known
    withheld: tuple[tuple[Organisation, str], ...] = ()
    group_options: frozenset[CollaborationGroup] = frozenset()

    @property
    def search_key(self) -> str:
        """Built when a text filter needs it, not for all 26,800 rows at load."""
        return search_key(
            self.straat, self.number_text, self.postcode, self.woonplaats, [], self.zaaknummers
        )

    @property
    def address_line(self) -> str:
        return street_line(self.straat, self.number_text)

    @property
    def postcode_text(self) -> str:
        return f"{self.postcode[:4]} {self.postcode[4:]}"


class SamenloopOverview:
    """The numbers behind the tiles (counted in SQL, at once) and the lists behind them
    (``rows`` / ``rows_for``: 26,800 rows, loaded on first use and then kept)."""

    def __init__(
        self,
        counts: dict[ListId, int],
        load_rows: Callable[[], tuple[SamenloopRow, ...]],
        verdicts: dict[int, DossierDisclosure] | None = None,
    ) -> None:
        self.counts = counts
        self._load_rows = load_rows
        self.verdicts = verdicts if verdicts is not None else {}  # filled with the rows
        self._rows: tuple[SamenloopRow, ...] | None = None
        self._lists: dict[ListId, list[SamenloopRow]] = {}
        self._lock = threading.Lock()

    @property
    def rows(self) -> tuple[SamenloopRow, ...]:
        """Every NCG address; loaded from the database the first time it is asked for."""
        with self._lock:
            if self._rows is None:
                rows = self._load_rows()
                lists: dict[ListId, list[SamenloopRow]] = {lid: [] for lid in ListId}
                for r in rows:
                    lists[_CATEGORY_LIST[r.category]].append(r)
                    if r.group is not None:
                        lists[_GROUP_LIST[r.group]].append(r)
                lists[ListId.NCG] = list(rows)
                self._lists = lists
                self._rows = rows
            return self._rows

    def rows_for(self, list_id: ListId) -> list[SamenloopRow]:
        self.rows  # noqa: B018 - loads the lists on first use
        return list(self._lists[list_id])


@dataclass(frozen=True)
class ListFilter:
    text: str = ""
    gemeente: str | None = None
    ncg_status: NcgStatus | None = None
    group: CollaborationGroup | None = None
    only_bijzonder: bool = False


def belongs(row: SamenloopRow, list_id: ListId) -> bool:
    if list_id is ListId.NCG:
        return True
    if (group := list_id.group) is not None:
        return row.group is group
    return row.category.value == list_id.value


def filter_rows(rows: Iterable[SamenloopRow], f: ListFilter) -> list[SamenloopRow]:
    words = fold(f.text).split()  # search_key is folded (no accents) too
    gemeente = f.gemeente.casefold() if f.gemeente else None
    return [
        r
        for r in rows
        if (gemeente is None or r.gemeente.casefold() == gemeente)
        and (f.ncg_status is None or r.ncg_status is f.ncg_status)
        and (f.group is None or r.group is f.group)
        and (not f.only_bijzonder or bool(r.bijzondere_situatie))
        and (not words or all(w in r.search_key for w in words))
    ]


def _address_key(r: SamenloopRow) -> tuple[str, str, int, str]:
    digits = len(r.number_text) - len(r.number_text.lstrip("0123456789"))
    return (r.woonplaats, r.straat, int(r.number_text[:digits] or 0), r.number_text)


_NCG_ORDER = {s: s.order for s in NcgStatus}  # a dict lookup: the property builds a list


def sort_rows(rows: Sequence[SamenloopRow], key: SortKey) -> list[SamenloopRow]:
    match key:
        case SortKey.NCG_STATUS:
            order = _NCG_ORDER
            return sorted(
                rows,
                key=lambda r: (order[r.ncg_status] if r.ncg_status else 99, _address_key(r)),
            )
        case SortKey.GEMEENTE:
            return sorted(rows, key=lambda r: (r.gemeente, _address_key(r)))
        case SortKey.BIJZONDER:
            return sorted(
                rows,
                key=lambda r: (
                    r.bijzondere_situatie is None,
                    r.bijzondere_situatie or "",
                    _address_key(r),
                ),
            )
    return sorted(rows, key=_address_key)


_IMG = {p.value: p for p in ImgPhase}
_CATEGORY_LIST = {c: ListId(c.value) for c in Category}
_IMG_RUNNING = {p: p.is_running for p in ImgPhase}  # a dict lookup beats the enum property
_NCG_FINISHED = NcgStatus.S6
_GROUP_LIST = {g: ListId(f"group_{g.value}") for g in CollaborationGroup}
_PROACTIVE, _SETTLED, _BOTH, _NCG_DONE = (
    Category.PROACTIVE,
    Category.SETTLED,
    Category.BOTH,
    Category.NCG_DONE,
)
_NCG = {s.value: s for s in NcgStatus}


def load_overview(uow: UnitOfWork, viewer: Actor) -> SamenloopOverview:
    """The counts at once (SQL aggregates: numbers, no dossier's details); the lists behind
    them on first use, as ``viewer`` may see them (the consent gate)."""
    verdicts: dict[int, DossierDisclosure] = {}

    def rows() -> tuple[SamenloopRow, ...]:
        loaded = list(load_rows(uow))
        with uow:
            verdicts.update(disclosures_in(uow, viewer.organisation, None))
        org = viewer.organisation
        for i, r in enumerate(loaded):  # in place: never the ungated and gated rows at once
            verdict = verdicts.setdefault(r.dossier_id, no_consent_verdict(r.dossier_id, org))
            loaded[i] = gate_row(r, verdict)
        return tuple(loaded)

    return SamenloopOverview(load_counts(uow), rows, verdicts)


def gate_row(row: SamenloopRow, verdict: DossierDisclosure) -> SamenloopRow:
    """Pure: a samenloop row with only what the consent gate allows (both sides' phase,
    case numbers and dates are *zaakgegevens*; whether a process runs is the signalling
    minimum, so the row's list — proactive, settled, both, done — stays)."""
    img, ncg = verdict.img, verdict.ncg
    if img.case_details and ncg.case_details:
        return row
    withheld = []
    if row.img_cases and not img.case_details and img.reason is not None:
        withheld.append((Organisation.IMG, img.reason.value))
    if not ncg.case_details and ncg.reason is not None:
        withheld.append((Organisation.NCG, ncg.reason.value))
    options = visible_group(row.ncg_status, row.img_phase, img, ncg)
    if row.group is None:
        options = frozenset()
    return replace(
        row,
        ncg_address_id=row.ncg_address_id if ncg.case_details else "",
        ncg_status=row.ncg_status if ncg.case_details else None,
        ncg_status_date=row.ncg_status_date if ncg.case_details else None,
        bijzondere_situatie=row.bijzondere_situatie if ncg.case_details else None,
        img_phase=row.img_phase if img.case_details else None,
        zaaknummer=row.zaaknummer if img.case_details else None,
        img_cases=row.img_cases if img.case_details else min(row.img_cases, 1),
        zaaknummers=row.zaaknummers if img.case_details else (),
        group=next(iter(options)) if len(options) == 1 else None,
        group_options=options,
        withheld=tuple(withheld),
    )


def log_export(
    uow: UnitOfWork, viewer: Actor, overview: SamenloopOverview, rows: Iterable[SamenloopRow]
) -> int:
    """One access-log entry per exported row that shows the other organisation's details."""
    shown = [
        pair
        for r in rows
        if (verdict := overview.verdicts.get(r.dossier_id)) is not None
        for pair in disclosed_sides(
            verdict,
            {Organisation.IMG: r.img_phase is not None, Organisation.NCG: r.ncg_status is not None},
        )
    ]
    with uow:
        n = log_disclosures_in(uow, viewer, shown, SAMENLOOP_EXPORT)
        uow.commit()
        return n


def export_list(
    uow: UnitOfWork,
    viewer: Actor,
    overview: SamenloopOverview,
    path: Path,
    rows: Sequence[SamenloopRow],
) -> int:
    """Write a list as CSV and log what it discloses; returns the number of rows written."""
    n = export_csv(path, rows)
    log_export(uow, viewer, overview, rows)
    return n


_RUNNING_PHASES = [p.value for p in ImgPhase if p.is_running]


def load_counts(uow: UnitOfWork) -> dict[ListId, int]:
    """The numbers behind the tiles without building a row per address: one aggregate over
    the NCG cases, and the running damage cases only where both run (for the group), by the
    rules of ``load_rows`` (a test compares the two). Where several running damage cases
    started on the same day, the lowest zaaknummer leads."""
    with uow:
        conn = uow.session.connection()
        img_case = aliased(Case)
        of_dossier = (
            img_case.dossier_id == Case.dossier_id,
            img_case.organisation == Organisation.IMG,
        )
        has_img = exists().where(*of_dossier).label("has_img")
        has_running = (
            exists().where(*of_dossier, img_case.status.in_(_RUNNING_PHASES)).label("has_running")
        )
        counts: Counter[ListId] = Counter()
        for status, with_img, running, n in conn.execute(
            select(Case.status, has_img, has_running, func.count())
            .where(Case.organisation == Organisation.NCG)
            .group_by(Case.status, has_img, has_running)
        ).all():
            counts[ListId.NCG] += n
            if not with_img:
                counts[ListId.PROACTIVE] += n
            elif not running:
                counts[ListId.SETTLED] += n
            elif status == _NCG_FINISHED.value:
                counts[ListId.NCG_DONE] += n
            else:
                counts[ListId.BOTH] += n
        # both running: the group follows the leading (most recent) running damage case
        leads: dict[int, tuple[str, date, str, str]] = {}
        for ncg_id, ncg_status, phase, start, ident in conn.execute(
            select(
                Case.id, Case.status, img_case.status, img_case.startdatum, img_case.identificatie
            )
            .join(img_case, and_(*of_dossier))
            .where(
                Case.organisation == Organisation.NCG,
                Case.status != _NCG_FINISHED.value,
                img_case.status.in_(_RUNNING_PHASES),
            )
        ).all():
            start = start or date.min
            lead = leads.get(ncg_id)
            if lead is None or start > lead[1] or (start == lead[1] and ident < lead[2]):
                leads[ncg_id] = (ncg_status, start, ident, phase)
    for ncg_status, _start, _ident, phase in leads.values():
        group = collaboration_group(_NCG[ncg_status], _IMG[phase])
        if group is not None:
            counts[_GROUP_LIST[group]] += 1
    return {lid: counts.get(lid, 0) for lid in ListId}


def load_rows(uow: UnitOfWork) -> tuple[SamenloopRow, ...]:
    """Every NCG address with its category, in three flat queries."""
    with uow:
        # Core rows on the session's connection: the ORM's row handling would double the time
        conn = uow.session.connection()
        ncg_case = aliased(Case)
        img: dict[int, list[tuple[ImgPhase, date | None, str]]] = defaultdict(list)
        for d_id, status, start, ident in conn.execute(
            select(Case.dossier_id, Case.status, Case.startdatum, Case.identificatie)
            .join(ncg_case, ncg_case.dossier_id == Case.dossier_id)
            .where(Case.organisation == Organisation.IMG, ncg_case.organisation == Organisation.NCG)
        ):
            img[d_id].append((_IMG[status], start, ident))
        names = dict(conn.execute(select(Supervisor.id, Supervisor.naam)).all())
        stmt = (
            select(
                Dossier.id,
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
            .join(Dossier, Dossier.id == Case.dossier_id)
            .join(Address, Address.id == Dossier.address_id)
            .where(Case.organisation == Organisation.NCG)
        )
        rows: list[SamenloopRow] = []
        for (
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
        ) in conn.execute(stmt):  # streamed, not a list of 268,000 rows beside the result
            ncg_status = _NCG[status]
            cases = img.get(d_id, [])
            if not cases:
                lead = None
            elif len(cases) == 1:
                lead = cases[0]
            else:
                lead = max(cases, key=lambda c: img_rank(c[0], c[1]))
            phase = lead[0] if lead else None
            if phase is None:
                category = _PROACTIVE
            elif not _IMG_RUNNING[phase]:
                category = _SETTLED
            elif ncg_status is not _NCG_FINISHED:
                category = _BOTH
            else:
                category = _NCG_DONE
            number = house_number(nr, letter, toev)
            rows.append(
                SamenloopRow(
                    dossier_id=d_id,
                    ncg_address_id=ncg_id or ident,
                    # one string per street, postcode and place, not one per row
                    straat=intern(straat),
                    number_text=number,
                    postcode=intern(pc),
                    woonplaats=intern(wp),
                    gemeente=intern(gem or wp),
                    ncg_status=ncg_status,
                    ncg_status_date=status_date,
                    bijzondere_situatie=bijz,
                    img_phase=phase,
                    zaaknummer=lead[2] if lead else None,
                    img_cases=len(cases),
                    group=collaboration_group(ncg_status, phase) if category is _BOTH else None,
                    category=category,
                    bewonersbegeleider=names.get(bb) if bb else None,
                    zaakbegeleider=names.get(zb) if zb else None,
                    zaaknummers=tuple(c[2] for c in cases),
                )
            )
    return tuple(rows)


CSV_HEADER = (
    "Adres-ID",
    "Straat",
    "Huisnummer",
    "Postcode",
    "Woonplaats",
    "Gemeente",
    "NCG status",
    "NCG status omschrijving",
    "Statusdatum",
    "Bijzondere situatie",
    "IMG fase",
    "Zaaknummer",
    "Aantal IMG-zaken",
    "Groep",
    "Bewonersbegeleider",
    "Zaakbegeleider",
)


def csv_rows(rows: Iterable[SamenloopRow]) -> list[tuple[object, ...]]:
    return [
        (
            r.ncg_address_id,
            r.straat,
            r.number_text,
            r.postcode_text,
            r.woonplaats,
            r.gemeente,
            r.ncg_status.value if r.ncg_status else _withheld_text(r, Organisation.NCG),
            NCG_STATUS_LABELS[r.ncg_status] if r.ncg_status else "",
            r.ncg_status_date.strftime("%d-%m-%Y") if r.ncg_status_date else "",
            r.bijzondere_situatie or "",
            r.img_phase.value if r.img_phase else _withheld_text(r, Organisation.IMG),
            r.zaaknummer or "",
            r.img_cases,
            r.group.value if r.group else options_label(r.group_options),
            r.bewonersbegeleider or "",
            r.zaakbegeleider or "",
        )
        for r in rows
    ]


def _withheld_text(row: SamenloopRow, org: Organisation) -> str:
    """The plain sentence in the cell of a withheld phase ("IMG-gegevens niet getoond: …")."""
    reason = next((why for o, why in row.withheld if o is org), None)
    return tr(f"consent.gate.{reason}", org=org.value) if reason else ""


def export_csv(path: Path, rows: Iterable[SamenloopRow]) -> int:
    """Write a list as CSV for Dutch Excel; returns the number of rows written."""
    return write_csv(path, CSV_HEADER, csv_rows(rows))
