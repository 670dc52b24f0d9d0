"""Sync identities: the uuid (32 hex digits) that names a row to every laptop and the server.

A row made by hand gets a random one; a row the demo makes gets one derived from a name (its
seed, table and number), so the same seed gives the same uuids without drawing from the
demo's random stream.
"""

from __future__ import annotations

import uuid


def new_uuid() -> str:
    """A random uuid."""
    return uuid.uuid4().hex


def derived_uuid(name: str) -> str:
    """The uuid of ``name``: always the same for the same name (uuid5)."""
    return uuid.uuid5(uuid.NAMESPACE_URL, name).hex
