"""The project's exception types. The UI and the CLI turn them into clear messages."""

from __future__ import annotations

from datetime import datetime


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


class NoteConflictError(BuddyDeskError):
    """Someone else saved the conversation notes after the editor loaded them.

    Nothing was written; the other text and who saved it when travel along so the user can
    choose what to keep.
    """

    def __init__(
        self,
        dossier_id: int,
        body: str,
        updated_at: datetime,
        updated_by: str | None,
        updated_by_name: str | None = None,
    ) -> None:
        who = updated_by_name or updated_by or "een collega"
        super().__init__(
            f"De notities van dossier {dossier_id} zijn intussen gewijzigd door {who}."
        )
        self.dossier_id = dossier_id
        self.body = body
        self.updated_at = updated_at
        self.updated_by = updated_by
        self.updated_by_name = updated_by_name
