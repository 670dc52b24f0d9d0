"""The Buddyparen list read page by page, and its counts by GROUP BY, give what the list read
whole into Python gave (``_in_memory``: that version, kept here as the yardstick): the same
rows in the same order, the same counts, the same workload, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, select

from buddy_desk.core.address import house_number
from buddy_desk.core.collaboration import CollaborationGroup, collaboration_group
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.demo.generator import generate
from buddy_desk.dossiers.intake import NewDossier, create_dossier
from buddy_desk.models import Address, Case, Dossier, Supervisor
from buddy_desk.models.pairs import PairChange
from buddy_desk.pairs.rules import COORDINATOR_ROLE, PairChangeKind
from buddy_desk.pairs.service import (
    Buddy,
    BuddyLoad,
    PairFilter,
    PairRow,
    Workload,
    count_pairs,
    couple_many,
    group_counts,
    pair_batches,
    pair_ids,
    pairs_page,
    workload,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.service import count_open_signals
from tests.factories import make_dossier, make_supervisor

TODAY = date(2026, 11, 26)


# --- the list as it was read before: every dossier into Python ------------------------------


def _in_memory(uow: UnitOfWork, f: PairFilter) -> list[PairRow]:
    with uow:
        s = uow.session
        groups = _groups(s)
        proposals = _pending(s)
        buddies = {
            i: Buddy(i, n, o)
            for i, n, o in s.execute(
                select(Supervisor.id, Supervisor.naam, Supervisor.organisation)
            )
        }
        signals = count_open_signals(s)
        found = list(
            s.execute(
                select(
                    Dossier.id,
                    Dossier.img_supervisor_id,
                    Dossier.ncg_supervisor_id,
                    Address.straat,
                    Address.huisnummer,
                    Address.huisletter,
                    Address.huisnummertoevoeging,
                    Address.woonplaats,
                    Address.gemeente,
                ).join(Address, Address.id == Dossier.address_id)
            )
        )
    # the database's address order, NULL (no letter, no addition) first as SQLite put it
    found.sort(key=lambda r: (r[3], r[4], r[5] or "", r[6] or "", r[7], r[0]))
    rows = []
    for d_id, img_id, ncg_id, straat, nr, letter, toev, woonplaats, gemeente in found:
        g = groups.get(d_id)
        full = img_id is not None and ncg_id is not None
        if g is None and not full and d_id not in proposals:
            continue
        if f.only_unpaired and full:
            continue
        if f.supervisor_id is not None and f.supervisor_id not in (img_id, ncg_id):
            continue
        if f.group is not None and g is not f.group:
            continue
        p = proposals.get(d_id)
        rows.append(
            PairRow(
                dossier_id=d_id,
                address=f"{straat} {house_number(nr, letter, toev)}, {woonplaats}",
                gemeente=gemeente or woonplaats,
                group=g,
                img=buddies.get(img_id) if img_id else None,
                ncg=buddies.get(ncg_id) if ncg_id else None,
                open_signals=signals.get(d_id, 0),
                proposal=(
                    (
                        buddies.get(p[0]) if p[0] else None,
                        buddies.get(p[1]) if p[1] else None,
                    )
                    if p is not None and not full
                    else None
                ),
            )
        )
    return rows


def _groups(session: object) -> dict[int, CollaborationGroup]:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    ncg: dict[int, NcgStatus] = {}
    img: dict[int, tuple[bool, date, ImgPhase]] = {}
    for d_id, org, status, start in session.execute(
        select(Case.dossier_id, Case.organisation, Case.status, Case.startdatum).order_by(Case.id)
    ):
        if org is Organisation.NCG:
            ncg[d_id] = NcgStatus(status)
        else:
            phase = ImgPhase(status)
            rank = (phase.is_running, start or date.min, phase)
            if d_id not in img or rank[:2] > img[d_id][:2]:
                img[d_id] = rank
    found = {}
    for d_id, status in ncg.items():
        lead = img.get(d_id)
        group = collaboration_group(status, lead[2] if lead else None)
        if group is not None:
            found[d_id] = group
    return found


def _pending(session: object) -> dict[int, tuple[int | None, int | None]]:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    latest: dict[int, tuple[int | None, int | None]] = {}
    for change in session.scalars(
        select(PairChange).order_by(PairChange.changed_at, PairChange.id)
    ):
        if change.kind is PairChangeKind.PROPOSED:
            latest[change.dossier_id] = (change.img_after_id, change.ncg_after_id)
        else:
            latest.pop(change.dossier_id, None)
    return latest


def _in_memory_workload(uow: UnitOfWork) -> Workload:
    with uow:
        s = uow.session
        groups = _groups(s)
        buddies = {
            i: Buddy(i, n, o)
            for i, n, o in s.execute(
                select(Supervisor.id, Supervisor.naam, Supervisor.organisation)
            )
        }
        active = set(s.scalars(select(Supervisor.id).where(Supervisor.active)))
        per: dict[int, Counter[str]] = defaultdict(Counter)
        by_group: Counter[str] = Counter()
        unpaired = 0
        for d_id, img_id, ncg_id in s.execute(
            select(Dossier.id, Dossier.img_supervisor_id, Dossier.ncg_supervisor_id)
        ):
            g = groups.get(d_id)
            letter = g.value if g else "-"
            for sid in (img_id, ncg_id):
                if sid is not None:
                    per[sid][letter] += 1
            if img_id is not None and ncg_id is not None:
                by_group[letter] += 1
            elif g is not None:
                unpaired += 1
        open_signals = count_open_signals(s, by_owner=True)
        roles = dict(s.execute(select(Supervisor.id, Supervisor.role)).all())
        loads = [
            BuddyLoad(
                buddies[sid],
                sum(per[sid].values()),
                dict(sorted(per[sid].items())),
                open_signals.get(sid, 0),
            )
            for sid in buddies
            if (sid in active and roles.get(sid) != COORDINATOR_ROLE) or per.get(sid)
        ]
    loads.sort(key=lambda b: (b.buddy.organisation.value, -b.dossiers, b.buddy.naam))
    return Workload(tuple(loads), dict(sorted(by_group.items())), unpaired)


# --- the paged list against it ------------------------------------------------------------------


def _paged(uow: UnitOfWork, f: PairFilter, size: int) -> list[PairRow]:
    rows: list[PairRow] = []
    while True:
        page = pairs_page(uow, f, len(rows), size)
        rows += page
        if len(page) < size:
            return rows


def _filters(uow: UnitOfWork) -> list[PairFilter]:
    with uow:
        buddy = uow.session.scalars(
            select(Dossier.ncg_supervisor_id)
            .where(Dossier.ncg_supervisor_id.is_not(None))
            .order_by(Dossier.id)
        ).first()
    return [
        PairFilter(),
        PairFilter(only_unpaired=True),
        PairFilter(supervisor_id=buddy),
        *(PairFilter(group=g) for g in CollaborationGroup),
        PairFilter(only_unpaired=True, group=CollaborationGroup.B),
    ]


def _same_everywhere(uow: UnitOfWork, size: int) -> None:
    for f in _filters(uow):
        expected = _in_memory(uow, f)
        assert _paged(uow, f, size) == expected, f
        assert [r for b in pair_batches(uow, f, size) for r in b] == expected, f
        assert pair_ids(uow, f) == [r.dossier_id for r in expected], f
        counted = count_pairs(uow, f)
        assert counted.dossiers == len(expected), f
        assert counted.unpaired == sum(1 for r in expected if not r.paired), f
        assert counted.proposals == sum(1 for r in expected if r.proposal), f
        by_group = Counter(r.group.value if r.group else "-" for r in expected)
        assert group_counts(uow, f) == dict(sorted(by_group.items())), f
    assert workload(uow) == _in_memory_workload(uow)


def test_the_paged_list_equals_the_list_read_whole_on_the_demo(engine: Engine) -> None:
    generate(engine, seed=7, scale=0.05)
    uow = UnitOfWork(engine)
    assert len(_in_memory(uow, PairFilter())) > 50  # pages of 9 rows, several of them
    _same_everywhere(uow, 9)


@pytest.fixture
def edge_cases(uow: UnitOfWork) -> dict[str, int]:
    """Letters and none on one street, a half pair, a settled proposal, a pending one, a
    dossier outside the matrix with a full pair, an IMG case settled beside a running one."""
    ids = {
        "img": make_supervisor(uow, Organisation.IMG, "Anna Aalders", "aaalders"),
        "ncg": make_supervisor(uow, Organisation.NCG, "Cor Cats", "ccats"),
        "ncg2": make_supervisor(uow, Organisation.NCG, "Dina Dekker", "ddekker"),
        "coord": make_supervisor(uow, Organisation.NCG, "Carla Coördinator", "coord"),
    }
    with uow:
        sup = uow.session.get(Supervisor, ids["coord"])
        assert sup is not None
        sup.role = COORDINATOR_ROLE
        uow.commit()

    def both(**where: Any) -> int:  # running at both: group B
        return make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1, **where)

    ids["plain"] = both(straat="Dorpsweg", huisnummer=4)
    ids["letter"] = both(straat="Dorpsweg", huisnummer=4, huisletter="a")
    ids["other_town"] = both(
        straat="Dorpsweg", huisnummer=4, postcode="9901AA", woonplaats="Appingedam"
    )
    ids["ten"] = both(straat="Dorpsweg", huisnummer=10)
    ids["ncg_only_full"] = make_dossier(
        uow, straat="Akkerweg", ncg_status=NcgStatus.S5_1,
        img_supervisor_id=ids["img"], ncg_supervisor_id=ids["ncg"],
    )  # fmt: skip
    ids["img_only"] = make_dossier(uow, straat="Akkerweg", img_phase=ImgPhase.OPNAME)
    ids["settled"] = make_dossier(uow, straat="Zuiderweg", ncg_status=NcgStatus.S2_1)
    with uow:  # a settled IMG case and a later running one: the running one leads
        d = uow.session.get(Dossier, ids["settled"])
        assert d is not None
        d.cases.append(
            Case(organisation=Organisation.IMG, identificatie="IMG-X1", status="Afgerond",
                 startdatum=date(2026, 1, 1))
        )  # fmt: skip
        d.cases.append(
            Case(organisation=Organisation.IMG, identificatie="IMG-X2", status="Zienswijze",
                 startdatum=date(2025, 1, 1))
        )  # fmt: skip
        uow.commit()
    couple_many(
        uow, [ids["plain"], ids["ten"]], img_id=ids["img"], ncg_id=ids["ncg"],
        reason="start", by_username="coord", today=TODAY,
    )  # fmt: skip
    couple_many(
        uow, [ids["letter"]], img_id=ids["img"], ncg_id=None,
        reason="half", by_username="coord", today=TODAY,
    )  # fmt: skip
    ids["pending"] = create_dossier(
        uow, NewDossier(postcode="9999 ZZ", huisnummer=1, straat="Belweg", woonplaats="Ergens")
    )
    ids["accepted"] = create_dossier(
        uow, NewDossier(postcode="9999 ZZ", huisnummer=2, straat="Belweg", woonplaats="Ergens")
    )
    couple_many(
        uow, [ids["accepted"]], img_id=ids["img"], ncg_id=ids["ncg2"],
        reason="anders", by_username="coord", today=TODAY,
    )  # fmt: skip
    return ids


def test_the_paged_list_equals_the_list_read_whole_at_its_edges(
    uow: UnitOfWork, edge_cases: dict[str, int]
) -> None:
    e = edge_cases
    rows = _paged(uow, PairFilter(), 2)
    assert [r.dossier_id for r in rows] == [
        e["ncg_only_full"],
        e["pending"],
        e["accepted"],
        e["other_town"],  # Appingedam before Groningen at the same number
        e["plain"],
        e["letter"],
        e["ten"],
        e["settled"],
    ]
    by_id = {r.dossier_id: r for r in rows}
    assert by_id[e["pending"]].proposal is not None
    assert by_id[e["accepted"]].proposal is None and by_id[e["accepted"]].paired
    running = collaboration_group(NcgStatus.S2_1, ImgPhase.ZIENSWIJZE)
    assert running != collaboration_group(NcgStatus.S2_1, ImgPhase.AFGEROND)
    assert by_id[e["settled"]].group is running  # the running IMG case leads
    assert by_id[e["letter"]].open_signals == 1  # Anna's notice
    _same_everywhere(uow, 2)
