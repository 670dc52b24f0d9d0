"""What an export gets wrong is reported by line and the good rows are kept, the same on
SQLite and PostgreSQL; an address spelled another way is one address with one spelling."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from buddy_desk.core.search import DossierFilter
from buddy_desk.dossiers.service import find_summaries, load_summaries
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.service import import_export
from buddy_desk.models import Address
from buddy_desk.models.importing import AddressVariant
from buddy_desk.persistence.unit_of_work import UnitOfWork

TODAY = date(2026, 11, 26)
NCG_HEADER = "Adres-ID;Straat;Huisnummer;Postcode;Woonplaats;NCG status;Statusdatum"
IMG_HEADER = "Zaaknummer;Straat;Huisnummer;Postcode;Woonplaats;Fase;Melddatum;Schadebedrag"


def _ncg(rows: list[str]) -> bytes:
    return "\r\n".join([NCG_HEADER, *rows, ""]).encode("utf-8")


def _img(rows: list[str]) -> bytes:
    return "\r\n".join([IMG_HEADER, *rows, ""]).encode("utf-8")


NCG_ROWS = [f"N-{n};Molenweg;{n};9919AB;Loppersum;2.1;1-2-2026" for n in range(1, 6)]
IMG_CAPITALS = [
    f"Z-{n};MOLENWEG;{n};9919 AB;LOPPERSUM;Opname;5-3-2026;1.000,00" for n in range(1, 6)
]


def test_town_in_capitals_keeps_one_spelling_and_reimport_changes_nothing(
    uow: UnitOfWork,
) -> None:
    import_export(uow, ExportKind.NCG, _ncg(NCG_ROWS), "ncg.csv", today=TODAY)
    first = import_export(uow, ExportKind.IMG, _img(IMG_CAPITALS), "img.csv", today=TODAY)
    assert (first.imported, first.updated, first.new_dossiers) == (5, 0, 0)
    for _ in range(2):
        ncg = import_export(uow, ExportKind.NCG, _ncg(NCG_ROWS), "ncg.csv", today=TODAY)
        img = import_export(uow, ExportKind.IMG, _img(IMG_CAPITALS), "img.csv", today=TODAY)
        for result in (ncg, img):
            assert (result.updated, result.phase_changes, result.unchanged) == (0, 0, 5)
    with uow:
        spellings = set(uow.session.execute(select(Address.straat, Address.woonplaats)))
        variants = set(uow.session.execute(select(AddressVariant.field, AddressVariant.spelling)))
    assert spellings == {("Molenweg", "Loppersum")}
    assert variants == {("straat", "MOLENWEG"), ("woonplaats", "LOPPERSUM")}


def test_img_first_then_ncg_gives_ncg_spelling_once(uow: UnitOfWork) -> None:
    import_export(uow, ExportKind.IMG, _img(IMG_CAPITALS), "img.csv", today=TODAY)
    ncg = import_export(uow, ExportKind.NCG, _ncg(NCG_ROWS), "ncg.csv", today=TODAY)
    assert ncg.new_dossiers == 0
    again = [
        import_export(uow, ExportKind.IMG, _img(IMG_CAPITALS), "img.csv", today=TODAY),
        import_export(uow, ExportKind.NCG, _ncg(NCG_ROWS), "ncg.csv", today=TODAY),
    ]
    assert [(r.updated, r.phase_changes) for r in again] == [(0, 0), (0, 0)]
    rows = find_summaries(uow, DossierFilter("loppersum")).rows
    assert {(r.straat, r.woonplaats) for r in rows} == {("Molenweg", "Loppersum")}


def test_a_renamed_street_from_ncg_still_renames(uow: UnitOfWork) -> None:
    import_export(uow, ExportKind.NCG, _ncg(NCG_ROWS), "ncg.csv", today=TODAY)
    renamed = [row.replace("Molenweg", "Nieuwe Molenweg") for row in NCG_ROWS]
    result = import_export(uow, ExportKind.NCG, _ncg(renamed), "ncg.csv", today=TODAY)
    assert result.updated == 5
    assert {r.straat for r in load_summaries(uow)} == {"Nieuwe Molenweg"}
    assert len(find_summaries(uow, DossierFilter("nieuwe molenweg")).rows) == 5


def test_stray_quote_is_reported_by_line_and_the_rest_is_kept(uow: UnitOfWork) -> None:
    rows = [f"Z-{n};Kerkstraat;{n};9712AB;Groningen;Opname;5-3-2026;" for n in range(1, 41)]
    rows[4] = 'Z-5;"Kerkstraat;5;9712AB;Groningen;Opname;5-3-2026;'  # line 6
    result = import_export(uow, ExportKind.IMG, _img(rows), "img.csv", today=TODAY)
    assert result.imported == 39
    (rejection,) = result.rejected
    assert (rejection.line, rejection.field) == (6, "Straat")
    assert "aanhalingsteken" in rejection.reason
    assert len(load_summaries(uow)) == 39


def test_a_quoted_note_over_two_lines_is_still_one_cell(uow: UnitOfWork) -> None:
    header = NCG_HEADER + ";Bijzondere situatie"
    data = "\r\n".join(
        [
            header,
            'N-1;Molenweg;1;9919AB;Loppersum;2.1;1-2-2026;"Monument;\r\nzie brief"',
            "N-2;Molenweg;2;9919AB;Loppersum;2.1;1-2-2026;",
            "",
        ]
    ).encode()
    result = import_export(uow, ExportKind.NCG, data, "ncg.csv", today=TODAY)
    assert (result.imported, result.rejected) == (2, ())


def test_nul_amount_and_dates_out_of_range_are_rejected_alike(uow: UnitOfWork) -> None:
    rows = [f"Z-{n};Kerkstraat;{n};9712AB;Groningen;Opname;5-3-2026;100" for n in range(1, 8)]
    rows[1] = "Z-2;Kerk\x00straat;2;9712AB;Groningen;Opname;5-3-2026;100"
    rows[2] = "Z-3;Kerkstraat;3;9712AB;Groningen;Opname;5-3-2026;12.345.678.901,00"
    rows[3] = "Z-4;Kerkstraat;4;9712AB;Groningen;Opname;0001-01-01;100"
    rows[4] = "Z-5;Kerkstraat;5;9712AB;Groningen;Opname;31-12-9999;100"
    result = import_export(uow, ExportKind.IMG, _img(rows), "img.csv", today=TODAY)
    assert result.imported == 3
    assert [(r.line, r.field) for r in result.rejected] == [
        (3, "Straat"),
        (4, "Schadebedrag"),
        (5, "Melddatum"),
        (6, "Melddatum"),
    ]
    ncg = [f"N-{n};Molenweg;{n};9919AB;Loppersum;2.1;1-2-2026" for n in range(1, 4)]
    ncg[0] = "N-1;Molenweg;1;9919AB;Loppersum;2.1;9999-12-31"
    result = import_export(uow, ExportKind.NCG, _ncg(ncg), "ncg.csv", today=TODAY)
    assert (result.imported, [(r.line, r.field) for r in result.rejected]) == (
        2,
        [(2, "Statusdatum")],
    )
