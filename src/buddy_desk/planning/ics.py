"""iCalendar (RFC 5545) files for inspection appointments, written by hand.

Why by hand and not with the ``icalendar`` package: we write one small, fixed shape (one
VEVENT plus a VTIMEZONE), and the rules that matter (CRLF, folding at 75 octets without
splitting a UTF-8 character, TEXT escaping, UID/SEQUENCE/METHOD) fit in this module; the tests
parse the output back with ``icalendar`` (a test-only dependency) to prove it is valid.

Rules kept here:
- one UID for the life of an appointment; SEQUENCE goes up on every change, so calendar
  programs update the event instead of adding a second one;
- a booking or move is ``METHOD:REQUEST``; a cancellation ``METHOD:CANCEL`` with
  ``STATUS:CANCELLED`` and the same UID, so the event disappears instead of lingering;
- times are Europe/Amsterdam with a VTIMEZONE (the EU rule since 1996);
- privacy: the invite travels by e-mail and lands in shared calendars, so it carries only what
  the expert needs at the door: the address and the dossier reference — no resident name,
  phone number or anything about the damage.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from buddy_desk.planning.calendar import AMSTERDAM

CRLF = "\r\n"
PRODID = "-//Buddy Desk//Gezamenlijke opname//NL"

VTIMEZONE_AMSTERDAM = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Amsterdam",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


@dataclass(frozen=True)
class Person:
    name: str
    email: str | None
    required: bool = True  # the experts must come; the buddy pair is informed


@dataclass(frozen=True)
class IcsEvent:
    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str
    organizer: Person
    attendees: Sequence[Person] = ()
    cancelled: bool = False


def escape_text(value: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def _param(value: str) -> str:
    """A parameter value: quoted, without characters a quoted string cannot hold."""
    return '"' + value.replace('"', "'").replace("\n", " ").replace("\r", " ") + '"'


def fold(line: str) -> str:
    """Fold a content line at 75 octets; never split a UTF-8 character."""
    out: list[str] = []
    current = ""
    size = 0
    limit = 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    out.append(current)
    return CRLF.join(out)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment: datetime) -> str:
    return moment.astimezone(AMSTERDAM).strftime("%Y%m%dT%H%M%S")


def _address(person: Person) -> str:
    return f"mailto:{person.email}" if person.email else "mailto:noreply@invalid"


def build_ics(event: IcsEvent, *, stamp: datetime | None = None) -> str:
    """The whole file as text (CRLF line ends); write it as UTF-8 bytes."""
    method = "CANCEL" if event.cancelled else "REQUEST"
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        *VTIMEZONE_AMSTERDAM,
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"SEQUENCE:{event.sequence}",
        f"DTSTAMP:{_utc(stamp or datetime.now(UTC))}",
        f"DTSTART;TZID=Europe/Amsterdam:{_local(event.start)}",
        f"DTEND;TZID=Europe/Amsterdam:{_local(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"LOCATION:{escape_text(event.location)}",
        f"DESCRIPTION:{escape_text(event.description)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        "CLASS:PRIVATE",
        f"ORGANIZER;CN={_param(event.organizer.name)}:{_address(event.organizer)}",
    ]
    lines += [
        f"ATTENDEE;CN={_param(a.name)};ROLE={'REQ' if a.required else 'OPT'}-PARTICIPANT;"
        f"PARTSTAT=NEEDS-ACTION;RSVP=TRUE:{_address(a)}"
        for a in event.attendees
    ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return CRLF.join(fold(line) for line in lines) + CRLF
