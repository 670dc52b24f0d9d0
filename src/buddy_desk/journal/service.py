"""The contact journal's use cases: add a moment, read the journal as a viewer, record a letter.

``journal(uow, dossier_id, viewer)`` applies the consent rule in ``rules.visible_to`` with the
resident's current consent (``choices.service.log.consent_state``): the CLI, the dossier tab
and anything else reading the journal go through here.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from buddy_desk.choices.rules import Actor, Direction, DocumentCategory
from buddy_desk.choices.service.log import consent_state
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import NotFoundError
from buddy_desk.journal.rules import (
    ContactKind,
    ContactMomentInfo,
    Journal,
    check_moment_time,
    clean_text,
    visible_to,
)
from buddy_desk.models import Dossier, Supervisor
from buddy_desk.models.base import utcnow
from buddy_desk.models.journal import ContactMoment
from buddy_desk.persistence.unit_of_work import UnitOfWork

LETTER_SENDER_UNKNOWN = "Buddy Desk (opdrachtregel)"


def _info(row: ContactMoment) -> ContactMomentInfo:
    return ContactMomentInfo(
        id=row.id,
        dossier_id=row.dossier_id,
        occurred_at=row.occurred_at,
        kind=ContactKind(row.kind),
        organisation=Organisation(row.organisation) if row.organisation else None,
        author=row.author,
        text=row.text,
        letter_kenmerk=row.letter_kenmerk,
        letter_sha256=row.letter_sha256,
    )


def _require_dossier(uow: UnitOfWork, dossier_id: int) -> None:
    if uow.session.get(Dossier, dossier_id) is None:
        raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")


def viewer_for(uow: UnitOfWork, username: str) -> Actor | None:
    """The supervisor with this username as a viewer (their organisation opens the gate)."""
    with uow:
        sup = uow.session.scalars(
            select(Supervisor).where(func.lower(Supervisor.username) == username.strip().lower())
        ).first()
        if sup is None:
            return None
        return Actor(
            username=sup.username or username,
            display_name=sup.naam,
            organisation=Organisation(sup.organisation),
            role="supervisor",
        )


def add_contact(
    uow: UnitOfWork,
    dossier_id: int,
    kind: ContactKind,
    text: str,
    author: Actor,
    occurred_at: datetime | None = None,
) -> ContactMomentInfo:
    """Record a contact moment by ``author`` (their organisation is stored with it)."""
    now = utcnow()
    when = occurred_at or now
    check_moment_time(when, now)
    cleaned = clean_text(text)
    with uow:
        _require_dossier(uow, dossier_id)
        row = ContactMoment(
            dossier_id=dossier_id,
            occurred_at=when,
            kind=kind.value,
            organisation=author.organisation.value if author.organisation else None,
            author=(author.display_name or author.username)[:120],
            text=cleaned,
            recorded_at=now,
        )
        uow.session.add(row)
        uow.session.flush()
        info = _info(row)
        uow.commit()
        return info


def _other_side_shared(uow: UnitOfWork, dossier_id: int, viewer: Organisation | None) -> bool:
    if viewer is None:
        return False
    state = consent_state(uow, dossier_id, Direction.towards(viewer))
    return (
        state is not None
        and state.consent_active
        and DocumentCategory.CASE_DETAILS in state.current.categories
    )


def journal(uow: UnitOfWork, dossier_id: int, viewer: Actor) -> Journal:
    """The dossier's contact moments this viewer may see, newest first."""
    with uow:
        _require_dossier(uow, dossier_id)
        rows = uow.session.scalars(
            select(ContactMoment)
            .where(ContactMoment.dossier_id == dossier_id)
            .order_by(ContactMoment.occurred_at.desc(), ContactMoment.id.desc())
        )
        moments = [_info(r) for r in rows]
    shared = _other_side_shared(uow, dossier_id, viewer.organisation)
    shown, hidden = visible_to(moments, viewer.organisation, shared)
    other = viewer.organisation.other if viewer.organisation else None
    return Journal(dossier_id, tuple(shown), hidden, other if hidden else None)


def record_letters_sent(
    uow: UnitOfWork,
    letters: Sequence[tuple[int, str, str]],
    sender: Actor | None,
    text: str,
) -> int:
    """One ``brief`` moment per (dossier id, kenmerk, sha256): the letter, when, by whom and
    the PDF's fingerprint. Part of the letter's save: a failure here raises."""
    now = utcnow()
    author = (sender.display_name or sender.username) if sender else LETTER_SENDER_UNKNOWN
    org = sender.organisation.value if sender and sender.organisation else None
    with uow:
        uow.session.add_all(
            ContactMoment(
                dossier_id=dossier_id,
                occurred_at=now,
                kind=ContactKind.LETTER.value,
                organisation=org,
                author=author[:120],
                text=text.format(kenmerk=kenmerk)[:1000],
                letter_kenmerk=kenmerk,
                letter_sha256=sha256,
                recorded_at=now,
            )
            for dossier_id, kenmerk, sha256 in letters
        )
        uow.commit()
    return len(letters)
