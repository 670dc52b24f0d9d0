"""The list's phase and status filters: a combo box's data back as the domain value."""

from __future__ import annotations

import pytest

from buddy_desk.core.phases import ImgPhase, NcgStatus
from buddy_desk.core.search import img_phase_of, ncg_status_of


def test_the_plain_string_qt_hands_back_becomes_the_phase() -> None:
    assert img_phase_of(ImgPhase.OPNAME.value) is ImgPhase.OPNAME
    assert img_phase_of(ImgPhase.OPNAME) is ImgPhase.OPNAME
    assert ncg_status_of(NcgStatus.S4_1.value) is NcgStatus.S4_1
    assert img_phase_of(None) is None and ncg_status_of("") is None


def test_an_unknown_value_fails_loudly() -> None:
    with pytest.raises(ValueError, match="bestaat-niet"):
        img_phase_of("bestaat-niet")
