"""Coupling and re-coupling buddy pairs: coordinators only, with history, timeline and notices,
on SQLite and PostgreSQL, through the service and the command line."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from buddy_desk.choices.rules import Actor
from buddy_desk.cli import main
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.dossiers.intake import NewDossier, create_dossier
from buddy_desk.dossiers.service import get_dossier
from buddy_desk.errors import ValidationError
from buddy_desk.i18n import set_language
from buddy_desk.models import Supervisor, TimelineEvent
from buddy_desk.pairs.rules import PairChangeKind
from buddy_desk.pairs.service import (
    NotCoordinatorError,
    accept_proposals,
    couple,
    couple_many,
    list_pairs,
    pair_history,
    workload,
)
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.signals.service import list_signals
from tests.factories import make_dossier, make_supervisor

TODAY = date(2026, 11, 26)


def _coordinator(uow: UnitOfWork, username: str = "coord") -> int:
    sid = make_supervisor(uow, Organisation.NCG, "Carla Coördinator", username)
    with uow:
        sup = uow.session.get(Supervisor, sid)
        assert sup is not None
        sup.role = "coordinator"
        uow.commit()
    return sid


COORDINATOR = Actor("coord", "C. Oördinator", Organisation.NCG, "coordinator")


@pytest.fixture
def desk(uow: UnitOfWork) -> dict[str, int]:
    ids = {
        "img1": make_supervisor(uow, Organisation.IMG, "Anna Aalders", "aaalders"),
        "img2": make_supervisor(uow, Organisation.IMG, "Bert Bos", "bbos"),
        "ncg1": make_supervisor(uow, Organisation.NCG, "Cor Cats", "ccats"),
        "ncg2": make_supervisor(uow, Organisation.NCG, "Dina Dekker", "ddekker"),
        "coord": _coordinator(uow),
    }
    ids["dossier"] = make_dossier(
        uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S2_1, straat="Koppelweg"
    )
    return ids


def test_coupling_then_recoupling_keeps_who_when_why(uow: UnitOfWork, desk: dict[str, int]) -> None:
    d = desk["dossier"]
    first = couple(
        uow,
        d,
        img_id=desk["img1"],
        ncg_id=desk["ncg1"],
        reason="nieuw dossier",
        by_username="coord",
        today=TODAY,
    )
    assert first.kind is PairChangeKind.COUPLED
    second = couple(
        uow,
        d,
        img_id=desk["img2"],
        ncg_id=desk["ncg1"],
        reason="Anna met verlof",
        by_username="COORD",
        today=TODAY,
    )
    assert second.kind is PairChangeKind.RECOUPLED
    history = pair_history(uow, d)
    assert [(h.kind, h.reason, h.changed_by_name) for h in history] == [
        (PairChangeKind.COUPLED, "nieuw dossier", "Carla Coördinator"),
        (PairChangeKind.RECOUPLED, "Anna met verlof", "Carla Coördinator"),
    ]
    assert history[1].img_before is not None and history[1].img_before.naam == "Anna Aalders"
    assert history[1].img_after is not None and history[1].img_after.naam == "Bert Bos"
    row = next(r for r in list_pairs(uow) if r.dossier_id == d)
    assert row.img is not None and row.img.naam == "Bert Bos" and row.paired
    with uow:
        events = uow.session.scalars(
            select(TimelineEvent).where(TimelineEvent.dossier_id == d, TimelineEvent.kind == "pair")
        ).all()
        assert [e.organisation for e in events] == [None, None]  # both buddies see them
        assert "Anna met verlof" in (events[1].detail or "")


def test_every_buddy_involved_gets_a_notice(uow: UnitOfWork, desk: dict[str, int]) -> None:
    d = desk["dossier"]
    couple(
        uow,
        d,
        img_id=desk["img1"],
        ncg_id=desk["ncg1"],
        reason="start",
        by_username="coord",
        today=TODAY,
    )
    couple(
        uow,
        d,
        img_id=desk["img2"],
        ncg_id=desk["ncg1"],
        reason="verlof",
        by_username="coord",
        today=TODAY,
    )

    def titles(sid: int) -> list[str]:
        return [
            s.title for s in list_signals(uow, viewer=COORDINATOR, owner_id=sid, only_open=True)
        ]

    assert any("gekoppeld aan dossier" in t for t in titles(desk["img1"]))
    assert any("overgedragen" in t for t in titles(desk["img1"]))
    assert any("gekoppeld aan dossier" in t for t in titles(desk["img2"]))
    assert any("buddy bij dossier" in t for t in titles(desk["ncg1"]))  # the partner changed
    assert titles(desk["ncg2"]) == []


def test_only_a_coordinator_may_couple(uow: UnitOfWork, desk: dict[str, int]) -> None:
    for who in ("aaalders", None, "nobody"):
        with pytest.raises(NotCoordinatorError, match="coördinator"):
            couple(
                uow,
                desk["dossier"],
                img_id=desk["img1"],
                ncg_id=desk["ncg1"],
                reason="probeer",
                by_username=who,
                today=TODAY,
            )
    assert pair_history(uow, desk["dossier"]) == []
    assert list_signals(uow, viewer=COORDINATOR) == []


def test_a_buddy_of_the_wrong_organisation_or_no_reason_is_refused(
    uow: UnitOfWork, desk: dict[str, int]
) -> None:
    with pytest.raises(ValidationError, match="zaakbegeleider"):
        couple(
            uow,
            desk["dossier"],
            img_id=desk["ncg1"],
            ncg_id=desk["ncg2"],
            reason="fout",
            by_username="coord",
            today=TODAY,
        )
    with pytest.raises(ValidationError, match="reden"):
        couple(
            uow,
            desk["dossier"],
            img_id=desk["img1"],
            ncg_id=desk["ncg1"],
            reason="  ",
            by_username="coord",
            today=TODAY,
        )
    assert pair_history(uow, desk["dossier"]) == []


def test_bulk_coupling_is_one_transaction_and_skips_existing_pairs(
    uow: UnitOfWork, desk: dict[str, int]
) -> None:
    others = [
        make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S4_1) for _ in range(3)
    ]
    couple(
        uow,
        others[0],
        img_id=desk["img1"],
        ncg_id=desk["ncg2"],
        reason="al gedaan",
        by_username="coord",
        today=TODAY,
    )
    result = couple_many(
        uow,
        others,
        img_id=desk["img1"],
        ncg_id=desk["ncg2"],
        reason="herverdeling",
        by_username="coord",
        today=TODAY,
    )
    assert [c.dossier_id for c in result.changed] == others[1:]
    assert result.unchanged == (others[0],)
    with pytest.raises(Exception, match="bestaat niet"):
        couple_many(
            uow,
            [desk["dossier"], 999_999],
            img_id=desk["img2"],
            ncg_id=desk["ncg1"],
            reason="half",
            by_username="coord",
            today=TODAY,
        )
    assert pair_history(uow, desk["dossier"]) == []  # nothing half-written


def test_workload_counts_dossiers_per_buddy_group_and_open_signals(
    uow: UnitOfWork, desk: dict[str, int]
) -> None:
    e = make_dossier(uow, img_phase=ImgPhase.OPNAME, ncg_status=NcgStatus.S4_1)
    couple_many(
        uow,
        [desk["dossier"], e],
        img_id=desk["img1"],
        ncg_id=desk["ncg1"],
        reason="start",
        by_username="coord",
        today=TODAY,
    )
    w = workload(uow)
    anna = next(b for b in w.buddies if b.buddy.id == desk["img1"])
    assert (anna.dossiers, anna.by_group, anna.open_signals) == (2, {"B": 1, "E": 1}, 2)
    assert w.by_group == {"B": 1, "E": 1}
    assert all(b.buddy.id != desk["coord"] for b in w.buddies)


def test_a_new_dossier_gets_a_pair_proposed_from_workload_and_area(
    uow: UnitOfWork, desk: dict[str, int]
) -> None:
    busy = [make_dossier(uow, ncg_status=NcgStatus.S2_1) for _ in range(2)]
    couple_many(
        uow,
        busy,
        img_id=desk["img1"],
        ncg_id=desk["ncg1"],
        reason="start",
        by_username="coord",
        today=TODAY,
    )
    new_id = create_dossier(
        uow,
        NewDossier(
            postcode="9999 ZZ", huisnummer=3, straat="Belweg", woonplaats="Ergens", user="ccats"
        ),
    )
    history = pair_history(uow, new_id)
    assert [h.kind for h in history] == [PairChangeKind.PROPOSED]
    assert history[0].img_after is not None and history[0].img_after.id == desk["img2"]
    assert history[0].ncg_after is not None and history[0].ncg_after.id == desk["ncg2"]
    row = next(r for r in list_pairs(uow, only_unpaired=True) if r.dossier_id == new_id)
    assert row.proposal is not None and not row.paired  # proposed, not coupled


def test_cli_couple_list_history(
    db_url: str, uow: UnitOfWork, desk: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    d = str(desk["dossier"])
    base = ["--db", db_url]
    refused = main(
        [
            "pairs",
            "couple",
            d,
            "--img",
            "aaalders",
            "--ncg",
            "ccats",
            "--reason",
            "start",
            *base,
            "--user",
            "bbos",
        ]
    )
    assert refused == 2 and "coördinator" in capsys.readouterr().err
    assert (
        main(
            [
                "--user",
                "coord",
                "pairs",
                "couple",
                d,
                "--img",
                "aaalders",
                "--ncg",
                "ccats",
                "--reason",
                "start",
                *base,
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert (
        main(
            [
                "pairs",
                "couple",
                d,
                "--img",
                "bbos",
                "--ncg",
                "ccats",
                "--reason",
                "verlof",
                "--user",
                "coord",
                "--json",
                *base,
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["changed"][0]["kind"] == "recoupled"
    assert main(["pairs", "history", d, "--json", *base]) == 0
    assert [c["reason"] for c in json.loads(capsys.readouterr().out)] == ["start", "verlof"]
    assert main(["pairs", "list", "--json", *base]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["dossier_id"], r["img"]["naam"]) for r in rows] == [(desk["dossier"], "Bert Bos")]
    assert main(["pairs", "workload", *base]) == 0
    assert "Bert Bos" in capsys.readouterr().out


def test_proposals_are_accepted_in_bulk_by_a_coordinator_only(
    uow: UnitOfWork, desk: dict[str, int], db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    ids = [
        create_dossier(
            uow,
            NewDossier(postcode="9999 ZZ", huisnummer=n, straat="Belweg", woonplaats="Ergens"),
        )
        for n in (1, 2)
    ]
    with pytest.raises(NotCoordinatorError):
        accept_proposals(uow, ids, by_username="ccats", today=TODAY)
    with pytest.raises(ValidationError, match="geen openstaand voorstel"):
        accept_proposals(uow, [*ids, desk["dossier"]], by_username="coord", today=TODAY)
    assert all(not r.paired for r in list_pairs(uow) if r.dossier_id in ids)  # nothing written
    assert (
        main(["pairs", "accept", *map(str, ids), "--user", "coord", "--json", "--db", db_url]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert [c["dossier_id"] for c in out["changed"]] == ids
    assert "voorstel van" in out["changed"][0]["reason"]
    rows = {r.dossier_id: r for r in list_pairs(uow)}
    assert all(rows[d].paired and rows[d].proposal is None for d in ids)


def test_a_coupling_on_the_timeline_reads_in_the_language_of_whoever_looks(
    uow: UnitOfWork, desk: dict[str, int]
) -> None:
    d = desk["dossier"]
    for img, reason in (("img1", "start"), ("img2", "verlof")):
        couple(
            uow,
            d,
            img_id=desk[img],
            ncg_id=desk["ncg1"],
            reason=reason,
            by_username="coord",
            today=TODAY,
        )
    [recoupled] = [e for e in get_dossier(uow, d).events if e.kind == "pair"][:1]
    dutch = "Zaakbegeleider: Anna Aalders → Bert Bos. Bewonersbegeleider: Cor Cats (blijft)."
    assert recoupled.title == "Buddypaar gewijzigd"
    assert recoupled.detail == f"{dutch} Reden: verlof. Door: Carla Coördinator."
    set_language("en")
    try:
        assert recoupled.title == "Buddy pair changed"
        assert recoupled.detail == (
            "Case supervisor (zaakbegeleider): Anna Aalders → Bert Bos. "
            "Resident supervisor (bewonersbegeleider): Cor Cats (stays). "
            "Reason: verlof. By: Carla Coördinator."
        )
    finally:
        set_language("nl")
