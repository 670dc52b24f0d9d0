"""The letter states what the resident decided instead of offering it, and names a booked
joint inspection instead of "neemt contact met u op" (the data the letter gets from the
choice log and the planning)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from buddy_desk.choices.rules import DecidedChoices, JointInspection
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.inspection import InspectionForm
from buddy_desk.documents.templates import Templates, load_templates
from buddy_desk.letters.content import JointAppointment, summary_letter
from tests.letters_samples import TODAY, group_detail

OFFER = "U kiest zelf of u dat wilt"


@pytest.fixture(scope="module")
def t() -> Templates:
    return load_templates()


def test_group_b_undecided_offers_then_states_the_choice(t: Templates) -> None:
    b = group_detail(CollaborationGroup.B)
    assert OFFER in summary_letter(b, None, TODAY, t).plain_text()
    declined = summary_letter(
        b, None, TODAY, t, decided=DecidedChoices(joint_inspection=JointInspection.NO)
    ).plain_text()
    assert OFFER not in declined and "geen gezamenlijke opname" in declined
    chosen = summary_letter(
        b,
        None,
        TODAY,
        t,
        decided=DecidedChoices(joint_inspection=JointInspection.WITHIN_TWO_DAYS),
    ).plain_text()
    assert OFFER not in chosen and "(binnen twee dagen)" in chosen


def test_a_booked_joint_inspection_is_named_in_both_processes(t: Templates) -> None:
    b = group_detail(CollaborationGroup.B)
    joint = (
        JointAppointment(
            datetime(2026, 12, 3, 8, 0, tzinfo=UTC),
            datetime(2026, 12, 3, 12, 0, tzinfo=UTC),
            InspectionForm.SEQUENTIAL,
        ),
    )
    decided = DecidedChoices(joint_inspection=JointInspection.SEQUENTIAL)
    letter = summary_letter(b, None, TODAY, t, decided=decided, joint=joint)
    text = letter.plain_text()
    assert "gepland op donderdag 3 december 2026 om 09:00 uur" in text
    assert "neemt contact met u op om een afspraak te maken" not in text
    assert "maakt met u een afspraak voor de opname" not in text  # it is made
    assert "De deskundigen van IMG en NCG komen voor de gezamenlijke opname." in text
    assert "(na elkaar op één dag)" in text
    assert OFFER not in text


@pytest.mark.parametrize(
    ("repair", "payment", "expected"),
    [
        (False, None, "niet mee te nemen in de versterking"),
        (True, None, "meegenomen in de maatregelen voor uw huis"),
        (True, True, "herstel onder regie van NCG"),
    ],
)
def test_group_e_states_the_repair_decision(
    t: Templates, repair: bool, payment: bool | None, expected: str
) -> None:
    e = group_detail(CollaborationGroup.E)
    assert OFFER in summary_letter(e, None, TODAY, t).plain_text()
    decided = DecidedChoices(repair_in_strengthening=repair, payment_for_repair=payment)
    text = summary_letter(e, None, TODAY, t, decided=decided).plain_text()
    assert expected in text and OFFER not in text


def test_the_glossary_names_within_two_days_as_a_joint_form(t: Templates) -> None:
    terms = dict(t.glossary())
    assert "binnen twee dagen" in terms["Gezamenlijke opname"]
