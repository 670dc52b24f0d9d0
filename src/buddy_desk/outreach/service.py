"""The proactive approach as a worklist: NCG addresses without a damage report, phased by
criteria (NCG status, damage NCG saw, area), with contact attempts per address and a letter
run ("meld uw schade, u hoeft niet te wachten").

An address is on the proactive list while it has an NCG case and no IMG case at all (the
samenloop's "geen schademelding"); it stays on the worklist until a contact's outcome closes it
(damage reported, nothing to report, or the resident declined). A letter run records one
contact attempt per letter sent ("brief", "verstuurd"), in one transaction after every letter
was written; a cancelled or failed run records nothing.
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Select, exists, func, insert, select

from buddy_desk.core.address import AddressKey, house_number, street_line
from buddy_desk.core.phases import NcgStatus, Organisation
from buddy_desk.errors import BuddyDeskError, NotFoundError, ValidationError
from buddy_desk.models import Address, Case, Dossier, DossierResident, Person, Supervisor
from buddy_desk.models.base import utcnow
from buddy_desk.models.outreach import OutreachContact
from buddy_desk.outreach.letter import OutreachLetter, Resident, render_letters
from buddy_desk.outreach.queries import WorklistFilter as WorklistFilter
from buddy_desk.outreach.queries import (
    count_statement,
    page_statement,
    phase_count_statement,
    summary_statement,
)
from buddy_desk.outreach.rules import (
    ContactChannel,
    ContactOutcome,
    OutreachPhase,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.progress import NO_PROGRESS, Progress

NOTE_MAX = 2000


class OutreachError(BuddyDeskError):
    """The address is not on the proactive list, or the run cannot start."""


@dataclass(frozen=True, slots=True)
class ContactInfo:
    id: int
    dossier_id: int
    attempted_on: date
    channel: ContactChannel
    outcome: ContactOutcome
    note: str | None
    recorded_by: str | None


@dataclass(frozen=True, slots=True)
class OutreachRow:
    dossier_id: int
    address_line: str
    postcode: str
    woonplaats: str
    gemeente: str
    ncg_status: NcgStatus
    ncg_reference: str
    bijzondere_situatie: str | None
    damage_seen: date | None  # NCG saw non-constructive damage (expected damage known)
    phase: OutreachPhase
    attempts: int
    last: ContactInfo | None
    open: bool


@dataclass(frozen=True, slots=True)
class WorklistPart:
    """How many addresses of the worklist share a phase, open or closed, gemeente, status."""

    phase: OutreachPhase
    open: bool
    gemeente: str
    ncg_status: NcgStatus
    addresses: int


@dataclass(frozen=True, slots=True)
class WorklistSummary:
    """The whole worklist counted in the database (one GROUP BY): the filters' places, the
    open addresses per phase, and how many addresses any filter of the workspace shows,
    without reading a row."""

    parts: tuple[WorklistPart, ...]

    def places(self) -> list[str]:
        return sorted({p.gemeente for p in self.parts})

    def phase_counts(
        self, worklist_filter: WorklistFilter | None = None
    ) -> dict[OutreachPhase, int]:
        """Addresses per phase that the filter (default: the open ones) shows."""
        f = worklist_filter or WorklistFilter()
        found = dict.fromkeys(OutreachPhase, 0)
        for part in self.parts:
            if self._shows(f, part):
                found[part.phase] += part.addresses
        return found

    def count(self, worklist_filter: WorklistFilter) -> int:
        """How many addresses ``worklist_filter`` shows (a filter on woonplaats: ask
        ``count_worklist``)."""
        if worklist_filter.woonplaats is not None:
            raise ValueError("the summary is not per woonplaats")
        return sum(p.addresses for p in self.parts if self._shows(worklist_filter, p))

    @staticmethod
    def _shows(f: WorklistFilter, part: WorklistPart) -> bool:
        return (
            (f.include_closed or part.open)
            and (not f.phases or part.phase in f.phases)
            and (f.gemeente is None or part.gemeente.lower() == f.gemeente.lower())
            and (f.ncg_status is None or part.ncg_status is f.ncg_status)
        )


@dataclass(frozen=True, slots=True)
class Skipped:
    dossier_id: int
    reason: str


@dataclass(frozen=True, slots=True)
class RunResult:
    written: tuple[Path, ...]
    combined: Path | None
    letters: int
    pages: int
    skipped: tuple[Skipped, ...]
    seconds: float
    recorded: int = 0


@dataclass(frozen=True, slots=True)
class LetterBatch:
    letters: tuple[OutreachLetter, ...]
    skipped: tuple[Skipped, ...] = field(default=())


def _contact_info(c: OutreachContact) -> ContactInfo:
    return ContactInfo(
        c.id, c.dossier_id, c.attempted_on, c.channel, c.outcome, c.note, c.recorded_by
    )


# --- the worklist ----------------------------------------------------------------------------


def _proactive_query() -> Select[*tuple[Any, ...]]:
    img_case = (
        exists()
        .where(Case.dossier_id == Dossier.id, Case.organisation == Organisation.IMG)
        .correlate(Dossier)
    )
    return (
        select(
            Dossier.id,
            Case.identificatie,
            Case.status,
            Case.bijzondere_situatie,
            Address.straat,
            Address.huisnummer,
            Address.huisletter,
            Address.huisnummertoevoeging,
            Address.postcode,
            Address.woonplaats,
            Address.gemeente,
            Address.ncg_address_id,
        )
        .join(Case, Case.dossier_id == Dossier.id)
        .join(Address, Address.id == Dossier.address_id)
        .where(Case.organisation == Organisation.NCG, ~img_case)
    )


PAGE_ROWS = 200
"""Rows per page of the worklist (and per batch when a letter run reads the whole list)."""


def _outreach_row(found: Any) -> OutreachRow:
    (
        d_id,
        ident,
        status,
        bijz,
        straat,
        nr,
        letter,
        toev,
        pc,
        wp,
        place,
        ncg_id,
        seen,
        attempts,
        phase,
        last_id,
        last_on,
        last_channel,
        last_outcome,
        last_note,
        last_by,
    ) = found
    last = (
        ContactInfo(
            last_id,
            d_id,
            last_on,
            ContactChannel(last_channel),
            ContactOutcome(last_outcome),
            last_note,
            last_by,
        )
        if last_id is not None
        else None
    )
    return OutreachRow(
        dossier_id=d_id,
        address_line=street_line(straat, house_number(nr, letter, toev)),
        postcode=pc,
        woonplaats=wp,
        gemeente=place,
        ncg_status=NcgStatus(status),
        ncg_reference=ncg_id or ident,
        bijzondere_situatie=bijz,
        damage_seen=seen,
        phase=OutreachPhase(phase),
        attempts=int(attempts),
        last=last,
        open=last is None or not last.outcome.closes,
    )


def worklist_page(
    uow: UnitOfWork, worklist_filter: WorklistFilter, offset: int, limit: int
) -> list[OutreachRow]:
    """Rows ``offset`` to ``offset + limit`` of the worklist ``worklist_filter`` shows, by
    phase, then gemeente, then address (filtered, ordered and paged in the database)."""
    with uow:
        found = uow.session.execute(page_statement(worklist_filter, offset, limit)).all()
    return [_outreach_row(r) for r in found]


def worklist_batches(
    uow: UnitOfWork,
    worklist_filter: WorklistFilter,
    size: int = PAGE_ROWS,
    *,
    dossiers: Collection[int] | None = None,
    limit: int | None = None,
) -> Iterator[list[OutreachRow]]:
    """Every row ``worklist_filter`` shows (only ``dossiers``, at most ``limit``), ``size``
    at a time, from one query (a letter run, the command line): memory holds one batch, not
    the list."""
    with uow:
        result = uow.session.execute(
            page_statement(worklist_filter, 0, limit, dossiers),
            execution_options={"stream_results": True, "yield_per": size},
        )
        for part in result.partitions(size):
            yield [_outreach_row(r) for r in part]


def load_worklist(
    uow: UnitOfWork, worklist_filter: WorklistFilter | None = None
) -> list[OutreachRow]:
    """The proactive list as a worklist: by phase, then gemeente, then address. Every row at
    once: for a short list; the app reads pages (``worklist_page``)."""
    f = worklist_filter or WorklistFilter()
    return [row for batch in worklist_batches(uow, f) for row in batch]


def count_worklist(uow: UnitOfWork, worklist_filter: WorklistFilter) -> int:
    """How many addresses ``worklist_filter`` shows, counted in the database."""
    with uow:
        return int(uow.session.execute(count_statement(worklist_filter)).scalar_one())


def phase_counts(
    uow: UnitOfWork, worklist_filter: WorklistFilter | None = None
) -> dict[OutreachPhase, int]:
    """Addresses per phase that ``worklist_filter`` (default: the open ones) shows, counted in
    the database (GROUP BY)."""
    f = worklist_filter or WorklistFilter()
    with uow:
        found = {
            OutreachPhase(phase): int(n)
            for phase, n in uow.session.execute(phase_count_statement(f))
        }
    return {p: found.get(p, 0) for p in OutreachPhase}


def worklist_summary(uow: UnitOfWork) -> WorklistSummary:
    """The whole worklist, open and closed, counted per phase, gemeente and status (one
    GROUP BY): what the workspace's counts, places and filters need."""
    with uow:
        found = uow.session.execute(summary_statement()).all()
    return WorklistSummary(
        tuple(
            WorklistPart(OutreachPhase(phase), bool(is_open), place, NcgStatus(status), int(n))
            for phase, is_open, place, status, n in found
        )
    )


def staff_organisation(uow: UnitOfWork, username: str) -> Organisation:
    """The organisation of a staff member (who may see the worklist's rows: NCG)."""
    with uow:
        org = uow.session.scalar(
            select(Supervisor.organisation).where(
                func.lower(Supervisor.username) == username.strip().lower()
            )
        )
    if org is None:
        raise NotFoundError(f"Er is geen medewerker met gebruikersnaam '{username}'.")
    return org


_POSTCODE_NUMBER = re.compile(
    r"^\s*(?P<pc>\d{4}\s*[A-Za-z]{2})[\s,]+(?P<nr>\d+)\s*(?P<letter>[A-Za-z])?"
    r"(?:\s*-\s*(?P<toev>[A-Za-z0-9]{1,4}))?\s*$"
)


def resolve_target(uow: UnitOfWork, target: str) -> int:
    """A dossier id ('123') or a postcode with house number ('9711 AB 12a', '9711AB 12-2')."""
    text = target.strip()
    with uow:
        s = uow.session
        if text.isdigit():
            if s.get(Dossier, int(text)) is None:
                raise NotFoundError(f"Dossier {text} bestaat niet.")
            return int(text)
        m = _POSTCODE_NUMBER.match(text)
        if m is None:
            raise ValidationError(
                "adres", f"'{target}' is geen dossiernummer en geen postcode met huisnummer"
            )
        key = AddressKey.parse(m["pc"], m["nr"], m["letter"], m["toev"])
        d_id = s.scalar(
            select(Dossier.id)
            .join(Address, Address.id == Dossier.address_id)
            .where(Address.match_key == key.match_key)
        )
        if d_id is None:
            raise NotFoundError(f"Er is geen dossier op {key.postcode} {key.number_text()}.")
        return d_id


def record_contact(
    uow: UnitOfWork,
    target: str | int,
    outcome: ContactOutcome,
    *,
    channel: ContactChannel,
    on: date,
    note: str | None = None,
    user: str | None = None,
    today: date | None = None,
) -> ContactInfo:
    """Record one contact attempt and its outcome at an address on the proactive list."""
    d_id = target if isinstance(target, int) else resolve_target(uow, target)
    text = " ".join((note or "").split()) or None
    if text is not None and len(text) > NOTE_MAX:
        raise ValidationError("notitie", f"ten hoogste {NOTE_MAX} tekens")
    if on > (today or date.today()):
        raise ValidationError("datum", "een contactpoging ligt niet in de toekomst")
    with uow:
        s = uow.session
        if s.execute(_proactive_query().where(Dossier.id == d_id)).first() is None:
            raise OutreachError(
                f"Dossier {d_id} staat niet op de proactieve lijst (geen NCG-adres, of er is "
                "al een schademelding bij IMG)."
            )
        contact = OutreachContact(
            dossier_id=d_id,
            attempted_on=on,
            channel=channel,
            outcome=outcome,
            note=text,
            recorded_by=user,
        )
        s.add(contact)
        s.flush()
        info = _contact_info(contact)
        uow.commit()
        return info


def list_contacts(uow: UnitOfWork, dossier_id: int) -> list[ContactInfo]:
    with uow:
        return [
            _contact_info(c)
            for c in uow.session.scalars(
                select(OutreachContact)
                .where(OutreachContact.dossier_id == dossier_id)
                .order_by(OutreachContact.attempted_on, OutreachContact.id)
            )
        ]


# --- the letter run --------------------------------------------------------------------------


def letter_batch(uow: UnitOfWork, rows: Sequence[OutreachRow], today: date) -> LetterBatch:
    """The letters for these worklist rows; an address whose letter came back is skipped."""
    ids = [r.dossier_id for r in rows]
    residents: dict[int, list[Resident]] = defaultdict(list)
    supervisors: dict[int, tuple[str, str | None]] = {}
    with uow:
        s = uow.session
        for d_id, aanhef, voorletters, tussenvoegsel, achternaam in s.execute(
            select(
                DossierResident.dossier_id,
                Person.aanhef,
                Person.voorletters,
                Person.tussenvoegsel,
                Person.achternaam,
            )
            .join(Person, Person.id == DossierResident.person_id)
            .where(DossierResident.dossier_id.in_(ids))
            .order_by(DossierResident.dossier_id, DossierResident.primary.desc(), Person.id)
        ):
            naam = " ".join(p for p in (voorletters, tussenvoegsel, achternaam) if p)
            residents[d_id].append(Resident(aanhef, naam))
        for d_id, naam, telefoon in s.execute(
            select(Dossier.id, Supervisor.naam, Supervisor.telefoon)
            .join(Supervisor, Supervisor.id == Dossier.ncg_supervisor_id)
            .where(Dossier.id.in_(ids))
        ):
            supervisors[d_id] = (naam, telefoon)
    letters = []
    skipped = []
    for r in rows:
        if r.last is not None and r.last.outcome is ContactOutcome.WRONG_ADDRESS:
            skipped.append(Skipped(r.dossier_id, "vorige brief kwam onbestelbaar terug"))
            continue
        if not r.open:
            skipped.append(Skipped(r.dossier_id, "staat niet meer op de werklijst"))
            continue
        sup = supervisors.get(r.dossier_id)
        letters.append(
            OutreachLetter(
                dossier_id=r.dossier_id,
                residents=tuple(residents.get(r.dossier_id, ())),
                address_line=r.address_line,
                postcode=r.postcode,
                woonplaats=r.woonplaats,
                ncg_status=r.ncg_status,
                phase=r.phase,
                ncg_reference=r.ncg_reference,
                bewonersbegeleider=sup[0] if sup else None,
                bewonersbegeleider_telefoon=sup[1] if sup else None,
                today=today,
            )
        )
    return LetterBatch(tuple(letters), tuple(skipped))


def worklist_letters(
    uow: UnitOfWork,
    worklist_filter: WorklistFilter,
    today: date,
    *,
    dossiers: Collection[int] | None = None,
    limit: int | None = None,
) -> LetterBatch:
    """The letters for every row ``worklist_filter`` shows (only ``dossiers``, at most
    ``limit`` rows), the rows read a batch at a time: the run covers the whole list, not the
    rows a view has read."""
    letters: list[OutreachLetter] = []
    skipped: list[Skipped] = []
    details = uow.fresh()  # the batches stream on ``uow``'s connection meanwhile
    for rows in worklist_batches(uow, worklist_filter, dossiers=dossiers, limit=limit):
        found = letter_batch(details, rows, today)
        letters += found.letters
        skipped += found.skipped
    return LetterBatch(tuple(letters), tuple(skipped))


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def run_letters(
    uow: UnitOfWork,
    batch: LetterBatch,
    *,
    out_dir: Path | None = None,
    combined: Path | None = None,
    record: bool = True,
    user: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> RunResult:
    """Write the letters (one file each in ``out_dir``, or one ``combined`` PDF for the
    printer), then record a 'brief verstuurd' contact per letter in one transaction."""
    if (out_dir is None) == (combined is None):
        raise OutreachError("Kies een map (--out) of één PDF (--combined).")
    if not batch.letters:
        raise OutreachError("Er zijn geen brieven om te maken met deze keuze.")
    started = time.perf_counter()
    total = len(batch.letters)
    written: list[Path] = []
    pages = 0
    if out_dir is not None:
        if out_dir.exists() and not out_dir.is_dir():
            raise OutreachError(f"{out_dir} is geen map.")
        out_dir.mkdir(parents=True, exist_ok=True)
        for index, letter in enumerate(batch.letters):
            progress.check()
            rendered = render_letters([letter])
            path = out_dir / f"{letter.kenmerk}.pdf"
            _write_atomic(path, rendered.data)
            written.append(path)
            pages += rendered.pages
            progress.report(index + 1, total, letter.kenmerk)
    else:
        assert combined is not None
        if combined.is_dir():
            raise OutreachError(f"{combined} is een map; geef een bestandsnaam.")
        combined.parent.mkdir(parents=True, exist_ok=True)
        tmp = combined.with_name(f".{combined.name}.part")
        done = 0

        def on_letter() -> None:
            nonlocal done
            progress.check()
            done += 1
            progress.report(done, total, "")

        try:
            with tmp.open("wb") as out:
                pages = render_letters(batch.letters, out, on_letter).pages
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        os.replace(tmp, combined)
    recorded = 0
    if record:
        today = batch.letters[0].today
        with uow:
            now = utcnow()
            uow.session.execute(
                insert(OutreachContact),
                [
                    {
                        "dossier_id": letter.dossier_id,
                        "attempted_on": today,
                        "channel": ContactChannel.LETTER,
                        "outcome": ContactOutcome.SENT,
                        "note": f"kenmerk {letter.kenmerk}",
                        "recorded_at": now,
                        "recorded_by": user,
                    }
                    for letter in batch.letters
                ],
            )
            uow.commit()
        recorded = total
    return RunResult(
        tuple(written),
        combined,
        total,
        pages,
        batch.skipped,
        time.perf_counter() - started,
        recorded,
    )
