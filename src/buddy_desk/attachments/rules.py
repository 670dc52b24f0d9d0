"""What a document may be, and who may see it (pure).

A document has a kind (what it is) that fixes its category in the data-sharing consent
(``choices.rules.DocumentCategory``), and the organisation it came from. The viewer's own
organisation's documents are always shown; the other organisation's only while the resident's
consent in that direction is in force *and* covers the document's category.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from buddy_desk.choices.rules import DocumentCategory
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import ValidationError
from buddy_desk.i18n import current_language

MAX_BYTES = 20 * 1024 * 1024  # a scanned report; larger files belong in the source system
TITLE_MAX = 200


class DocumentKind(StrEnum):
    DAMAGE_REPORT = "schademelding"
    INSPECTION_REPORT = "opnamerapport"
    ASSESSMENT_REPORT = "adviesrapport"
    DECISION = "besluit"
    STRENGTHENING_ADVICE = "versterkingsadvies"
    BUILDING_PLAN = "bouwplan"
    PHOTO = "foto"
    OTHER = "overig"


CATEGORY: dict[DocumentKind, DocumentCategory] = {
    DocumentKind.DAMAGE_REPORT: DocumentCategory.DAMAGE_REPORT,
    DocumentKind.INSPECTION_REPORT: DocumentCategory.INSPECTION_REPORT,
    DocumentKind.ASSESSMENT_REPORT: DocumentCategory.ASSESSMENT_REPORT,
    DocumentKind.DECISION: DocumentCategory.DECISION,
    DocumentKind.STRENGTHENING_ADVICE: DocumentCategory.STRENGTHENING_ADVICE,
    DocumentKind.BUILDING_PLAN: DocumentCategory.BUILDING_PLAN,
    DocumentKind.PHOTO: DocumentCategory.DAMAGE_REPORT,  # photos of the damage
    DocumentKind.OTHER: DocumentCategory.CASE_DETAILS,
}

# what the file's first bytes must be, per media type (the extension alone is not trusted)
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF-",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
}
EXTENSIONS = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: int
    dossier_id: int
    kind: DocumentKind
    category: DocumentCategory
    organisation: Organisation
    document_date: date
    title: str
    filename: str
    media_type: str
    size: int
    sha256: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentList:
    dossier_id: int
    documents: tuple[DocumentInfo, ...]  # newest first
    hidden: int
    hidden_organisation: Organisation | None


def size_text(size: int) -> str:
    """'20,0 MB' in Dutch, '20.0 MB' in English; at least '1 kB'."""
    if size >= 1024 * 1024:
        text = f"{size / (1024 * 1024):.1f} MB"
        return text.replace(".", ",") if current_language() == "nl" else text
    return f"{max(1, size // 1024)} kB"


def media_type_of(filename: str, data: bytes) -> str:
    """The file's media type from its name, checked against its first bytes."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    media = EXTENSIONS.get(suffix)
    if media is None:
        raise ValidationError(
            "bestand", f"{filename}: alleen PDF, PNG en JPEG kunnen worden toegevoegd."
        )
    if not data.startswith(SIGNATURES[media]):
        raise ValidationError("bestand", f"{filename}: de inhoud is geen {suffix[1:].upper()}.")
    return media


def check_document(filename: str, data: bytes, title: str, document_date: date, today: date) -> str:
    """Validate an upload; returns its media type. Every refusal names field and file."""
    if not data:
        raise ValidationError("bestand", f"{filename}: het bestand is leeg.")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            "bestand",
            f"{filename} is {size_text(len(data))}; het maximum is {size_text(MAX_BYTES)}. "
            "Verklein de scan of laat het document in het bronsysteem.",
        )
    if not title.strip():
        raise ValidationError("titel", "geef het document een korte titel.")
    if len(title.strip()) > TITLE_MAX:
        raise ValidationError("titel", f"te lang (maximaal {TITLE_MAX} tekens).")
    if document_date > today:
        raise ValidationError("datum", "de datum van het document ligt in de toekomst.")
    return media_type_of(filename, data)


def may_see(
    doc: DocumentInfo, viewer: Organisation | None, shared: frozenset[DocumentCategory]
) -> bool:
    """``shared``: the categories the consent towards the viewer covers (empty: none)."""
    if viewer is None:
        return False
    return doc.organisation is viewer or doc.category in shared
