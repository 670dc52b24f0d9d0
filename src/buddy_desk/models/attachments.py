"""Documents attached to a dossier (inspection reports, advice, photos), stored in the database.

The bytes live in the row (BLOB), so a document travels with the database and its backups,
and is never a loose file on a laptop. Each document has a category (the data-sharing
consent's ``DocumentCategory``) and the organisation it came from: the other organisation
sees it only while the resident's consent covers that category.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.models.base import Base, UtcDateTime


class DossierDocument(Base):
    __tablename__ = "dossier_document"
    __table_args__ = (Index("ix_dossier_document_dossier_date", "dossier_id", "document_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # attachments.rules.DocumentKind
    category: Mapped[str] = mapped_column(String(30))  # choices.rules.DocumentCategory
    organisation: Mapped[str] = mapped_column(String(8))  # whose document it is
    document_date: Mapped[date] = mapped_column(Date)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # loaded only when the document is opened, never with a list of documents
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    added_by: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
