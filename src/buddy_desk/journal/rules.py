"""Contact moments: what a valid one is, and which ones a viewer may see (pure).

The other organisation's contact moments are its case details: a viewer sees them only while
the resident's data-sharing consent towards the viewer's organisation is in force and covers
case details (the same rule as the consent gate for the dossier). Moments without an
organisation (a letter from the command line) belong to the dossier as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from buddy_desk.core.phases import Organisation
from buddy_desk.errors import ValidationError

TEXT_MAX = 1000
CLOCK_SKEW = timedelta(minutes=5)


class ContactKind(StrEnum):
    PHONE = "telefoon"
    HOME_VISIT = "huisbezoek"
    KITCHEN_TABLE = "keukentafel"
    EMAIL = "e-mail"
    LETTER = "brief"


@dataclass(frozen=True, slots=True)
class ContactMomentInfo:
    id: int
    dossier_id: int
    occurred_at: datetime
    kind: ContactKind
    organisation: Organisation | None
    author: str
    text: str
    letter_kenmerk: str | None = None
    letter_sha256: str | None = None


@dataclass(frozen=True, slots=True)
class Journal:
    dossier_id: int
    moments: tuple[ContactMomentInfo, ...]  # newest first
    hidden: int  # the other organisation's moments this viewer may not see
    hidden_organisation: Organisation | None


def parse_kind(value: str) -> ContactKind:
    try:
        return ContactKind(value.strip().lower())
    except ValueError:
        kinds = ", ".join(k.value for k in ContactKind)
        raise ValidationError("soort", f"{value!r} is onbekend; kies uit {kinds}.") from None


def clean_text(text: str) -> str:
    """The short text, trimmed; empty or too long is refused with the field named."""
    cleaned = text.strip()
    if not cleaned:
        raise ValidationError("tekst", "schrijf kort wat er besproken is.")
    if len(cleaned) > TEXT_MAX:
        raise ValidationError("tekst", f"te lang ({len(cleaned)} tekens; maximaal {TEXT_MAX}).")
    return cleaned


def check_moment_time(occurred_at: datetime, now: datetime) -> None:
    if occurred_at.tzinfo is None:
        raise ValueError("naive datetime for a contact moment")
    if occurred_at > now + CLOCK_SKEW:
        raise ValidationError("datum", "een contactmoment kan niet in de toekomst liggen.")


def visible_to(
    moments: list[ContactMomentInfo],
    viewer: Organisation | None,
    other_side_shared: bool,
) -> tuple[list[ContactMomentInfo], int]:
    """The moments this viewer may see, and how many of the other side's are hidden."""
    shown: list[ContactMomentInfo] = []
    hidden = 0
    for m in moments:
        joint = m.organisation is None
        if joint or (viewer is not None and (m.organisation is viewer or other_side_shared)):
            shown.append(m)
        else:
            hidden += 1
    return shown, hidden
