"""Each signal rule on plain facts."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.signals.rules import (
    DossierFacts,
    ImgFact,
    NcgFact,
    ObservationFact,
    ObservationKind,
    Proposal,
    Rule,
    constructive_damage,
    evaluate,
    group_opportunity,
    hidden_damage,
    intervention_team,
    ncg_saw_damage,
    samenloop_check,
)

TODAY = date(2026, 11, 26)
IMG_SUP, NCG_SUP = 11, 22


def facts(
    ncg: NcgStatus | None = None,
    ncg_start: date | None = date(2024, 1, 1),
    img: tuple[ImgFact, ...] = (),
    flags: frozenset[FlagKind] = frozenset(),
    observations: tuple[ObservationFact, ...] = (),
) -> DossierFacts:
    return DossierFacts(
        dossier_id=1,
        ncg=NcgFact("NCG-1", ncg, ncg_start) if ncg else None,
        img_cases=img,
        flags=flags,
        observations=observations,
        img_supervisor_id=IMG_SUP,
        ncg_supervisor_id=NCG_SUP,
    )


def case(phase: ImgPhase, start: date | None = date(2025, 6, 1), **kw: bool) -> ImgFact:
    return ImgFact(f"Z-{phase.value}", phase, start, **kw)


def rules(found: list[Proposal]) -> list[Rule]:
    return [p.rule for p in found]


def test_damage_report_on_strengthening_address_goes_to_img() -> None:
    (p,) = samenloop_check(facts(NcgStatus.S2_1, img=(case(ImgPhase.OPNAME),)), TODAY)
    assert p.rule is Rule.DAMAGE_ON_STRENGTHENING_ADDRESS
    assert (p.organisation, p.owner_id) == (Organisation.IMG, IMG_SUP)
    assert p.ref == "Z-Opname"


def test_address_entering_strengthening_file_with_running_damage_goes_to_ncg() -> None:
    f = facts(NcgStatus.S1_2, ncg_start=date(2026, 1, 1), img=(case(ImgPhase.OPNAME),))
    (p,) = samenloop_check(f, TODAY)
    assert p.rule is Rule.STRENGTHENING_ON_DAMAGE_ADDRESS
    assert (p.organisation, p.owner_id) == (Organisation.NCG, NCG_SUP)


def test_no_samenloop_signal_without_both_running() -> None:
    assert samenloop_check(facts(NcgStatus.S2_1, img=(case(ImgPhase.AFGEROND),)), TODAY) == []
    assert samenloop_check(facts(NcgStatus.S6, img=(case(ImgPhase.OPNAME),)), TODAY) == []
    assert samenloop_check(facts(None, img=(case(ImgPhase.OPNAME),)), TODAY) == []
    assert samenloop_check(facts(NcgStatus.S2_1), TODAY) == []


def test_constructive_damage_informs_ncg_within_days() -> None:
    f = facts(None, img=(case(ImgPhase.OPNAME, constructive_damage=True),))
    (p,) = constructive_damage(f, TODAY)
    assert p.rule is Rule.CONSTRUCTIVE_INFORM_NCG
    assert p.organisation is Organisation.IMG
    assert TODAY < p.due <= TODAY + timedelta(days=7)


def test_constructive_damage_of_a_settled_case_asks_nothing() -> None:
    f = facts(None, img=(case(ImgPhase.AFGEROND, constructive_damage=True),))
    assert constructive_damage(f, TODAY) == []


def test_aos_informs_ncg_today() -> None:
    f = facts(
        None,
        img=(case(ImgPhase.OPNAME, constructive_damage=True),),
        flags=frozenset({FlagKind.AOS}),
    )
    found = constructive_damage(f, TODAY)
    assert rules(found) == [Rule.AOS_INFORM_NCG, Rule.CONSTRUCTIVE_INFORM_NCG]
    assert all(p.due == TODAY for p in found)


def test_ncg_saw_damage_without_damage_case_points_resident_to_img() -> None:
    seen = (ObservationFact(ObservationKind.NCG_DAMAGE_SEEN, "obs-1"),)
    (p,) = ncg_saw_damage(facts(NcgStatus.S2_1, observations=seen), TODAY)
    assert p.rule is Rule.POINT_TO_IMG
    assert p.organisation is Organisation.NCG


def test_ncg_saw_damage_with_case_in_voorbereiding_asks_img_for_accelerated_inspection() -> None:
    seen = (ObservationFact(ObservationKind.NCG_DAMAGE_SEEN, "obs-1"),)
    f = facts(NcgStatus.S2_1, img=(case(ImgPhase.VOORBEREIDING),), observations=seen)
    (p,) = ncg_saw_damage(f, TODAY)
    assert p.rule is Rule.ACCELERATED_INSPECTION
    assert p.organisation is Organisation.IMG
    assert p.ref == "Z-Voorbereiding"


def test_ncg_saw_damage_with_inspection_done_still_points_resident_to_img() -> None:
    # the sources do not say the running case covers damage seen later: signal it
    seen = (ObservationFact(ObservationKind.NCG_DAMAGE_SEEN, "obs-1"),)
    f = facts(NcgStatus.S2_1, img=(case(ImgPhase.ZIENSWIJZE),), observations=seen)
    (p,) = ncg_saw_damage(f, TODAY)
    assert (p.rule, p.organisation, p.ref) == (Rule.POINT_TO_IMG, Organisation.NCG, "obs-1")
    assert p.detail_key.endswith("_after_inspection")
    assert p.values == {"zaak": "Z-Zienswijze", "fase": "Zienswijze"}


def test_hidden_damage_up_to_2500_stays_with_ncg_above_goes_to_img() -> None:
    obs = (
        ObservationFact(ObservationKind.HIDDEN_DAMAGE, "h1", Decimal("2500.00")),
        ObservationFact(ObservationKind.HIDDEN_DAMAGE, "h2", Decimal("2500.01")),
    )
    low, high = hidden_damage(facts(NcgStatus.S5_2, observations=obs), TODAY)
    assert (low.rule, low.organisation, low.ref) == (Rule.HIDDEN_DAMAGE_NCG, Organisation.NCG, "h1")
    assert (high.rule, high.organisation, high.ref) == (
        Rule.HIDDEN_DAMAGE_IMG,
        Organisation.IMG,
        "h2",
    )
    assert high.values["bedrag"] == "€ 2.500,01"


def test_hidden_damage_without_an_amount_stays_with_ncg_as_unknown() -> None:
    obs = (ObservationFact(ObservationKind.HIDDEN_DAMAGE, "h3"),)
    (p,) = hidden_damage(facts(NcgStatus.S5_2, observations=obs), TODAY)
    assert (p.rule, p.organisation) == (Rule.HIDDEN_DAMAGE_NCG, Organisation.NCG)
    assert p.values["bedrag"] == "onbekend"


def test_group_b_proposes_joint_inspection_group_e_damage_repair() -> None:
    (b,) = group_opportunity(facts(NcgStatus.S2_1, img=(case(ImgPhase.OPNAME),)), TODAY)
    assert b.rule is Rule.JOINT_INSPECTION
    (e,) = group_opportunity(facts(NcgStatus.S4_1, img=(case(ImgPhase.BESCHIKKING),)), TODAY)
    assert e.rule is Rule.INCLUDE_DAMAGE_REPAIR
    assert e.organisation is Organisation.NCG
    for status, phase in [
        (NcgStatus.S1_2, ImgPhase.OPNAME),  # A
        (NcgStatus.S2_1, ImgPhase.ZIENSWIJZE),  # C
        (NcgStatus.S3_1, ImgPhase.OPNAME),  # D
        (NcgStatus.S5_1, ImgPhase.OPNAME),  # F
    ]:
        assert group_opportunity(facts(status, img=(case(phase),)), TODAY) == []


def test_schrijnend_and_vastgelopen_go_to_the_intervention_team() -> None:
    f = facts(NcgStatus.S3_1, flags=frozenset({FlagKind.SCHRIJNEND, FlagKind.URGENT}))
    (p,) = intervention_team(f, TODAY)
    assert (p.rule, p.ref) == (Rule.INTERVENTION_TEAM, "schrijnend")
    both = facts(NcgStatus.S3_1, flags=frozenset({FlagKind.SCHRIJNEND, FlagKind.VASTGELOPEN}))
    assert len(intervention_team(both, TODAY)) == 2


def test_evaluate_is_deterministic_and_keys_are_unique() -> None:
    f = facts(
        NcgStatus.S2_1,
        img=(case(ImgPhase.VOORBEREIDING, constructive_damage=True),),
        flags=frozenset({FlagKind.AOS, FlagKind.VASTGELOPEN}),
        observations=(ObservationFact(ObservationKind.NCG_DAMAGE_SEEN, "o"),),
    )
    first = evaluate(f, TODAY)
    assert first == evaluate(f, TODAY)
    keys = [(p.rule, p.ref) for p in first]
    assert len(keys) == len(set(keys))
    assert set(rules(first)) == {
        Rule.DAMAGE_ON_STRENGTHENING_ADDRESS,
        Rule.AOS_INFORM_NCG,
        Rule.CONSTRUCTIVE_INFORM_NCG,
        Rule.ACCELERATED_INSPECTION,
        Rule.JOINT_INSPECTION,
        Rule.INTERVENTION_TEAM,
    }
