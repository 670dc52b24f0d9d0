"""Reading the two exports: every quirk of the files, every rejection with line and field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from buddy_desk.core.address import AddressKey
from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.importing.exports import (
    ExportKind,
    detect_kind,
    preview,
    read_img_export,
    read_ncg_export,
)
from buddy_desk.importing.table import ExportRefused

NCG_HEADER = (
    "Adres-ID;Straat;Huisnummer;Huisletter;Toevoeging;Postcode;Woonplaats;NCG status;"
    "Statusdatum;Bewonersbegeleider;Bijzondere situatie"
)
IMG_HEADER = (
    "Zaaknummer,Postcode,Huisnummer,Huisletter,Toevoeging,Straat,Woonplaats,Fase,Melddatum,"
    "Zaakbegeleider,Urgent,Schadebedrag"
)


def ncg(*rows: str, header: str = NCG_HEADER, encoding: str = "utf-8") -> bytes:
    return "\r\n".join([header, *rows]).encode(encoding)


def img(*rows: str, header: str = IMG_HEADER) -> bytes:
    return "\n".join([header, *rows]).encode("utf-8")


def test_ncg_export_from_dutch_excel_in_windows_1252() -> None:
    data = ncg(
        "A-1;Coëlhorsterweg;12;a;;9712 ab;Ten Boer;2.1 Opname plannen;5-3-2026;Anna Bakker;",
        "A-2;Wierde;3;;;9999AB;Loppersum;4,2;05-03-2026;;Monument",
        encoding="cp1252",
    )
    parsed = read_ncg_export(data, "ncg.csv")
    assert parsed.table.encoding == "Windows-1252"
    assert parsed.table.delimiter == ";"
    assert parsed.rejections == ()
    first, second = parsed.rows
    assert first.address.straat == "Coëlhorsterweg"
    assert first.address.key == AddressKey("9712AB", 12, "A", None)
    assert first.status is NcgStatus.S2_1
    assert first.bewonersbegeleider == "Anna Bakker"
    assert second.status is NcgStatus.S4_2
    assert second.bijzondere_situatie == "Monument"
    assert second.bewonersbegeleider is None


def test_utf8_with_bom_and_headers_in_any_case_and_order() -> None:
    header = "ncg STATUS;postcode;HUISNUMMER;adres-id;straat;woonplaats"
    data = b"\xef\xbb\xbf" + ncg("1.2;9712AB;7;X9;Straat;Groningen", header=header)
    parsed = read_ncg_export(data, "ncg.csv")
    assert parsed.table.encoding == "UTF-8 (BOM)"
    assert [(r.adres_id, r.status, r.address.key.huisnummer) for r in parsed.rows] == [
        ("X9", NcgStatus.S1_2, 7)
    ]


def test_img_export_with_comma_iso_dates_and_amounts() -> None:
    data = img(
        'Z-1,9712ab,12a,,,Hoofdstraat,Groningen,Opname,2026-03-05,Bram Smit,ja,"€ 1.234,56"',
        "Z-2,9712 AB,12-1,,,Hoofdstraat,Groningen,afgerond,5-3-2025,,N,250",
    )
    parsed = read_img_export(data, "img.csv")
    assert parsed.table.delimiter == ","
    assert parsed.rejections == ()
    z1, z2 = parsed.rows
    assert z1.address.key == AddressKey("9712AB", 12, "A", None)
    assert z1.fase is ImgPhase.OPNAME
    assert z1.urgent is True
    assert z1.schadebedrag == Decimal("1234.56")
    assert z2.address.key == AddressKey("9712AB", 12, None, "1")
    assert z2.fase is ImgPhase.AFGEROND
    assert z2.urgent is False


def test_optional_columns_may_be_missing() -> None:
    parsed = read_img_export(
        b"Zaaknummer;Postcode;Huisnummer;Fase\nZ-9;9712AB;1;Zienswijze\n", "img.csv"
    )
    (row,) = parsed.rows
    assert row.melddatum is None and row.schadebedrag is None and row.zaakbegeleider is None


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("A-1;S;1;;;97 12AB;G;1.2;;;", "Postcode", "geen geldige postcode"),
        ("A-1;S;1;;;9712SS;G;1.2;;;", "Postcode", "bestaat niet"),
        ("A-1;S;nul;;;9712AB;G;1.2;;;", "Huisnummer", "geen huisnummer"),
        ("A-1;S;0;;;9712AB;G;1.2;;;", "Huisnummer", "ligt niet tussen"),
        ("A-1;S;1;AB;;9712AB;G;1.2;;;", "Huisletter", "geen huisletter"),
        ("A-1;S;1;;toolong;9712AB;G;1.2;;;", "Toevoeging", "geen toevoeging"),
        ("A-1;S;1;;;9712AB;G;7.7;;;", "NCG status", "geen NCG-statuscode"),
        ("A-1;S;1;;;9712AB;G;1.2;31-2-2026;;", "Statusdatum", "geen bestaande datum"),
        (";S;1;;;9712AB;G;1.2;;;", "Adres-ID", "verplicht"),
        ("A-1;S;;;;9712AB;G;1.2;;;", "Huisnummer", "verplicht"),
        ("A-1;S;1;;;9712AB;G;;;;", "NCG status", "verplicht"),
    ],
)
def test_each_bad_ncg_row_is_rejected_with_line_and_field(
    row: str, field: str, reason: str
) -> None:
    good = "A-0;S;2;;;9712AB;G;1.2;;;"
    parsed = read_ncg_export(ncg(good, row, good.replace("A-0", "A-3")), "ncg.csv")
    assert [r.adres_id for r in parsed.rows] == ["A-0", "A-3"]
    (rejection,) = parsed.rejections
    assert rejection.line == 3
    assert rejection.field == field
    assert reason in rejection.reason


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [
        ("Z-1,9712AB,1,,,S,G,Klaar,,,,", "Fase", "geen IMG-fase"),
        ("Z-1,9712AB,1,,,S,G,Opname,gisteren,,,", "Melddatum", "geen datum"),
        ("Z-1,9712AB,1,,,S,G,Opname,,,misschien,", "Urgent", "ja/nee"),
        ("Z-1,9712AB,1,,,S,G,Opname,,,,twaalf", "Schadebedrag", "geen bedrag"),
        ("Z-1,9712AB,1,,,S,G,Opname,,,,-5", "Schadebedrag", "negatief"),
        (",9712AB,1,,,S,G,Opname,,,,", "Zaaknummer", "verplicht"),
        ("Z-1,,1,,,S,G,Opname,,,,", "Postcode", "verplicht"),
    ],
)
def test_each_bad_img_row_is_rejected_with_line_and_field(
    row: str, field: str, reason: str
) -> None:
    parsed = read_img_export(img(row), "img.csv")
    assert parsed.rows == ()
    (rejection,) = parsed.rejections
    assert (rejection.line, rejection.field) == (2, field)
    assert reason in rejection.reason


def test_duplicate_key_is_rejected_on_its_second_line() -> None:
    parsed = read_img_export(
        img(
            "Z-1,9712AB,1,,,S,G,Opname,,,,",
            "Z-2,9712AB,2,,,S,G,Opname,,,,",
            "z-1,9712AB,3,,,S,G,Opname,,,,",
        ),
        "img.csv",
    )
    assert [r.zaaknummer for r in parsed.rows] == ["Z-1", "Z-2"]
    (rejection,) = parsed.rejections
    assert rejection.line == 4
    assert rejection.field == "Zaaknummer"
    assert "regel 2" in rejection.reason


def test_line_numbers_are_physical_lines() -> None:
    """Blank lines and a quoted cell spanning lines still give the line the row starts on."""
    data = ncg(
        'A-1;"Boerderij\nDe Wierde";1;;;9712AB;G;1.2;;;',
        "",
        "A-2;S;1;;;9712XX;G;9;;;",
    )
    parsed = read_ncg_export(data, "ncg.csv")
    assert [r.adres_id for r in parsed.rows] == ["A-1"]
    (rejection,) = parsed.rejections
    assert rejection.line == 5


def test_a_row_with_more_cells_than_the_header_is_rejected() -> None:
    parsed = read_img_export(img("Z-1,9712AB,1,,,S,G,Opname,,,,,onverwacht"), "img.csv")
    assert parsed.rows == ()
    assert parsed.rejections[0].line == 2
    assert "scheidingsteken" in parsed.rejections[0].reason


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "leeg"),
        (b"  \r\n\r\n", "leeg"),
        (b"PK\x03\x04\x14\x00\x06\x00", "Excel-werkmap"),
        (b"\x00\x01\x02binary\x00", "binair"),
        (b"%PDF-1.7\n", "binair"),
        (b"Naam;Telefoon\nJan;06\n", "verplichte kolom(men) Adres-ID, Postcode, Huisnummer"),
    ],
)
def test_a_file_that_is_no_export_is_refused_as_a_whole(data: bytes, message: str) -> None:
    with pytest.raises(ExportRefused) as info:
        read_ncg_export(data, "verkeerd.csv")
    assert "verkeerd.csv" in str(info.value)
    assert message in str(info.value)
    assert "niets geïmporteerd" in str(info.value)


def test_an_img_file_offered_as_ncg_is_refused() -> None:
    with pytest.raises(ExportRefused, match="Adres-ID"):
        read_ncg_export(img("Z-1,9712AB,1,,,S,G,Opname,,,,"), "img.csv")


def test_preview_shows_mapping_and_first_rows() -> None:
    data = ncg(*(f"A-{i};S;{i};;;9712AB;G;1.2;;;" for i in range(1, 30)))
    p = preview(data, "ncg.csv", ExportKind.NCG, limit=5)
    assert p.data_rows == 29
    assert len(p.first_rows) == 5
    assert ("Adres-ID", "Adres-ID") in p.mapping
    assert ("Gemeente", None) in p.mapping
    assert p.first_rows[0][p.headers.index("Huisnummer")] == "1"


def test_detect_kind() -> None:
    assert detect_kind(ncg("A-1;S;1;;;9712AB;G;1.2;;;"), "x") is ExportKind.NCG
    assert detect_kind(img("Z-1,9712AB,1,,,S,G,Opname,,,,"), "x") is ExportKind.IMG
    assert detect_kind(b"a;b\n1;2\n", "x") is None
