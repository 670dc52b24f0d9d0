"""The A–F groups, checked against the evaluation's own words.

The evaluation's figure 2 (NCG status × IMG status, a letter per cell) did not survive the
conversion of the source to text (``../shared/seeds/000_4fc5dff8954ca77b.txt``). What did
survive: the row and column labels and, below the figure, a description of each group. The
expected table is *derived* here from those quoted descriptions — which rows (NCG statuses)
and columns (IMG statuses) each description speaks of — and not copied from the code. Cells
outside the figure (IMG Uitvoering, IMG Afgerond, NCG 6) are listed separately as what they
are: our assumptions.
"""

from __future__ import annotations

import itertools

import pytest

from buddy_desk.core.collaboration import CollaborationGroup as G
from buddy_desk.core.collaboration import collaboration_group, img_can_prioritise
from buddy_desk.core.phases import ImgPhase, NcgStatus

# The figure's labels as they survived in the source text.
ROWS = {
    "1.2 Op te nemen in lokaal plan van aanpak": NcgStatus.S1_2,
    "2.1 Opname plannen": NcgStatus.S2_1,
    "3.1 Beoordeling opstellen": NcgStatus.S3_1,
    "4.1 Planvorming voorbereiden": NcgStatus.S4_1,
    "4.2 Uitvoeringsplan opstellen": NcgStatus.S4_2,
    "5.1 Bouw voorbereiden": NcgStatus.S5_1,
    "5.2 Bouw uitvoeren": NcgStatus.S5_2,
}
COLUMNS = {
    "Voorbereiding": ImgPhase.VOORBEREIDING,
    "Opname": ImgPhase.OPNAME,
    "Zienswijze": ImgPhase.ZIENSWIJZE,
    "Beschikking": ImgPhase.BESCHIKKING,
}
ALL_COLUMNS = frozenset(COLUMNS)
# IMG's own inspection still to come: the columns before the damage report (Zienswijze).
IMG_INSPECTION_TO_COME = frozenset({"Voorbereiding", "Opname"})

# group → (the evaluation's description, quoted; the rows it names; the columns it names)
DESCRIPTIONS: dict[G, tuple[str, frozenset[str], frozenset[str]]] = {
    G.A: (
        "Groep A betreft NCG adressen die nog moeten worden opgenomen in een lokaal plan van "
        "aanpak. [...] Dit terwijl IMG de schadeafhandeling al wel is gestart",
        frozenset({"1.2 Op te nemen in lokaal plan van aanpak"}),
        ALL_COLUMNS,
    ),
    G.B: (
        "Dit betreft adressen waarbij zowel door NCG als IMG een opname gepland dient te worden.",
        frozenset({"2.1 Opname plannen"}),
        IMG_INSPECTION_TO_COME,
    ),
    G.C: (
        "Voor deze adressen geldt dat NCG nog een opname moet plannen, terwijl IMG al verder "
        "gevorderd is in het proces.",
        frozenset({"2.1 Opname plannen"}),
        ALL_COLUMNS - IMG_INSPECTION_TO_COME,
    ),
    G.D: (
        "Voor adressen in een NCG beoordelingsfase moet nog vastgesteld worden of er sprake is "
        "van noodzaak tot versterking.",
        frozenset({"3.1 Beoordeling opstellen"}),
        ALL_COLUMNS,
    ),
    G.E: (
        # 4.1 and 4.2 are both the approach's phase "4. Planvorming" (seed 001)
        "Voor deze adressen heeft NCG bepaald dat versterking nodig is, maar worden de exacte "
        "maatregelen, o.a. in afstemming met de bewoner, nog bepaald.",
        frozenset({"4.1 Planvorming voorbereiden", "4.2 Uitvoeringsplan opstellen"}),
        ALL_COLUMNS,
    ),
    G.F: (
        "Groep F betreft NCG adressen die reeds in de uitvoering zijn. Dat wil zeggen dat er een "
        "overeenkomst met de aannemer is gesloten.",
        frozenset({"5.1 Bouw voorbereiden", "5.2 Bouw uitvoeren"}),
        ALL_COLUMNS,
    ),
}
# Group E: "waar nodig kan het dossier bij IMG (met status voorbereiding of opname) ten
# behoeve van samenwerking geprioriteerd worden"
PRIORITY_COLUMNS = frozenset({"Voorbereiding", "Opname"})


def _figure() -> dict[tuple[str, str], G]:
    """Each cell of the figure → the one group whose description covers it."""
    cells: dict[tuple[str, str], list[G]] = {}
    for group, (_, rows, columns) in DESCRIPTIONS.items():
        for cell in itertools.product(rows, columns):
            cells.setdefault(cell, []).append(group)
    assert all(len(groups) == 1 for groups in cells.values()), "descriptions overlap"
    return {cell: groups[0] for cell, groups in cells.items()}


FIGURE = _figure()


def test_the_descriptions_cover_every_cell_of_the_figure_once() -> None:
    assert set(FIGURE) == set(itertools.product(ROWS, COLUMNS))


@pytest.mark.parametrize(("row", "column"), sorted(FIGURE))
def test_every_cell_follows_its_group_description(row: str, column: str) -> None:
    assert collaboration_group(ROWS[row], COLUMNS[column]) is FIGURE[(row, column)]


@pytest.mark.parametrize(("row", "column"), sorted(FIGURE))
def test_img_priority_only_where_group_e_allows_it(row: str, column: str) -> None:
    expected = FIGURE[(row, column)] is G.E and column in PRIORITY_COLUMNS
    group = collaboration_group(ROWS[row], COLUMNS[column])
    assert img_can_prioritise(group, COLUMNS[column]) is expected


# --- outside the figure: our assumptions, stated as such ---------------------------------


@pytest.mark.parametrize("row", sorted(ROWS))
def test_assumption_img_uitvoering_counts_as_further_along_than_beschikking(row: str) -> None:
    # the figure has no Uitvoering column; a case there is further along than Beschikking
    expected = FIGURE[(row, "Beschikking")]
    assert collaboration_group(ROWS[row], ImgPhase.UITVOERING) is expected


@pytest.mark.parametrize("ncg", list(NcgStatus))
def test_no_group_once_img_is_done(ncg: NcgStatus) -> None:
    # the groups sort the "lopend dossier bij zowel NCG als IMG"
    assert collaboration_group(ncg, ImgPhase.AFGEROND) is None


@pytest.mark.parametrize("img", list(ImgPhase))
def test_no_group_once_strengthening_is_done(img: ImgPhase) -> None:
    assert collaboration_group(NcgStatus.S6, img) is None


@pytest.mark.parametrize("ncg", list(NcgStatus))
def test_no_group_without_an_img_case(ncg: NcgStatus) -> None:
    assert collaboration_group(ncg, None) is None


@pytest.mark.parametrize("img", list(ImgPhase))
def test_no_group_without_an_ncg_case(img: ImgPhase) -> None:
    assert collaboration_group(None, img) is None
