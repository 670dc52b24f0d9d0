"""The experts register on SQLite and PostgreSQL: experts, patterns, absences, settings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from buddy_desk.core.inspection import InspectionForm, VisitKind
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import NotFoundError, ValidationError
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.patterns import PatternPart, preset, weekly
from buddy_desk.planning.service import booking as svc
from buddy_desk.planning.service import register as reg
from tests.factories import make_dossier

TODAY = date(2026, 11, 26)  # a Thursday


def _team(uow: UnitOfWork) -> tuple[int, int]:
    img = reg.add_expert(
        uow,
        naam="Ada Schade",
        organisation=Organisation.IMG,
        pattern=preset("ma-vr").parts,
        pattern_from=date(2026, 1, 1),
        today=TODAY,
    )
    ncg = reg.add_expert(
        uow,
        naam="Bram Versterk",
        organisation=Organisation.NCG,
        pattern=preset("ma-vr").parts,
        pattern_from=date(2026, 1, 1),
        today=TODAY,
    )
    return img.info.id, ncg.info.id


def _dossier(uow: UnitOfWork) -> int:
    return make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)


def test_add_and_list_experts_with_details(uow: UnitOfWork) -> None:
    make_dossier(uow)  # an address in Groningen makes the municipality known
    added = reg.add_expert(
        uow,
        naam="  Cor   Beide ",
        organisation=Organisation.NCG,
        dual_qualified=True,
        municipalities=["groningen", "Het Hogeland", "GRONINGEN", " "],
        email="cor@example.org",
        pattern=preset("ma-di-do").parts,
        today=TODAY,
    )
    assert added.info.naam == "Cor Beide"
    assert added.info.municipalities == ("Groningen", "Het Hogeland")
    assert added.pattern_summary == "ma/di/do 9:00–16:00"
    assert added.patterns[0].part.rule == "FREQ=WEEKLY;BYDAY=MO,TU,TH"
    reg.add_expert(uow, naam="Ada Schade", organisation=Organisation.IMG, today=TODAY)
    listed = reg.list_register(uow, today=TODAY)
    assert [d.info.naam for d in listed] == ["Ada Schade", "Cor Beide"]
    assert listed[0].pattern_summary == "—"
    assert listed[1].info.dual_qualified and listed[1].next_absence is None
    assert "Het Hogeland" in reg.known_municipalities(uow)


def test_expert_fields_are_validated_with_dutch_messages(uow: UnitOfWork) -> None:
    reg.add_expert(uow, naam="Ada Schade", organisation=Organisation.IMG, today=TODAY)
    with pytest.raises(ValidationError, match="al een deskundige") as dup:
        reg.add_expert(uow, naam="ada schade", organisation=Organisation.IMG)
    assert dup.value.field == "naam"
    reg.add_expert(uow, naam="Ada Schade", organisation=Organisation.NCG)  # other organisation
    with pytest.raises(ValidationError) as empty:
        reg.add_expert(uow, naam="  ", organisation=Organisation.IMG)
    assert empty.value.field == "naam"
    with pytest.raises(ValidationError) as bad_rule:
        reg.add_expert(
            uow,
            naam="Dirk Regel",
            organisation=Organisation.IMG,
            pattern=[PatternPart("FREQ=WEEKLY;BYDAY=XY", time(8), time(17))],
        )
    assert bad_rule.value.field == "werkpatroon"
    assert "geen geldige RRULE" in bad_rule.value.reason
    with pytest.raises(ValidationError) as hourly:
        reg.add_expert(
            uow,
            naam="Dirk Regel",
            organisation=Organisation.IMG,
            pattern=[PatternPart("FREQ=HOURLY", time(8), time(17))],
        )
    assert hourly.value.field == "werkpatroon"
    with pytest.raises(ValidationError) as hours:
        reg.add_expert(
            uow,
            naam="Dirk Regel",
            organisation=Organisation.IMG,
            pattern=[weekly([0], time(17), time(8))],
        )
    assert hours.value.field == "werktijden"
    with pytest.raises(ValidationError) as mail:
        reg.add_expert(uow, naam="Eva Post", organisation=Organisation.IMG, email="geen adres")
    assert mail.value.field == "e-mail"
    assert [d.info.naam for d in reg.list_register(uow)] == ["Ada Schade", "Ada Schade"]


def test_edit_keeps_areas_and_reports_appointments_that_no_longer_fit(uow: UnitOfWork) -> None:
    img, ncg = _team(uow)
    reg.edit_expert(uow, img, municipalities=["Groningen", "Eemsdelta"], today=TODAY)
    # swap one municipality, keep the other (the unique constraint must not trip)
    saved = reg.edit_expert(uow, img, municipalities=["groningen", "Midden-Groningen"], today=TODAY)
    assert saved.details.info.municipalities == ("Groningen", "Midden-Groningen")
    assert saved.affected == ()
    d = _dossier(uow)
    option = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals.options[0]
    [booked] = svc.book(uow, d, option)
    # the expert leaves Groningen: the booked appointment no longer fits
    moved_away = reg.edit_expert(uow, img, municipalities=["Eemsdelta"], today=TODAY)
    [affected] = moved_away.affected
    assert affected.appointment_id == booked.id and "Groningen" in affected.reason
    # deactivated: also reported, and no longer offered
    off = reg.edit_expert(uow, ncg, active=False, today=TODAY)
    assert [a.appointment_id for a in off.affected] == [booked.id]
    assert "niet meer actief" in off.affected[0].reason
    assert not off.details.info.active
    renamed = reg.edit_expert(uow, ncg, naam="Bram de Versterker", email="", today=TODAY)
    assert renamed.details.info.naam == "Bram de Versterker"
    assert renamed.details.info.email is None
    with pytest.raises(NotFoundError):
        reg.edit_expert(uow, 999_999, naam="Niemand")


def test_a_new_pattern_from_a_later_date_keeps_the_weeks_before(uow: UnitOfWork) -> None:
    img, _ncg = _team(uow)
    monday = date(2026, 12, 7)
    saved = reg.set_work_pattern(uow, img, preset("ma-di-do").parts, valid_from=monday, today=TODAY)
    assert saved.details.pattern_summary == (
        "ma–vr 8:30–17:00 → vanaf 07-12-2026: ma/di/do 9:00–16:00"
    )
    old = [p for p in saved.details.patterns if p.valid_from < monday]
    assert [p.valid_until for p in old] == [monday - timedelta(days=1)]
    # Friday 4 December still works, Friday 11 December no longer
    d = _dossier(uow)
    found = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals.options
    days = {v.day for p in found for v in p.visits if v.expert_id == img}
    assert all(day < monday or day.weekday() in (0, 1, 3) for day in days)
    # setting it again for the same date replaces it rather than adding to it
    again = reg.set_work_pattern(uow, img, preset("ma-do").parts, valid_from=monday, today=TODAY)
    assert again.details.pattern_summary.endswith("vanaf 07-12-2026: ma–do 8:00–16:30")
    assert len(again.details.patterns) == 2
    with pytest.raises(ValidationError) as past:
        reg.set_work_pattern(uow, img, preset("ma-do").parts, valid_from=date(2026, 1, 1))
    assert past.value.field == "geldig vanaf"
    with pytest.raises(ValidationError):
        reg.set_work_pattern(uow, img, [])


def test_pattern_change_reports_appointments_outside_the_new_hours(uow: UnitOfWork) -> None:
    img, _ncg = _team(uow)
    d = _dossier(uow)
    option = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals.options[0]
    assert option.start.astimezone(AMSTERDAM).time() == time(8, 30)
    [booked] = svc.book(uow, d, option)
    saved = reg.set_work_pattern(uow, img, preset("ma-di-do").parts, today=TODAY)  # from 9:00
    assert [(a.appointment_id, a.reason) for a in saved.affected] == [
        (booked.id, "valt buiten het werkpatroon")
    ]


def test_absence_warns_of_booked_appointments_and_blocks_proposals(uow: UnitOfWork) -> None:
    img, ncg = _team(uow)
    d = _dossier(uow)
    before = svc.propose(uow, d, InspectionForm.SIMULTANEOUS, today=TODAY).proposals
    first = before.options[0]
    assert first.day == date(2026, 11, 30)
    [booked] = svc.book(uow, d, first)
    with pytest.raises(ValidationError) as order:
        reg.add_absence(uow, img, date(2026, 12, 4), date(2026, 11, 30), "verlof")
    assert order.value.field == "tot en met"
    result = reg.add_absence(uow, img, date(2026, 11, 30), date(2026, 12, 4), "  verlof ")
    assert result.absence.reason == "verlof"
    assert (result.absence.first_day, result.absence.last_day) == (
        date(2026, 11, 30),
        date(2026, 12, 4),
    )
    assert result.absence.start == datetime(2026, 11, 30, tzinfo=AMSTERDAM)
    [affected] = result.affected
    assert affected.appointment_id == booked.id and affected.kind is VisitKind.DAMAGE
    assert affected.reason == "afwezig (verlof)"
    # the other expert's calendar is untouched by it
    assert reg.add_absence(uow, ncg, date(2027, 1, 4), date(2027, 1, 4)).affected == ()
    # proposals never fall in the new absence, for any form
    absent = (datetime(2026, 11, 30, tzinfo=AMSTERDAM), datetime(2026, 12, 5, tzinfo=AMSTERDAM))
    other = _dossier(uow)
    for form in (InspectionForm.SIMULTANEOUS, InspectionForm.SEQUENTIAL):
        found = svc.propose(uow, other, form, today=TODAY).proposals
        assert found.options
        for p in found.options:
            for v in p.visits:
                if v.expert_id == img:
                    assert not (v.start < absent[1] and absent[0] < v.end), (form, v)
        assert found.separate_damage is not None
        assert found.separate_damage.start >= absent[1]
    # booking into it is refused
    with pytest.raises(ValidationError, match="afwezig"):
        svc.book(
            uow,
            other,
            svc.explicit_proposal(
                uow,
                InspectionForm.SIMULTANEOUS,
                datetime(2026, 12, 2, 10, tzinfo=AMSTERDAM),
                [img, ncg],
            ),
        )
    # the register shows it; removing it frees the days again
    details = reg.get_expert(uow, img, today=TODAY)
    assert details.next_absence == result.absence
    assert details.next_absence.text == "ma 30-11-2026 t/m vr 04-12-2026"
    assert [a.id for a in reg.list_absences(uow, img, today=TODAY)] == [result.absence.id]
    reg.remove_absence(uow, result.absence.id)
    assert reg.list_absences(uow, img, today=TODAY) == []
    with pytest.raises(NotFoundError):
        reg.remove_absence(uow, result.absence.id)
    again = svc.propose(uow, other, InspectionForm.SIMULTANEOUS, today=TODAY).proposals
    assert again.separate_damage is not None
    assert again.separate_damage.day < date(2026, 12, 5)


def test_absence_bounds(uow: UnitOfWork) -> None:
    img, _ncg = _team(uow)
    with pytest.raises(ValidationError, match="366"):
        reg.add_absence(uow, img, date(2027, 1, 1), date(2028, 6, 1))
    with pytest.raises(ValidationError) as long_reason:
        reg.add_absence(uow, img, date(2027, 1, 1), date(2027, 1, 1), "x" * 61)
    assert long_reason.value.field == "reden"
    with pytest.raises(NotFoundError):
        reg.add_absence(uow, 999_999, date(2027, 1, 1), date(2027, 1, 1))
    one = reg.add_absence(uow, img, date(2027, 1, 4), date(2027, 1, 4), "cursus")
    assert one.absence.text == "ma 04-01-2027"


def test_settings_are_read_updated_and_used(uow: UnitOfWork) -> None:
    _team(uow)
    assert reg.get_settings(uow).damage_minutes == 90
    changed = reg.update_settings(uow, damage_minutes=120, travel_buffer_minutes=45)
    assert (changed.damage_minutes, changed.travel_buffer_minutes) == (120, 45)
    assert changed.strengthening_minutes == 180
    again = reg.update_settings(uow, damage_minutes=100)  # an existing row is updated
    assert reg.get_settings(uow) == again and again.travel_buffer_minutes == 45
    d = _dossier(uow)
    found = svc.propose(uow, d, InspectionForm.SEQUENTIAL, today=TODAY).proposals
    damage = next(v for v in found.options[0].visits if v.kind is VisitKind.DAMAGE)
    assert damage.end - damage.start == timedelta(minutes=100)
    for bad in ({"damage_minutes": 0}, {"combined_minutes": 10_000}, {"travel_buffer_minutes": -5}):
        with pytest.raises(ValidationError, match="minuten van"):
            reg.update_settings(uow, **bad)
    with pytest.raises(ValidationError) as short:
        reg.update_settings(uow, combined_minutes=150)  # shorter than strengthening (180)
    assert short.value.field == "duur gecombineerde opname"
    assert reg.get_settings(uow) == again
