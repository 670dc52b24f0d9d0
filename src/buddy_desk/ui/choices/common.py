"""Small pieces the choice-log UI shares: who the user is, where to save a file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from buddy_desk.choices.rules import Actor
from buddy_desk.core.phases import Organisation
from buddy_desk.ui.context import UserProfile


def viewer_of(user: UserProfile) -> Actor:
    """The user profile as the Qt-free services know it (an unknown organisation → None)."""
    org = user.organisation if user.organisation in {o.value for o in Organisation} else None
    return Actor(
        username=user.username,
        display_name=user.display_name,
        organisation=Organisation(org) if org else None,
        role=user.role,
    )


def ask_save_path(parent: QWidget, title: str, suggested: str, pattern: str) -> Path | None:
    """Ask where to save; None when cancelled. Tests replace this function."""
    from buddy_desk.ui.file_dialogs import ask_save_file  # not on the start-up path

    return ask_save_file(parent, title, str(Path.home() / suggested), pattern)
