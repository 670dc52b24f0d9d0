"""The two processes' phases, as IMG and NCG name them."""

from __future__ import annotations

from enum import StrEnum


class Organisation(StrEnum):
    IMG = "IMG"
    NCG = "NCG"

    @property
    def other(self) -> Organisation:
        return Organisation.NCG if self is Organisation.IMG else Organisation.IMG


class ImgPhase(StrEnum):
    """IMG damage process, in the status-matrix terms of the evaluation."""

    VOORBEREIDING = "Voorbereiding"
    OPNAME = "Opname"
    ZIENSWIJZE = "Zienswijze"
    BESCHIKKING = "Beschikking"
    UITVOERING = "Uitvoering"
    AFGEROND = "Afgerond"

    @property
    def order(self) -> int:
        return _IMG_ORDER[self]

    @property
    def is_running(self) -> bool:
        return self is not ImgPhase.AFGEROND


class NcgStatus(StrEnum):
    """NCG strengthening status codes."""

    S1_2 = "1.2"
    S2_1 = "2.1"
    S3_1 = "3.1"
    S4_1 = "4.1"
    S4_2 = "4.2"
    S5_1 = "5.1"
    S5_2 = "5.2"
    S6 = "6"

    @property
    def order(self) -> int:
        return _NCG_ORDER[self]

    @property
    def is_running(self) -> bool:
        return self is not NcgStatus.S6

    @classmethod
    def parse(cls, text: str) -> NcgStatus:
        """Accept '2.1', '2,1', '6', '6.0' and a leading label like '2.1 Opname plannen'."""
        code = text.strip().split(" ", 1)[0].replace(",", ".")
        if code in {"6.0", "6.1"}:
            code = "6"
        return cls(code)


# each member's position in its enum, looked up (list(...).index per call was a hot spot)
_IMG_ORDER: dict[ImgPhase, int] = {p: i for i, p in enumerate(ImgPhase)}
_NCG_ORDER: dict[NcgStatus, int] = {s: i for i, s in enumerate(NcgStatus)}

NCG_STATUS_LABELS: dict[NcgStatus, str] = {
    NcgStatus.S1_2: "Op te nemen in lokaal plan van aanpak",
    NcgStatus.S2_1: "Opname plannen",
    NcgStatus.S3_1: "Beoordeling opstellen",
    NcgStatus.S4_1: "Planvorming voorbereiden",
    NcgStatus.S4_2: "Uitvoeringsplan opstellen",
    NcgStatus.S5_1: "Bouw voorbereiden",
    NcgStatus.S5_2: "Bouw uitvoeren",
    NcgStatus.S6: "Afronding",
}


class AdviceOutcome(StrEnum):
    """Outcome of NCG's assessment (3.1), the versterkingsadvies."""

    MEETS_NORM = "voldoet"
    MEASURES = "maatregelen"
    DEMOLITION_NEW_BUILD = "sloop_nieuwbouw"


class FlagKind(StrEnum):
    AOS = "AOS"
    URGENT = "urgent"
    BIJZONDERE_SITUATIE = "bijzondere_situatie"
    SCHRIJNEND = "schrijnend"
    VASTGELOPEN = "vastgelopen"

    @property
    def needs_intervention_team(self) -> bool:
        return self in (FlagKind.SCHRIJNEND, FlagKind.VASTGELOPEN)
