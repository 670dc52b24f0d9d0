"""Staff accounts for the user profile: who is signed in, and their supervisor record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from buddy_desk.core.summaries import SupervisorInfo
from buddy_desk.persistence.unit_of_work import UnitOfWork

if TYPE_CHECKING:  # imported where used: the app starts before the ORM is imported
    from buddy_desk.models import Supervisor


@dataclass(frozen=True, slots=True)
class StaffAccount:
    supervisor: SupervisorInfo
    username: str | None


def _account(sup: Supervisor) -> StaffAccount:
    return StaffAccount(
        SupervisorInfo(sup.id, sup.organisation, sup.role, sup.naam, sup.telefoon, sup.email),
        sup.username,
    )


def list_accounts(uow: UnitOfWork) -> list[StaffAccount]:
    """Active supervisors by organisation and name (for 'link my profile to…')."""
    from buddy_desk.models import Supervisor

    with uow:
        sups = uow.session.scalars(
            select(Supervisor)
            .where(Supervisor.active)
            .order_by(Supervisor.organisation, Supervisor.naam)
        ).all()
        return [_account(s) for s in sups]


def find_account(uow: UnitOfWork, username: str) -> StaffAccount | None:
    """The supervisor with this username (case-insensitive), or None."""
    from buddy_desk.models import Supervisor

    with uow:
        sup = uow.session.scalars(
            select(Supervisor).where(func.lower(Supervisor.username) == username.strip().lower())
        ).first()
        return _account(sup) if sup is not None else None
