"""Which files may be attached, with a clear message, and who may see them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from buddy_desk.attachments.rules import (
    MAX_BYTES,
    DocumentInfo,
    DocumentKind,
    check_document,
    may_see,
)
from buddy_desk.choices.rules import DocumentCategory
from buddy_desk.core.phases import Organisation
from buddy_desk.errors import ValidationError

TODAY = date(2026, 11, 26)
PDF = b"%PDF-1.4\n..."


def test_size_limit_and_content_are_checked_with_the_file_named() -> None:
    assert check_document("rapport.pdf", PDF, "Opname", TODAY, TODAY) == "application/pdf"
    with pytest.raises(ValidationError, match=r"groot\.pdf is 20,0 MB; het maximum is 20,0 MB"):
        check_document("groot.pdf", b"%PDF-" + b"0" * MAX_BYTES, "x", TODAY, TODAY)
    with pytest.raises(ValidationError, match="alleen PDF, PNG en JPEG"):
        check_document("notities.docx", b"PK..", "x", TODAY, TODAY)
    with pytest.raises(ValidationError, match="geen PNG"):
        check_document("foto.png", PDF, "x", TODAY, TODAY)
    with pytest.raises(ValidationError, match="titel"):
        check_document("rapport.pdf", PDF, "  ", TODAY, TODAY)
    with pytest.raises(ValidationError, match="toekomst"):
        check_document("rapport.pdf", PDF, "x", date(2027, 1, 1), TODAY)


def _doc(org: Organisation, kind: DocumentKind, category: DocumentCategory) -> DocumentInfo:
    return DocumentInfo(
        1,
        7,
        kind,
        category,
        org,
        TODAY,
        "t",
        "t.pdf",
        "application/pdf",
        10,
        "0" * 64,
        "x",
        datetime(2026, 11, 26, tzinfo=UTC),
    )


def test_the_other_side_sees_a_document_only_if_the_consent_covers_its_category() -> None:
    report = _doc(
        Organisation.IMG, DocumentKind.ASSESSMENT_REPORT, DocumentCategory.ASSESSMENT_REPORT
    )
    assert may_see(report, Organisation.IMG, frozenset())
    assert not may_see(report, Organisation.NCG, frozenset({DocumentCategory.CASE_DETAILS}))
    assert may_see(report, Organisation.NCG, frozenset({DocumentCategory.ASSESSMENT_REPORT}))
    assert not may_see(report, None, frozenset(DocumentCategory))


def test_a_size_is_written_with_the_languages_decimal_mark() -> None:
    from buddy_desk.attachments.rules import MAX_BYTES, size_text
    from buddy_desk.i18n import in_language

    with in_language("nl"):
        assert size_text(MAX_BYTES) == "20,0 MB"
        assert size_text(300) == "1 kB"
    with in_language("en"):
        assert size_text(MAX_BYTES) == "20.0 MB"
        assert size_text(3 * 1024 * 1024 // 2) == "1.5 MB"
