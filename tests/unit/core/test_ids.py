"""Sync identities: random for a row made by hand, derived from a name for the demo's rows."""

from __future__ import annotations

import re

from buddy_desk.core.ids import derived_uuid, new_uuid


def test_a_new_uuid_is_32_hex_digits_and_never_repeats() -> None:
    made = {new_uuid() for _ in range(100)}
    assert len(made) == 100
    assert all(re.fullmatch(r"[0-9a-f]{32}", u) for u in made)


def test_a_derived_uuid_is_the_same_for_the_same_name_in_every_version() -> None:
    # the demo's first signal for seed 7: laptops and servers made from the same seed agree
    assert derived_uuid("buddy-desk-demo:7:signal:0") == "88197758e80f50d8a4cddd77068d7af9"
    assert derived_uuid("buddy-desk-demo:7:signal:1") != derived_uuid("buddy-desk-demo:8:signal:1")
