"""The two exports: NCG's address file and IMG's case file, as typed rows and rejections.

Every bad row becomes a ``Rejection`` (physical line, column, reason in Dutch); every good
row is kept. A key (Adres-ID / Zaaknummer) that occurs twice is rejected on its second line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Generic, NamedTuple, TypeVar

from buddy_desk.core.address import _FORBIDDEN_LETTERS, AddressKey
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.core.values import parse_amount, parse_bool, parse_date
from buddy_desk.errors import ValidationError
from buddy_desk.importing.table import (
    BrokenRow,
    ColumnSpec,
    ExportRefused,
    RawRow,
    Table,
    iter_rows,
    read_table,
)

R = TypeVar("R")


class ExportKind(StrEnum):
    NCG = "ncg"
    IMG = "img"

    @property
    def label(self) -> str:
        return "NCG-adressenexport" if self is ExportKind.NCG else "IMG-zakenexport"


@dataclass(frozen=True)
class Rejection:
    line: int
    field: str
    reason: str


class AddressPart(NamedTuple):
    """An address as an export row gives it, normalised (``AddressKey``'s fields inline).

    The row types are named tuples, not dataclasses: an import builds and (on a second core,
    ``importing.parallel``) pickles a hundred thousand of them, several times faster so.
    """

    postcode: str
    huisnummer: int
    huisletter: str | None
    toevoeging: str | None
    straat: str
    woonplaats: str
    gemeente: str | None
    match_key: str  # AddressKey.match_key

    @property
    def key(self) -> AddressKey:
        return AddressKey(self.postcode, self.huisnummer, self.huisletter, self.toevoeging)


class NcgRow(NamedTuple):
    line: int
    adres_id: str
    address: AddressPart
    status: NcgStatus
    status_date: date | None
    bewonersbegeleider: str | None
    bijzondere_situatie: str | None
    schade_gezien: bool | None  # NCG saw non-constructive damage (optional column)
    verborgen_schade: Decimal | None  # hidden damage found during construction (optional)


class ImgRow(NamedTuple):
    line: int
    zaaknummer: str
    address: AddressPart
    fase: ImgPhase
    melddatum: date | None
    zaakbegeleider: str | None
    urgent: bool
    schadebedrag: Decimal | None
    constructief: bool | None  # constructive damage at inspection (optional column)
    aos: bool | None  # acute unsafe situation (optional column)


@dataclass(frozen=True)
class ParsedExport(Generic[R]):
    kind: ExportKind
    table: Table
    rows: tuple[R, ...]
    rejections: tuple[Rejection, ...]


_ADDRESS_COLUMNS = (
    ColumnSpec("postcode", "Postcode", ("pc", "postcode adres"), required=True),
    ColumnSpec("huisnummer", "Huisnummer", ("huisnr", "nr", "nummer"), required=True),
    ColumnSpec("huisletter", "Huisletter", ("letter",)),
    ColumnSpec("toevoeging", "Toevoeging", ("huisnummertoevoeging", "huisnr toevoeging", "toev")),
    ColumnSpec("straat", "Straat", ("straatnaam", "openbare ruimte")),
    ColumnSpec("woonplaats", "Woonplaats", ("plaats", "plaatsnaam")),
    ColumnSpec("gemeente", "Gemeente", ("gemeentenaam",)),
)

NCG_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("adres_id", "Adres-ID", ("adresid", "adres id", "adrescode"), required=True),
    *_ADDRESS_COLUMNS,
    ColumnSpec("status", "NCG status", ("status", "ncg-status", "statuscode"), required=True),
    ColumnSpec("status_date", "Statusdatum", ("datum status", "status datum")),
    ColumnSpec("bewonersbegeleider", "Bewonersbegeleider", ("bb", "begeleider")),
    ColumnSpec("bijzondere_situatie", "Bijzondere situatie", ("bijzonderheden",)),
    ColumnSpec("schade_gezien", "Schade gezien", ("niet-constructieve schade",)),
    ColumnSpec("verborgen_schade", "Verborgen schade", ("verborgen schade bedrag",)),
)

IMG_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("zaaknummer", "Zaaknummer", ("zaak", "zaaknr", "zaak-id", "dossiernummer"), True),
    *_ADDRESS_COLUMNS,
    ColumnSpec("fase", "Fase", ("status", "zaakfase", "img fase"), required=True),
    ColumnSpec("melddatum", "Melddatum", ("datum melding", "meldingsdatum")),
    ColumnSpec("zaakbegeleider", "Zaakbegeleider", ("begeleider",)),
    ColumnSpec("urgent", "Urgent", ("urgentie",)),
    ColumnSpec("schadebedrag", "Schadebedrag", ("bedrag", "schadebedrag (€)")),
    ColumnSpec("constructief", "Constructieve schade", ("constructief",)),
    ColumnSpec("aos", "AOS", ("acuut onveilig",)),
)

LABELS: dict[str, str] = {s.field: s.label for s in (*NCG_COLUMNS, *IMG_COLUMNS)}
_ADDRESS_FIELD_LABEL = {
    "postcode": "Postcode",
    "huisnummer": "Huisnummer",
    "huisletter": "Huisletter",
    "huisnummertoevoeging": "Toevoeging",
}
_IMG_PHASES = {p.value.lower(): p for p in ImgPhase} | {
    "afronding": ImgPhase.AFGEROND,
    "schademelding": ImgPhase.VOORBEREIDING,
    "besluit": ImgPhase.BESCHIKKING,
}


class _RowError(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _empty(label: str) -> _RowError:
    return _RowError(label, "is leeg; dit veld is verplicht")


def _address(
    postcode: str,
    huisnummer: str,
    huisletter: str,
    toevoeging: str,
    straat: str,
    woonplaats: str,
    gemeente: str,
) -> AddressPart:
    if not postcode:
        raise _empty("Postcode")
    if not huisnummer:
        raise _empty("Huisnummer")
    pc = postcode[:4] + postcode[5:] if len(postcode) == 7 and postcode[4] == " " else postcode
    if (
        not huisletter
        and not toevoeging
        and len(pc) == 6
        and pc.isascii()
        and pc[:4].isdigit()
        and pc[0] != "0"
        and pc[4:].isalpha()
        and huisnummer.isascii()
        and huisnummer.isdigit()
        and len(huisnummer) <= 5
        and huisnummer[0] != "0"
        and (letters := pc[4:].upper()) not in _FORBIDDEN_LETTERS
    ):
        # the common case ('9712AB', '9712 ab'; '12'): what AddressKey.parse returns,
        # without its regexes
        postcode = pc[:4] + letters
        return AddressPart(
            postcode,
            int(huisnummer),
            None,
            None,
            straat[:80],
            woonplaats[:80],
            gemeente[:80] if gemeente else None,
            f"{postcode}|{huisnummer}||",
        )
    try:
        key = AddressKey.parse(postcode, huisnummer, huisletter or None, toevoeging or None)
    except ValidationError as exc:
        raise _RowError(_ADDRESS_FIELD_LABEL.get(exc.field, exc.field), exc.reason) from None
    return AddressPart(
        key.postcode,
        key.huisnummer,
        key.huisletter,
        key.toevoeging,
        straat[:80],
        woonplaats[:80],
        gemeente[:80] if gemeente else None,
        key.match_key,
    )


@lru_cache(maxsize=512)
def _ncg_status(text: str) -> NcgStatus:
    try:
        return NcgStatus.parse(text)
    except ValueError:
        codes = ", ".join(s.value for s in NcgStatus)
        raise ValueError(f"'{text}' is geen NCG-statuscode ({codes})") from None


@lru_cache(maxsize=512)
def _img_phase(text: str) -> ImgPhase:
    phase = _IMG_PHASES.get(text.strip().lower())
    if phase is None:
        names = ", ".join(p.value for p in ImgPhase)
        raise ValueError(f"'{text}' is geen IMG-fase ({names})")
    return phase


FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_AMOUNT = Decimal("9999999999.99")
"""The largest amount the amount columns hold (NUMERIC(12, 2))."""


@lru_cache(maxsize=8192)  # exports repeat the same few thousand dates
def _date(text: str) -> date:
    """A date the databases store alike: SQLite takes any, PostgreSQL and the date
    arithmetic of the signals do not, so an export's 0001-01-01 or 9999-12-31 stops here."""
    day = parse_date(text)
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"'{text}' ligt buiten {FIRST_DAY.year}–{LAST_DAY.year}; controleer het jaartal"
        )
    return day


def _amount(text: str) -> Decimal:
    amount = parse_amount(text)
    if amount > MAX_AMOUNT:
        raise ValueError(f"'{text}' is groter dan het grootste bedrag (9.999.999.999,99)")
    return amount


_bool = lru_cache(maxsize=256)(parse_bool)


def _check_key(value: str, column: str, limit: int) -> None:
    """The row's key (Adres-ID, Zaaknummer): present, and short enough to store."""
    if not value:
        raise _empty(column)
    if len(value) > limit:
        raise _RowError(column, f"'{value[:40]}…' is langer dan {limit} tekens")


def _ncg_row(line: int, cells: tuple[str, ...]) -> NcgRow:
    # positions as in NCG_COLUMNS (read_rows gives "" for a column the file lacks)
    (
        adres_id,
        postcode,
        huisnummer,
        huisletter,
        toevoeging,
        straat,
        woonplaats,
        gemeente,
        status_text,
        status_date,
        bewonersbegeleider,
        bijzondere_situatie,
        schade_gezien,
        verborgen_schade,
    ) = cells
    _check_key(adres_id, "Adres-ID", 32)
    address = _address(postcode, huisnummer, huisletter, toevoeging, straat, woonplaats, gemeente)
    if not status_text:
        raise _empty("NCG status")
    label = "NCG status"
    try:  # the label names the column whose value is being converted
        status = _ncg_status(status_text)
        label = "Statusdatum"
        day = _date(status_date) if status_date else None
        label = "Schade gezien"
        seen = _bool(schade_gezien) if schade_gezien else None
        label = "Verborgen schade"
        hidden = _amount(verborgen_schade) if verborgen_schade else None
    except ValueError as exc:
        raise _RowError(label, str(exc)) from None
    return NcgRow(
        line,
        adres_id,
        address,
        status,
        day,
        " ".join(bewonersbegeleider.split())[:120] if bewonersbegeleider else None,
        bijzondere_situatie or None,
        seen,
        hidden,
    )


def _img_row(line: int, cells: tuple[str, ...]) -> ImgRow:
    # positions as in IMG_COLUMNS (read_rows gives "" for a column the file lacks)
    (
        zaaknummer,
        postcode,
        huisnummer,
        huisletter,
        toevoeging,
        straat,
        woonplaats,
        gemeente,
        fase_text,
        melddatum,
        zaakbegeleider,
        urgent,
        schadebedrag,
        constructief,
        aos,
    ) = cells
    _check_key(zaaknummer, "Zaaknummer", 40)
    address = _address(postcode, huisnummer, huisletter, toevoeging, straat, woonplaats, gemeente)
    if not fase_text:
        raise _empty("Fase")
    label = "Fase"
    try:  # the label names the column whose value is being converted
        fase = _img_phase(fase_text)
        label = "Melddatum"
        day = _date(melddatum) if melddatum else None
        label = "Urgent"
        is_urgent = _bool(urgent) if urgent else False
        label = "Schadebedrag"
        bedrag = _amount(schadebedrag) if schadebedrag else None
        label = "Constructieve schade"
        is_constructief = _bool(constructief) if constructief else None
        label = "AOS"
        is_aos = _bool(aos) if aos else None
    except ValueError as exc:
        raise _RowError(label, str(exc)) from None
    return ImgRow(
        line,
        zaaknummer,
        address,
        fase,
        day,
        " ".join(zaakbegeleider.split())[:120] if zaakbegeleider else None,
        is_urgent,
        bedrag,
        is_constructief,
        is_aos,
    )


CHUNK_ROWS = 4000
# the first chunks are small and grow to CHUNK_ROWS: the importer starts on the first while
# the next is read (importing.parallel)
FIRST_CHUNK_ROWS = 500


def _parse_chunks(
    table: Table,
    raw: Iterator[RawRow | BrokenRow],
    build: Callable[[int, tuple[str, ...]], R],
    key: Callable[[R], str],
    key_label: str,
    chunk_rows: int | None,
) -> Iterator[tuple[list[R], list[Rejection]]]:
    """Typed rows and rejections, ``chunk_rows`` file rows at a time (the first and the last
    chunk may be smaller; a file without data rows gives one empty chunk)."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    size = min(FIRST_CHUNK_ROWS, chunk_rows)
    cut = size
    rows: list[R] = []
    rejections: list[Rejection] = []
    seen: dict[str, int] = {}
    width = len(table.headers)
    for n, item in enumerate(raw, 1):
        if isinstance(item, BrokenRow):
            rejections.append(Rejection(item.line, item.column, item.reason))
        elif item[2]:
            line, _cells, extra = item
            rejections.append(
                Rejection(
                    line,
                    "(regel)",
                    f"meer velden ({width + len(extra)}) dan kolommen "
                    f"({width}); controleer het scheidingsteken",
                )
            )
        else:
            line, cells, _extra = item
            try:
                row = build(line, cells)
            except _RowError as exc:
                rejections.append(Rejection(line, exc.field, exc.reason))
            else:
                k = key(row)
                upper = k.upper()
                if (first := seen.get(upper)) is not None:
                    rejections.append(
                        Rejection(line, key_label, f"'{k}' komt dubbel voor (ook op regel {first})")
                    )
                else:
                    seen[upper] = line
                    rows.append(row)
        if n == cut:
            yield rows, rejections
            rows, rejections = [], []
            size = min(2 * size, chunk_rows)
            cut += size
    if rows or rejections or not seen:
        yield rows, rejections


class ExportStream(Generic[R]):
    """An export being read: its table (the header, checked) and its rows chunk by chunk.

    A stream that another process reads learns its table when first asked (``table`` may
    be given as the function that waits for it).
    """

    def __init__(
        self,
        kind: ExportKind,
        table: Table | Callable[[], Table],
        chunks: Iterator[tuple[list[R], list[Rejection]]],
    ) -> None:
        self.kind = kind
        self._table = table
        self.chunks = chunks

    @property
    def table(self) -> Table:
        if not isinstance(self._table, Table):
            self._table = self._table()
        return self._table


def stream_ncg_export(
    data: bytes, source: str, chunk_rows: int | None = None
) -> ExportStream[NcgRow]:
    table, raw = iter_rows(data, source, NCG_COLUMNS, ExportKind.NCG.label)
    chunks = _parse_chunks(table, raw, _ncg_row, _adres_id, "Adres-ID", chunk_rows)
    return ExportStream(ExportKind.NCG, table, chunks)


def stream_img_export(
    data: bytes, source: str, chunk_rows: int | None = None
) -> ExportStream[ImgRow]:
    table, raw = iter_rows(data, source, IMG_COLUMNS, ExportKind.IMG.label)
    chunks = _parse_chunks(table, raw, _img_row, _zaaknummer, "Zaaknummer", chunk_rows)
    return ExportStream(ExportKind.IMG, table, chunks)


def _adres_id(row: NcgRow) -> str:
    return row.adres_id


def _zaaknummer(row: ImgRow) -> str:
    return row.zaaknummer


def _collect(stream: ExportStream[R]) -> ParsedExport[R]:
    rows: list[R] = []
    rejections: list[Rejection] = []
    for chunk_rows, chunk_rejections in stream.chunks:
        rows += chunk_rows
        rejections += chunk_rejections
    return ParsedExport(stream.kind, stream.table, tuple(rows), tuple(rejections))


def read_ncg_export(data: bytes, source: str) -> ParsedExport[NcgRow]:
    return _collect(stream_ncg_export(data, source))


def read_img_export(data: bytes, source: str) -> ParsedExport[ImgRow]:
    return _collect(stream_img_export(data, source))


@dataclass(frozen=True)
class Preview:
    """What the import dialog shows before importing: the mapping and the first rows."""

    kind: ExportKind
    source: str
    encoding: str
    delimiter: str
    mapping: tuple[tuple[str, str | None], ...]  # (column label, header in the file or None)
    unmapped: tuple[str, ...]
    headers: tuple[str, ...]
    first_rows: tuple[tuple[str, ...], ...]  # cells by mapped column, in mapping order
    data_rows: int


_HEAD_BYTES = 256 * 1024


def _head(data: bytes) -> bytes:
    """The start of a big file, cut at a line end: enough for the header and a preview."""
    if len(data) <= _HEAD_BYTES:
        return data
    cut = data.rfind(b"\n", 0, _HEAD_BYTES)
    return data[: cut + 1] if cut > 0 else data[:_HEAD_BYTES]


def preview(data: bytes, source: str, kind: ExportKind, limit: int = 20) -> Preview:
    """Mapping and first rows from the start of the file (fast enough for the GUI thread);
    the row count of a big file counts its lines."""
    specs = NCG_COLUMNS if kind is ExportKind.NCG else IMG_COLUMNS
    head = _head(data)
    table = read_table(head, source, specs, kind.label)
    data_rows = len(table.records)
    if head is not data:
        data_rows = sum(1 for line in data.splitlines() if line.strip()) - 1
    present = [s for s in specs if s.field in table.mapping]
    return Preview(
        kind=kind,
        source=source,
        encoding=table.encoding,
        delimiter={";": "puntkomma (;)", ",": "komma (,)", "\t": "tab"}[table.delimiter],
        mapping=tuple((s.label, table.mapping.get(s.field)) for s in specs),
        unmapped=table.unmapped,
        headers=tuple(s.label for s in present),
        first_rows=tuple(
            tuple(rec.cells.get(s.field, "") for s in present) for rec in table.records[:limit]
        ),
        data_rows=data_rows,
    )


def detect_kind(data: bytes, source: str) -> ExportKind | None:
    """NCG or IMG, from the header; None if it is neither."""
    for kind, specs in ((ExportKind.NCG, NCG_COLUMNS), (ExportKind.IMG, IMG_COLUMNS)):
        try:
            read_table(_head(data), source, specs, kind.label)
        except ExportRefused:
            continue
        return kind
    return None
