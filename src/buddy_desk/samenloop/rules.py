"""The samenloop lists' vocabulary and rules, pure: which list a row belongs to, the filter
and the order as the viewer sees a row, the consent gate on a row, its CSV cells.

The service applies these in the database (``samenloop.pages``, a page at a time) and, for
a whole list in memory, here; a test holds the two to the same rows in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from buddy_desk.choices.rules import Disclosure, options_label, visible_group
from buddy_desk.core.address import street_line
from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import NCG_STATUS_LABELS, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.search import WORD_LENGTH, query_tokens, search_key, search_words
from buddy_desk.i18n import tr


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

    @property
    def category(self) -> Category | None:
        """The category the list is (None: every NCG address; a group's list is BOTH's)."""
        if self is ListId.NCG:
            return None
        return Category.BOTH if self.group is not None else Category(self.value)


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
    zaaknummers: tuple[str, ...]  # the IMG cases' numbers, in the order they were made
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


@dataclass(frozen=True)
class ListFilter:
    text: str = ""
    gemeente: str | None = None
    ncg_status: NcgStatus | None = None
    group: CollaborationGroup | None = None
    only_bijzonder: bool = False

    @property
    def tokens(self) -> tuple[str, ...]:
        """The search text as the database's search words are matched: each token must start
        one of the row's words ('9712 AB' is one postcode token)."""
        return tuple(dict.fromkeys(t[:WORD_LENGTH] for t in query_tokens(self.text)))


def category_of(ncg_status: NcgStatus, lead: ImgPhase | None) -> Category:
    """Where an NCG address stands, from its status and its leading damage case's phase."""
    if lead is None:
        return Category.PROACTIVE
    if not lead.is_running:
        return Category.SETTLED
    return Category.BOTH if ncg_status.is_running else Category.NCG_DONE


def group_pairs(group: CollaborationGroup) -> list[tuple[NcgStatus, ImgPhase]]:
    """The (NCG status, running IMG phase) pairs of a row in ``group`` (both running)."""
    return [
        (s, p)
        for s in NcgStatus
        for p in ImgPhase
        if s.is_running and p.is_running and collaboration_group(s, p) is group
    ]


def belongs(row: SamenloopRow, list_id: ListId) -> bool:
    if list_id is ListId.NCG:
        return True
    if (group := list_id.group) is not None:
        return row.group is group
    return row.category.value == list_id.value


def text_matches(row: SamenloopRow, tokens: Sequence[str]) -> bool:
    """Every token starts one of the row's words as shown (address, postcode, place, the
    damage cases' numbers the viewer may see) — the dossier list's rule (``core.search``)."""
    if not tokens:
        return True
    words = search_words(
        row.straat, row.number_text, row.postcode, row.woonplaats, [], row.zaaknummers
    )
    return all(any(w.startswith(t) for w in words) for t in tokens)


def matches(row: SamenloopRow, f: ListFilter, tokens: Sequence[str] | None = None) -> bool:
    """Whether a row, as the viewer sees it, passes the filter."""
    gemeente = f.gemeente.casefold() if f.gemeente else None
    return (
        (gemeente is None or row.gemeente.casefold() == gemeente)
        and (f.ncg_status is None or row.ncg_status is f.ncg_status)
        and (f.group is None or row.group is f.group)
        and (not f.only_bijzonder or bool(row.bijzondere_situatie))
        and text_matches(row, f.tokens if tokens is None else tokens)
    )


def filter_rows(rows: Iterable[SamenloopRow], f: ListFilter) -> list[SamenloopRow]:
    tokens = f.tokens
    return [r for r in rows if matches(r, f, tokens)]


def address_key(r: SamenloopRow) -> tuple[str, str, int, str]:
    digits = len(r.number_text) - len(r.number_text.lstrip("0123456789"))
    return (r.woonplaats, r.straat, int(r.number_text[:digits] or 0), r.number_text)


_NCG_ORDER = {s: s.order for s in NcgStatus}  # a dict lookup: the property builds a list


def sort_rows(rows: Sequence[SamenloopRow], key: SortKey) -> list[SamenloopRow]:
    """The rows in the order of ``key``, on what the viewer sees (a withheld status sorts
    last); rows alike in the key keep their order (the database's: by dossier)."""
    match key:
        case SortKey.NCG_STATUS:
            order = _NCG_ORDER
            return sorted(
                rows,
                key=lambda r: (order[r.ncg_status] if r.ncg_status else 99, address_key(r)),
            )
        case SortKey.GEMEENTE:
            return sorted(rows, key=lambda r: (r.gemeente, address_key(r)))
        case SortKey.BIJZONDER:
            return sorted(
                rows,
                key=lambda r: (
                    r.bijzondere_situatie is None,
                    r.bijzondere_situatie or "",
                    address_key(r),
                ),
            )
    return sorted(rows, key=address_key)


def gate_row(row: SamenloopRow, img: Disclosure, ncg: Disclosure) -> SamenloopRow:
    """A samenloop row with only what the consent gate's verdict (``img``, ``ncg``) allows
    (both sides' phase, case numbers and dates are *zaakgegevens*; whether a process runs is
    the signalling minimum, so the row's list — proactive, settled, both, done — stays)."""
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
    return [csv_cells(r) for r in rows]


def csv_cells(r: SamenloopRow) -> tuple[object, ...]:
    return (
        r.ncg_address_id,
        r.straat,
        r.number_text,
        r.postcode_text,
        r.woonplaats,
        r.gemeente,
        r.ncg_status.value if r.ncg_status else withheld_text(r, Organisation.NCG),
        NCG_STATUS_LABELS[r.ncg_status] if r.ncg_status else "",
        r.ncg_status_date.strftime("%d-%m-%Y") if r.ncg_status_date else "",
        r.bijzondere_situatie or "",
        r.img_phase.value if r.img_phase else withheld_text(r, Organisation.IMG),
        r.zaaknummer or "",
        r.img_cases,
        r.group.value if r.group else options_label(r.group_options),
        r.bewonersbegeleider or "",
        r.zaakbegeleider or "",
    )


def withheld_text(row: SamenloopRow, org: Organisation) -> str:
    """The plain sentence in the cell of a withheld phase ("IMG-gegevens niet getoond: …")."""
    reason = next((why for o, why in row.withheld if o is org), None)
    return tr(f"consent.gate.{reason}", org=org.value) if reason else ""
