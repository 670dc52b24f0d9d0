"""The dossier list in SQL finds, filters, sorts and counts exactly as the search rules say,
on SQLite and PostgreSQL, and every write path keeps it true."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.search import DossierFilter, address_sort_key, filter_dossiers
from buddy_desk.core.summaries import DossierSummary
from buddy_desk.dossiers.intake import NewDossier, create_dossier
from buddy_desk.dossiers.service import (
    ListSort,
    SortKey,
    find_summaries,
    load_summaries,
)
from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.service import import_export
from buddy_desk.models import Address, Dossier, DossierFlag
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier, make_supervisor

TODAY = date(2026, 11, 26)


def _population(uow: UnitOfWork) -> None:
    sup = make_supervisor(uow, Organisation.IMG, "Piet Zaak")
    rows: list[dict[str, Any]] = [
        dict(straat="Kerkstraat", huisnummer=1, postcode="9712AB", resident=("A.", "de Vries"),
             img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1, zaaknummer="IMG-2026-000123"),
        dict(straat="Kerkstraat", huisnummer=1, huisletter="A", postcode="9712AB",
             resident=("B.", "Bakker"), flags=(FlagKind.AOS,), img_supervisor_id=sup),
        dict(straat="Kerkstraat", huisnummer=12, postcode="9712AC", resident=("C.", "van Dijk"),
             ncg_status=NcgStatus.S4_1),
        dict(straat="Kerkpad", huisnummer=120, postcode="9999ZZ", woonplaats="Eenrum",
             resident=("D.", "Ëlzinga"), img_phase=ImgPhase.AFGEROND,
             flags=(FlagKind.URGENT, FlagKind.AOS)),
        dict(straat="Dorpsweg", huisnummer=5, postcode="9919AB", resident=("E.", "Visser"),
             img_phase=ImgPhase.BESCHIKKING, ncg_status=NcgStatus.S2_1, ncg_supervisor_id=sup),
        dict(straat="Van Heemskerckstraat", huisnummer=7, postcode="9711AA",
             resident=("F.", "Smit")),
    ]  # fmt: skip
    for row in rows:
        make_dossier(uow, **row)


QUERIES = [
    "", "k", "ke", "kerk", "kerkstraat 1", "kerkstraat 12", "kerkstraat 1a", "1a", "12",
    "9712", "9712 ab", "9712AB", "9712 a", "de vries", "vries de", "img-2026", "IMG-2026-000123",
    "eenrum", "elzinga", "ëlz", "heems", "van", "nergens", "v", "9", "12 kerk",
]  # fmt: skip


def _expected(rows: list[DossierSummary], f: DossierFilter) -> list[int]:
    return [r.id for r in sorted(filter_dossiers(rows, f), key=address_sort_key)]


@pytest.fixture(params=["gathered", "walked"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a token is searched: its matches gathered (``in``; in address order read
    from the word index by their address keys), or the list walked in its order asking each
    dossier (``exists``, for tokens that start many words)."""
    from buddy_desk.dossiers import list_query

    monkeypatch.setattr(list_query, "_BROAD", {})
    monkeypatch.setattr(list_query, "_DOSSIERS", {})
    if request.param == "walked":  # every token that starts a word at all counts as broad
        monkeypatch.setattr(list_query, "broad_words", lambda *_args: 1)
        monkeypatch.setattr(list_query, "KEYED_WORDS", 1)
    return str(request.param)


def test_sql_search_finds_what_the_search_rules_find(uow: UnitOfWork, plan: str) -> None:
    _population(uow)
    everything = load_summaries(uow)
    sup = everything[1].img_supervisor_id
    filters = [DossierFilter(q) for q in QUERIES] + [
        DossierFilter(groups=frozenset({CollaborationGroup.B})),
        DossierFilter("kerk", flags=frozenset({FlagKind.AOS})),
        DossierFilter(flags=frozenset({FlagKind.URGENT, FlagKind.AOS})),
        DossierFilter(img_phases=frozenset({ImgPhase.OPNAME, ImgPhase.AFGEROND})),
        DossierFilter(ncg_statuses=frozenset({NcgStatus.S2_1})),
        DossierFilter("k", supervisor_id=sup),
    ]
    for f in filters:
        page = find_summaries(uow, f, with_counts=True)
        assert [r.id for r in page.rows] == _expected(everything, f), (plan, f)
        assert page.matching == len(page.rows) and page.total == len(everything)
        # counted in the database when the first page does not hold them all
        first = find_summaries(uow, f, limit=1, with_counts=True)
        assert first.matching == len(page.rows), (plan, f)


def test_page_rows_equal_the_full_rows(uow: UnitOfWork) -> None:
    _population(uow)
    full = {r.id: r for r in load_summaries(uow)}
    for row in find_summaries(uow, DossierFilter()).rows:
        assert row == full[row.id]  # compare=False leaves search_key out


def test_counts_and_pages_beyond_the_first(uow: UnitOfWork) -> None:
    _population(uow)
    first = find_summaries(uow, DossierFilter("k"), limit=2, with_counts=True)
    rest = find_summaries(uow, DossierFilter("k"), offset=2, limit=10)
    assert first.matching == 4 and len(first.rows) == 2 and len(rest.rows) == 2
    everything = load_summaries(uow)
    assert [r.id for r in (*first.rows, *rest.rows)] == _expected(everything, DossierFilter("k"))


def test_sorting_by_each_column_both_ways(uow: UnitOfWork) -> None:
    _population(uow)
    rows = load_summaries(uow)
    by_resident = sorted(rows, key=lambda r: (r.resident.lower(), *address_sort_key(r)))
    page = find_summaries(uow, DossierFilter(), ListSort(SortKey.RESIDENT))
    # 'Ëlzinga' folds to 'elzinga' in the database, so compare without it
    assert [r.id for r in page.rows if "Ë" not in r.resident] == [
        r.id for r in by_resident if "Ë" not in r.resident
    ]
    flags_desc = find_summaries(uow, DossierFilter(), ListSort(SortKey.FLAGS, descending=True))
    assert [len(r.flags) for r in flags_desc.rows] == sorted(len(r.flags) for r in rows)
    flags_asc = find_summaries(uow, DossierFilter(), ListSort(SortKey.FLAGS))
    assert [len(r.flags) for r in flags_asc.rows] == sorted(
        (len(r.flags) for r in rows), reverse=True
    )
    groups = find_summaries(uow, DossierFilter(), ListSort(SortKey.GROUP)).rows
    assert [r.group for r in groups][-1] is None  # no group last
    address_desc = find_summaries(uow, DossierFilter(), ListSort(SortKey.ADDRESS, True)).rows
    assert [r.id for r in address_desc] == [
        r.id for r in sorted(rows, key=address_sort_key, reverse=True)
    ]


def _column_order(row: DossierSummary) -> tuple[Any, ...]:
    """The list's address order as its columns define it: none before any letter or
    addition, text by code point."""
    return (
        row.straat,
        row.huisnummer,
        row.huisletter is not None,
        row.huisletter or "",
        row.toevoeging is not None,
        row.toevoeging or "",
        row.id,
    )


def test_address_order_is_one_order_whichever_way_a_page_is_found(
    uow: UnitOfWork, plan: str
) -> None:
    """A token's pages in address order (read from the word index's address keys, or by
    walking the list) follow the columns' order, in pages of any size, both ways, and after
    a street is renamed."""
    for i, (straat, nr, letter, addition) in enumerate([
        ("Tuinstraat", 9, None, None), ("Tuinstraat", 10, None, None),
        ("Tuinstraat", 100, None, None), ("Tuinstraat", 10, "A", None),
        ("Tuinstraat", 10, "a", None), ("Tuinstraat", 10, None, "1"),
        ("Tuinstraat", 10, None, "10"), ("Tuinstraat", 10, None, "2"),
        ("Tuinstraat", 10, "A", "1"), ("Tuin", 3, None, None), ("Tuin Oost", 1, None, None),
        ("TuinZ", 1, None, None), ("tuinpad", 1, None, None), ("Tuïnhof", 1, None, None),
    ]):  # fmt: skip
        make_dossier(
            uow, straat=straat, huisnummer=nr, huisletter=letter, toevoeging=addition,
            postcode=f"97{i:02d}AB",  # one address each, whatever the number
        )  # fmt: skip
    rows = load_summaries(uow)
    for descending in (False, True):
        expected = [r.id for r in sorted(rows, key=_column_order, reverse=descending)]
        sort = ListSort(SortKey.ADDRESS, descending)
        for size in (1, 2, 3, 50):
            found = [
                r.id
                for offset in range(0, len(rows), size)
                for r in find_summaries(uow, DossierFilter("tu"), sort, offset, size).rows
            ]
            assert found == expected, (plan, descending, size)
    # renamed: every word of the dossier takes the new address key
    renamed = next(r.id for r in rows if r.straat == "TuinZ")
    with uow:
        address = uow.session.scalars(
            select(Address).join(Dossier).where(Dossier.id == renamed)
        ).one()
        address.straat = "Tuin A"
        uow.session.commit()
    found = [r.id for r in find_summaries(uow, DossierFilter("tu")).rows]
    assert found == [r.id for r in sorted(load_summaries(uow), key=_column_order)]
    assert found.index(renamed) == 1  # after "Tuin", before "Tuin Oost"


def test_new_dossier_from_intake_is_found_at_once(uow: UnitOfWork) -> None:
    draft = NewDossier(
        postcode="9712 ab", huisnummer="40", straat="Zuiderdiep", woonplaats="Groningen",
        voorletters="K.", achternaam="Kuipers", user="tester",
    )  # fmt: skip
    created = create_dossier(uow, draft)
    for text in ("zuider", "kuipers", "9712ab 40"):
        assert [r.id for r in find_summaries(uow, DossierFilter(text)).rows] == [created]


def test_orm_flag_change_reaches_the_flag_filter(uow: UnitOfWork) -> None:
    d = make_dossier(uow, straat="Kerkstraat")
    aos = DossierFilter(flags=frozenset({FlagKind.AOS}))
    assert find_summaries(uow, aos).rows == ()
    with uow:
        uow.session.add(DossierFlag(dossier_id=d, kind=FlagKind.AOS))
        uow.commit()
    assert [r.id for r in find_summaries(uow, aos).rows] == [d]
    with uow:
        flag = uow.session.scalars(select(DossierFlag)).one()
        flag.active = False
        uow.commit()
    assert find_summaries(uow, aos).rows == ()


def test_imports_keep_the_list_true(uow: UnitOfWork) -> None:
    ncg = (
        "Adres-ID;Straat;Huisnummer;Postcode;Woonplaats;NCG status\r\n"
        "N-1;Molenweg;3;9919AB;Loppersum;2.1\r\n"
    )
    img = (
        "Zaaknummer;Postcode;Huisnummer;Straat;Woonplaats;Fase\r\n"
        "Z-77;9919AB;3;Molenweg;LOPPERSUM;{fase}\r\n"
    )
    import_export(uow, ExportKind.NCG, ncg.encode(), "ncg.csv", today=TODAY)
    import_export(uow, ExportKind.IMG, img.format(fase="Opname").encode(), "img.csv", today=TODAY)
    (row,) = find_summaries(uow, DossierFilter("z-77")).rows
    assert (row.img_phase, row.ncg_status, row.group) == (
        ImgPhase.OPNAME, NcgStatus.S2_1, CollaborationGroup.B,
    )  # fmt: skip
    import_export(uow, ExportKind.IMG, img.format(fase="Afgerond").encode(), "img.csv", today=TODAY)
    (row,) = find_summaries(uow, DossierFilter("molenweg")).rows
    assert row.img_phase is ImgPhase.AFGEROND
    assert find_summaries(uow, DossierFilter(img_phases=frozenset({ImgPhase.OPNAME}))).rows == ()


def test_upgrading_a_database_fills_the_list(db_url: str) -> None:
    from alembic import command

    from buddy_desk.persistence.schema import _alembic_config, open_database

    upgraded = open_database(db_url, create=True)
    uow = UnitOfWork(upgraded)
    make_dossier(uow, straat="Kerkstraat", resident=("A.", "Bakker"))
    with upgraded.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
        command.upgrade(cfg, "head")
    assert [r.resident for r in find_summaries(uow, DossierFilter("bakker")).rows] == ["A. Bakker"]


def test_cli_search_lists_what_the_app_list_shows(
    uow: UnitOfWork, db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from buddy_desk.choices.service.consent import NO_PROFILE, gated_page
    from buddy_desk.cli import main

    _population(uow)
    for text in ("kerk", "9712 ab", "img-2026"):
        capsys.readouterr()
        assert main(["dossiers", "--db", db_url, "--search", text, "--json"]) == 0
        listed = [row["id"] for row in json.loads(capsys.readouterr().out)]
        # the app list as the same viewer (no --user: no profile) sees it, consent gate and all
        app = gated_page(uow, NO_PROFILE, DossierFilter(text), ListSort(), 0, 200)
        assert listed == [r.id for r in app.rows]
        if text == "img-2026":  # a case number the viewer may not see finds nothing
            assert listed == [] != [r.id for r in find_summaries(uow, DossierFilter(text)).rows]
        else:
            assert listed == [r.id for r in find_summaries(uow, DossierFilter(text)).rows]
    assert main(["dossiers", "--db", db_url, "--search", "k", "--limit", "2", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 2
