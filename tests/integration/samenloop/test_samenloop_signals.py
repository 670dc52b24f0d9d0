"""The samenloop overview, signals by rule and by hand, information requests, and the CLI."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from buddy_desk.choices.rules import (
    Actor,
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import NewChoice, record_choice
from buddy_desk.cli import main as cli_main
from buddy_desk.core.collaboration import CollaborationGroup
from buddy_desk.core.phases import FlagKind, ImgPhase, NcgStatus, Organisation
from buddy_desk.errors import NotFoundError, ValidationError
from buddy_desk.models import Case
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.samenloop.service import (
    ListFilter,
    ListId,
    SortKey,
    belongs,
    export_csv,
    filter_rows,
    load_counts,
    load_overview,
    sort_rows,
)
from buddy_desk.signals.rules import RequestKind, SignalState
from buddy_desk.signals.service import (
    add_signal,
    answer_request,
    close_signal,
    evaluate_signals,
    list_requests,
    list_signals,
    log_request,
)
from tests.factories import make_dossier, make_supervisor

TODAY = date(2026, 11, 26)


def known_fixture(uow: UnitOfWork) -> dict[str, int]:
    """NCG addresses: 3 without damage, 2 settled, 1 per group A–F, 1 running after NCG done."""
    ids = {}
    for i in range(3):
        ids[f"pro{i}"] = make_dossier(uow, ncg_status=NcgStatus.S1_2, postcode="9712AB")
    ids["settled0"] = make_dossier(uow, ncg_status=NcgStatus.S2_1, img_phase=ImgPhase.AFGEROND)
    ids["settled1"] = make_dossier(uow, ncg_status=NcgStatus.S6, img_phase=ImgPhase.AFGEROND)
    pairs = {
        "A": (NcgStatus.S1_2, ImgPhase.OPNAME),
        "B": (NcgStatus.S2_1, ImgPhase.VOORBEREIDING),
        "C": (NcgStatus.S2_1, ImgPhase.BESCHIKKING),
        "D": (NcgStatus.S3_1, ImgPhase.ZIENSWIJZE),
        "E": (NcgStatus.S4_2, ImgPhase.OPNAME),
        "F": (NcgStatus.S5_1, ImgPhase.UITVOERING),
    }
    for g, (status, phase) in pairs.items():
        ids[g] = make_dossier(uow, ncg_status=status, img_phase=phase, woonplaats="Loppersum")
    ids["ncgdone"] = make_dossier(uow, ncg_status=NcgStatus.S6, img_phase=ImgPhase.OPNAME)
    ids["imgonly"] = make_dossier(uow, img_phase=ImgPhase.OPNAME)
    return ids


def test_samenloop_counts_on_a_known_fixture(uow: UnitOfWork) -> None:
    ids = known_fixture(uow)
    o = load_overview(uow)
    assert o.counts[ListId.NCG] == 12
    assert o.counts[ListId.PROACTIVE] == 3
    assert o.counts[ListId.SETTLED] == 2
    assert o.counts[ListId.BOTH] == 6
    assert o.counts[ListId.NCG_DONE] == 1
    for g in CollaborationGroup:
        assert o.counts[ListId(f"group_{g.value}")] == 1
        assert [r.dossier_id for r in o.rows_for(ListId(f"group_{g.value}"))] == [ids[g.value]]
    assert {r.dossier_id for r in o.rows_for(ListId.PROACTIVE)} == {
        ids[f"pro{i}"] for i in range(3)
    }
    assert ids["imgonly"] not in {r.dossier_id for r in o.rows}


def test_counts_in_sql_match_the_lists(uow: UnitOfWork) -> None:
    """The tiles are counted in SQL; the lists are built in Python: they must agree, also
    with several damage cases per address (a settled and a running one)."""
    known_fixture(uow)
    extra = make_dossier(uow, ncg_status=NcgStatus.S4_1, img_phase=ImgPhase.AFGEROND)
    make_dossier(uow, ncg_status=NcgStatus.S2_1, img_phase=ImgPhase.VOORBEREIDING)
    with uow:
        uow.session.add(
            Case(
                dossier_id=extra,
                organisation=Organisation.IMG,
                identificatie="IMG-EXTRA-1",
                status=ImgPhase.OPNAME.value,
                startdatum=date(2026, 1, 5),
                urgent=False,
            )
        )
        uow.commit()
    counts = load_counts(uow)
    rows = load_overview(uow).rows
    for list_id in ListId:
        assert counts[list_id] == sum(1 for r in rows if belongs(r, list_id)), list_id
    assert counts[ListId.GROUP_E] == 2


def test_lists_filter_and_sort(uow: UnitOfWork) -> None:
    known_fixture(uow)
    o = load_overview(uow)
    both = o.rows_for(ListId.BOTH)
    assert len(filter_rows(both, ListFilter(gemeente="GRONINGEN"))) == 6
    assert filter_rows(both, ListFilter(gemeente="Oldambt")) == []
    assert len(filter_rows(o.rows, ListFilter(text="loppersum"))) == 6
    assert filter_rows(both, ListFilter(ncg_status=NcgStatus.S2_1, group=CollaborationGroup.C))
    by_status = sort_rows(o.rows_for(ListId.NCG), SortKey.NCG_STATUS)
    orders = [r.ncg_status.order for r in by_status]
    assert orders == sorted(orders)
    pc = filter_rows(o.rows, ListFilter(text="9712"))
    assert len(pc) == len(o.rows)  # every fixture address is in 9712AB


def test_csv_export_of_a_list(uow: UnitOfWork, tmp_path: Path) -> None:
    known_fixture(uow)
    rows = load_overview(uow).rows_for(ListId.PROACTIVE)
    target = tmp_path / "proactief.csv"
    assert export_csv(target, rows) == 3
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfAdres-ID;Straat;")
    assert data.count(b"\r\n") == 4


def test_evaluate_is_idempotent_and_respects_closed_signals(uow: UnitOfWork) -> None:
    ids = known_fixture(uow)
    first = evaluate_signals(uow, TODAY)
    assert first.created > 0
    assert evaluate_signals(uow, TODAY).created == 0
    joint = [s for s in list_signals(uow, dossier_id=ids["B"]) if s.rule == "joint_inspection"]
    assert len(joint) == 1
    close_signal(uow, joint[0].id, "Bewoner wil geen gezamenlijke opname", "anna")
    assert evaluate_signals(uow, TODAY).created == 0
    (closed,) = [s for s in list_signals(uow, dossier_id=ids["B"]) if s.rule == "joint_inspection"]
    assert closed.state is SignalState.DONE
    assert closed.outcome == "Bewoner wil geen gezamenlijke opname"


def test_intervention_team_signal_for_a_stuck_dossier(uow: UnitOfWork) -> None:
    d = make_dossier(uow, ncg_status=NcgStatus.S3_1, flags=(FlagKind.VASTGELOPEN,))
    evaluate_signals(uow, TODAY, [d])
    assert [s.rule for s in list_signals(uow, dossier_id=d)] == ["intervention_team"]


def test_signals_by_hand_and_my_signals(uow: UnitOfWork) -> None:
    anna = make_supervisor(uow, Organisation.NCG, "Anna Bakker", "anna")
    bram = make_supervisor(uow, Organisation.IMG, "Bram Smit", "bram")
    d = make_dossier(uow, ncg_status=NcgStatus.S2_1, img_supervisor_id=bram, ncg_supervisor_id=anna)
    later = add_signal(
        uow,
        d,
        "Bel bewoner terug",
        organisation=Organisation.NCG,
        due=date(2026, 12, 10),
        user="anna",
    )
    sooner = add_signal(
        uow, d, "Stuur brief", organisation=Organisation.NCG, due=date(2026, 12, 1), user="anna"
    )
    other = add_signal(uow, d, "Opname plannen", organisation=Organisation.IMG, user="bram")
    assert later.owner_id == anna and other.owner_id == bram
    mine = list_signals(uow, owner_id=anna, only_open=True)
    assert [s.id for s in mine] == [sooner.id, later.id]
    close_signal(uow, sooner.id, "Brief verstuurd", "anna")
    assert [s.id for s in list_signals(uow, owner_id=anna, only_open=True)] == [later.id]
    with pytest.raises(ValidationError):
        close_signal(uow, sooner.id, "nogmaals", "anna")
    with pytest.raises(ValidationError):
        add_signal(uow, d, "   ", organisation=Organisation.NCG)
    with pytest.raises(NotFoundError):
        add_signal(uow, 999_999, "x", organisation=Organisation.NCG)


def test_information_requests_are_logged_with_the_answer(uow: UnitOfWork) -> None:
    d = make_dossier(uow, ncg_status=NcgStatus.S2_1, img_phase=ImgPhase.OPNAME)
    req = log_request(
        uow, d, RequestKind.SPEED_UP, Organisation.NCG, "Kan de opname eerder?", "anna"
    )
    assert req.answer is None
    # a date of IMG's case reaches NCG only with the resident's consent IMG → NCG
    record_choice(
        uow,
        d,
        NewChoice(
            ChoiceType.DATA_SHARING,
            "gegeven",
            Channel.KITCHEN_TABLE,
            datetime(2026, 11, 1, tzinfo=UTC),
            direction=Direction.IMG_TO_NCG,
            purpose="samen afhandelen",
            categories=(DocumentCategory.CASE_DETAILS,),
            method=ConsentMethod.VERBAL,
        ),
        Actor("anna", "Anna", Organisation.NCG, "supervisor"),
    )
    answer_request(uow, req.id, "Ingepland op 3-12-2026", "bram")
    (logged,) = list_requests(uow, d)
    assert logged.kind is RequestKind.SPEED_UP
    assert logged.from_organisation is Organisation.NCG
    assert logged.answer == "Ingepland op 3-12-2026"
    assert logged.answered_by == "bram"


def test_cli_import_samenloop_and_signals_json(
    engine: Engine, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ncg = tmp_path / "ncg.csv"
    ncg.write_bytes(
        b"Adres-ID;Postcode;Huisnummer;NCG status;Bewonersbegeleider\r\n"
        b"N-1;9712AB;1;2.1;Anna Bakker\r\nN-2;9712AB;2;1.2;\r\nN-3;9712AB;x;1.2;\r\n"
    )
    img = tmp_path / "img.csv"
    img.write_bytes(b"Zaaknummer,Postcode,Huisnummer,Fase\nZ-1,9712ab,1,Opname\n")
    assert cli_main(["import", "ncg", str(ncg), "--json", "--db", db_url]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["imported"] == 2 and out["updated"] == 0 and out["unchanged"] == 0
    assert out["rejected"] == [
        {"line": 4, "field": "Huisnummer", "reason": "'x' is geen huisnummer"}
    ]
    assert cli_main(["import", "img", str(img), "--json", "--db", db_url]) == 0
    assert json.loads(capsys.readouterr().out)["imported"] == 1
    assert cli_main(["samenloop", "--json", "--db", db_url]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["ncg_addresses"] == 2
    assert counts["without_damage_report"] == 1
    assert counts["both_running"] == 1
    assert counts["both_running_per_group"]["B"] == 1
    csv_path = tmp_path / "lijst.csv"
    assert (
        cli_main(["samenloop", "--list", "proactive", "--csv", str(csv_path), "--db", db_url]) == 0
    )
    capsys.readouterr()
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert cli_main(["signals", "--open", "--json", "--db", db_url]) == 0
    signals = json.loads(capsys.readouterr().out)
    assert {s["title"].split(":")[0] for s in signals} >= {"Groep B"}
    assert cli_main(["import", "ncg", str(img), "--db", db_url]) == 2
    assert "IMG-zakenexport" in capsys.readouterr().err
