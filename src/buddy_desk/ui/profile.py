"""The user profile: who is signed in, how the title bar names them."""

from __future__ import annotations

import getpass
import re

from buddy_desk.core.phases import Organisation
from buddy_desk.dossiers.profiles import StaffAccount
from buddy_desk.i18n import tr
from buddy_desk.ui.context import UserProfile

ROLES = ("supervisor", "planner", "coordinator")


def role_text(organisation: str | None, role: str | None) -> str:
    """'zaakbegeleider' (IMG supervisor), 'bewonersbegeleider' (NCG supervisor), 'planner'…"""
    if role == "supervisor":
        if organisation == Organisation.NCG.value:
            return tr("role.bewonersbegeleider")
        if organisation == Organisation.IMG.value:
            return tr("role.zaakbegeleider")
        return tr("ui.profile.role.supervisor")
    if role in ROLES:
        return tr(f"ui.profile.role.{role}")
    return ""


def profile_label(profile: UserProfile) -> str:
    """'Anna de Boer (IMG, zaakbegeleider)'."""
    extra = ", ".join(
        p for p in (profile.organisation, role_text(profile.organisation, profile.role)) if p
    )
    return f"{profile.display_name} ({extra})" if extra else profile.display_name


def window_title(profile: UserProfile, db_label: str) -> str:
    return " — ".join((tr("app.title"), profile_label(profile), db_label))


def profile_from_account(account: StaffAccount) -> UserProfile:
    sup = account.supervisor
    return UserProfile(
        username=account.username or slug(sup.naam),
        display_name=sup.naam,
        organisation=sup.organisation.value,
        # the staff record says who is a coordinator (only they may couple buddy pairs)
        role="coordinator" if sup.role == "coordinator" else "supervisor",
        supervisor_id=sup.id,
    )


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", ".", name.lower()).strip(".")[:60] or "gebruiker"


def guest_profile() -> UserProfile:
    """Used until the user fills in the profile (never blocks tests or screenshots)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "gebruiker"
    return UserProfile(username=login, display_name=tr("ui.profile.guest"))
