"""The two exports: NCG's address file and IMG's case file, as typed rows and rejections.

Every bad row becomes a ``Rejection`` (physical line, column, reason in Dutch); every good
row is kept. A key (Adres-ID / Zaaknummer) that occurs twice is rejected on its second line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Generic, TypeVar

from buddy_desk.domain.address import AddressKey
from buddy_desk.domain.phases import ImgPhase, NcgStatus
from buddy_desk.errors import ValidationError
from buddy_desk.importing.table import ColumnSpec, ExportRefused, Record, Table, read_table
from buddy_desk.importing.values import parse_amount, parse_bool, parse_date

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


@dataclass(frozen=True)
class AddressPart:
    key: AddressKey
    straat: str
    woonplaats: str
    gemeente: str | None


@dataclass(frozen=True)
class NcgRow:
    line: int
    adres_id: str
    address: AddressPart
    status: NcgStatus
    status_date: date | None
    bewonersbegeleider: str | None
    bijzondere_situatie: str | None
    schade_gezien: bool | None  # NCG saw non-constructive damage (optional column)
    verborgen_schade: Decimal | None  # hidden damage found during construction (optional)


@dataclass(frozen=True)
class ImgRow:
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


def _required(rec: Record, field: str) -> str:
    value = rec.cells.get(field)
    if not value:
        raise _RowError(LABELS[field], "is leeg; dit veld is verplicht")
    return value


def _optional(rec: Record, field: str) -> str | None:
    value = rec.cells.get(field, "")
    return value or None


def _typed(rec: Record, field: str, parse: Callable[[str], R]) -> R | None:
    value = rec.cells.get(field)
    if not value:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise _RowError(LABELS[field], str(exc)) from None


def _address(rec: Record) -> AddressPart:
    get = rec.cells.get
    postcode = _required(rec, "postcode")
    huisnummer = _required(rec, "huisnummer")
    try:
        key = AddressKey.parse(
            postcode, huisnummer, get("huisletter") or None, get("toevoeging") or None
        )
    except ValidationError as exc:
        raise _RowError(_ADDRESS_FIELD_LABEL.get(exc.field, exc.field), exc.reason) from None
    gemeente = get("gemeente")
    return AddressPart(
        key,
        (get("straat") or "")[:80],
        (get("woonplaats") or "")[:80],
        gemeente[:80] if gemeente else None,
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


# exports repeat the same few thousand dates and status texts; parse each once per process
_date = lru_cache(maxsize=8192)(parse_date)


def _ncg_row(rec: Record) -> NcgRow:
    adres_id = _required(rec, "adres_id")
    if len(adres_id) > 32:
        raise _RowError("Adres-ID", f"'{adres_id[:40]}…' is langer dan 32 tekens")
    address = _address(rec)
    status = _typed(rec, "status", _ncg_status)
    if status is None:
        raise _RowError("NCG status", "is leeg; dit veld is verplicht")
    return NcgRow(
        line=rec.line,
        adres_id=adres_id,
        address=address,
        status=status,
        status_date=_typed(rec, "status_date", _date),
        bewonersbegeleider=_name(_optional(rec, "bewonersbegeleider")),
        bijzondere_situatie=_optional(rec, "bijzondere_situatie"),
        schade_gezien=_typed(rec, "schade_gezien", parse_bool),
        verborgen_schade=_typed(rec, "verborgen_schade", parse_amount),
    )


def _img_row(rec: Record) -> ImgRow:
    zaaknummer = _required(rec, "zaaknummer")
    if len(zaaknummer) > 40:
        raise _RowError("Zaaknummer", f"'{zaaknummer[:40]}…' is langer dan 40 tekens")
    address = _address(rec)
    fase = _typed(rec, "fase", _img_phase)
    if fase is None:
        raise _RowError("Fase", "is leeg; dit veld is verplicht")
    return ImgRow(
        line=rec.line,
        zaaknummer=zaaknummer,
        address=address,
        fase=fase,
        melddatum=_typed(rec, "melddatum", _date),
        zaakbegeleider=_name(_optional(rec, "zaakbegeleider")),
        urgent=bool(_typed(rec, "urgent", parse_bool)),
        schadebedrag=_typed(rec, "schadebedrag", parse_amount),
        constructief=_typed(rec, "constructief", parse_bool),
        aos=_typed(rec, "aos", parse_bool),
    )


def _name(text: str | None) -> str | None:
    return " ".join(text.split())[:120] if text else None


def _parse_rows(
    table: Table, build: Callable[[Record], R], key: Callable[[R], str], key_label: str
) -> tuple[tuple[R, ...], tuple[Rejection, ...]]:
    rows: list[R] = []
    rejections: list[Rejection] = []
    seen: dict[str, int] = {}
    for rec in table.records:
        if rec.extra:
            rejections.append(
                Rejection(
                    rec.line,
                    "(regel)",
                    f"meer velden ({len(table.headers) + len(rec.extra)}) dan kolommen "
                    f"({len(table.headers)}); controleer het scheidingsteken",
                )
            )
            continue
        try:
            row = build(rec)
        except _RowError as exc:
            rejections.append(Rejection(rec.line, exc.field, exc.reason))
            continue
        k = key(row)
        if (first := seen.get(k.upper())) is not None:
            rejections.append(
                Rejection(rec.line, key_label, f"'{k}' komt dubbel voor (ook op regel {first})")
            )
            continue
        seen[k.upper()] = rec.line
        rows.append(row)
    return tuple(rows), tuple(rejections)


def read_ncg_export(data: bytes, source: str) -> ParsedExport[NcgRow]:
    table = read_table(data, source, NCG_COLUMNS, ExportKind.NCG.label)
    rows, rejections = _parse_rows(table, _ncg_row, lambda r: r.adres_id, "Adres-ID")
    return ParsedExport(ExportKind.NCG, table, rows, rejections)


def read_img_export(data: bytes, source: str) -> ParsedExport[ImgRow]:
    table = read_table(data, source, IMG_COLUMNS, ExportKind.IMG.label)
    rows, rejections = _parse_rows(table, _img_row, lambda r: r.zaaknummer, "Zaaknummer")
    return ParsedExport(ExportKind.IMG, table, rows, rejections)


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
