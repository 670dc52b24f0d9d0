"""What the summary letter says, for every group and with missing data (no PDF, no DB)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.formatting import dutch_date, euro, postcode_line
from buddy_desk.core.phases import AdviceOutcome, FlagKind, ImgPhase, NcgStatus
from buddy_desk.core.summaries import ResidentInfo
from buddy_desk.documents.templates import Templates, load_templates
from buddy_desk.letters.content import ChoiceLine, Facts, SummaryLetter, Table, summary_letter
from tests.letters_samples import (
    TODAY,
    detail,
    group_detail,
    img_case,
    ncg_case,
)

REQUIRED_SECTIONS = ("kort", "schade", "versterking", "samen", "geld", "keuzes", "contact")


@pytest.fixture(scope="module")
def t() -> Templates:
    return load_templates()


def _facts(letter: SummaryLetter, key: str) -> dict[str, str]:
    section = letter.section(key)
    assert section is not None
    facts = [e for e in section.elements if isinstance(e, Facts)]
    assert facts, f"no facts in {key}"
    return dict(facts[0].rows)


def test_dutch_formats() -> None:
    assert dutch_date(date(2026, 11, 23)) == "23 november 2026"
    assert euro(Decimal("1234.5")) == "€ 1.234,50"
    assert euro(Decimal("1234567.891")) == "€ 1.234.567,89"
    assert postcode_line("9611ab", "Sappemeer") == "9611 AB  SAPPEMEER"


@pytest.mark.parametrize("group", list(CollaborationGroup))
def test_every_group_gets_every_part(group: CollaborationGroup, t: Templates) -> None:
    letter = summary_letter(group_detail(group), None, TODAY, t)
    assert tuple(s.key for s in letter.sections) == REQUIRED_SECTIONS
    text = letter.plain_text()
    # the group's own explanation, in the resident's words
    assert t.text(f"samen.groep.{group.value}") in text
    for other in set(CollaborationGroup) - {group}:
        assert t.text(f"samen.groep.{other.value}") not in text
    assert t.text("geld.uitleg") in text  # damage payment vs strengthening
    assert letter.datum_text == "26 november 2026"
    assert letter.kenmerk == "BD-000123-20261126"
    assert letter.recipient_lines == ("Mevrouw J.A. de Vries", "Hoofdweg 12a", "9611 AB  SAPPEMEER")
    assert letter.salutation == "Geachte mevrouw De Vries,"
    img, ncg = letter.contacts
    assert (img.naam, img.telefoon, img.email) == (
        "Sanne Bakker",
        "06-11122233",
        "s.bakker@example.org",
    )
    assert (ncg.naam, ncg.telefoon) == ("Pieter Mulder", "06-44455566")
    assert letter.unknown == ()
    # the summary names where each process stands
    status, phase = group_detail(group).ncg_case, group_detail(group).current_img_case
    assert status is not None and phase is not None
    summary = letter.section("kort")
    assert summary is not None
    values = {"zaaknummer": "", "sinds": ""}
    phase_key = ImgPhase(phase.status).name.lower()
    status_key = NcgStatus(status.status).name.lower()
    assert t.text(f"kort.img.{phase_key}", **values) in text
    assert t.text(f"kort.ncg.{status_key}", **values) in text


def test_damage_facts_phase_amount_next_step_and_when(t: Templates) -> None:
    d = detail(
        img=img_case(ImgPhase.UITVOERING, amount=Decimal("4350"), decided=date(2026, 10, 1)),
        ncg=ncg_case(NcgStatus.S4_2, AdviceOutcome.MEASURES),
    )
    facts = _facts(summary_letter(d, None, TODAY, t), "schade")
    assert facts["Sinds"] == "14 september 2026"
    assert "€ 4.350,00" in facts["Schadebedrag"] and "1 oktober 2026" in facts["Schadebedrag"]
    assert facts["Wat gebeurt er nu?"] == t.text("schade.volgende.uitvoering")
    assert facts["Wanneer?"] == t.text("schade.wanneer.uitvoering")
    # the zaaknummer is in the reference column, not repeated in the facts
    assert "Zaaknummer" not in facts
    assert ("Zaaknummer IMG", "IMG-0012345") in summary_letter(d, None, TODAY, t).references
    ncg = _facts(summary_letter(d, None, TODAY, t), "versterking")
    assert ncg["Versterkingsadvies"] == t.text("versterking.advies.maatregelen")
    assert ncg["Wat gebeurt er nu?"] == t.text("versterking.volgende.s4_2")


def test_reports_are_listed_newest_first(t: Templates) -> None:
    letter = summary_letter(group_detail(CollaborationGroup.B), None, TODAY, t)
    section = letter.section("schade")
    assert section is not None
    table = next(e for e in section.elements if isinstance(e, Table))
    assert [row[0] for row in table.rows] == ["1 september 2026", "2 mei 2026"]
    assert table.rows[0][1] == "Schaderapport" and table.rows[0][3] == "€ 4.350,00"


def test_unknown_amount_says_so(t: Templates) -> None:
    d = detail(img=img_case(ImgPhase.ZIENSWIJZE, amount=None), ncg=ncg_case(NcgStatus.S2_1))
    letter = summary_letter(d, None, TODAY, t)
    assert _facts(letter, "schade")["Schadebedrag"] == t.text("schade.bedrag.onbekend")
    assert "schadebedrag" in letter.unknown


def test_recorded_choices_with_dates(t: Templates) -> None:
    choices = (
        ChoiceLine(date(2026, 10, 2), "Gezamenlijke opname", "Ja, op één dag", "Telefoon"),
        ChoiceLine(date(2026, 9, 1), "Toestemming gegevensdeling", "Gegeven", "Formulier"),
    )
    letter = summary_letter(group_detail(CollaborationGroup.B), choices, TODAY, t)
    section = letter.section("keuzes")
    assert section is not None
    table = next(e for e in section.elements if isinstance(e, Table))
    assert table.rows[0] == (
        "1 september 2026",
        "Toestemming gegevensdeling",
        "Gegeven",
        "Formulier",
    )
    assert table.rows[1][0] == "2 oktober 2026"
    assert t.text("keuzes.geen") not in letter.plain_text()


def test_no_choices_says_none_recorded(t: Templates) -> None:
    letter = summary_letter(group_detail(CollaborationGroup.E), (), TODAY, t)
    assert t.text("keuzes.geen") in letter.plain_text()


def test_no_resident_name_addresses_the_residents(t: Templates) -> None:
    letter = summary_letter(detail(ncg=ncg_case(NcgStatus.S3_1), residents=()), None, TODAY, t)
    assert letter.recipient_lines[0] == "Aan de bewoner(s) van"
    assert letter.salutation == "Geachte bewoner(s),"
    assert "naam bewoner" in letter.unknown


def test_two_residents_and_unknown_aanhef(t: Templates) -> None:
    residents = (
        ResidentInfo("P. Jansen", "eigenaar", None, None, "de heer"),
        ResidentInfo("Anna Smit", "bewoner", None, None, None),
    )
    letter = summary_letter(
        detail(ncg=ncg_case(NcgStatus.S3_1), residents=residents), None, TODAY, t
    )
    assert letter.recipient_lines[:2] == ("De heer P. Jansen", "Anna Smit")
    assert letter.salutation == "Geachte heer Jansen, geachte Anna Smit,"


def test_no_buddies_and_unknown_phase_say_what_is_not_known(t: Templates) -> None:
    d = detail(img=img_case("Onbekend"), ncg=ncg_case("9.9"), img_buddy=None, ncg_buddy=None)
    letter = summary_letter(d, None, TODAY, t)
    text = letter.plain_text()
    assert t.text("contact.geen_img") in text and t.text("contact.geen_ncg") in text
    assert _facts(letter, "schade")["Waar staat uw zaak?"].startswith("Nog niet bekend")
    assert _facts(letter, "versterking")["Waar staat uw zaak?"].startswith("Nog niet bekend")
    assert set(letter.unknown) >= {
        "fase schade (IMG)",
        "status versterking (NCG)",
        "zaakbegeleider",
        "bewonersbegeleider",
    }


def test_ncg_only_invites_a_damage_report(t: Templates) -> None:
    letter = summary_letter(detail(ncg=ncg_case(NcgStatus.S2_1)), None, TODAY, t)
    text = letter.plain_text()
    assert t.text("schade.geen") in text
    assert t.text("samen.alleen_ncg") in text
    assert ("Zaaknummer NCG", "NCG-004711") in letter.references
    assert not any(label == "Zaaknummer IMG" for label, _ in letter.references)


def test_img_only_and_nothing_running(t: Templates) -> None:
    img_only = summary_letter(detail(img=img_case(ImgPhase.OPNAME)), None, TODAY, t)
    assert t.text("versterking.geen") in img_only.plain_text()
    assert t.text("samen.alleen_img") in img_only.plain_text()
    settled = summary_letter(detail(img=img_case(ImgPhase.AFGEROND)), None, TODAY, t)
    assert t.text("samen.niets_lopend") in settled.plain_text()


def test_aos_comes_first_in_the_summary(t: Templates) -> None:
    letter = summary_letter(
        group_detail(CollaborationGroup.F, flags=(FlagKind.AOS,)), None, TODAY, t
    )
    summary = letter.section("kort")
    assert summary is not None
    assert summary.elements[0].text.startswith(t.text("samen.aos"))  # type: ignore[union-attr]


def test_glossary_explains_only_words_that_are_used(t: Templates) -> None:
    letter = summary_letter(group_detail(CollaborationGroup.B), None, TODAY, t)
    terms = [term for term, _ in letter.glossary]
    assert "Opname" in terms
    assert "Acuut onveilige situatie" not in terms
    aos = summary_letter(group_detail(CollaborationGroup.B, flags=(FlagKind.AOS,)), None, TODAY, t)
    assert "Acuut onveilige situatie" in [term for term, _ in aos.glossary]
