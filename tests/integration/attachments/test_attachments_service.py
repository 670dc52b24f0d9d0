"""Documents on a dossier: stored in the database, gated per category, opening logged."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from buddy_desk.attachments.rules import DocumentKind
from buddy_desk.attachments.service import (
    DocumentWithheldError,
    attach_document,
    list_documents,
    open_document,
    timeline_events,
)
from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.consent import access_log
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.persistence.unit_of_work import UnitOfWork
from tests.factories import make_dossier

IMG = Actor("ineke", "Ineke Zaak", Organisation.IMG, "supervisor")
NCG = Actor("bert", "Bert Bewoner", Organisation.NCG, "supervisor")
PDF = b"%PDF-1.4\n% rapport\n"


def _consent(uow: UnitOfWork, d: int, categories: tuple[DocumentCategory, ...]) -> None:
    record_choice(
        uow,
        d,
        NewChoice(
            ChoiceType.DATA_SHARING,
            "gegeven",
            Channel.KITCHEN_TABLE,
            datetime(2026, 11, 1, tzinfo=UTC),
            direction=Direction.IMG_TO_NCG,
            purpose="samen",
            categories=categories,
            method=ConsentMethod.VERBAL,
        ),
        NCG,
    )


def test_documents_are_gated_per_category_over_list_timeline_and_open(uow: UnitOfWork) -> None:
    d = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1)
    report = attach_document(
        uow,
        d,
        kind=DocumentKind.INSPECTION_REPORT,
        title="Opnamerapport schade",
        document_date=date(2026, 10, 1),
        filename="C:\\scans\\opname.pdf",
        data=PDF,
        author=IMG,
    )
    assert report.filename == "opname.pdf" and report.size == len(PDF)
    assert [x.id for x in list_documents(uow, d, IMG).documents] == [report.id]
    seen = list_documents(uow, d, NCG)
    assert seen.documents == () and seen.hidden == 1
    assert timeline_events(uow, d, NCG) == ()
    with pytest.raises(DocumentWithheldError):
        open_document(uow, report.id, NCG)
    _consent(uow, d, (DocumentCategory.CASE_DETAILS,))  # not the inspection report
    assert list_documents(uow, d, NCG).hidden == 1
    _consent(uow, d, (DocumentCategory.CASE_DETAILS, DocumentCategory.INSPECTION_REPORT))
    assert [x.id for x in list_documents(uow, d, NCG).documents] == [report.id]
    [event] = timeline_events(uow, d, NCG)
    assert event.title == "Document: Opnamerapport schade"
    info, content = open_document(uow, report.id, NCG)
    assert content == PDF and info.sha256 == report.sha256
    [logged] = [
        r for r in access_log(uow, dossier_id=d) if r.soorten_gegevens == ("opnamerapport",)
    ]
    assert logged.gebruiker == "bert" and logged.gegevensbron == "IMG"
