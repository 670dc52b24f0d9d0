"""Contact moments: valid input, and the other organisation's moments only with consent."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from buddy_desk.core.phases import Organisation
from buddy_desk.errors import ValidationError
from buddy_desk.journal.rules import (
    ContactKind,
    ContactMomentInfo,
    check_moment_time,
    clean_text,
    parse_kind,
    visible_to,
)

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def _m(org: Organisation | None, n: int = 1) -> ContactMomentInfo:
    return ContactMomentInfo(n, 7, NOW, ContactKind.PHONE, org, "x", "gebeld")


def test_bad_input_names_the_field() -> None:
    with pytest.raises(ValidationError, match="soort"):
        parse_kind("fax")
    assert parse_kind(" Telefoon ") is ContactKind.PHONE
    with pytest.raises(ValidationError, match="tekst"):
        clean_text("   ")
    with pytest.raises(ValidationError, match="te lang"):
        clean_text("a" * 1001)
    with pytest.raises(ValidationError, match="toekomst"):
        check_moment_time(NOW + timedelta(hours=1), NOW)


def test_the_other_side_only_with_consent() -> None:
    moments = [_m(Organisation.IMG, 1), _m(Organisation.NCG, 2), _m(None, 3)]
    shown, hidden = visible_to(moments, Organisation.NCG, other_side_shared=False)
    assert [m.id for m in shown] == [2, 3] and hidden == 1
    shown, hidden = visible_to(moments, Organisation.NCG, other_side_shared=True)
    assert [m.id for m in shown] == [1, 2, 3] and hidden == 0
    shown, hidden = visible_to(moments, None, other_side_shared=True)
    assert [m.id for m in shown] == [3] and hidden == 2
