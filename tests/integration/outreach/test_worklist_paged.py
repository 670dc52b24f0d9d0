"""The proactive worklist read page by page, and its counts by GROUP BY, give what the list
read whole into Python gave (``_in_memory``: that version, kept here as the yardstick): the
same rows in the same order, the same counts, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import Engine, select

from buddy_desk.core.address import AddressKey, house_number, street_line
from buddy_desk.core.phases import NcgStatus, Organisation
from buddy_desk.demo.generator import generate
from buddy_desk.models import Address, Case, Dossier
from buddy_desk.models.outreach import OutreachContact
from buddy_desk.models.signals import Observation
from buddy_desk.outreach.rules import (
    ContactChannel,
    ContactFact,
    ContactOutcome,
    OutreachPhase,
    is_open,
    outreach_phase,
)
from buddy_desk.outreach.service import (
    ContactInfo,
    OutreachRow,
    WorklistFilter,
    count_worklist,
    phase_counts,
    record_contact,
    worklist_batches,
    worklist_letters,
    worklist_page,
    worklist_summary,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.rules import ObservationKind
from buddy_desk.signals.service import record_observation
from tests.factories import make_dossier

TODAY = date(2026, 11, 26)


# --- the worklist as it was read before: every address into Python ---------------------------


def _accepts(f: WorklistFilter, row: OutreachRow) -> bool:
    return (
        (f.include_closed or row.open)
        and (not f.phases or row.phase in f.phases)
        and (f.gemeente is None or row.gemeente.lower() == f.gemeente.lower())
        and (f.woonplaats is None or row.woonplaats.lower() == f.woonplaats.lower())
        and (f.ncg_status is None or row.ncg_status is f.ncg_status)
    )


def _in_memory(uow: UnitOfWork, f: WorklistFilter) -> list[OutreachRow]:
    from sqlalchemy import exists, func

    with uow:
        s = uow.session
        seen = dict(
            s.execute(
                select(Observation.dossier_id, func.min(Observation.datum))
                .where(Observation.kind == ObservationKind.NCG_DAMAGE_SEEN)
                .group_by(Observation.dossier_id)
            ).all()
        )
        contacts: dict[int, list[ContactInfo]] = defaultdict(list)
        for c in s.scalars(
            select(OutreachContact).order_by(OutreachContact.attempted_on, OutreachContact.id)
        ):
            contacts[c.dossier_id].append(
                ContactInfo(
                    c.id, c.dossier_id, c.attempted_on, c.channel, c.outcome, c.note,
                    c.recorded_by,
                )
            )  # fmt: skip
        img_case = (
            exists()
            .where(Case.dossier_id == Dossier.id, Case.organisation == Organisation.IMG)
            .correlate(Dossier)
        )
        found = s.execute(
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
        ).all()
    rows = []
    for d_id, ident, status, bijz, straat, nr, letter, toev, pc, wp, gem, ncg_id in found:
        mine = contacts.get(d_id, [])
        facts = tuple(ContactFact(c.attempted_on, c.channel, c.outcome) for c in mine)
        row = OutreachRow(
            dossier_id=d_id,
            address_line=street_line(straat, house_number(nr, letter, toev)),
            postcode=pc,
            woonplaats=wp,
            gemeente=gem or wp,
            ncg_status=NcgStatus(status),
            ncg_reference=ncg_id or ident,
            bijzondere_situatie=bijz,
            damage_seen=seen.get(d_id),
            phase=outreach_phase(NcgStatus(status), d_id in seen),
            attempts=len(mine),
            last=mine[-1] if mine else None,
            open=is_open(facts),
        )
        if _accepts(f, row):
            rows.append(row)
    rows.sort(key=lambda r: (r.phase, r.gemeente, r.postcode, r.address_line, r.dossier_id))
    return rows


# --- the paged worklist against it ------------------------------------------------------------


def _paged(uow: UnitOfWork, f: WorklistFilter, size: int) -> list[OutreachRow]:
    rows: list[OutreachRow] = []
    while True:
        page = worklist_page(uow, f, len(rows), size)
        rows += page
        if len(page) < size:
            return rows


def _same_everywhere(uow: UnitOfWork, size: int) -> None:
    everything = _in_memory(uow, WorklistFilter(include_closed=True))
    place, town = everything[-1].gemeente, everything[0].woonplaats
    filters = [
        WorklistFilter(),
        WorklistFilter(include_closed=True),
        *(WorklistFilter(phases=frozenset({p})) for p in OutreachPhase),
        WorklistFilter(gemeente=place.upper(), include_closed=True),
        WorklistFilter(woonplaats=town.lower()),
        WorklistFilter(ncg_status=NcgStatus.S2_1),
        WorklistFilter(
            phases=frozenset({OutreachPhase.PLAN_AHEAD, OutreachPhase.OTHER}), gemeente=place
        ),
    ]
    summary = worklist_summary(uow)
    assert summary.places() == sorted({r.gemeente for r in everything})
    for f in filters:
        expected = _in_memory(uow, f)
        assert _paged(uow, f, size) == expected, f
        assert [r for b in worklist_batches(uow, f, size) for r in b] == expected, f
        assert count_worklist(uow, f) == len(expected), f
        per_phase = Counter(r.phase for r in expected)
        assert phase_counts(uow, f) == {p: per_phase.get(p, 0) for p in OutreachPhase}, f
        if f.woonplaats is None:
            assert summary.count(f) == len(expected), f
            assert summary.phase_counts(f) == phase_counts(uow, f), f
    open_rows = Counter(r.phase for r in everything if r.open)
    assert summary.phase_counts() == {p: open_rows.get(p, 0) for p in OutreachPhase}


def test_the_paged_worklist_equals_the_worklist_read_whole_on_the_demo(engine: Engine) -> None:
    generate(engine, seed=5, scale=0.05)
    uow = UnitOfWork(engine)
    everything = _in_memory(uow, WorklistFilter(include_closed=True))
    assert len(everything) > 300 and any(not r.open for r in everything)
    assert any(r.attempts > 1 for r in everything)
    _same_everywhere(uow, 61)


def test_the_paged_worklist_equals_the_worklist_read_whole_at_its_edges(uow: UnitOfWork) -> None:
    """Numbers ordered as text, letters and additions, a place without gemeente, two contacts
    on one day (the later one counts), damage seen twice (the first day counts)."""
    ids = {
        n: make_dossier(uow, ncg_status=NcgStatus.S2_1, straat="Kerkstraat", huisnummer=n)
        for n in (9, 10)
    }
    ids[4] = make_dossier(
        uow, ncg_status=NcgStatus.S3_1, straat="Kerkstraat", huisnummer=4, huisletter="b"
    )
    with uow:  # an addition, and no gemeente (the town counts as the gemeente)
        d = uow.session.get(Dossier, ids[4])
        assert d is not None
        d.address.huisnummertoevoeging = "2"
        d.address.match_key = AddressKey("9712AB", 4, "b", "2").match_key
        d.address.gemeente = None
        uow.commit()
    record_observation(uow, ids[9], ObservationKind.NCG_DAMAGE_SEEN, TODAY - timedelta(9))
    with uow:
        uow.session.add(
            Observation(
                dossier_id=ids[9], kind=ObservationKind.NCG_DAMAGE_SEEN, ref="tweede",
                organisation=Organisation.NCG, datum=TODAY - timedelta(20),
            )
        )  # fmt: skip
        uow.commit()
    for outcome in (ContactOutcome.CALL_BACK, ContactOutcome.NO_DAMAGE):
        record_contact(uow, ids[10], outcome, channel=ContactChannel.PHONE, on=TODAY, today=TODAY)
    record_contact(
        uow, ids[4], ContactOutcome.NO_DAMAGE, channel=ContactChannel.PHONE, on=TODAY,
        today=TODAY,
    )  # fmt: skip
    record_contact(
        uow, ids[4], ContactOutcome.NO_ANSWER, channel=ContactChannel.PHONE,
        on=TODAY - timedelta(1), today=TODAY,
    )  # fmt: skip
    rows = _paged(uow, WorklistFilter(include_closed=True), 1)
    assert [r.dossier_id for r in rows] == [ids[9], ids[10], ids[4]]
    assert rows[0].damage_seen == TODAY - timedelta(20) and rows[0].phase == 1
    assert not rows[1].open and rows[1].attempts == 2  # the later of one day's two closes
    assert rows[2].gemeente == "Groningen" and rows[2].address_line == "Kerkstraat 4b-2"
    assert not rows[2].open  # the latest day counts, not the latest recorded
    with uow:
        d = uow.session.get(Dossier, ids[10])
        assert d is not None
        d.address.gemeente = ""  # as none
        uow.commit()
    assert _paged(uow, WorklistFilter(include_closed=True), 2)[1].gemeente == "Groningen"
    _same_everywhere(uow, 2)


def test_a_letter_run_reads_the_whole_list_in_batches(engine: Engine) -> None:
    generate(engine, seed=5, scale=0.05)
    uow = UnitOfWork(engine)
    f = WorklistFilter(include_closed=True)
    expected = _in_memory(uow, f)
    assert len(expected) > 400  # more than two batches
    batch = worklist_letters(uow, f, TODAY)
    wrong = {
        r.dossier_id
        for r in expected
        if r.last is not None and r.last.outcome is ContactOutcome.WRONG_ADDRESS
    }
    assert [x.dossier_id for x in batch.letters] == [
        r.dossier_id for r in expected if r.open and r.dossier_id not in wrong
    ]
    closed = {r.dossier_id for r in expected if not r.open} - wrong
    assert closed and {s.dossier_id for s in batch.skipped} == wrong | closed
    some = {r.dossier_id for r in expected[::7]}
    chosen = worklist_letters(uow, f, TODAY, dossiers=some, limit=10)
    assert len(chosen.letters) + len(chosen.skipped) == 10
    assert {x.dossier_id for x in chosen.letters} <= some
