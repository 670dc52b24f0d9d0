"""The consent gate's pure rule: what a viewer may see of each organisation, and the group."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from buddy_desk.choices.rules import (
    SOURCE_CATEGORIES,
    Channel,
    ChoiceEntry,
    ChoiceType,
    ConsentMethod,
    Direction,
    Disclosure,
    DocumentCategory,
    EntryKind,
    WithholdReason,
    current_states,
    disclosure,
    options_label,
    visible_group,
)
from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation

T = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)
IMG, NCG = Organisation.IMG, Organisation.NCG


def _entry(
    seq: int,
    value: str = "gegeven",
    categories: tuple[DocumentCategory, ...] = tuple(DocumentCategory),
    *,
    direction: Direction = Direction.IMG_TO_NCG,
    kind: EntryKind = EntryKind.RECORD,
    refers: int | None = None,
) -> ChoiceEntry:
    return ChoiceEntry(
        dossier_id=1,
        seq=seq,
        kind=kind,
        choice_type=ChoiceType.DATA_SHARING,
        value=value,
        made_at=T,
        recorded_at=T,
        recorded_by="x",
        recorded_by_org="IMG",
        channel=Channel.KITCHEN_TABLE,
        direction=direction,
        purpose="Samen afhandelen",
        categories=categories,
        method=ConsentMethod.VERBAL,
        refers_to_seq=refers,
        effective_from=T if kind is EntryKind.WITHDRAWAL else None,
    )


def test_own_organisation_sees_everything_other_nothing_without_consent() -> None:
    assert disclosure([], NCG, NCG).categories == SOURCE_CATEGORIES[NCG]
    none = disclosure([], NCG, IMG)
    assert none.categories == frozenset() and none.reason is WithholdReason.NO_CONSENT
    assert not none.discloses
    nobody = disclosure([], None, NCG)
    assert nobody.categories == frozenset() and nobody.reason is WithholdReason.NO_PROFILE


def test_consent_is_per_direction_and_category() -> None:
    states = current_states([_entry(1, categories=(DocumentCategory.CASE_DETAILS,))])
    ncg_sees_img = disclosure(states, NCG, IMG)
    assert ncg_sees_img.categories == {DocumentCategory.CASE_DETAILS}
    assert ncg_sees_img.reason is WithholdReason.NOT_COVERED and ncg_sees_img.discloses
    assert DocumentCategory.DECISION in ncg_sees_img.withheld
    # the other direction is not given: IMG sees nothing of NCG
    assert disclosure(states, IMG, NCG).reason is WithholdReason.NO_CONSENT


def test_without_case_details_nothing_of_that_side_is_shown() -> None:
    states = current_states([_entry(1, categories=(DocumentCategory.DECISION,))])
    d = disclosure(states, NCG, IMG)
    assert d.categories == frozenset() and d.reason is WithholdReason.NO_CASE_DETAILS


def test_requested_withdrawn_and_corrected_consent() -> None:
    requested = current_states([_entry(1, "aangevraagd")])
    assert disclosure(requested, NCG, IMG).reason is WithholdReason.NO_CONSENT
    withdrawn = current_states([_entry(1), _entry(2, kind=EntryKind.WITHDRAWAL, refers=1)])
    assert disclosure(withdrawn, NCG, IMG).reason is WithholdReason.WITHDRAWN
    corrected = current_states(
        [
            _entry(1),
            _entry(
                2, categories=(DocumentCategory.CASE_DETAILS,), kind=EntryKind.CORRECTION, refers=1
            ),
        ]
    )
    assert disclosure(corrected, NCG, IMG).categories == {DocumentCategory.CASE_DETAILS}
    assessed = current_states([_entry(1), _entry(2, "beoordeeld")])
    assert disclosure(assessed, NCG, IMG).categories == SOURCE_CATEGORIES[IMG]


def _d(viewer: Organisation | None, source: Organisation, details: bool) -> Disclosure:
    cats = SOURCE_CATEGORIES[source] if details else frozenset()
    return Disclosure(viewer, source, cats)


def test_group_for_an_ncg_viewer_without_img_details() -> None:
    img, ncg = _d(NCG, IMG, False), _d(NCG, NCG, True)
    # A, D, E, F follow from NCG's own status alone; B or C depends on IMG's phase
    assert visible_group(NcgStatus.S1_2, ImgPhase.OPNAME, img, ncg) == {CollaborationGroup.A}
    assert visible_group(NcgStatus.S4_1, ImgPhase.BESCHIKKING, img, ncg) == {CollaborationGroup.E}
    both = {CollaborationGroup.B, CollaborationGroup.C}
    assert visible_group(NcgStatus.S2_1, ImgPhase.OPNAME, img, ncg) == both
    assert visible_group(NcgStatus.S2_1, ImgPhase.AFGEROND, img, ncg) == frozenset()


def test_group_for_an_img_viewer_without_ncg_details_never_names_ncgs_status() -> None:
    img, ncg = _d(IMG, IMG, True), _d(IMG, NCG, False)
    seen = visible_group(NcgStatus.S3_1, ImgPhase.OPNAME, img, ncg)
    assert len(seen) > 1 and CollaborationGroup.D in seen


@settings(max_examples=300)
@given(
    st.sampled_from(list(NcgStatus)),
    st.sampled_from(list(ImgPhase)),
    st.sampled_from(list(NcgStatus)),
    st.sampled_from(list(ImgPhase)),
    st.sampled_from([IMG, NCG, None]),
    st.booleans(),
)
def test_the_group_reveals_no_hidden_phase(
    ncg: NcgStatus,
    img: ImgPhase,
    ncg_alt: NcgStatus,
    img_alt: ImgPhase,
    viewer: Organisation | None,
    consent: bool,
) -> None:
    """Change a hidden side's phase (keeping whether it runs): the visible group stays."""
    d_img = _d(viewer, IMG, viewer is IMG or consent)
    d_ncg = _d(viewer, NCG, viewer is NCG or consent)
    seen = visible_group(ncg, img, d_img, d_ncg)
    if not d_img.case_details and img_alt.is_running == img.is_running:
        assert visible_group(ncg, img_alt, d_img, d_ncg) == seen
    if not d_ncg.case_details and ncg_alt.is_running == ncg.is_running:
        assert visible_group(ncg_alt, img, d_img, d_ncg) == seen
    real = collaboration_group(ncg, img)
    assert (real in seen) if real is not None else seen == frozenset()
    if d_img.case_details and d_ncg.case_details:
        assert seen == ({real} if real else frozenset())


def test_disclosure_of_own_side_is_never_logged() -> None:
    own = disclosure([], IMG, IMG)
    assert own.own and not own.discloses
    assert replace(own, viewer=NCG).discloses  # the same categories, seen by the other side


def test_options_label_shows_two_groups_never_a_longer_list() -> None:
    assert options_label([CollaborationGroup.C, CollaborationGroup.B]) == "B/C"
    assert options_label([CollaborationGroup.E]) == ""  # one: the group itself is shown
    assert options_label(list(CollaborationGroup)[:5]) == ""  # five say no more than unknown
