from __future__ import annotations

import pytest

from buddy_desk.core.inspection import VisitKind, qualified_for
from buddy_desk.core.phases import Organisation


@pytest.mark.parametrize(
    ("org", "dual", "kind", "allowed"),
    [
        (Organisation.IMG, False, VisitKind.DAMAGE, True),
        (Organisation.IMG, False, VisitKind.STRENGTHENING, False),
        (Organisation.NCG, False, VisitKind.STRENGTHENING, True),
        (Organisation.NCG, False, VisitKind.DAMAGE, False),
        (Organisation.IMG, False, VisitKind.COMBINED, False),
        (Organisation.NCG, True, VisitKind.COMBINED, True),
    ],
)
def test_who_may_inspect_what(
    org: Organisation, dual: bool, kind: VisitKind, allowed: bool
) -> None:
    assert qualified_for(org, dual, kind) is allowed
