"""Importing both exports into the database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.dossiers.service import get_dossier, load_summaries
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.service import import_export
from buddy_desk.importing.table import ExportRefused
from buddy_desk.models import Address, Case, CaseStatus, Dossier, Supervisor, TimelineEvent
from buddy_desk.models.signals import Signal
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import Cancelled, Progress

TODAY = date(2026, 11, 26)
NCG_HEADER = (
    "Adres-ID;Straat;Huisnummer;Huisletter;Toevoeging;Postcode;Woonplaats;NCG status;"
    "Statusdatum;Bewonersbegeleider;Bijzondere situatie"
)
IMG_HEADER = (
    "zaaknummer,POSTCODE,huisnummer,huisletter,toevoeging,straat,woonplaats,fase,melddatum,"
    "zaakbegeleider,urgent,schadebedrag"
)

# the same five addresses, written the NCG way …
NCG_ROWS = [
    "N-1;Hoofdstraat;12;a;;9712 ab;Groningen;2.1;1-2-2026;Anna Bakker;",
    "N-2;Hoofdstraat;12;;1;9712AB;Groningen;4.1;1-2-2026;Anna Bakker;Monument",
    "N-3;Hoofdstraat;14;A;2;9712AB;Groningen;3.1;1-2-2026;Gert Mulder;",
    "N-4;Hoofdstraat;16;;BIS;9712AB;Groningen;1.2;1-2-2026;Gert Mulder;",
    "N-5;Kerkstraat;1;;;9999 XZ;Loppersum;1.2;1-2-2026;;",
]
# … and the IMG way (glued letters and toevoegingen, lower-case postcodes)
IMG_ROWS = [
    "Z-1,9712ab,12-A,,,Hoofdstraat,Groningen,Opname,2026-03-05,Bram Smit,nee,",
    'Z-2,9712 AB,12-1,,,Hoofdstraat,Groningen,Beschikking,5-3-2026,Bram Smit,ja,"1.234,56"',
    "Z-3,9712AB,14A-2,,,Hoofdstraat,Groningen,Afgerond,5-3-2020,Carla Smit,nee,500",
    "Z-4,9712AB,16 bis,,,Hoofdstraat,Groningen,Afgerond,5-3-2021,,nee,",
    "Z-5,9712AB,16,,BIS,Hoofdstraat,Groningen,Voorbereiding,5-3-2026,Bram Smit,nee,",
    "Z-6,9700AA,1,,,Elders,Groningen,Opname,5-3-2026,Bram Smit,nee,",
]


def ncg_file(rows: list[str]) -> bytes:
    return "\r\n".join([NCG_HEADER, *rows]).encode("cp1252")


def img_file(rows: list[str]) -> bytes:
    return b"\xef\xbb\xbf" + "\n".join([IMG_HEADER, *rows]).encode("utf-8")


def import_both(uow: UnitOfWork) -> None:
    import_export(uow, ExportKind.NCG, ncg_file(NCG_ROWS), "ncg.csv", today=TODAY)
    import_export(uow, ExportKind.IMG, img_file(IMG_ROWS), "img.csv", today=TODAY)


def count(uow: UnitOfWork, model: type) -> int:
    with uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


def test_first_import_counts_and_matches_address_variants(uow: UnitOfWork) -> None:
    ncg = import_export(uow, ExportKind.NCG, ncg_file(NCG_ROWS), "ncg.csv", today=TODAY)
    assert (ncg.imported, ncg.updated, ncg.unchanged, ncg.rejected) == (5, 0, 0, ())
    assert ncg.new_dossiers == 5
    img = import_export(uow, ExportKind.IMG, img_file(IMG_ROWS), "img.csv", today=TODAY)
    assert (img.imported, img.updated, img.unchanged, img.rejected) == (6, 0, 0, ())
    # only Z-6 is at an address outside the NCG file
    assert img.new_dossiers == 1
    assert count(uow, Dossier) == 6
    rows = {r.address_line: r for r in load_summaries(uow)}
    assert rows["Hoofdstraat 12A"].group is CollaborationGroup.B
    assert rows["Hoofdstraat 12-1"].group is CollaborationGroup.E
    assert rows["Hoofdstraat 14A-2"].group is None  # damage settled
    # two IMG cases at 16-BIS: a settled one and a running one; the running one leads
    assert rows["Hoofdstraat 16-BIS"].img_phase is ImgPhase.VOORBEREIDING
    assert set(rows["Hoofdstraat 16-BIS"].zaaknummers) == {"Z-4", "Z-5", "N-4"}
    assert rows["Hoofdstraat 16-BIS"].group is CollaborationGroup.A
    assert rows["Kerkstraat 1"].img_phase is None
    assert rows["Elders 1"].ncg_status is None


def test_supervisors_become_the_buddy_pair(uow: UnitOfWork) -> None:
    import_both(uow)
    rows = {r.address_line: r for r in load_summaries(uow)}
    detail = get_dossier(uow, rows["Hoofdstraat 12A"].id)
    assert detail.ncg_supervisor is not None and detail.ncg_supervisor.naam == "Anna Bakker"
    assert detail.img_supervisor is not None and detail.img_supervisor.naam == "Bram Smit"
    assert detail.ncg_supervisor.organisation is Organisation.NCG
    with uow:
        names = sorted(uow.session.scalars(select(Supervisor.naam)))
    assert names == ["Anna Bakker", "Bram Smit", "Carla Smit", "Gert Mulder"]


def test_reimport_of_the_same_files_changes_nothing(uow: UnitOfWork) -> None:
    import_both(uow)
    before = [count(uow, m) for m in (Address, Dossier, Case, CaseStatus, TimelineEvent, Signal)]
    ncg = import_export(uow, ExportKind.NCG, ncg_file(NCG_ROWS), "ncg.csv", today=TODAY)
    img = import_export(uow, ExportKind.IMG, img_file(IMG_ROWS), "img.csv", today=TODAY)
    assert (ncg.imported, ncg.updated, ncg.unchanged) == (0, 0, 5)
    assert (img.imported, img.updated, img.unchanged) == (0, 0, 6)
    after = [count(uow, m) for m in (Address, Dossier, Case, CaseStatus, TimelineEvent, Signal)]
    assert after == before


def test_reimport_of_a_newer_export_records_phase_changes(uow: UnitOfWork) -> None:
    import_both(uow)
    newer_img = [
        r.replace(
            "Z-1,9712ab,12-A,,,Hoofdstraat,Groningen,Opname",
            "Z-1,9712ab,12-A,,,Hoofdstraat,Groningen,Zienswijze",
        )
        for r in IMG_ROWS
    ]
    newer_img.append("Z-7,9999XZ,1,,,Kerkstraat,Loppersum,Voorbereiding,1-11-2026,,nee,")
    newer_ncg = [
        r.replace(
            "N-3;Hoofdstraat;14;A;2;9712AB;Groningen;3.1;1-2-2026",
            "N-3;Hoofdstraat;14;A;2;9712AB;Groningen;4.2;1-10-2026",
        )
        for r in NCG_ROWS
    ]
    later = date(2026, 12, 3)
    ncg = import_export(uow, ExportKind.NCG, ncg_file(newer_ncg), "ncg2.csv", today=later)
    img = import_export(uow, ExportKind.IMG, img_file(newer_img), "img2.csv", today=later)
    assert (ncg.imported, ncg.updated, ncg.unchanged, ncg.phase_changes) == (0, 1, 4, 1)
    assert (img.imported, img.updated, img.unchanged, img.phase_changes) == (1, 1, 5, 1)
    assert img.new_dossiers == 0  # Z-7 joins the NCG dossier at Kerkstraat 1
    rows = {r.address_line: r for r in load_summaries(uow)}
    detail = get_dossier(uow, rows["Hoofdstraat 12A"].id)
    z1 = next(c for c in detail.img_cases if c.identificatie == "Z-1")
    assert [h.code for h in z1.history] == ["Opname", "Zienswijze"]
    assert z1.history[-1].datum == later
    assert any("Opname → Zienswijze" in e.title for e in detail.events)
    n3 = get_dossier(uow, rows["Hoofdstraat 14A-2"].id).ncg_case
    assert n3 is not None and [h.code for h in n3.history] == ["3.1", "4.2"]
    assert n3.status_date == date(2026, 10, 1)
    assert rows["Kerkstraat 1"].img_phase is ImgPhase.VOORBEREIDING
    assert count(uow, Case) == 12


def test_bad_rows_are_reported_and_good_rows_still_import(uow: UnitOfWork) -> None:
    rows = [
        *NCG_ROWS[:2],
        "N-9;Straat;1;;;12345;Groningen;1.2;;;",
        NCG_ROWS[2],
        "N-10;Straat;2;;;9712AB;Groningen;1.2;32-1-2026;;",
    ]
    result = import_export(uow, ExportKind.NCG, ncg_file(rows), "ncg.csv", today=TODAY)
    assert result.imported == 3
    assert [(r.line, r.field) for r in result.rejected] == [(4, "Postcode"), (6, "Statusdatum")]
    assert result.to_json()["rejected"][0] == {
        "line": 4,
        "field": "Postcode",
        "reason": "'12345' is geen geldige postcode (1234 AB)",
    }


def test_an_address_claimed_by_two_adres_ids_is_rejected(uow: UnitOfWork) -> None:
    import_export(uow, ExportKind.NCG, ncg_file(NCG_ROWS), "ncg.csv", today=TODAY)
    clash = ["N-99;Hoofdstraat;12;A;;9712AB;Groningen;2.1;1-2-2026;;"]
    result = import_export(uow, ExportKind.NCG, ncg_file(clash), "ncg.csv", today=TODAY)
    assert result.imported == 0
    (rejection,) = result.rejected
    assert rejection.field == "Adres-ID" and "N-1" in rejection.reason


def test_a_refused_file_changes_nothing(uow: UnitOfWork) -> None:
    import_both(uow)
    before = [count(uow, m) for m in (Address, Dossier, Case, CaseStatus, TimelineEvent)]
    with pytest.raises(ExportRefused, match=r"img\.csv: dit is een IMG-zakenexport"):
        import_export(uow, ExportKind.NCG, img_file(IMG_ROWS), "img.csv", today=TODAY)
    with pytest.raises(ExportRefused, match="binair"):
        import_export(uow, ExportKind.IMG, b"\x00\x01\x02", "x.csv", today=TODAY)
    assert [count(uow, m) for m in (Address, Dossier, Case, CaseStatus, TimelineEvent)] == before


def test_cancel_rolls_back_the_whole_file(uow: UnitOfWork) -> None:
    import_export(uow, ExportKind.NCG, ncg_file(NCG_ROWS), "ncg.csv", today=TODAY)
    before = [count(uow, m) for m in (Address, Dossier, Case, CaseStatus, Supervisor)]
    seen: list[str] = []

    def emit(done: int, total: int, text: str) -> None:
        seen.append(text)
        if text.startswith("Opslaan"):
            progress.cancel()  # the user clicks Cancel while the rows are being written

    progress = Progress(emit)
    with pytest.raises(Cancelled):
        import_export(
            uow, ExportKind.IMG, img_file(IMG_ROWS), "img.csv", progress=progress, today=TODAY
        )
    assert any(t.startswith("Opslaan") for t in seen)
    assert [count(uow, m) for m in (Address, Dossier, Case, CaseStatus, Supervisor)] == before


def test_signals_appear_on_the_right_dossiers_after_import(uow: UnitOfWork) -> None:
    import_both(uow)
    rows = {r.address_line: r.id for r in load_summaries(uow)}
    with uow:
        found = {
            (d_id, rule)
            for d_id, rule in uow.session.execute(select(Signal.dossier_id, Signal.rule))
        }
    assert (rows["Hoofdstraat 12A"], "joint_inspection") in found
    assert (rows["Hoofdstraat 12-1"], "include_damage_repair") in found
    assert (rows["Hoofdstraat 12A"], "damage_on_strengthening_address") in found
    assert not any(d == rows["Hoofdstraat 14A-2"] for d, _ in found)  # settled damage
    assert not any(d == rows["Elders 1"] for d, _ in found)  # IMG only


def test_optional_signal_columns_create_observations_and_signals(uow: UnitOfWork) -> None:
    header = "Adres-ID;Postcode;Huisnummer;NCG status;Verborgen schade;Schade gezien"
    data = "\r\n".join([header, 'N-1;9712AB;1;5.2;"3.100,00";nee', "N-2;9712AB;2;2.1;;ja"])
    import_export(uow, ExportKind.NCG, data.encode(), "ncg.csv", today=TODAY)
    with uow:
        rules = sorted(r or "" for r in uow.session.scalars(select(Signal.rule)))
    assert rules == ["hidden_damage_img", "point_to_img"]
    img_data = (
        "Zaaknummer;Postcode;Huisnummer;Fase;Constructieve schade;AOS\nZ-1;9712AB;1;Opname;ja;ja"
    )
    import_export(uow, ExportKind.IMG, img_data.encode(), "img.csv", today=TODAY)
    with uow:
        found = {(r, d) for r, d in uow.session.execute(select(Signal.rule, Signal.due))}
    assert ("aos_inform_ncg", TODAY) in found
    assert ("constructive_inform_ncg", TODAY) in found


def test_amounts_and_urgency_are_stored(uow: UnitOfWork) -> None:
    import_both(uow)
    with uow:
        bedrag, urgent = uow.session.execute(
            select(Case.schadebedrag, Case.urgent).where(Case.identificatie == "Z-2")
        ).one()
    assert bedrag == Decimal("1234.56") and urgent is True
    assert NcgStatus.S4_1.value in {r.ncg_status.value for r in load_summaries(uow) if r.ncg_status}


def test_a_column_missing_from_a_later_export_keeps_the_stored_values(uow: UnitOfWork) -> None:
    import_both(uow)
    slim = b"Zaaknummer,Postcode,Huisnummer,Fase\nZ-2,9712AB,12-1,Beschikking\n"
    result = import_export(uow, ExportKind.IMG, slim, "img-kort.csv", today=TODAY)
    assert (result.updated, result.unchanged) == (0, 1)
    with uow:
        bedrag, urgent = uow.session.execute(
            select(Case.schadebedrag, Case.urgent).where(Case.identificatie == "Z-2")
        ).one()
    assert bedrag == Decimal("1234.56") and urgent is True
