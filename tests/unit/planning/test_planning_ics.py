"""iCalendar output: valid RFC 5545 that parses back, folded, escaped, UID/SEQUENCE/METHOD."""

from __future__ import annotations

from datetime import UTC, datetime

import icalendar

from buddy_desk.planning.calendar import AMSTERDAM
from buddy_desk.planning.ics import IcsEvent, Person, build_ics, escape_text, fold


def _event(**kw: object) -> IcsEvent:
    base: dict[str, object] = {
        "uid": "0f9a-test@buddy-desk",
        "sequence": 0,
        "start": datetime(2026, 12, 3, 10, 0, tzinfo=AMSTERDAM),
        "end": datetime(2026, 12, 3, 14, 0, tzinfo=AMSTERDAM),
        "summary": "Opname IMG-0000001, NCG-000001 (gelijktijdig)",
        "location": "Teststraat 12a, 9712 AB Groningen",
        "description": "Gelijktijdig; twee deskundigen\n10:00–11:30 schade: Deskundige Één",
        "organizer": Person("Planning", "planning@example.org"),
        "attendees": (Person("Deskundige Één (IMG)", "een@example.org"),),
    }
    base.update(kw)
    return IcsEvent(**base)  # type: ignore[arg-type]


def test_request_parses_back_with_timezone() -> None:
    text = build_ics(_event(), stamp=datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    cal = icalendar.Calendar.from_ical(text)
    assert cal["METHOD"] == "REQUEST"
    assert [c.name for c in cal.subcomponents] == ["VTIMEZONE", "VEVENT"]
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == "0f9a-test@buddy-desk"
    assert int(str(event["SEQUENCE"])) == 0
    start = event.decoded("DTSTART")
    assert start == datetime(2026, 12, 3, 10, 0, tzinfo=AMSTERDAM)
    assert start.utcoffset().total_seconds() == 3600
    assert str(event["LOCATION"]) == "Teststraat 12a, 9712 AB Groningen"
    assert "\n10:00–11:30 schade" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"


def test_summer_time_offset() -> None:
    text = build_ics(
        _event(
            start=datetime(2026, 6, 1, 9, 0, tzinfo=AMSTERDAM),
            end=datetime(2026, 6, 1, 10, 30, tzinfo=AMSTERDAM),
        )
    )
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert "DTSTART;TZID=Europe/Amsterdam:20260601T090000" in text
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 6, 1, 7, 0, tzinfo=UTC)


def test_cancellation_keeps_uid_and_says_cancel() -> None:
    text = build_ics(_event(sequence=2, cancelled=True))
    cal = icalendar.Calendar.from_ical(text)
    event = cal.walk("VEVENT")[0]
    assert cal["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["UID"]) == "0f9a-test@buddy-desk"
    assert int(str(event["SEQUENCE"])) == 2


def test_crlf_and_folding_at_75_octets() -> None:
    long_text = "Één lange omschrijving met ë en ü; " * 12
    text = build_ics(_event(description=long_text))
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")  # no character split across lines
    event = icalendar.Calendar.from_ical(text).walk("VEVENT")[0]
    assert str(event["DESCRIPTION"]) == long_text


def test_escaping() -> None:
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    assert fold("x" * 75) == "x" * 75
    assert fold("x" * 76) == "x" * 75 + "\r\n x"


def test_no_resident_data_in_the_invite() -> None:
    text = build_ics(_event())
    assert "Jansen" not in text and "06-" not in text
