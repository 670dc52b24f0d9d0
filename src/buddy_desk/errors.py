"""The project's exception types. The UI and the CLI turn them into clear messages."""

from __future__ import annotations


class BuddyDeskError(Exception):
    """Base class: a problem with a message meant for the user."""


class ValidationError(BuddyDeskError, ValueError):
    """A value that does not meet the rules of its field."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class DatabaseError(BuddyDeskError):
    """The database cannot be opened or used; the message names it and says what to do."""


class NotFoundError(BuddyDeskError):
    """A dossier, case or other record that does not exist."""
