"""Loading the dossier list and one dossier; saving the conversation notes."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from buddy_desk.domain.collaboration import collaboration_group
from buddy_desk.domain.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.domain.search import search_key
from buddy_desk.domain.summaries import (
    CaseInfo,
    DossierDetail,
    DossierSummary,
    EventInfo,
    FlagInfo,
    NoteInfo,
    ReportInfo,
    ResidentInfo,
    StatusEntry,
    SupervisorInfo,
)
from buddy_desk.errors import NotFoundError
from buddy_desk.models import (
    Address,
    Case,
    ConversationNote,
    Dossier,
    DossierFlag,
    DossierResident,
    Person,
    Supervisor,
    TimelineEvent,
)
from buddy_desk.models.base import utcnow
from buddy_desk.persistence.unit_of_work import UnitOfWork


def person_name(
    voorletters: str | None, tussenvoegsel: str | None, achternaam: str, voornaam: str | None = None
) -> str:
    first = voorletters or voornaam
    return " ".join(p for p in (first, tussenvoegsel, achternaam) if p)


def _img_rank(status: str, startdatum: date | None) -> tuple[bool, date]:
    """The case the dossier shows first: a running one, then the most recent."""
    return (ImgPhase(status).is_running, startdatum or date.min)


def load_summaries(uow: UnitOfWork) -> list[DossierSummary]:
    """Every dossier as a list row, in four flat queries (fast for ~30,000 dossiers)."""
    with uow:
        s = uow.session
        cases: dict[int, list[tuple[str, str, str, date | None]]] = defaultdict(list)
        for dossier_id, org, ident, status, start in s.execute(
            select(
                Case.dossier_id, Case.organisation, Case.identificatie, Case.status, Case.startdatum
            )
        ):
            cases[dossier_id].append((org, ident, status, start))
        names: dict[int, list[str]] = defaultdict(list)
        for dossier_id, vl, tv, an, vn in s.execute(
            select(
                DossierResident.dossier_id,
                Person.voorletters,
                Person.tussenvoegsel,
                Person.achternaam,
                Person.voornaam,
            )
            .join(Person, Person.id == DossierResident.person_id)
            .order_by(
                DossierResident.dossier_id, DossierResident.primary.desc(), DossierResident.id
            )
        ):
            names[dossier_id].append(person_name(vl, tv, an, vn))
        flags: dict[int, set[FlagKind]] = defaultdict(set)
        for dossier_id, kind in s.execute(
            select(DossierFlag.dossier_id, DossierFlag.kind).where(DossierFlag.active)
        ):
            flags[dossier_id].add(kind)
        rows: list[DossierSummary] = []
        for d_id, img_sup, ncg_sup, straat, nr, letter, toev, pc, wp, gem in s.execute(
            select(
                Dossier.id,
                Dossier.img_supervisor_id,
                Dossier.ncg_supervisor_id,
                Address.straat,
                Address.huisnummer,
                Address.huisletter,
                Address.huisnummertoevoeging,
                Address.postcode,
                Address.woonplaats,
                Address.gemeente,
            ).join(Address, Address.id == Dossier.address_id)
        ):
            img = [c for c in cases.get(d_id, ()) if c[0] == Organisation.IMG]
            ncg = [c for c in cases.get(d_id, ()) if c[0] == Organisation.NCG]
            img.sort(key=lambda c: _img_rank(c[2], c[3]), reverse=True)
            img_phase = ImgPhase(img[0][2]) if img else None
            ncg_status = NcgStatus(ncg[0][2]) if ncg else None
            number = f"{nr}{letter or ''}" + (f"-{toev}" if toev else "")
            zaaknummers = tuple(c[1] for c in img) + tuple(c[1] for c in ncg)
            resident_names = names.get(d_id, [])
            rows.append(
                DossierSummary(
                    id=d_id,
                    straat=straat,
                    huisnummer=nr,
                    huisletter=letter,
                    toevoeging=toev,
                    postcode=pc,
                    woonplaats=wp,
                    gemeente=gem,
                    resident=resident_names[0] if resident_names else "",
                    zaaknummers=zaaknummers,
                    img_phase=img_phase,
                    ncg_status=ncg_status,
                    group=collaboration_group(ncg_status, img_phase),
                    flags=frozenset(flags.get(d_id, ())),
                    img_supervisor_id=img_sup,
                    ncg_supervisor_id=ncg_sup,
                    search_key=search_key(straat, number, pc, wp, resident_names, zaaknummers),
                )
            )
        return rows


def _supervisor(sup: Supervisor | None) -> SupervisorInfo | None:
    if sup is None:
        return None
    return SupervisorInfo(sup.id, sup.organisation, sup.role, sup.naam, sup.telefoon, sup.email)


def _case_info(case: Case) -> CaseInfo:
    return CaseInfo(
        id=case.id,
        organisation=case.organisation,
        identificatie=case.identificatie,
        status=case.status,
        status_date=case.status_date,
        startdatum=case.startdatum,
        einddatum=case.einddatum,
        urgent=case.urgent,
        schadebedrag=case.schadebedrag,
        besluitdatum=case.besluitdatum,
        advies=case.advies,
        bijzondere_situatie=case.bijzondere_situatie,
        history=tuple(StatusEntry(st.code, st.datum, st.toelichting) for st in case.statuses),
        reports=tuple(
            ReportInfo(r.kind, r.datum, r.bedrag, r.constructief, r.omschrijving)
            for r in case.reports
        ),
    )


def get_dossier(uow: UnitOfWork, dossier_id: int) -> DossierDetail:
    with uow:
        s = uow.session
        dossier = s.scalars(
            select(Dossier)
            .where(Dossier.id == dossier_id)
            .options(
                selectinload(Dossier.address),
                selectinload(Dossier.img_supervisor),
                selectinload(Dossier.ncg_supervisor),
                selectinload(Dossier.cases).selectinload(Case.statuses),
                selectinload(Dossier.cases).selectinload(Case.reports),
                selectinload(Dossier.residents).selectinload(DossierResident.person),
                selectinload(Dossier.flags),
                selectinload(Dossier.events),
            )
        ).one_or_none()
        if dossier is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        note = s.scalars(
            select(ConversationNote).where(ConversationNote.dossier_id == dossier_id)
        ).one_or_none()
        img_cases = sorted(
            (c for c in dossier.cases if c.organisation is Organisation.IMG),
            key=lambda c: _img_rank(c.status, c.startdatum),
            reverse=True,
        )
        ncg_cases = [c for c in dossier.cases if c.organisation is Organisation.NCG]
        img_infos = tuple(_case_info(c) for c in img_cases)
        ncg_info = _case_info(ncg_cases[0]) if ncg_cases else None
        a = dossier.address
        residents = tuple(
            ResidentInfo(
                person_name(
                    r.person.voorletters,
                    r.person.tussenvoegsel,
                    r.person.achternaam,
                    r.person.voornaam,
                ),
                r.roltype,
                r.person.telefoon,
                r.person.email,
                r.person.aanhef,
            )
            for r in sorted(dossier.residents, key=lambda r: (not r.primary, r.id))
        )
        number = f"{a.huisnummer}{a.huisletter or ''}" + (
            f"-{a.huisnummertoevoeging}" if a.huisnummertoevoeging else ""
        )
        return DossierDetail(
            id=dossier.id,
            straat=a.straat,
            number_text=number,
            postcode=a.postcode,
            woonplaats=a.woonplaats,
            gemeente=a.gemeente,
            residents=residents,
            img_supervisor=_supervisor(dossier.img_supervisor),
            ncg_supervisor=_supervisor(dossier.ncg_supervisor),
            img_cases=img_infos,
            ncg_case=ncg_info,
            group=collaboration_group(
                ncg_info.ncg_status if ncg_info else None,
                img_infos[0].img_phase if img_infos else None,
            ),
            flags=tuple(
                FlagInfo(f.kind, f.set_at, f.set_by, f.note) for f in dossier.flags if f.active
            ),
            events=tuple(
                EventInfo(e.occurred_at, e.organisation, e.kind, e.title, e.detail)
                for e in sorted(dossier.events, key=lambda e: e.occurred_at, reverse=True)
            ),
            note=NoteInfo(note.body, note.updated_at, note.updated_by)
            if note
            else NoteInfo("", None, None),
        )


def save_note(uow: UnitOfWork, dossier_id: int, body: str, user: str | None) -> NoteInfo:
    """Store the conversation notes; an unchanged text is not rewritten."""
    with uow:
        s = uow.session
        if s.get(Dossier, dossier_id) is None:
            raise NotFoundError(f"Dossier {dossier_id} bestaat niet.")
        note = s.scalars(
            select(ConversationNote).where(ConversationNote.dossier_id == dossier_id)
        ).one_or_none()
        if note is None:
            note = ConversationNote(dossier_id=dossier_id, body=body, updated_by=user)
            s.add(note)
        elif note.body != body:
            note.body = body
            note.updated_by = user
            note.updated_at = utcnow()
        s.flush()
        info = NoteInfo(note.body, note.updated_at, note.updated_by)
        uow.commit()
        return info


def list_supervisors(uow: UnitOfWork) -> list[SupervisorInfo]:
    with uow:
        sups = uow.session.scalars(select(Supervisor).order_by(Supervisor.naam)).all()
        return [info for sup in sups if (info := _supervisor(sup)) is not None]


def add_event(
    uow: UnitOfWork,
    dossier_id: int,
    kind: str,
    title: str,
    *,
    organisation: Organisation | None = None,
    detail: str | None = None,
    user: str | None = None,
) -> None:
    """Append an event to the dossier timeline (used by other features too)."""
    with uow:
        uow.session.add(
            TimelineEvent(
                dossier_id=dossier_id,
                occurred_at=utcnow(),
                organisation=organisation,
                kind=kind,
                title=title,
                detail=detail,
                created_by=user,
            )
        )
        uow.commit()
