"""What the resident is shown at the kitchen table: only true, traceable, permitted texts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.summaries import (
    CaseInfo,
    DossierDetail,
    FlagInfo,
    NoteInfo,
    ResidentInfo,
    SupervisorInfo,
)
from buddy_desk.documents.templates import load_templates
from buddy_desk.i18n import in_language
from buddy_desk.kitchen import rules
from buddy_desk.kitchen.rules import AppointmentFact, ChoiceFact, StepState, kitchen_content

TODAY = date(2026, 11, 26)
T = load_templates("nl")


def _case(org: Organisation, status: str, ident: str) -> CaseInfo:
    return CaseInfo(
        id=1 if org is Organisation.IMG else 2,
        organisation=org,
        identificatie=ident,
        status=status,
        status_date=date(2026, 9, 1),
        startdatum=None,
        einddatum=None,
        urgent=False,
        schadebedrag=Decimal("1234.00"),
        besluitdatum=None,
        advies=None,
        bijzondere_situatie="interne aantekening",
        history=(),
        reports=(),
    )


def _detail(group: CollaborationGroup | None = CollaborationGroup.B) -> DossierDetail:
    return DossierDetail(
        id=7,
        straat="Bakkersdreef",
        number_text="5",
        postcode="9711AA",
        woonplaats="Groningen",
        gemeente="Groningen",
        residents=(ResidentInfo("G. Dijkstra", "bewoner", "06-1", "g@example.org"),),
        img_supervisor=SupervisorInfo(
            1, Organisation.IMG, "zaakbegeleider", "Ineke Zaak", "050-1", "i@img.example"
        ),
        ncg_supervisor=None,
        img_cases=(_case(Organisation.IMG, ImgPhase.OPNAME.value, "IMG-2026-000001"),),
        ncg_case=_case(Organisation.NCG, NcgStatus.S2_1.value, "NCG-V-000001"),
        group=group,
        flags=(FlagInfo(FlagKind.SCHRIJNEND, datetime(2026, 1, 1, tzinfo=UTC), "jan", "intern"),),
        events=(),
        note=NoteInfo("Bewoner is boos op de gemeente", None, "jan"),
    )


def _content(**kwargs: object):  # type: ignore[no-untyped-def]
    values: dict[str, object] = {
        "detail": _detail(),
        "withheld": frozenset(),
        "choices": (),
        "appointments": (),
        "today": TODAY,
        "t": T,
    }
    values.update(kwargs)
    with in_language("nl"):
        return kitchen_content(**values)  # type: ignore[arg-type]


def test_both_tracks_say_where_you_are_what_comes_next_and_when() -> None:
    c = _content()
    img, ncg = c.tracks
    assert [s.state for s in img.steps][:3] == [StepState.DONE, StepState.CURRENT, StepState.FUTURE]
    assert img.now == T.text("kort.img.opname", zaaknummer="", sinds="")
    assert img.next == T.text("schade.volgende.opname", zaaknummer="", sinds="")
    assert img.when == T.text("schade.wanneer.opname", zaaknummer="", sinds="")
    assert ncg.now == T.text("kort.ncg.s2_1", zaaknummer="", sinds="")
    assert img.since == "Sinds 1 september 2026"
    assert c.together[0] == T.paragraphs("samen.interventieteam")[0]
    assert T.paragraphs("samen.groep.B")[0] in c.together


def test_nothing_internal_reaches_the_resident() -> None:
    text = _content().plain_text()
    for internal in ("Bewoner is boos", "interne aantekening", "jan", "G. Dijkstra", "intern"):
        assert internal not in text
    # no buddy: the card says so in the letter's words
    assert _content().contacts[1].missing == T.text("contact.geen_ncg")


def test_a_withheld_process_shows_only_that_it_exists() -> None:
    gated = replace(_detail(), img_cases=())  # what the gate hands on without consent
    with in_language("nl"):
        c = _content(detail=gated, withheld=frozenset({Organisation.IMG}))
    img = c.tracks[0]
    assert img.withheld and img.steps == () and img.next is None
    assert "IMG" in img.now and "toestemming" in img.now
    # the group text tells both stages: not shown while one side is withheld
    assert not any(p in c.together for p in T.paragraphs("samen.groep.B"))
    assert T.paragraphs("samen.altijd")[0] in c.together
    text = c.plain_text()
    assert "Uw reactie op het rapport" not in text  # no IMG track steps
    assert T.text("kort.img.opname", zaaknummer="", sinds="") not in text


def test_open_choices_follow_the_group_and_what_was_chosen() -> None:
    made = ChoiceFact(
        rules.JOINT_INSPECTION, "Gezamenlijke opname", "Na elkaar", TODAY, "Keukentafelgesprek"
    )
    c = _content(choices=(made,))
    open_types = [o.choice_type for o in c.choices_open]
    assert rules.JOINT_INSPECTION not in open_types
    assert rules.DATA_SHARING in open_types
    withdrawn = replace(made, withdrawn=True)
    c = _content(choices=(withdrawn,))
    assert rules.JOINT_INSPECTION in [o.choice_type for o in c.choices_open]
    e = _content(detail=_detail(CollaborationGroup.E))
    assert rules.REPAIR_IN_STRENGTHENING in [o.choice_type for o in e.choices_open]
    assert rules.JOINT_INSPECTION not in [o.choice_type for o in e.choices_open]


def test_only_booked_appointments_from_today_on() -> None:
    def at(day: int, booked: bool = True) -> AppointmentFact:
        return AppointmentFact(
            datetime(2026, 12, day, 9, 0),
            datetime(2026, 12, day, 11, 0),
            InspectionForm.SEQUENTIAL,
            booked,
        )

    past = AppointmentFact(
        datetime(2026, 11, 2, 9), datetime(2026, 11, 2, 10), InspectionForm.SEPARATE, True
    )
    c = _content(appointments=(at(9), at(3, booked=False), past, at(1)))
    assert [a.when for a in c.appointments] == [
        "1 december 2026, 09:00–11:00 uur",
        "9 december 2026, 09:00–11:00 uur",
    ]
    assert c.appointments[0].what.startswith("Opname door IMG en NCG na elkaar")


def test_the_glossary_is_the_letters_glossary() -> None:
    assert _content().glossary == tuple(T.glossary())
