"""The samenloop overview: NCG addresses and how they meet IMG's damage handling.

For every address in the NCG file: no damage report yet (the proactive pool), damage
settled, damage running while strengthening runs (with its group A–F), or damage running
after strengthening finished. Each count has the list behind it; lists can be filtered,
sorted and exported to CSV.

The tiles are counted in the database (``load_counts``); a list is read a page at a time
(``read_page``), counted (``count_rows``) and exported or printed in batches
(``export_query``, ``batches``), every row through the consent gate as its viewer may see it
(``samenloop.pages``). ``load_overview`` keeps the whole province in memory (268,000 rows at
310,000 dossiers): the reference the pages are tested against, for small databases only.
"""

from __future__ import annotations

import csv
import threading
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from contextlib import closing
from pathlib import Path

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from buddy_desk.choices.rules import Actor, Disclosure
from buddy_desk.choices.service.consent import (
    SAMENLOOP_EXPORT,
    DossierDisclosure,
    disclosed_sides,
    disclosures_in,
    log_disclosures_in,
    no_consent_verdict,
)
from buddy_desk.core.files import atomic_target
from buddy_desk.core.phases import ImgPhase, Organisation
from buddy_desk.core.spreadsheet import safe_cell, write_csv
from buddy_desk.models import Address, Case, Dossier
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.samenloop.pages import (
    BATCH_ROWS,
    MORE_ROWS,
    PAGE_ROWS,
    ROW_COLUMNS,
    Cursor,
    ImgCase,
    ListQuery,
    Page,
    batches,
    count_rows,
    load_counts,
    make_row,
    places,
    read_page,
    supervisor_names,
)
from buddy_desk.samenloop.rules import (
    CSV_HEADER,
    Category,
    ListFilter,
    ListId,
    SamenloopRow,
    SortKey,
    belongs,
    csv_cells,
    csv_rows,
    filter_rows,
    sort_rows,
)
from buddy_desk.samenloop.rules import gate_row as _gate_row

__all__ = [
    "BATCH_ROWS",
    "CSV_HEADER",
    "MORE_ROWS",
    "PAGE_ROWS",
    "Category",
    "Cursor",
    "ListFilter",
    "ListId",
    "ListQuery",
    "Page",
    "SamenloopOverview",
    "SamenloopRow",
    "SortKey",
    "batches",
    "belongs",
    "count_rows",
    "csv_rows",
    "export_csv",
    "export_list",
    "export_query",
    "filter_rows",
    "gate_row",
    "load_counts",
    "load_overview",
    "load_rows",
    "log_export",
    "places",
    "read_page",
    "shown_batches",
    "sort_rows",
]


class SamenloopOverview:
    """The numbers behind the tiles (counted in SQL, at once) and the lists behind them
    (``rows`` / ``rows_for``: every row, loaded on first use and then kept)."""

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
                self._lists = {lid: [r for r in rows if belongs(r, lid)] for lid in ListId}
                self._rows = rows
            return self._rows

    def rows_for(self, list_id: ListId) -> list[SamenloopRow]:
        self.rows  # noqa: B018 - loads the lists on first use
        return list(self._lists[list_id])


def load_overview(uow: UnitOfWork, viewer: Actor) -> SamenloopOverview:
    """The counts at once; the whole lists on first use, as ``viewer`` may see them. Holds
    every NCG address in memory: the app and the command line read pages (``read_page``)."""
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
    """A samenloop row with only what the consent gate's verdict allows (``rules.gate_row``)."""
    return _gate_row(row, verdict.img, verdict.ncg)


def load_rows(uow: UnitOfWork) -> tuple[SamenloopRow, ...]:
    """Every NCG address with its category, ungated, in the order of its NCG case."""
    with uow:
        # Core rows on the session's connection: the ORM's row handling would double the time
        conn = uow.session.connection()
        ncg_case = aliased(Case)
        img: dict[int, list[ImgCase]] = defaultdict(list)
        phases = {p.value: p for p in ImgPhase}
        in_ncg_file = (
            exists()
            .where(ncg_case.dossier_id == Case.dossier_id)
            .where(ncg_case.organisation == Organisation.NCG)
        )
        # each damage case once (a join counted it once per NCG case of its address)
        for d_id, status, start, ident, case_id in conn.execute(
            select(Case.dossier_id, Case.status, Case.startdatum, Case.identificatie, Case.id)
            .where(Case.organisation == Organisation.IMG, in_ncg_file)
            .order_by(Case.id)
        ):
            img[d_id].append((phases[status], start, ident, case_id))
        names = supervisor_names(conn)
        stmt = (
            select(*ROW_COLUMNS)
            .join(Dossier, Dossier.id == Case.dossier_id)
            .join(Address, Address.id == Dossier.address_id)
            .where(Case.organisation == Organisation.NCG)
            .order_by(Case.id)
        )
        # streamed, not a list of 268,000 rows beside the result
        return tuple(make_row(raw, img.get(raw[0], ()), names) for raw in conn.execute(stmt))


# -- the access log and CSV --------------------------------------------------------------


def _shown_pairs(
    rows: Iterable[SamenloopRow], verdicts: dict[int, DossierDisclosure]
) -> list[tuple[int, Disclosure]]:
    """What of the other organisation the rows show: (dossier, disclosure) per side."""
    return [
        pair
        for r in rows
        if (verdict := verdicts.get(r.dossier_id)) is not None
        for pair in disclosed_sides(
            verdict,
            {Organisation.IMG: r.img_phase is not None, Organisation.NCG: r.ncg_status is not None},
        )
    ]


def _log(uow: UnitOfWork, viewer: Actor, shown: list[tuple[int, Disclosure]]) -> int:
    with uow:
        n = log_disclosures_in(uow, viewer, shown, SAMENLOOP_EXPORT)
        uow.commit()
        return n


def log_export(
    uow: UnitOfWork, viewer: Actor, overview: SamenloopOverview, rows: Iterable[SamenloopRow]
) -> int:
    """One access-log entry per exported row that shows the other organisation's details."""
    return _log(uow, viewer, _shown_pairs(rows, overview.verdicts))


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


def export_csv(path: Path, rows: Iterable[SamenloopRow]) -> int:
    """Write a list as CSV for Dutch Excel; returns the number of rows written."""
    return write_csv(path, CSV_HEADER, csv_rows(rows))


def export_query(
    uow: UnitOfWork,
    viewer: Actor,
    query: ListQuery,
    path: Path,
    *,
    limit: int = 0,
    on_batch: Callable[[list[SamenloopRow]], None] | None = None,
) -> int:
    """Write a list as CSV in batches (never the whole list in memory), the same bytes as
    ``export_csv``, then log what it discloses; returns the number of rows written.
    ``limit``: at most this many rows (0: all); ``on_batch`` sees each batch as written."""
    written = 0
    shown: list[tuple[int, Disclosure]] = []
    with atomic_target(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([safe_cell(h) for h in CSV_HEADER])
        for rows, verdicts in _up_to(batches(uow, viewer, query), limit):
            writer.writerows([safe_cell(v) for v in csv_cells(r)] for r in rows)
            shown += _shown_pairs(rows, verdicts)
            written += len(rows)
            if on_batch is not None:
                on_batch(rows)
        # logged before the file is made final: no export without its access-log entries
        _log(uow, viewer, shown)
    return written


def shown_batches(
    uow: UnitOfWork, viewer: Actor, query: ListQuery, *, limit: int = 0
) -> Iterator[list[SamenloopRow]]:
    """The list in batches for output that leaves the app (the command line's list): each
    batch's disclosures are logged before it is handed out. ``limit``: at most this many."""
    for rows, verdicts in _up_to(batches(uow, viewer, query), limit):
        _log(uow, viewer, _shown_pairs(rows, verdicts))
        yield rows


def _up_to(
    found: Generator[tuple[list[SamenloopRow], dict[int, DossierDisclosure]], None, None],
    limit: int,
) -> Iterator[tuple[list[SamenloopRow], dict[int, DossierDisclosure]]]:
    """``found``'s batches, the rows cut after ``limit`` in all (0: every row)."""
    given = 0
    with closing(found):  # the batches' connection goes back at once when cut short
        for rows, verdicts in found:
            if limit:
                rows = rows[: limit - given]
            given += len(rows)
            yield rows, verdicts
            if limit and given >= limit:
                return
