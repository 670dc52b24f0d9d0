"""The A–F matrix of the 2021 evaluation, over every phase pair."""

from __future__ import annotations

import itertools

import pytest

from buddy_desk.core.collaboration import CollaborationGroup as G
from buddy_desk.core.collaboration import collaboration_group, img_can_prioritise
from buddy_desk.core.phases import ImgPhase, NcgStatus

I = ImgPhase  # noqa: E741
EXPECTED: dict[NcgStatus, dict[ImgPhase, G | None]] = {
    NcgStatus.S1_2: {
        I.VOORBEREIDING: G.A,
        I.OPNAME: G.A,
        I.ZIENSWIJZE: G.A,
        I.BESCHIKKING: G.A,
        I.UITVOERING: G.A,
        I.AFGEROND: None,
    },
    NcgStatus.S2_1: {
        I.VOORBEREIDING: G.B,
        I.OPNAME: G.B,
        I.ZIENSWIJZE: G.C,
        I.BESCHIKKING: G.C,
        I.UITVOERING: G.C,
        I.AFGEROND: None,
    },
    NcgStatus.S3_1: {
        I.VOORBEREIDING: G.D,
        I.OPNAME: G.D,
        I.ZIENSWIJZE: G.D,
        I.BESCHIKKING: G.D,
        I.UITVOERING: G.D,
        I.AFGEROND: None,
    },
    NcgStatus.S4_1: {
        I.VOORBEREIDING: G.E,
        I.OPNAME: G.E,
        I.ZIENSWIJZE: G.E,
        I.BESCHIKKING: G.E,
        I.UITVOERING: G.E,
        I.AFGEROND: None,
    },
    NcgStatus.S4_2: {
        I.VOORBEREIDING: G.E,
        I.OPNAME: G.E,
        I.ZIENSWIJZE: G.E,
        I.BESCHIKKING: G.E,
        I.UITVOERING: G.E,
        I.AFGEROND: None,
    },
    NcgStatus.S5_1: {
        I.VOORBEREIDING: G.F,
        I.OPNAME: G.F,
        I.ZIENSWIJZE: G.F,
        I.BESCHIKKING: G.F,
        I.UITVOERING: G.F,
        I.AFGEROND: None,
    },
    NcgStatus.S5_2: {
        I.VOORBEREIDING: G.F,
        I.OPNAME: G.F,
        I.ZIENSWIJZE: G.F,
        I.BESCHIKKING: G.F,
        I.UITVOERING: G.F,
        I.AFGEROND: None,
    },
    NcgStatus.S6: dict.fromkeys(ImgPhase),
}


@pytest.mark.parametrize(("ncg", "img"), list(itertools.product(list(NcgStatus), list(ImgPhase))))
def test_every_phase_pair_maps_to_the_evaluation_group(ncg: NcgStatus, img: ImgPhase) -> None:
    assert collaboration_group(ncg, img) is EXPECTED[ncg][img]


def test_the_table_covers_every_pair() -> None:
    assert set(EXPECTED) == set(NcgStatus)
    assert all(set(row) == set(ImgPhase) for row in EXPECTED.values())


@pytest.mark.parametrize("ncg", list(NcgStatus))
def test_no_group_without_an_img_case(ncg: NcgStatus) -> None:
    assert collaboration_group(ncg, None) is None


@pytest.mark.parametrize("img", list(ImgPhase))
def test_no_group_without_an_ncg_case(img: ImgPhase) -> None:
    assert collaboration_group(None, img) is None


def test_img_can_prioritise_only_in_group_e_early_phases() -> None:
    assert img_can_prioritise(G.E, I.OPNAME)
    assert img_can_prioritise(G.E, I.VOORBEREIDING)
    assert not img_can_prioritise(G.E, I.BESCHIKKING)
    assert not img_can_prioritise(G.B, I.OPNAME)
