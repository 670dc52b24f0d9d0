"""Synthetic dossiers for the letter tests (no database): every group and the gaps."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import AdviceOutcome, FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.core.summaries import (
    CaseInfo,
    DossierDetail,
    FlagInfo,
    NoteInfo,
    ReportInfo,
    ResidentInfo,
    StatusEntry,
    SupervisorInfo,
)

TODAY = date(2026, 11, 26)

# One (NCG status, IMG phase) pair per collaboration group.
GROUP_PHASES: dict[CollaborationGroup, tuple[NcgStatus, ImgPhase]] = {
    CollaborationGroup.A: (NcgStatus.S1_2, ImgPhase.ZIENSWIJZE),
    CollaborationGroup.B: (NcgStatus.S2_1, ImgPhase.OPNAME),
    CollaborationGroup.C: (NcgStatus.S2_1, ImgPhase.BESCHIKKING),
    CollaborationGroup.D: (NcgStatus.S3_1, ImgPhase.VOORBEREIDING),
    CollaborationGroup.E: (NcgStatus.S4_1, ImgPhase.OPNAME),
    CollaborationGroup.F: (NcgStatus.S5_2, ImgPhase.UITVOERING),
}

IMG_BUDDY = SupervisorInfo(
    1, Organisation.IMG, "zaakbegeleider", "Sanne Bakker", "06-11122233", "s.bakker@example.org"
)
NCG_BUDDY = SupervisorInfo(
    2,
    Organisation.NCG,
    "bewonersbegeleider",
    "Pieter Mulder",
    "06-44455566",
    "p.mulder@example.org",
)


def img_case(
    phase: ImgPhase | str,
    *,
    amount: Decimal | None = Decimal("4350.00"),
    decided: date | None = None,
    ident: str = "IMG-0012345",
) -> CaseInfo:
    status = phase.value if isinstance(phase, ImgPhase) else phase
    return CaseInfo(
        id=11,
        organisation=Organisation.IMG,
        identificatie=ident,
        status=status,
        status_date=date(2026, 9, 14),
        startdatum=date(2026, 5, 2),
        einddatum=None,
        urgent=False,
        schadebedrag=amount,
        besluitdatum=decided,
        advies=None,
        bijzondere_situatie=None,
        history=(StatusEntry(status, date(2026, 9, 14), None),),
        reports=(
            ReportInfo("melding", date(2026, 5, 2), None, False, None),
            ReportInfo("adviesrapport", date(2026, 9, 1), amount, False, None),
        ),
    )


def ncg_case(status: NcgStatus | str, advies: AdviceOutcome | None = None) -> CaseInfo:
    code = status.value if isinstance(status, NcgStatus) else status
    return CaseInfo(
        id=12,
        organisation=Organisation.NCG,
        identificatie="NCG-004711",
        status=code,
        status_date=date(2026, 6, 3),
        startdatum=date(2023, 1, 10),
        einddatum=None,
        urgent=False,
        schadebedrag=None,
        besluitdatum=None,
        advies=advies,
        bijzondere_situatie=None,
        history=(StatusEntry(code, date(2026, 6, 3), None),),
        reports=(),
    )


def detail(
    *,
    img: CaseInfo | None = None,
    ncg: CaseInfo | None = None,
    residents: tuple[ResidentInfo, ...] = (
        ResidentInfo("J.A. de Vries", "eigenaar", None, None, "mevrouw"),
    ),
    img_buddy: SupervisorInfo | None = IMG_BUDDY,
    ncg_buddy: SupervisorInfo | None = NCG_BUDDY,
    flags: tuple[FlagKind, ...] = (),
    dossier_id: int = 123,
) -> DossierDetail:
    img_phase = None
    ncg_status = None
    try:
        img_phase = ImgPhase(img.status) if img else None
        ncg_status = NcgStatus(ncg.status) if ncg else None
    except ValueError:
        pass
    return DossierDetail(
        id=dossier_id,
        straat="Hoofdweg",
        number_text="12a",
        postcode="9611AB",
        woonplaats="Sappemeer",
        gemeente="Midden-Groningen",
        residents=residents,
        img_supervisor=img_buddy,
        ncg_supervisor=ncg_buddy,
        img_cases=(img,) if img else (),
        ncg_case=ncg,
        group=collaboration_group(ncg_status, img_phase),
        flags=tuple(FlagInfo(k, datetime(2026, 1, 1, tzinfo=UTC), None, None) for k in flags),
        events=(),
        note=NoteInfo("", None, None),
    )


def group_detail(group: CollaborationGroup, **kwargs: object) -> DossierDetail:
    status, phase = GROUP_PHASES[group]
    advies = AdviceOutcome.MEASURES if status.order >= NcgStatus.S4_1.order else None
    return detail(img=img_case(phase), ncg=ncg_case(status, advies), **kwargs)  # type: ignore[arg-type]
