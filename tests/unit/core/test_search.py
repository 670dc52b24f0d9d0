from __future__ import annotations

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.search import (
    DossierFilter,
    filter_dossiers,
    prefix_range,
    search_key,
    search_words,
)
from buddy_desk.core.summaries import DossierSummary


def row(
    i: int, straat: str, nr: int, pc: str, name: str, zaak: str, **kw: object
) -> DossierSummary:
    values: dict[str, object] = dict(
        id=i,
        straat=straat,
        huisnummer=nr,
        huisletter=None,
        toevoeging=None,
        postcode=pc,
        woonplaats="Loppersum",
        gemeente="Eemsdelta",
        resident=name,
        zaaknummers=(zaak,),
        img_phase=ImgPhase.OPNAME,
        ncg_status=NcgStatus.S2_1,
        group=CollaborationGroup.B,
        flags=frozenset(),
        img_supervisor_id=1,
        ncg_supervisor_id=2,
        search_key=search_key(straat, str(nr), pc, "Loppersum", [name], [zaak]),
    )
    values.update(kw)
    return DossierSummary(**values)  # type: ignore[arg-type]


ROWS = [
    row(1, "Molenweg", 12, "9919AB", "A. de Vries", "IMG-0001234"),
    row(
        2,
        "Molenweg",
        120,
        "9919AC",
        "B. Bakker",
        "IMG-0005678",
        group=CollaborationGroup.E,
        flags=frozenset({FlagKind.AOS}),
        img_supervisor_id=7,
    ),
    row(3, "Kerkstraat", 3, "9919BD", "C. Mulder", "IMG-0009999", group=None),
]


def ids(f: DossierFilter) -> list[int]:
    return [r.id for r in filter_dossiers(ROWS, f)]


def test_street_and_number_match_word_prefixes() -> None:
    assert ids(DossierFilter("molenweg 12")) == [1, 2]
    assert ids(DossierFilter("molenweg 120")) == [2]
    assert ids(DossierFilter("kerk")) == [3]


def test_postcode_with_or_without_space() -> None:
    assert ids(DossierFilter("9919 ab")) == [1]
    assert ids(DossierFilter("9919AB")) == [1]


def test_resident_name_and_zaaknummer() -> None:
    assert ids(DossierFilter("bakker")) == [2]
    assert ids(DossierFilter("IMG-0009999")) == [3]


def test_filters_combine() -> None:
    assert ids(DossierFilter(groups=frozenset({CollaborationGroup.B}))) == [1]
    assert ids(DossierFilter(flags=frozenset({FlagKind.AOS}))) == [2]
    assert ids(DossierFilter(supervisor_id=7)) == [2]
    assert ids(DossierFilter(supervisor_id=1)) == [1, 3]
    assert ids(DossierFilter("molenweg", groups=frozenset({CollaborationGroup.E}))) == [2]


def test_accents_and_case_do_not_matter() -> None:
    rows = [row(9, "Coëlhorsterweg", 4, "9999XZ", "D. Ëlzinga", "IMG-1")]
    for text in ("coel", "COËL", "elzinga", "ëlz"):
        assert [r.id for r in filter_dossiers(rows, DossierFilter(text))] == [9], text


def test_search_words_are_what_a_token_must_start() -> None:
    words = search_words("Van Heemskerckstraat", "12a-2", "9712AB", "Groningen", ["J. Ëlzinga"], [])
    assert {"van", "heemskerckstraat", "12a-2", "9712ab", "groningen", "j.", "elzinga"} == words
    assert prefix_range("kerk") == ("kerk", "kerl")
