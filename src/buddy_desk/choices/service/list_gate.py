"""The consent gate over the dossier list, in SQLAlchemy Core only.

The list's pages (``gated_page``, ``gated_count``) and the verdicts they need
(``disclosures_on``) read the choice log through a Core declaration of its table, so the
app shows its first page before it imports the ORM and the models (which follow right after
the first paint). ``choices.service.consent`` is the gate's whole API and re-exports these;
the rule itself stays pure in ``choices.rules``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    select,
)

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceEntry,
    ChoiceState,
    ChoiceType,
    ConsentMethod,
    Direction,
    Disclosure,
    EntryKind,
    current_states,
    disclosure,
    entry_from_row,
    visible_group,
)
from buddy_desk.core.phases import Organisation
from buddy_desk.core.search import WORD_LENGTH, DossierFilter, fold, search_words
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.dossiers.service import (
    ListSort,
    SummaryPage,
    count_summaries,
    summaries_on,
    words_starting,
)
from buddy_desk.persistence.list_tables import ReadUtcDateTime, enum_type, metadata
from buddy_desk.persistence.unit_of_work import UnitOfWork

CHUNK = 500  # dossier ids per IN query
DATA_SHARING = ChoiceType.DATA_SHARING

# the choice log as the gate reads it (``models.choices.ChoiceLogEntry``, Core only)
choice_log_entry = Table(
    "choice_log_entry",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("dossier_id", Integer, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", enum_type(EntryKind), nullable=False),
    Column("choice_type", enum_type(ChoiceType), nullable=False),
    Column("value", String(500), nullable=False),
    Column("made_at", ReadUtcDateTime, nullable=False),
    Column("recorded_at", ReadUtcDateTime, nullable=False),
    Column("recorded_by", String(120), nullable=False),
    Column("recorded_by_org", String(8)),
    Column("channel", enum_type(Channel), nullable=False),
    Column("note", Text),
    Column("form_reference", String(100)),
    Column("explanation_version", String(60)),
    Column("direction", enum_type(Direction)),
    Column("purpose", String(200)),
    Column("categories", String(300)),
    Column("method", enum_type(ConsentMethod)),
    Column("only_if_no_delay", Boolean),
    Column("effective_from", ReadUtcDateTime),
    Column("refers_to_seq", Integer),
    Column("prev_hash", String(64), nullable=False),
    Column("entry_hash", String(64), nullable=False),
)


@dataclass(frozen=True, slots=True)
class DossierDisclosure:
    """The gate's verdict for one dossier and one viewer: a ``Disclosure`` per organisation."""

    dossier_id: int
    img: Disclosure
    ncg: Disclosure

    def of(self, organisation: Organisation) -> Disclosure:
        return self.img if organisation is Organisation.IMG else self.ncg

    @property
    def others(self) -> tuple[Disclosure, ...]:
        """The disclosures about another organisation than the viewer's."""
        return tuple(d for d in (self.img, self.ncg) if not d.own)


def consent_entries(conn: Connection, ids: Sequence[int] | None) -> dict[int, list[ChoiceEntry]]:
    """The data-sharing entries of the choice log per dossier (``ids``; None: every dossier)."""
    entries: dict[int, list[ChoiceEntry]] = defaultdict(list)
    t = choice_log_entry
    query = select(t).order_by(t.c.dossier_id, t.c.seq)
    if ids is None:
        # an explicit type: a bare enum member would be looked up through SQLAlchemy's
        # inspection registry, which the ORM's import on the warm-up thread is filling
        data_sharing = bindparam("choice_type", DATA_SHARING, type_=t.c.choice_type.type)
        for row in conn.execute(query.where(t.c.choice_type == data_sharing)):
            entries[row.dossier_id].append(entry_from_row(row))
        return entries
    # a page's dossiers: every entry by the (dossier_id, seq) key, the type checked here.
    # With the type in the query SQLite walked the type's index instead, every data-sharing
    # entry of the province: 45-60 ms per keystroke at 310,000 dossiers
    for at in range(0, len(ids), CHUNK):
        for row in conn.execute(query.where(t.c.dossier_id.in_(ids[at : at + CHUNK]))):
            if row.choice_type == DATA_SHARING:
                entries[row.dossier_id].append(entry_from_row(row))
    return entries


def verdict(
    dossier_id: int, states: Iterable[ChoiceState], viewer: Organisation | None
) -> DossierDisclosure:
    """Pure: the gate's verdict from one dossier's current choice states."""
    states = list(states)
    return DossierDisclosure(
        dossier_id,
        disclosure(states, viewer, Organisation.IMG),
        disclosure(states, viewer, Organisation.NCG),
    )


def disclosures_on(
    conn: Connection, viewer: Organisation | None, ids: Sequence[int] | None = None
) -> dict[int, DossierDisclosure]:
    """The verdict for ``ids`` in one query (None: every dossier with a consent entry; any
    other dossier has ``no_consent_verdict``), read on ``conn``."""
    wanted = list(ids) if ids is not None else None
    entries = consent_entries(conn, wanted)
    keys = wanted if wanted is not None else list(entries)
    return {
        i: verdict(i, current_states(found), viewer)
        if (found := entries.get(i))
        else no_consent_verdict(i, viewer)
        for i in keys
    }


def no_consent_verdict(dossier_id: int, viewer: Organisation | None) -> DossierDisclosure:
    img, ncg = _no_consent_disclosures(viewer)
    return DossierDisclosure(dossier_id, img, ncg)


@cache
def _no_consent_disclosures(viewer: Organisation | None) -> tuple[Disclosure, Disclosure]:
    """A dossier without a consent entry: the same (frozen) parts for every such dossier,
    not two new ones each (a workspace of 268,000 rows held 100 MB of them)."""
    no_consent = verdict(0, (), viewer)
    return no_consent.img, no_consent.ncg


def gate_summary(row: DossierSummary, verdict_: DossierDisclosure) -> DossierSummary:
    """Pure: a list row with only what the verdict allows; the search key is rebuilt from
    what is shown, so searching a withheld case number finds nothing."""
    img_d, ncg_d = verdict_.img, verdict_.ncg
    hide_img = row.img_phase is not None and not img_d.case_details
    hide_ncg = row.ncg_status is not None and not ncg_d.case_details
    if not hide_img and not hide_ncg:  # nothing of the other side here, or all of it allowed
        return row
    ncg_number = row.zaaknummers[-1:] if row.ncg_status is not None else ()
    img_numbers = row.zaaknummers[: len(row.zaaknummers) - len(ncg_number)]
    withheld: list[tuple[Organisation, str]] = []
    for d, present in ((img_d, row.img_phase is not None), (ncg_d, row.ncg_status is not None)):
        if present and not d.case_details and d.reason is not None:
            withheld.append((d.source, d.reason.value))
    options = visible_group(row.ncg_status, row.img_phase, img_d, ncg_d)
    if row.group is None:
        options = frozenset()
    zaaknummers = (img_numbers if img_d.case_details else ()) + (
        ncg_number if ncg_d.case_details else ()
    )
    key = row.search_key
    for hidden in set(row.zaaknummers) - set(zaaknummers):  # each is one token of the key
        key = key.replace(f" {hidden.lower()} ", " ")
    return replace(
        row,
        img_phase=row.img_phase if img_d.case_details else None,
        ncg_status=row.ncg_status if ncg_d.case_details else None,
        zaaknummers=zaaknummers,
        group=next(iter(options)) if len(options) == 1 else None,
        group_options=options,
        withheld=tuple(withheld),
        search_key=key,
    )


def gated_page(
    uow: UnitOfWork,
    viewer: Actor,
    dossier_filter: DossierFilter,
    sort: ListSort,
    offset: int,
    limit: int,
    *,
    with_counts: bool = False,
) -> SummaryPage:
    """One page of the list (``dossiers.service.find_summaries``) as ``viewer`` may see it.

    The database searches and filters on everything; a row that matches only through what
    the viewer may not see (a withheld case number, a hidden phase or group) is left out, and
    more rows are read until the page is full. ``consumed`` says how many database rows the
    page used, so the next page starts after them. The counts are of what the viewer sees
    too: a count of the database's matches would tell that a withheld case number exists.

    One connection reads the rows, their verdicts and any words the gate must check: on a
    server every statement and every connection check-out is a round trip per keystroke."""
    rows: list[DossierSummary] = []
    at = offset
    first: SummaryPage | None = None
    ended = False
    with uow.reading(statements_apart=True) as conn:
        while len(rows) < limit:
            want = limit - len(rows)
            counts = with_counts and first is None  # the first page's counts are the counts
            page = summaries_on(conn, dossier_filter, sort, at, want, with_counts=counts)
            first = first or page
            found = disclosures_on(conn, viewer.organisation, [r.id for r in page.rows])
            gated = [
                gate_summary(r, found.get(r.id) or no_consent_verdict(r.id, viewer.organisation))
                for r in page.rows
            ]
            keep = still_matching(conn, page.rows, gated, dossier_filter)
            rows += (shown for shown, kept in zip(gated, keep, strict=True) if kept)
            at += len(page.rows)
            if len(page.rows) < want:
                ended = True
                break
    assert first is not None
    matching = first.matching
    if offset == 0 and ended:  # the whole result is on this page
        matching = len(rows)
    elif matching is not None and _may_drop(dossier_filter):
        matching = gated_count(uow, viewer, dossier_filter)
    return replace(first, rows=tuple(rows), matching=matching, consumed=at - offset)


def _may_drop(dossier_filter: DossierFilter) -> bool:
    """Whether the gate may leave rows of this filter out (it matches on what the gate may
    withhold: case numbers in the search text, phases, statuses, groups)."""
    f = dossier_filter
    return bool(f.tokens or f.groups or f.img_phases or f.ncg_statuses)


def gated_count(uow: UnitOfWork, viewer: Actor, dossier_filter: DossierFilter) -> int:
    """How many dossiers ``dossier_filter`` matches in the list as ``viewer`` sees it: counted
    in the database when the gate cannot leave a row out, else by reading the gated pages."""
    if not _may_drop(dossier_filter):
        return count_summaries(uow, dossier_filter)
    counted = read = 0
    while True:
        page = gated_page(uow, viewer, dossier_filter, ListSort(), read, _COUNT_PAGE)
        counted += len(page.rows)
        read += len(page.rows) if page.consumed is None else page.consumed
        if len(page.rows) < _COUNT_PAGE:
            return counted


_COUNT_PAGE = 5_000


def still_matching(
    conn: Connection,
    rows: Sequence[DossierSummary],
    gated: Sequence[DossierSummary],
    f: DossierFilter,
) -> list[bool]:
    """Per database match in ``rows``: whether it still matches ``f`` as the gate shows it
    (``gated``, the same rows gated). A search token must start a word the viewer may see:
    any of the dossier's words but a withheld case number (a co-resident's name counts,
    though the list shows only the first resident). The words are the database's, so only
    a token that starts a withheld case number and none of the row's shown words is looked
    up (one query for the page); the other tokens matched a word the viewer sees."""
    tokens = [t.strip()[:WORD_LENGTH] for t in f.tokens]
    rest = replace(f, text="")  # the filter's other parts, held against the row as shown
    keep: list[bool] = []
    unsure: dict[int, tuple[set[str], list[str]]] = {}  # dossier → (withheld, its tokens)
    for row, shown in zip(rows, gated, strict=True):
        if shown is row:  # the gate hid nothing: the database's match stands
            keep.append(True)
            continue
        withheld = {
            word[:WORD_LENGTH]
            for number in set(row.zaaknummers) - set(shown.zaaknummers)
            for word in fold(number).split()
        }
        suspect = [t for t in tokens if any(w.startswith(t) for w in withheld)]
        if suspect:
            seen = search_words(
                shown.straat,
                shown.number_text,
                shown.postcode,
                shown.woonplaats,
                [shown.resident],
                shown.zaaknummers,
            )
            suspect = [t for t in suspect if not any(w.startswith(t) for w in seen - withheld)]
        if suspect:
            unsure[row.id] = (withheld, suspect)
        keep.append(rest.matches(shown))
    if unsure:
        words = words_starting(conn, list(unsure), {t for _, ts in unsure.values() for t in ts})
        for i, row in enumerate(rows):
            if keep[i] and row.id in unsure:
                withheld, suspect = unsure[row.id]
                visible = words.get(row.id, set()) - withheld
                keep[i] = all(any(w.startswith(t) for w in visible) for t in suspect)
    return keep
