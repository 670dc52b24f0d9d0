"""Attach, list and open a dossier's documents, through the consent rule in ``rules.may_see``.

Opening the other organisation's document is a view of its data: it is written to the access
log like the consent gate's views of the dossier.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import UTC, date, datetime, time

from sqlalchemy import select

from buddy_desk import __version__
from buddy_desk.attachments.rules import (
    CATEGORY,
    DocumentInfo,
    DocumentKind,
    DocumentList,
    check_document,
    may_see,
)
from buddy_desk.choices.rules import Actor, Direction, DocumentCategory
from buddy_desk.choices.service.consent import (
    ACTIVITY_ID,
    CONFIDENTIALITY,
    PROCESSING_NAME,
    RETENTION,
)
from buddy_desk.choices.service.log import consent_state
from buddy_desk.core.phases import Organisation
from buddy_desk.core.summaries import EventInfo
from buddy_desk.errors import BuddyDeskError, NotFoundError
from buddy_desk.models import Dossier
from buddy_desk.models.access_log import AccessLogEntry
from buddy_desk.models.attachments import DossierDocument
from buddy_desk.models.base import utcnow
from buddy_desk.persistence.unit_of_work import UnitOfWork


class DocumentWithheldError(BuddyDeskError):
    """The viewer may not open this document (no consent for its category)."""


def _info(row: DossierDocument) -> DocumentInfo:
    return DocumentInfo(
        id=row.id,
        dossier_id=row.dossier_id,
        kind=DocumentKind(row.kind),
        category=DocumentCategory(row.category),
        organisation=Organisation(row.organisation),
        document_date=row.document_date,
        title=row.title,
        filename=row.filename,
        media_type=row.media_type,
        size=row.size,
        sha256=row.sha256,
        added_by=row.added_by,
        added_at=row.added_at,
    )


def _shared(
    uow: UnitOfWork, dossier_id: int, viewer: Organisation | None
) -> frozenset[DocumentCategory]:
    if viewer is None:
        return frozenset()
    state = consent_state(uow, dossier_id, Direction.towards(viewer))
    if state is None or not state.consent_active:
        return frozenset()
    return frozenset(state.current.categories)


def attach_document(
    uow: UnitOfWork,
    dossier_id: int,
    *,
    kind: DocumentKind,
    title: str,
    document_date: date,
    filename: str,
    data: bytes,
    author: Actor,
    today: date | None = None,
) -> DocumentInfo:
    """Store a document on the dossier, as a document of the author's organisation."""
    if author.organisation is None:
        raise BuddyDeskError("Kies eerst uw organisatie in uw gebruikersprofiel.")
    media = check_document(filename, data, title, document_date, today or date.today())
    name = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    with uow:
        if uow.session.get(Dossier, dossier_id) is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        row = DossierDocument(
            dossier_id=dossier_id,
            kind=kind.value,
            category=CATEGORY[kind].value,
            organisation=author.organisation.value,
            document_date=document_date,
            title=title.strip(),
            filename=name,
            media_type=media,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            added_by=(author.display_name or author.username)[:120],
            added_at=utcnow(),
        )
        uow.session.add(row)
        uow.session.flush()
        info = _info(row)
        uow.commit()
        return info


def list_documents(uow: UnitOfWork, dossier_id: int, viewer: Actor) -> DocumentList:
    """The dossier's documents this viewer may see (without their bytes), newest first."""
    with uow:
        if uow.session.get(Dossier, dossier_id) is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        rows = uow.session.scalars(
            select(DossierDocument)
            .where(DossierDocument.dossier_id == dossier_id)
            .order_by(DossierDocument.document_date.desc(), DossierDocument.id.desc())
        )
        docs = [_info(r) for r in rows]
    shared = _shared(uow, dossier_id, viewer.organisation)
    shown = tuple(d for d in docs if may_see(d, viewer.organisation, shared))
    hidden = len(docs) - len(shown)
    other = viewer.organisation.other if viewer.organisation else None
    return DocumentList(dossier_id, shown, hidden, other if hidden else None)


def timeline_events(uow: UnitOfWork, dossier_id: int, viewer: Actor) -> tuple[EventInfo, ...]:
    """The visible documents as timeline entries (on their document date, at noon)."""
    return tuple(
        EventInfo(
            occurred_at=datetime.combine(d.document_date, time(12), UTC),
            organisation=d.organisation,
            kind="document",
            stored_title=f"Document: {d.title}",
            stored_detail=d.filename,
        )
        for d in list_documents(uow, dossier_id, viewer).documents
    )


def open_document(uow: UnitOfWork, document_id: int, viewer: Actor) -> tuple[DocumentInfo, bytes]:
    """The document and its bytes; refused without consent for its category. A view of the
    other organisation's document is written to the access log."""
    with uow:
        row = uow.session.get(DossierDocument, document_id)
        if row is None:
            raise NotFoundError(f"Document {document_id} bestaat niet.")
        info = _info(row)
        content = bytes(row.content)
    state = (
        consent_state(uow, info.dossier_id, Direction.towards(viewer.organisation))
        if viewer.organisation
        else None
    )
    shared = (
        frozenset(state.current.categories)
        if state is not None and state.consent_active
        else frozenset()
    )
    if not may_see(info, viewer.organisation, shared):
        raise DocumentWithheldError(
            f"Dit document van {info.organisation.value} is afgeschermd: de bewoner heeft geen "
            "toestemming gegeven om dit soort stukken te delen."
        )
    if viewer.organisation is not None and info.organisation is not viewer.organisation:
        assert state is not None
        now = utcnow()
        with uow:
            uow.session.add(
                AccessLogEntry(
                    actie_id=str(uuid.uuid4()),
                    actie_naam="Inzien",
                    handeling_naam="Document van de andere organisatie openen",
                    verwerking_naam=PROCESSING_NAME,
                    verwerking_id=str(uuid.uuid4()),
                    verwerkingsactiviteit_id=ACTIVITY_ID,
                    vertrouwelijkheid=CONFIDENTIALITY,
                    bewaartermijn=RETENTION,
                    uitvoerder=viewer.organisation.value,
                    systeem=f"Buddy Desk {__version__}",
                    gebruiker=viewer.username,
                    gebruiker_rol=viewer.role,
                    gegevensbron=info.organisation.value,
                    doel=(state.current.purpose or "")[:200],
                    tijdstip=now,
                    tijdstip_registratie=now,
                    dossier_id=info.dossier_id,
                    objecttype="document",
                    soorten_gegevens=info.category.value,
                    consent_seq=state.current.seq,
                )
            )
            uow.commit()
    return info, content
