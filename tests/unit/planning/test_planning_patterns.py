"""Working patterns in planners' words: presets, weekday parsing, summaries, validation."""

from __future__ import annotations

from datetime import time

import pytest

from buddy_desk.planning.patterns import (
    PRESETS,
    PatternError,
    PatternPart,
    check_part,
    days_text,
    matching_preset,
    parse_hours,
    parse_weekdays,
    part_summary,
    summary,
    weekly,
    weekly_days,
)


def test_every_preset_is_a_valid_rule_and_summarises_as_its_label() -> None:
    for preset in PRESETS:
        assert [check_part(p) for p in preset.parts] == list(preset.parts)
        assert summary(preset.parts) == preset.label
        assert matching_preset(preset.parts) == preset


def test_weekdays_and_hours_in_dutch() -> None:
    assert parse_weekdays("ma-vr") == frozenset(range(5))
    assert parse_weekdays("ma/di/do") == frozenset({0, 1, 3})
    assert parse_weekdays("maandag, wo–vr") == frozenset({0, 2, 3, 4})
    assert parse_weekdays("0,6") == frozenset({0, 6})
    assert parse_hours("8.30-17") == (time(8, 30), time(17))
    with pytest.raises(PatternError) as bad_day:
        parse_weekdays("ma,xx")
    assert bad_day.value.field == "werkdagen"
    with pytest.raises(PatternError) as bad_hours:
        parse_hours("9 uur")
    assert bad_hours.value.field == "werktijden"


def test_summaries() -> None:
    assert days_text([0, 1, 2, 4]) == "ma–wo/vr"
    assert days_text([0, 1]) == "ma/di"
    assert part_summary(weekly([4], time(8), time(12, 30), every_weeks=2)) == (
        "om de week vr 8:00–12:30"
    )
    assert part_summary(PatternPart("FREQ=DAILY", time(9), time(17))) == "elke dag 9:00–17:00"
    odd = PatternPart("FREQ=MONTHLY;BYDAY=1MO", time(9), time(12))
    assert part_summary(odd) == "FREQ=MONTHLY;BYDAY=1MO 9:00–12:00"
    assert weekly_days(odd.rule) is None
    assert summary([]) == "—"


@pytest.mark.parametrize(
    ("rule", "start", "end", "field"),
    [
        ("FREQ=WEEKLY;BYDAY=XX", time(8), time(17), "werkpatroon"),
        ("FREQ=MINUTELY", time(8), time(17), "werkpatroon"),
        ("FREQ=WEEKLY\nRDATE:20270101", time(8), time(17), "werkpatroon"),
        ("", time(8), time(17), "werkpatroon"),
        ("FREQ=WEEKLY;BYDAY=MO", time(17), time(8), "werktijden"),
        ("FREQ=WEEKLY;BYDAY=MO", time(5), time(8), "werktijden"),
    ],
)
def test_invalid_parts_name_their_field(rule: str, start: time, end: time, field: str) -> None:
    with pytest.raises(PatternError) as err:
        check_part(PatternPart(rule, start, end))
    assert err.value.field == field


def test_rrule_prefix_is_normalised() -> None:
    part = check_part(PatternPart("RRULE:FREQ=WEEKLY;BYDAY=MO", time(8), time(17)))
    assert part.rule == "FREQ=WEEKLY;BYDAY=MO"
    with pytest.raises(PatternError):
        weekly([], time(8), time(17))
