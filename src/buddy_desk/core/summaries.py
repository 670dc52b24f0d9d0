"""Plain, frozen data the services hand to the UI and CLI (never live ORM objects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from buddy_desk.core.address import house_number, street_line
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.event_texts import render, render_value
from buddy_desk.core.phases import AdviceOutcome, FlagKind, ImgPhase, NcgStatus, Organisation


@dataclass(frozen=True, slots=True)
class DossierSummary:
    """One row of the dossier list."""

    id: int
    straat: str
    huisnummer: int
    huisletter: str | None
    toevoeging: str | None
    postcode: str
    woonplaats: str
    gemeente: str | None
    resident: str
    zaaknummers: tuple[str, ...]
    img_phase: ImgPhase | None
    ncg_status: NcgStatus | None
    group: CollaborationGroup | None
    flags: frozenset[FlagKind]
    img_supervisor_id: int | None
    ncg_supervisor_id: int | None
    search_key: str = field(repr=False, compare=False, default="")

    @property
    def number_text(self) -> str:
        return house_number(self.huisnummer, self.huisletter, self.toevoeging)

    @property
    def address_line(self) -> str:
        return street_line(self.straat, self.number_text)

    @property
    def postcode_text(self) -> str:
        return f"{self.postcode[:4]} {self.postcode[4:]}"


@dataclass(frozen=True, slots=True)
class SupervisorInfo:
    id: int
    organisation: Organisation
    role: str
    naam: str
    telefoon: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class ResidentInfo:
    naam: str
    roltype: str
    telefoon: str | None
    email: str | None
    aanhef: str | None = None


@dataclass(frozen=True, slots=True)
class StatusEntry:
    code: str
    datum: date
    toelichting: str | None


@dataclass(frozen=True, slots=True)
class ReportInfo:
    kind: str
    datum: date
    bedrag: Decimal | None
    constructief: bool
    omschrijving: str | None


@dataclass(frozen=True, slots=True)
class CaseInfo:
    id: int
    organisation: Organisation
    identificatie: str
    status: str
    status_date: date | None
    startdatum: date | None
    einddatum: date | None
    urgent: bool
    schadebedrag: Decimal | None
    besluitdatum: date | None
    advies: AdviceOutcome | None
    bijzondere_situatie: str | None
    history: tuple[StatusEntry, ...]
    reports: tuple[ReportInfo, ...]

    @property
    def img_phase(self) -> ImgPhase | None:
        return ImgPhase(self.status) if self.organisation is Organisation.IMG else None

    @property
    def ncg_status(self) -> NcgStatus | None:
        return NcgStatus(self.status) if self.organisation is Organisation.NCG else None

    @property
    def running(self) -> bool:
        if self.organisation is Organisation.IMG:
            return ImgPhase(self.status).is_running
        return NcgStatus(self.status).is_running


@dataclass(frozen=True, slots=True)
class FlagInfo:
    kind: FlagKind
    set_at: datetime
    set_by: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class EventInfo:
    """A timeline event; ``title`` and ``detail`` read in the current language when the event
    was stored as a key with values (older events keep the text they were stored with)."""

    occurred_at: datetime
    organisation: Organisation | None
    kind: str
    stored_title: str
    stored_detail: str | None
    text_key: str | None = None
    params: Mapping[str, Any] | None = None

    @property
    def title(self) -> str:
        return render(self.text_key, self.params, self.stored_title)

    @property
    def detail(self) -> str | None:
        detail = (self.params or {}).get("detail")
        return render_value(detail) if detail is not None else self.stored_detail


@dataclass(frozen=True, slots=True)
class NoteInfo:
    body: str
    updated_at: datetime | None
    updated_by: str | None


@dataclass(frozen=True, slots=True)
class DossierDetail:
    id: int
    straat: str
    number_text: str
    postcode: str
    woonplaats: str
    gemeente: str | None
    residents: tuple[ResidentInfo, ...]
    img_supervisor: SupervisorInfo | None
    ncg_supervisor: SupervisorInfo | None
    img_cases: tuple[CaseInfo, ...]  # newest first; the running one (if any) first
    ncg_case: CaseInfo | None
    group: CollaborationGroup | None
    flags: tuple[FlagInfo, ...]
    events: tuple[EventInfo, ...]  # newest first
    note: NoteInfo

    @property
    def address_line(self) -> str:
        return street_line(self.straat, self.number_text)

    @property
    def postcode_text(self) -> str:
        return f"{self.postcode[:4]} {self.postcode[4:]}"

    @property
    def current_img_case(self) -> CaseInfo | None:
        return self.img_cases[0] if self.img_cases else None

    @property
    def resident_name(self) -> str | None:
        return self.residents[0].naam if self.residents else None
