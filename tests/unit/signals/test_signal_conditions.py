"""Each signal condition from the sources (seeds 001, 002, 004; DOMAIN.md "Signals"), one
test per condition that fires and one that does not, and the resident's choices acting on
the signals that propose something to them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from buddy_desk.choices.rules import NOT_DECIDED, DecidedChoices, JointInspection
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.i18n import tr
from buddy_desk.signals.rules import (
    DossierFacts,
    ImgFact,
    NcgFact,
    ObservationFact,
    ObservationKind,
    Rule,
    answered,
    constructive_damage,
    evaluate,
    group_opportunity,
    ncg_finished,
    ncg_saw_damage,
    repair_in_plan,
)

TODAY = date(2026, 11, 26)


def facts(
    ncg: NcgStatus | None,
    *img: ImgFact,
    flags: frozenset[FlagKind] = frozenset(),
    choices: DecidedChoices = NOT_DECIDED,
    booked: bool = False,
) -> DossierFacts:
    return DossierFacts(
        dossier_id=1,
        ncg=NcgFact("NCG-1", ncg, date(2024, 1, 1)) if ncg else None,
        img_cases=img,
        flags=flags,
        img_supervisor_id=11,
        ncg_supervisor_id=22,
        choices=choices,
        joint_booked=booked,
    )


def case(phase: ImgPhase, constructive: bool = False) -> ImgFact:
    return ImgFact(f"Z-{phase.value}", phase, date(2025, 6, 1), constructive)


ADVISE_MUNICIPALITY = "adviseert de gemeente"


# --- constructive damage: advise the municipality only outside NCG's work stock --------------


def test_constructive_damage_outside_work_stock_asks_ncg_to_advise_the_municipality() -> None:
    (p,) = constructive_damage(facts(None, case(ImgPhase.OPNAME, constructive=True)), TODAY)
    assert p.rule is Rule.CONSTRUCTIVE_INFORM_NCG
    assert ADVISE_MUNICIPALITY in tr(p.detail_key, **p.values)


def test_constructive_damage_in_work_stock_informs_ncg_without_municipality_advice() -> None:
    f = facts(NcgStatus.S3_1, case(ImgPhase.OPNAME, constructive=True))
    (p,) = constructive_damage(f, TODAY)
    text = tr(p.detail_key, **p.values)
    assert ADVISE_MUNICIPALITY not in text and "werkvoorraad" in text


def test_no_constructive_signal_without_constructive_damage() -> None:
    assert constructive_damage(facts(None, case(ImgPhase.OPNAME)), TODAY) == []


def test_aos_means_acting_at_once_with_the_consent_caveat() -> None:
    f = facts(NcgStatus.S2_1, case(ImgPhase.OPNAME), flags=frozenset({FlagKind.AOS}))
    (p,) = constructive_damage(f, TODAY)
    text = tr(p.detail_key, **p.values)
    assert p.rule is Rule.AOS_INFORM_NCG and p.due == TODAY
    assert "direct ingegrepen" in text and "toestemming van de bewoner" in text
    assert ADVISE_MUNICIPALITY not in text  # the address is in NCG's work stock
    outside = facts(None, case(ImgPhase.OPNAME), flags=frozenset({FlagKind.AOS}))
    (q,) = constructive_damage(outside, TODAY)
    assert ADVISE_MUNICIPALITY in tr(q.detail_key, **q.values)


def test_no_aos_signal_without_the_flag() -> None:
    found = constructive_damage(facts(None, case(ImgPhase.OPNAME)), TODAY)
    assert Rule.AOS_INFORM_NCG not in [p.rule for p in found]


# --- NCG finishes the strengthening (status 6) ----------------------------------------------


def test_ncg_status_6_signals_img() -> None:
    (p,) = ncg_finished(facts(NcgStatus.S6, case(ImgPhase.AFGEROND)), TODAY)
    assert (p.rule, p.organisation, p.owner_id) == (
        Rule.NCG_FINISHED_INFORM_IMG,
        Organisation.IMG,
        11,
    )
    assert "NCG-1" in tr(p.title_key, **p.values)


def test_ncg_not_finished_or_no_damage_case_signals_nothing() -> None:
    assert ncg_finished(facts(NcgStatus.S5_2, case(ImgPhase.OPNAME)), TODAY) == []
    assert ncg_finished(facts(NcgStatus.S6), TODAY) == []


# --- NCG saw non-constructive damage --------------------------------------------------------


def test_damage_seen_while_img_inspection_is_to_come_speeds_it_up() -> None:
    f = replace(
        facts(NcgStatus.S2_1, case(ImgPhase.OPNAME)),
        observations=(ObservationFact(ObservationKind.NCG_DAMAGE_SEEN, "o1"),),
    )
    (p,) = ncg_saw_damage(f, TODAY)
    assert p.rule is Rule.ACCELERATED_INSPECTION


def test_damage_seen_while_img_is_past_its_inspection_is_signalled() -> None:
    f = replace(
        facts(NcgStatus.S2_1, case(ImgPhase.BESCHIKKING)),
        observations=(ObservationFact(ObservationKind.NCG_DAMAGE_SEEN, "o1"),),
    )
    (p,) = ncg_saw_damage(f, TODAY)
    assert p.rule is Rule.POINT_TO_IMG
    assert "Z-Beschikking" in tr(p.detail_key, **p.values)


def test_no_damage_seen_no_signal() -> None:
    assert ncg_saw_damage(facts(NcgStatus.S2_1, case(ImgPhase.BESCHIKKING)), TODAY) == []


# --- the resident's choices on the proposals --------------------------------------------------


def test_group_b_joint_inspection_proposal_until_the_resident_answers_or_it_is_booked() -> None:
    b = facts(NcgStatus.S2_1, case(ImgPhase.OPNAME))
    (p,) = group_opportunity(b, TODAY)
    assert (p.rule, p.organisation) == (Rule.JOINT_INSPECTION, Organisation.IMG)
    for value in JointInspection:
        answered_b = replace(b, choices=DecidedChoices(joint_inspection=value))
        assert group_opportunity(answered_b, TODAY) == []
    assert group_opportunity(replace(b, joint_booked=True), TODAY) == []


def test_joint_inspection_proposal_goes_to_the_first_contact() -> None:
    b = facts(
        NcgStatus.S2_1,
        case(ImgPhase.OPNAME),
        choices=DecidedChoices(first_contact=Organisation.NCG),
    )
    (p,) = group_opportunity(b, TODAY)
    assert (p.organisation, p.owner_id) == (Organisation.NCG, 22)


def test_group_e_repair_proposal_is_suppressed_and_closed_once_answered() -> None:
    e = facts(NcgStatus.S4_1, case(ImgPhase.BESCHIKKING))
    assert [p.rule for p in group_opportunity(e, TODAY)] == [Rule.INCLUDE_DAMAGE_REPAIR]
    said_no = replace(e, choices=DecidedChoices(repair_in_strengthening=False))
    assert group_opportunity(said_no, TODAY) == []
    outcome_key, _values = answered(said_no)[Rule.INCLUDE_DAMAGE_REPAIR]
    assert "niet meenemen" in tr(outcome_key)
    assert answered(e) == {}


def test_repair_chosen_asks_ncg_to_take_it_into_the_plan() -> None:
    yes = DecidedChoices(repair_in_strengthening=True)
    (p,) = repair_in_plan(facts(NcgStatus.S4_2, case(ImgPhase.BESCHIKKING), choices=yes), TODAY)
    assert (p.rule, p.organisation) == (Rule.REPAIR_IN_PLAN, Organisation.NCG)
    with_payment = DecidedChoices(repair_in_strengthening=True, payment_for_repair=True)
    (q,) = repair_in_plan(facts(NcgStatus.S4_1, choices=with_payment), TODAY)
    assert "schadevergoeding" in tr(q.detail_key)


def test_no_repair_in_plan_signal_when_not_chosen_too_late_or_rebuilding() -> None:
    no = DecidedChoices(repair_in_strengthening=False)
    assert repair_in_plan(facts(NcgStatus.S4_1, choices=no), TODAY) == []
    yes = DecidedChoices(repair_in_strengthening=True)
    assert repair_in_plan(facts(NcgStatus.S5_2, choices=yes), TODAY) == []  # building
    rebuild = DecidedChoices(repair_in_strengthening=True, rebuild=True)
    assert repair_in_plan(facts(NcgStatus.S4_1, choices=rebuild), TODAY) == []


def test_evaluate_includes_the_new_conditions() -> None:
    f = facts(NcgStatus.S6, case(ImgPhase.UITVOERING))
    assert Rule.NCG_FINISHED_INFORM_IMG in [p.rule for p in evaluate(f, TODAY)]
