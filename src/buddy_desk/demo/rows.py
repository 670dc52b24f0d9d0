"""Turn dossier plans into plain row dicts for SQLAlchemy Core ``insert()`` batches.

Every row carries every column (executemany needs identical keys) and explicit timestamps, so
no column default reads the clock: the same seed gives byte-identical data.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from buddy_desk.core.event_texts import render
from buddy_desk.core.event_texts import text as event_text
from buddy_desk.core.phases import (
    NCG_STATUS_LABELS,
    FlagKind,
    ImgPhase,
    NcgStatus,
    Organisation,
)
from buddy_desk.demo.context import IntsById
from buddy_desk.demo.histories import REFERENCE_DATE, History, damage_amount, img_history
from buddy_desk.demo.histories import ncg_history as make_ncg_history
from buddy_desk.demo.names import SyntheticPerson, make_person
from buddy_desk.demo.places import AddressBook
from buddy_desk.demo.plan import Category, DossierPlan

Row = dict[str, Any]
TABLES = (
    "address",
    "dossier",
    "person",
    "dossier_resident",
    "org_case",
    "case_status",
    "damage_report",
    "dossier_flag",
    "timeline_event",
    "conversation_note",
)

MELDING_TEXTS = (
    "Scheuren in binnenmuren",
    "Scheuren in de gevel",
    "Scheur in de fundering",
    "Loszittende tegels in badkamer",
    "Klemmende deuren en ramen",
    "Scheuren in het plafond",
    "Schade aan de schoorsteen",
    "Scheurvorming rond kozijnen",
    "Verzakking van de vloer",
    "Scheuren in de keldermuur",
)
BIJZONDERE_SITUATIES = (
    "Bewoner heeft een zorgindicatie; afspraken bij voorkeur 's ochtends.",
    "Gemeentelijk monument: afstemming met erfgoedadviseur nodig.",
    "Boerderij met schuur op het perceel; agrarisch bedrijf blijft draaien.",
    "Woning deels onbewoonbaar; bewoners wonen tijdelijk elders.",
    "Bewoner is mantelzorger voor inwonende ouder.",
    "Eigenaar woont in het buitenland; contact via gemachtigde.",
    "Woning staat te koop; koper is op de hoogte van het versterkingstraject.",
)
CONTACTS = (
    ("Telefonisch contact met bewoner", None),
    ("Huisbezoek bewonersbegeleider", Organisation.NCG),
    ("Bewoner gebeld over de planning", Organisation.IMG),
    ("Informatieverzoek via informatiepunt SVIP", None),
)
COMBINATION_CONTACTS = (
    ("Keukentafelgesprek met het buddypaar", None),
    ("Afstemming zaakbegeleider en bewonersbegeleider", None),
    ("Verzoek om versnelling van de schadeafhandeling", Organisation.NCG),
    ("Statusuitwisseling IMG en NCG", None),
)
NOTE_TEXTS = (
    "Voorbereiding keukentafelgesprek: bewoner wil eerst weten wat de versterking betekent "
    "voor het schadeherstel.",
    "Bewoner twijfelt over een gezamenlijke opname; voor- en nadelen nog eens uitleggen.",
    "Vraag van bewoner: moet het schadebedrag terugbetaald worden na versterking? Uitzoeken.",
    "Afgesproken: schadeherstel meenemen in het versterkingsplan als de bewoner dat wil.",
)
FLAG_NOTES = {
    FlagKind.AOS: "Constructieve schade; direct contact met NCG over de veiligheid.",
    FlagKind.URGENT: "Versnelde afhandeling afgesproken.",
    FlagKind.SCHRIJNEND: "Aangemeld bij het Interventieteam.",
    FlagKind.VASTGELOPEN: "Dossier loopt al lang vast; voorgelegd aan het Interventieteam.",
}


_NCG_LABELS = {status.value: label for status, label in NCG_STATUS_LABELS.items()}
_ASSESSED = frozenset(
    {ImgPhase.ZIENSWIJZE, ImgPhase.BESCHIKKING, ImgPhase.UITVOERING, ImgPhase.AFGEROND}
)


def at(rng: random.Random, day: date) -> datetime:
    """A moment during office hours on ``day`` (UTC; the demo ignores summer time)."""
    minutes = 420 + 5 * int(rng.random() * 108)  # 7:00 … 15:55, in steps of five minutes
    return datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=UTC)


def euro(amount: Decimal) -> str:
    """Dutch notation: € 4.250,00."""
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"€ {text}"


def _days_between(rng: random.Random, start: date, end: date) -> date:
    span = (end - start).days
    return start + timedelta(days=int(rng.random() * (span + 1))) if span > 0 else start


class RowBuilder:
    """Accumulates rows per table for a batch of dossiers; ``take()`` hands them over."""

    def __init__(self, rng: random.Random, usernames: dict[int, str]) -> None:
        self.rng = rng
        self.usernames = usernames
        self.book = AddressBook()
        self.rows: dict[str, list[Row]] = {t: [] for t in TABLES}
        self.next_id: dict[str, int] = dict.fromkeys(TABLES, 1)
        self._img_day_counter: dict[date, int] = defaultdict(int)
        self._overflow = 0
        self._latest: datetime | None = None  # last event of the dossier being built
        self._bijzonder: str | None = None  # its NCG case's bijzondere situatie
        self.ncg_case_id = IntsById()  # compact: one entry per NCG dossier, at any scale
        self.img_case_ids: dict[int, tuple[int, ...]] = {}

    def take(self) -> dict[str, list[Row]]:
        rows = self.rows
        self.rows = {t: [] for t in TABLES}
        return rows

    def _add(self, table: str, row: Row) -> int:
        row["id"] = row_id = self.next_id[table]
        self.next_id[table] = row_id + 1
        self.rows[table].append(row)
        return row_id

    def count(self, table: str) -> int:
        return self.next_id[table] - 1

    def _event(
        self,
        dossier_id: int,
        when: datetime,
        org: Organisation | None,
        kind: str,
        title: str,
        detail: str | None = None,
        by: int | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        """``title`` is an i18n key when ``params`` is given (translated when shown), else
        free text as a buddy would have typed it."""
        if self._latest is None or when > self._latest:
            self._latest = when
        row: Row = {
            "dossier_id": dossier_id,
            "occurred_at": when,
            "organisation": org,
            "kind": kind,
            "title": title if params is None else render(title, params, title)[:200],
            "detail": detail,
            "created_by": self.usernames.get(by) if by is not None else None,
            "text_key": title if params is not None else None,
            "params": params,
        }
        self._add("timeline_event", row)

    # -- identifications ---------------------------------------------------------------
    def _zaaknummer(self, start: date) -> str:
        count = self._img_day_counter[start]
        self._img_day_counter[start] = count + 1
        if count < 100:
            seq = start.timetuple().tm_yday * 100 + count
        else:  # pragma: no cover - more than 100 reports on one day only at huge scales
            self._overflow += 1
            seq = 900_000 + self._overflow
        return f"IMG-{start.year}-{seq:06d}"

    # -- one dossier -------------------------------------------------------------------
    def dossier(self, plan: DossierPlan) -> None:
        rng = self.rng
        d_id = plan.id
        addr = self.book.next_address(rng, plan.town)
        in_ncg_file = plan.ncg_status is not None
        key = addr.key
        self._add(
            "address",
            {
                "match_key": key.match_key,
                "postcode": key.postcode,
                "huisnummer": key.huisnummer,
                "huisletter": key.huisletter,
                "huisnummertoevoeging": key.toevoeging,
                "straat": addr.straat,
                "woonplaats": addr.town.name,
                "gemeente": addr.town.gemeente,
                "ncg_address_id": f"NCG{d_id:07d}" if in_ncg_file else None,
                "bag_id": f"{addr.town.gemeentecode}20{d_id:010d}",
            },
        )
        self._latest = None
        self._bijzonder = None
        starts: list[date] = []
        ncg_hist: History | None = None
        if plan.ncg_status is not None:
            ncg_hist = self._ncg_case(plan)
            starts.append(ncg_hist.start)
        img_hists = self._img_cases(plan)
        starts.extend(h.start for h in img_hists)
        first = min(starts)
        self._residents(d_id)
        self._flags(plan, first)
        self._contacts(plan, first)
        created = at(rng, first)
        self._add(
            "dossier",
            {
                "address_id": d_id,
                "img_supervisor_id": plan.img_supervisor_id,
                "ncg_supervisor_id": plan.ncg_supervisor_id,
                "created_at": created,
                "updated_at": created,  # fixed up below from the events
            },
        )
        self.rows["dossier"][-1]["updated_at"] = max(self._latest or created, created)
        if (
            plan.category is Category.COMBINATION
            and plan.img_supervisor_id is not None
            and rng.random() < 0.1
        ):
            day = _days_between(
                rng, REFERENCE_DATE - timedelta(days=90), REFERENCE_DATE - timedelta(days=1)
            )
            self._add(
                "conversation_note",
                {
                    "dossier_id": d_id,
                    "body": rng.choice(NOTE_TEXTS),
                    "updated_at": at(rng, day),
                    "updated_by": self.usernames[plan.img_supervisor_id],
                },
            )

    def _residents(self, d_id: int) -> None:
        rng = self.rng
        main = make_person(rng)
        people: list[tuple[SyntheticPerson, str, bool]] = []
        rented = rng.random() < 0.12
        people.append((main, "bewoner" if rented else "beide", True))
        if rng.random() < 0.3:
            same = rng.random() < 0.6
            partner = make_person(
                rng, surname=(main.tussenvoegsel, main.achternaam) if same else None
            )
            people.append((partner, "bewoner" if rented else "beide", False))
        if rented:
            people.append((make_person(rng), "eigenaar", False))
        for person, roltype, primary in people:
            p_id = self._add(
                "person",
                {
                    "voorletters": person.voorletters,
                    "voornaam": person.voornaam,
                    "tussenvoegsel": person.tussenvoegsel,
                    "achternaam": person.achternaam,
                    "aanhef": person.aanhef,
                    "telefoon": person.telefoon,
                    "email": person.email,
                },
            )
            self._add(
                "dossier_resident",
                {"dossier_id": d_id, "person_id": p_id, "roltype": roltype, "primary": primary},
            )

    def _statuses(self, case_id: int, hist: History, org: Organisation) -> None:
        for code, day in zip(hist.codes, hist.dates, strict=True):
            label = _NCG_LABELS[code] if org is Organisation.NCG else None
            self._add(
                "case_status",
                {"case_id": case_id, "code": code, "datum": day, "toelichting": label},
            )

    def _ncg_case(self, plan: DossierPlan) -> History:
        rng = self.rng
        assert plan.ncg_status is not None
        hist = make_ncg_history(rng, plan.ncg_status, plan.advies)
        bijzonder = (
            rng.choice(BIJZONDERE_SITUATIES) if FlagKind.BIJZONDERE_SITUATIE in plan.flags else None
        )
        self._bijzonder = bijzonder
        done = plan.ncg_status is NcgStatus.S6
        case_id = self._add(
            "org_case",
            {
                "dossier_id": plan.id,
                "organisation": Organisation.NCG,
                "identificatie": f"NCG-V-{plan.id:06d}",
                "status": plan.ncg_status.value,
                "status_date": hist.current,
                "startdatum": hist.start,
                "einddatum": hist.current if done else None,
                "urgent": False,
                "schadebedrag": None,
                "besluitdatum": hist.date_of(NcgStatus.S3_1.value) if plan.advies else None,
                "advies": plan.advies,
                "bijzondere_situatie": bijzonder,
                "updated_at": at(rng, hist.current),
            },
        )
        self.ncg_case_id[plan.id] = case_id
        self._statuses(case_id, hist, Organisation.NCG)
        by = plan.ncg_supervisor_id
        for index, (code, day) in enumerate(zip(hist.codes, hist.dates, strict=True)):
            self._event(
                plan.id, at(rng, day), Organisation.NCG, "status", "demo.timeline.ncg_status",
                params={"code": code, "label": event_text(f"ncg.status.{code}")},
            )  # fmt: skip
            if code == "3.1" and plan.advies is not None:
                self._event(
                    plan.id, at(rng, hist.dates[index + 1]), Organisation.NCG, "report",
                    "demo.timeline.advice", None, by,
                    params={"detail": event_text(f"demo.timeline.advice.{plan.advies.value}")},
                )  # fmt: skip
        return hist

    def _img_cases(self, plan: DossierPlan) -> list[History]:
        if plan.img_phase is None:
            return []
        rng = self.rng
        hists = [img_history(rng, plan.img_phase)]
        for _ in range(plan.earlier_img_cases):
            before = hists[-1].start - timedelta(days=rng.randint(10, 120))
            if (before - date(2021, 3, 1)).days < 0:
                break
            hists.append(img_history(rng, ImgPhase.AFGEROND, before=before))
        ids: list[int] = []
        for index, hist in enumerate(hists):
            phase = ImgPhase(hist.codes[-1])
            leading = index == 0
            ids.append(self._img_case(plan, hist, phase, leading))
        self.img_case_ids[plan.id] = tuple(ids)
        return hists

    def _img_case(self, plan: DossierPlan, hist: History, phase: ImgPhase, leading: bool) -> int:
        rng = self.rng
        aos = leading and FlagKind.AOS in plan.flags
        urgent = leading and FlagKind.URGENT in plan.flags
        assessed = phase in _ASSESSED
        constructive = aos or (assessed and rng.random() < 0.05)
        amount = damage_amount(rng, constructive) if assessed else None
        zaaknummer = self._zaaknummer(hist.start)
        done = phase is ImgPhase.AFGEROND
        case_id = self._add(
            "org_case",
            {
                "dossier_id": plan.id,
                "organisation": Organisation.IMG,
                "identificatie": zaaknummer,
                "status": phase.value,
                "status_date": hist.current,
                "startdatum": hist.start,
                "einddatum": hist.current if done else None,
                "urgent": urgent,
                "schadebedrag": amount,
                "besluitdatum": hist.date_of(ImgPhase.BESCHIKKING.value),
                "advies": None,
                "bijzondere_situatie": None,
                "updated_at": at(rng, hist.current),
            },
        )
        self._statuses(case_id, hist, Organisation.IMG)
        by = plan.img_supervisor_id if leading else None
        for code, day in zip(hist.codes, hist.dates, strict=True):
            self._event(
                plan.id, at(rng, day), Organisation.IMG, "status", "demo.timeline.img_phase",
                params={"case": zaaknummer, "phase": code},
            )  # fmt: skip
        melding = rng.choice(MELDING_TEXTS)
        if aos:
            melding = "Acuut onveilige situatie gemeld: " + melding.lower()
        self._report(case_id, plan.id, "melding", hist.start, None, False, melding, None)
        opname = hist.date_of(ImgPhase.OPNAME.value)
        zienswijze = hist.date_of(ImgPhase.ZIENSWIJZE.value)
        if opname is not None and zienswijze is not None:
            report_day = _days_between(rng, opname + timedelta(days=1), zienswijze)
            text = "Opname door onafhankelijk deskundige"
            self._report(
                case_id, plan.id, "opnamerapport", report_day, None, constructive, text, by
            )
            text = f"{rng.randint(2, 14)} schades beoordeeld"
            if constructive:
                text += ", waarvan constructieve schade"
            self._report(
                case_id, plan.id, "adviesrapport", zienswijze, amount, constructive, text, by
            )
        return case_id

    def _report(
        self,
        case_id: int,
        d_id: int,
        kind: str,
        day: date,
        amount: Decimal | None,
        constructive: bool,
        text: str,
        by: int | None,
    ) -> None:
        self._add(
            "damage_report",
            {
                "case_id": case_id,
                "kind": kind,
                "datum": day,
                "bedrag": amount,
                "constructief": constructive,
                "omschrijving": text,
            },
        )
        params: dict[str, Any] = {}
        if amount is not None:
            params["detail"] = event_text("demo.timeline.amount", amount=euro(amount))
        self._event(
            d_id, at(self.rng, day), Organisation.IMG, "report", f"demo.timeline.{kind}", None, by,
            params=params,
        )  # fmt: skip

    def _flags(self, plan: DossierPlan, first: date) -> None:
        rng = self.rng
        for kind in sorted(plan.flags):
            day = _days_between(
                rng,
                max(first, REFERENCE_DATE - timedelta(days=400)),
                REFERENCE_DATE - timedelta(days=1),
            )
            by = (
                plan.ncg_supervisor_id
                if kind is FlagKind.BIJZONDERE_SITUATIE
                else plan.img_supervisor_id
            )
            when = at(rng, day)
            note = FLAG_NOTES.get(kind)
            if kind is FlagKind.BIJZONDERE_SITUATIE:
                note = self._bijzonder
            self._add(
                "dossier_flag",
                {
                    "dossier_id": plan.id,
                    "kind": kind,
                    "active": True,
                    "set_at": when,
                    "set_by": self.usernames.get(by) if by is not None else None,
                    "note": note,
                },
            )
            self._event(
                plan.id, when, None, "flag", f"demo.timeline.flag.{kind.value}", None, by, {}
            )

    def _contacts(self, plan: DossierPlan, first: date) -> None:
        rng = self.rng
        combo = plan.category is Category.COMBINATION
        n = rng.randint(1, 4) if combo else (1 if rng.random() < 0.3 else 0)
        for _ in range(n):
            pool = COMBINATION_CONTACTS + CONTACTS if combo else CONTACTS
            title, org = rng.choice(pool)
            day = _days_between(
                rng,
                max(first, REFERENCE_DATE - timedelta(days=365)),
                REFERENCE_DATE - timedelta(days=1),
            )
            by = plan.ncg_supervisor_id if org is Organisation.NCG else plan.img_supervisor_id
            self._event(plan.id, at(rng, day), org, "contact", title, None, by)
