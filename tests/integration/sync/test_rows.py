"""Signals, information requests, buddy pairs and bookings made offline on two laptops."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update

from buddy_desk.choices.rules import Actor, Direction
from buddy_desk.cli import main as cli_main
from buddy_desk.core.inspection import InspectionForm, VisitKind
from buddy_desk.core.phases import Organisation
from buddy_desk.i18n import tr
from buddy_desk.models import Dossier, Supervisor, TimelineEvent
from buddy_desk.models.pairs import PairChange
from buddy_desk.models.planning import InspectionAppointment, InspectionExpert
from buddy_desk.models.signals import InformationRequest, Signal
from buddy_desk.models.sync import SyncOutbox, SyncState
from buddy_desk.pairs.rules import COORDINATOR_ROLE
from buddy_desk.pairs.service import couple
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.planning.calendar import AMSTERDAM, Proposal, Visit
from buddy_desk.planning.service.booking import book, cancel, move
from buddy_desk.signals.rules import RequestKind, Rule, SignalState
from buddy_desk.signals.service import (
    add_signal,
    answer_request,
    close_signal,
    evaluate_signals,
    list_requests,
    list_signals,
    log_request,
)
from buddy_desk.sync import service
from tests.factories import give_consent, make_supervisor
from tests.integration.sync.conftest import Team, enrol_both, enrol_laptop, forge_edit, replay
from tests.planning_factories import make_expert

pytestmark = pytest.mark.postgres

ANNA = Actor("anna", "Anna Visser", Organisation.IMG, "buddy")


def _local_id(uow: UnitOfWork, model: type[Signal] | type[InformationRequest], uuid: str) -> int:
    with uow:
        found = uow.session.scalar(select(model.id).where(model.uuid == uuid))
    assert found is not None, f"{model.__tablename__} {uuid} is not on this database"
    return found


def _signals(uow: UnitOfWork) -> dict[str, tuple[str, str | None, int]]:
    """uuid → (state, outcome, dossier)."""
    with uow:
        return {
            s.uuid: (s.state.value, s.outcome, s.dossier_id)
            for s in uow.session.scalars(select(Signal))
        }


def test_two_laptops_closing_one_signal_differently_keep_both_outcomes(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    sig = add_signal(server, team.shared, "Bel de bewoner terug", organisation=Organisation.IMG)
    uuid = _uuid_of(server, sig.id)
    anna, bram = enrol_both(team, tmp_path)
    # offline, both close the same signal with a different outcome
    close_signal(anna, _local_id(anna, Signal, uuid), "Teruggebeld, afspraak gemaakt", "anna")
    close_signal(bram, _local_id(bram, Signal, uuid), "Niet bereikt, brief gestuurd", "bram")
    with anna:
        queued = {r.row_key for r in anna.session.scalars(select(SyncOutbox))}
    assert f"{uuid}:outcome" in queued and f"{uuid}:state" in queued

    service.sync(anna)
    service.sync(bram)
    service.sync(anna)
    # the server holds anna's (first) outcome; bram's is listed on both laptops, not lost
    assert _signals(server)[uuid][:2] == ("done", "Teruggebeld, afspraak gemaakt")
    for laptop in (anna, bram):
        assert _signals(laptop)[uuid][:2] == ("done", "Teruggebeld, afspraak gemaakt")
        listed = {c.field: c for c in service.conflicts(laptop) if c.table_name == "signal_field"}
        assert listed["outcome"].mine == "Niet bereikt, brief gestuurd"
        assert listed["outcome"].theirs == "Teruggebeld, afspraak gemaakt"
        assert listed["outcome"].reason == "concurrent_edit"
        assert "state" not in listed  # both said "done": the same value is no conflict


def _uuid_of(uow: UnitOfWork, signal_id: int) -> str:
    with uow:
        found = uow.session.get(Signal, signal_id)
        assert found is not None
        return found.uuid


def test_information_request_answered_on_two_laptops_lists_the_second_answer(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    req = log_request(
        server, team.shared, RequestKind.COUPLING_STAFF, Organisation.NCG, "Wie is de buddy?"
    )
    with server:
        found = server.session.get(InformationRequest, req.id)
        assert found is not None
        uuid = found.uuid
    anna, bram = enrol_both(team, tmp_path)
    answer_request(anna, _local_id(anna, InformationRequest, uuid), "Anna Visser", "anna")
    answer_request(bram, _local_id(bram, InformationRequest, uuid), "Onbekend", "bram")
    service.sync(bram)
    service.sync(anna)
    service.sync(bram)
    with server:
        answer = server.session.scalar(
            select(InformationRequest.answer).where(InformationRequest.uuid == uuid)
        )
    assert answer == "Onbekend"
    for laptop in (anna, bram):
        listed = [c for c in service.conflicts(laptop) if c.field == "answer"]
        assert [(c.mine, c.theirs) for c in listed] == [("Anna Visser", "Onbekend")]


def test_rows_made_offline_reach_the_server_and_the_other_laptop_once(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    anna, bram = enrol_both(team, tmp_path)
    made = add_signal(
        anna, team.shared, "Foto's van de scheur opvragen", organisation=Organisation.IMG
    )
    uuid = _uuid_of(anna, made.id)
    log_request(
        bram, team.shared, RequestKind.STATUS_EXCHANGE, Organisation.NCG, "Hoe staat de zaak?"
    )
    # a push whose answer was lost: the retry (the next sync) applies nothing a second time
    # (laptop logins push through sync.push_from with their heads, as service.sync does)
    replay(team, anna)
    service.sync(anna)
    service.sync(bram)
    service.sync(anna)
    for db in (server, anna, bram):
        with db:
            assert db.session.scalar(select(func.count()).where(Signal.uuid == uuid)) == 1
            questions = db.session.scalars(select(InformationRequest.question)).all()
        assert questions == ["Hoe staat de zaak?"]
    # a non-conflicting edit made on one laptop is applied everywhere
    close_signal(bram, _local_id(bram, Signal, uuid), "Foto's ontvangen", "bram")
    service.sync(bram)
    service.sync(anna)
    for db in (server, anna, bram):
        assert _signals(db)[uuid][:2] == (SignalState.DONE.value, "Foto's ontvangen")
    assert service.conflicts(anna) == [] and service.conflicts(bram) == []


def test_a_laptop_never_receives_signals_outside_its_scope(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    inside = add_signal(server, team.shared, "Binnen", organisation=Organisation.IMG)
    outside = add_signal(server, team.nobody, "Buiten", organisation=Organisation.IMG)
    bram_only = add_signal(server, team.bram_only, "Alleen Bram", organisation=Organisation.NCG)
    anna = enrol_laptop(team, tmp_path, "anna")
    held = {dossier for _state, _outcome, dossier in _signals(anna).values()}
    assert held == {team.shared}
    assert _uuid_of(server, inside.id) in _signals(anna)
    assert _uuid_of(server, outside.id) not in _signals(anna)
    assert _uuid_of(server, bram_only.id) not in _signals(anna)
    # a change pushed for a dossier outside the scope is refused and listed, not applied
    forge_edit(
        anna,
        uuid="f" * 32,
        table="signal_field",
        row_key=f"{_uuid_of(server, outside.id)}:outcome",
        dossier_id=team.nobody,
    )
    service.sync(anna)
    assert _signals(server)[_uuid_of(server, outside.id)][1] is None


def test_an_offline_booking_of_a_slot_taken_meanwhile_is_refused_with_alternatives(
    team: Team, server: UnitOfWork, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expert = make_expert(
        server, Organisation.IMG, "Evert Bakker", dual=True, hours=(time(8), time(17))
    )
    evaluate_signals(server, date(2026, 12, 1), [team.shared])
    assert _joint_signal(server, team.shared) == "open"
    anna = enrol_laptop(team, tmp_path, "anna")
    with anna:  # experts and their calendars are reference data on the laptop
        assert anna.session.get(InspectionExpert, expert) is not None
    start = datetime(2027, 1, 12, 9, 0, tzinfo=AMSTERDAM).astimezone(UTC)
    end = datetime(2027, 1, 12, 11, 0, tzinfo=AMSTERDAM).astimezone(UTC)
    slot = Proposal(InspectionForm.COMBINED, (Visit(expert, VisitKind.COMBINED, start, end),))
    book(anna, team.shared, slot, user="anna")  # offline
    assert _joint_signal(anna, team.shared) == "done"  # the booking closed it on the laptop
    book(server, team.bram_only, slot, user="planner")  # meanwhile, on the server
    report = service.sync(anna)
    assert report.queued == 0
    # the signal's closing stood or fell with the booking: still open, everywhere
    assert _joint_signal(server, team.shared) == "open"
    assert _joint_signal(anna, team.shared) == "open"

    with server:  # refused: only the server's booking, and no "gepland" line from the laptop
        booked = server.session.scalars(select(InspectionAppointment.dossier_id)).all()
        planning_lines = server.session.scalar(
            select(func.count()).where(
                TimelineEvent.dossier_id == team.shared, TimelineEvent.kind == "planning"
            )
        )
    assert booked == [team.bram_only]
    assert planning_lines == 0
    with anna:
        assert anna.session.scalars(select(InspectionAppointment)).all() == []
    [refused] = service.conflicts(anna)
    assert refused.reason == "slot_taken" and refused.dossier_id == team.shared
    assert refused.mine == "12-01-2027 09:00–11:00"
    assert refused.alternatives, "the planner is shown free slots"
    assert all(not line.startswith("12-01-2027 09:00") for line in refused.alternatives)
    assert all("Evert Bakker" in line for line in refused.alternatives)
    capsys.readouterr()
    path = anna.engine.url.database
    assert cli_main(["conflicts", "--db", str(path), "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["reason"] == "slot_taken"
    assert listed["alternatives"] == list(refused.alternatives)


def _joint_signal(uow: UnitOfWork, dossier_id: int) -> str:
    with uow:
        state = uow.session.scalar(
            select(Signal.state).where(
                Signal.dossier_id == dossier_id, Signal.rule == Rule.JOINT_INSPECTION.value
            )
        )
    assert state is not None
    return state.value


def test_a_booking_on_a_free_slot_is_applied_and_reaches_the_other_laptop(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    expert = make_expert(server, Organisation.IMG, "Evert Bakker", dual=True)
    evaluate_signals(server, date(2026, 12, 1), [team.shared])
    anna, bram = enrol_both(team, tmp_path)
    start = datetime(2027, 1, 13, 13, 0, tzinfo=AMSTERDAM).astimezone(UTC)
    end = datetime(2027, 1, 13, 15, 0, tzinfo=AMSTERDAM).astimezone(UTC)
    slot = Proposal(InspectionForm.COMBINED, (Visit(expert, VisitKind.COMBINED, start, end),))
    book(anna, team.shared, slot, user="anna")
    service.sync(anna)
    service.sync(bram)
    for db in (server, bram):
        with db:
            [appointment] = db.session.scalars(select(InspectionAppointment)).all()
            assert appointment.dossier_id == team.shared
            assert [v.expert_id for v in appointment.visits] == [expert]
            lines = db.session.scalar(
                select(func.count()).where(
                    TimelineEvent.dossier_id == team.shared, TimelineEvent.kind == "planning"
                )
            )
        assert lines == 1
        assert _joint_signal(db, team.shared) == "done"
    assert service.conflicts(anna) == []


def test_a_pair_edit_by_a_buddy_laptop_is_refused_and_listed(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    with anna:
        dossier = anna.session.get(Dossier, team.shared)
        assert dossier is not None
        dossier.ncg_supervisor_id = None
        anna.commit()
    service.sync(anna)
    with server:
        kept = server.session.get(Dossier, team.shared)
        assert kept is not None and kept.ncg_supervisor_id is not None
    [refused] = service.conflicts(anna)
    assert (refused.reason, refused.field) == ("not_allowed", "ncg_supervisor_id")


def test_a_rule_signal_carrying_the_other_sides_case_details_follows_the_consent(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    evaluate_signals(server, date(2026, 12, 1), [team.shared])
    with server:
        rule_uuid = server.session.scalar(
            select(Signal.uuid).where(
                Signal.dossier_id == team.shared,
                Signal.rule == Rule.DAMAGE_ON_STRENGTHENING_ADDRESS.value,
            )
        )
    assert rule_uuid is not None
    anna = enrol_laptop(team, tmp_path, "anna")

    def on_laptop() -> tuple[str, str | None]:
        with anna:
            found = anna.session.scalars(select(Signal).where(Signal.uuid == rule_uuid)).one()
            return found.title, found.detail

    # no consent NCG → IMG: the text with NCG's case details never reaches IMG's laptop;
    # the laptop's gate shows the masked text and says what is withheld
    assert on_laptop() == ("", None)
    [shown] = [
        s for s in list_signals(anna, viewer=ANNA) if s.rule == Rule.DAMAGE_ON_STRENGTHENING_ADDRESS
    ]
    assert shown.withheld and shown.title
    give_consent(server, team.shared, Direction.NCG_TO_IMG)
    service.sync(anna)
    title, detail = on_laptop()
    assert title and detail
    [shown] = [
        s for s in list_signals(anna, viewer=ANNA) if s.rule == Rule.DAMAGE_ON_STRENGTHENING_ADDRESS
    ]
    assert shown.withheld == ()


def _coordinator_laptop(
    team: Team, server: UnitOfWork, tmp_path: Path, naam: str, org: Organisation
) -> UnitOfWork:
    username = f"{naam.split()[0].lower()}{tmp_path.name[-6:].lower()}"
    username = "".join(ch for ch in username if ch.isalnum())
    sup = make_supervisor(server, org, naam, username)
    with server:
        server.session.execute(
            update(Supervisor).where(Supervisor.id == sup).values(role=COORDINATOR_ROLE)
        )
        server.commit()
    # a field login (laptops sync through the buddy role's functions); coupling is allowed by
    # the staff member's own role on the server, as in the app (pairs.rules.may_couple)
    secret = service.add_user(team.url, username, org.value, "buddy")
    service.take_on_server(team.url, username, [team.shared])
    laptop = UnitOfWork(open_database(f"sqlite:///{tmp_path / (username + '.sqlite')}"))
    service.enrol(laptop, team.url, username, secret)
    return laptop


def test_two_coordinators_recoupling_one_pair_offline_keep_one_and_list_the_other(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    eva = make_supervisor(server, Organisation.NCG, "Eva Kramer")
    femke = make_supervisor(server, Organisation.NCG, "Femke Bos")
    cora = _coordinator_laptop(team, server, tmp_path, "Cora Hoekstra", Organisation.IMG)
    coen = _coordinator_laptop(team, server, tmp_path, "Coen Meijer", Organisation.NCG)
    with server:
        dossier = server.session.get(Dossier, team.shared)
        assert dossier is not None and dossier.img_supervisor_id is not None
        img = dossier.img_supervisor_id
    today = date(2026, 12, 6)
    for laptop, ncg, who in ((cora, eva, "Cora"), (coen, femke, "Coen")):
        with laptop:
            state = laptop.session.get(SyncState, 1)
            assert state is not None
            username = state.username
        couple(
            laptop,
            team.shared,
            img_id=img,
            ncg_id=ncg,
            reason=f"{who}: werkdruk",
            by_username=username,
            today=today,
        )
    service.sync(cora)
    service.sync(coen)
    service.sync(cora)
    with server:
        dossier = server.session.get(Dossier, team.shared)
        assert dossier is not None and dossier.ncg_supervisor_id == eva
        reasons = server.session.scalars(
            select(PairChange.reason).where(PairChange.dossier_id == team.shared)
        ).all()
    assert reasons == ["Cora: werkdruk"]  # the refused re-coupling leaves no history line
    for laptop in (cora, coen):
        with laptop:
            held = laptop.session.get(Dossier, team.shared)
            assert held is not None and held.ncg_supervisor_id == eva
        listed = [c for c in service.conflicts(laptop) if c.table_name == "dossier_pair_field"]
        assert [(c.field, c.mine, c.theirs) for c in listed] == [
            ("ncg_supervisor_id", "Femke Bos", "Eva Kramer")
        ]


def test_an_answer_with_case_data_reaches_the_asker_only_with_consent(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    req = log_request(
        server, team.shared, RequestKind.STATUS_EXCHANGE, Organisation.IMG, "Welke fase?"
    )
    with server:  # answered before the SVIP desk checked consent (an old answer)
        found = server.session.get(InformationRequest, req.id)
        assert found is not None
        found.answer, found.answered_by, uuid = "Fase S2.1, zaak NCG-77", "bram", found.uuid
        server.commit()
    anna = enrol_laptop(team, tmp_path, "anna")  # IMG asked; no consent NCG → IMG
    bram = enrol_laptop(team, tmp_path, "bram")  # NCG answered: sees its own answer

    def raw(laptop: UnitOfWork) -> str | None:
        with laptop:
            return laptop.session.scalar(
                select(InformationRequest.answer).where(InformationRequest.uuid == uuid)
            )

    assert raw(bram) == "Fase S2.1, zaak NCG-77"
    assert raw(anna) == ""
    [shown] = list_requests(anna, team.shared, viewer=Organisation.IMG)
    assert shown.answer == tr("svip.answer.withheld")
    path = anna.engine.url.database
    assert path is not None
    anna.engine.dispose()
    assert b"NCG-77" not in Path(path).read_bytes()
    give_consent(server, team.shared, Direction.NCG_TO_IMG)
    service.sync(anna)
    assert raw(anna) == "Fase S2.1, zaak NCG-77"


def _server_booking(team: Team, server: UnitOfWork, day: int) -> tuple[int, Proposal]:
    expert = make_expert(server, Organisation.IMG, "Evert Bakker", dual=True)
    start = datetime(2027, 1, day, 9, 0, tzinfo=AMSTERDAM).astimezone(UTC)
    slot = Proposal(
        InspectionForm.COMBINED,
        (Visit(expert, VisitKind.COMBINED, start, start + timedelta(hours=2)),),
    )
    [booked] = book(server, team.shared, slot, user="planner")
    return booked.id, slot


def _appointment(uow: UnitOfWork) -> tuple[str, datetime, int, list[str]]:
    with uow:
        [a] = uow.session.scalars(select(InspectionAppointment)).all()
        return a.state.value, a.start_at, a.sequence, [c.action for c in a.changes]


def _local_appointment(uow: UnitOfWork) -> int:
    with uow:
        found = uow.session.scalar(select(InspectionAppointment.id))
    assert found is not None
    return int(found)


def test_a_booking_moved_offline_is_moved_on_the_server_and_the_other_laptop(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    _booked, _slot = _server_booking(team, server, 12)
    anna, bram = enrol_both(team, tmp_path)
    later = datetime(2027, 1, 14, 13, 0, tzinfo=AMSTERDAM)
    move(anna, _local_appointment(anna), later, "bewoner kan dan niet", user="anna")
    move(anna, _local_appointment(anna), later + timedelta(hours=1), "toch later", user="anna")
    service.sync(anna)
    service.sync(bram)
    for db in (server, anna, bram):
        state, start, sequence, actions = _appointment(db)
        assert (state, start, sequence) == ("booked", later + timedelta(hours=1), 2)
        assert actions == ["booked", "moved", "moved"]
    assert service.conflicts(anna) == []


def test_a_booking_changed_on_the_server_meanwhile_keeps_the_servers_and_lists_the_laptops(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    booked, _slot = _server_booking(team, server, 12)
    anna = enrol_laptop(team, tmp_path, "anna")
    cancel(anna, _local_appointment(anna), "bewoner ziek", user="anna")  # offline
    moved_to = datetime(2027, 1, 15, 10, 0, tzinfo=AMSTERDAM)
    move(server, booked, moved_to, "deskundige ziek", user="planner")  # meanwhile
    service.sync(anna)
    for db in (server, anna):
        state, start, sequence, _actions = _appointment(db)
        assert (state, start, sequence) == ("booked", moved_to, 1)
    [listed] = service.conflicts(anna)
    assert listed.reason == "concurrent_edit"
    assert listed.mine == "12-01-2027 09:00–11:00 (geannuleerd)"


def test_a_booking_cancelled_offline_is_cancelled_everywhere(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    _server_booking(team, server, 12)
    anna = enrol_laptop(team, tmp_path, "anna")
    cancel(anna, _local_appointment(anna), "bewoner ziek", user="anna")
    service.sync(anna)
    state, _start, sequence, actions = _appointment(server)
    assert (state, sequence, actions) == ("cancelled", 1, ["booked", "cancelled"])


def test_a_laptop_enrolled_before_rows_synced_pulls_its_whole_scope_once(
    team: Team, server: UnitOfWork, tmp_path: Path
) -> None:
    sig = add_signal(server, team.second, "Van voor de upgrade", organisation=Organisation.IMG)
    anna = enrol_laptop(team, tmp_path, "anna")
    with anna:  # as a laptop enrolled before this version holds it: no signals, no marker
        conn = anna.session.connection()
        conn.execute(text("UPDATE sync_state SET applying = 1"))
        conn.execute(text("DELETE FROM signal"))
        conn.execute(text("DELETE FROM sync_version WHERE table_name = 'sync_rows'"))
        conn.execute(text("UPDATE sync_state SET applying = 0"))
        anna.commit()
    report = service.sync(anna)
    assert report.pulled == 2  # both dossiers of the scope, although neither changed
    assert _uuid_of(server, sig.id) in _signals(anna)
    assert service.sync(anna).pulled == 0  # once
