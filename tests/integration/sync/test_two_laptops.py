"""Two laptops of one buddy pair, offline at the same resident, then synced with the server."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import ProgrammingError

from buddy_desk.choices.rules import (
    Channel,
    ChoiceType,
    ConsentMethod,
    Direction,
    DocumentCategory,
)
from buddy_desk.choices.service.log import (
    NewChoice,
    log_entries,
    record_choice,
    verify_log,
    withdraw_choice,
)
from buddy_desk.dossiers.service import save_note
from buddy_desk.models import Case, Dossier
from buddy_desk.models.access_log import AccessLogEntry
from buddy_desk.persistence.engine import create_db_engine
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import heads, service
from buddy_desk.sync.server_sql import login_role
from tests.integration.sync.conftest import Team, enrol_laptop

pytestmark = pytest.mark.postgres

T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def _held(uow: UnitOfWork) -> set[int]:
    with uow:
        return set(uow.session.scalars(select(Dossier.id)))


def _choice(value: str) -> NewChoice:
    return NewChoice(ChoiceType.FREE_TEXT, value, Channel.KITCHEN_TABLE, T0)


def test_each_laptop_holds_its_scope_and_nothing_else(team: Team, tmp_path: Path) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    bram = enrol_laptop(team, tmp_path, "bram")
    assert _held(anna) == {team.shared, team.second}
    assert _held(bram) == {team.shared, team.second, team.bram_only}
    # every pull of personal data is on record: who took which dossiers when
    server = create_db_engine(team.url)
    with server.connect() as conn:
        pulls = conn.execute(text("SELECT username, dossier_ids FROM sync.pull_log")).all()
    server.dispose()
    assert sorted((u, sorted(d)) for u, d in pulls) == sorted(
        [
            (team.secrets["anna_login"], sorted([team.shared, team.second])),
            (team.secrets["bram_login"], sorted([team.shared, team.second, team.bram_only])),
        ]
    )
    for laptop in (anna, bram):
        path = laptop.engine.url.database
        assert path is not None
        laptop.engine.dispose()
        assert b"Zwartsenberg" not in Path(path).read_bytes()


def test_a_laptop_login_reads_no_table_directly(team: Team) -> None:
    url = service._login_url(team.url, team.secrets["anna_login"], team.secrets["anna"])
    engine = create_db_engine(url.render_as_string(hide_password=False))
    with engine.connect() as conn, pytest.raises(ProgrammingError, match="permission denied"):
        conn.execute(text("SELECT achternaam FROM person"))
    engine.dispose()


def test_without_consent_the_other_organisations_details_stay_on_the_server(
    team: Team, tmp_path: Path
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    with anna:
        ncg = anna.session.scalars(
            select(Case).where(Case.dossier_id == team.shared, Case.organisation == "NCG")
        ).one()
        img = anna.session.scalars(
            select(Case).where(Case.dossier_id == team.shared, Case.organisation == "IMG")
        ).one()
        # the phase travels (the A–F group needs it); the details do not
        assert ncg.status and ncg.startdatum is None and not ncg.statuses
        assert img.startdatum is not None and img.statuses


def test_offline_choices_and_notes_from_two_laptops_all_arrive(team: Team, tmp_path: Path) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    bram = enrol_laptop(team, tmp_path, "bram")
    # offline, at the same kitchen table
    record_choice(anna, team.shared, _choice("anna's keuze"), team.actor("anna"), now=T0)
    record_choice(bram, team.shared, _choice("bram's keuze"), team.actor("bram"), now=T0)
    save_note(anna, team.shared, "Anna: dak lekt", "anna", base_updated_at=None)
    save_note(bram, team.shared, "Bram: scheur in gevel", "bram", base_updated_at=None)

    first = service.sync(anna)
    assert first.pushed >= 3 and first.queued == 0
    second = service.sync(bram)
    assert second.conflicts == 1
    service.sync(anna)

    server = UnitOfWork(open_database(team.url))
    on_server = log_entries(server, team.shared)
    assert sorted(e.value for e in on_server) == ["anna's keuze", "bram's keuze"]
    for uow in (server, anna, bram):
        assert verify_log(uow).ok
        assert [e.entry_hash for e in log_entries(uow, team.shared)] == [
            e.entry_hash for e in on_server
        ]
    # the note: the first save is in force, the other is listed rather than lost
    for laptop in (anna, bram):
        (conflict,) = service.conflicts(laptop)
        assert conflict.dossier_id == team.shared
        assert conflict.mine == "Bram: scheur in gevel"
        assert conflict.reason == "concurrent_edit"


def test_consent_recorded_on_one_laptop_opens_the_details_on_the_other(
    team: Team, tmp_path: Path
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    bram = enrol_laptop(team, tmp_path, "bram")
    consent = NewChoice(
        ChoiceType.DATA_SHARING,
        "gegeven",
        Channel.KITCHEN_TABLE,
        T0,
        direction=Direction.NCG_TO_IMG,
        purpose="Samen afhandelen",
        categories=(DocumentCategory.CASE_DETAILS,),
        method=ConsentMethod.SIGNED_FORM,
        form_reference="GUO-2026-0001",
    )
    record_choice(bram, team.shared, consent, team.actor("bram"), now=T0)
    service.sync(bram)
    service.sync(anna)
    with anna:
        ncg = anna.session.scalars(
            select(Case).where(Case.dossier_id == team.shared, Case.organisation == "NCG")
        ).one()
        assert ncg.startdatum is not None and ncg.statuses
    server = UnitOfWork(open_database(team.url))
    with server:
        logged = server.session.scalars(  # the views; the choice log's anchors aside
            select(AccessLogEntry).where(
                AccessLogEntry.dossier_id == team.shared, AccessLogEntry.anchor_seq.is_(None)
            )
        ).all()
        assert [(e.gebruiker, e.gegevensbron) for e in logged] == [
            (team.secrets["anna_login"], "NCG")
        ]
    # the resident withdraws: the next pull takes the details off anna's laptop again
    given = log_entries(bram, team.shared)[-1]
    withdraw_choice(bram, team.shared, given.seq, team.actor("bram"), channel=Channel.PHONE, now=T0)
    service.sync(bram)
    service.sync(anna)
    with anna:
        ncg = anna.session.scalars(
            select(Case).where(Case.dossier_id == team.shared, Case.organisation == "NCG")
        ).one()
        assert ncg.startdatum is None and not ncg.statuses


def test_a_retried_push_applies_nothing_twice(team: Team, tmp_path: Path) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    record_choice(anna, team.shared, _choice("eenmaal"), team.actor("anna"), now=T0)
    with anna:
        payload = anna.session.execute(
            text("SELECT uuid, table_name, dossier_id, payload FROM sync_outbox")
        ).all()
    service.sync(anna)
    # the same batch again, as after a lost answer
    url = service._login_url(team.url, team.secrets["anna_login"], team.secrets["anna"])
    engine = create_db_engine(url.render_as_string(hide_password=False))
    batch = [
        {
            "uuid": u,
            "table": t,
            "dossier_id": d,
            "payload": p,
            "base_version": None,
            "base_change": None,
            "author": "anna",
        }
        for u, t, d, p in payload
    ]
    with anna:
        laptop_id = anna.session.scalars(text("SELECT laptop_id FROM sync_state")).one()
        report = heads.local_heads(anna.session.connection())
    with engine.connect() as conn:
        again = heads.push_from(conn, laptop_id, report, batch)
        conn.commit()
    engine.dispose()
    assert {r["outcome"] for r in again} == {"applied"}
    server = UnitOfWork(open_database(team.url))
    assert [e.value for e in log_entries(server, team.shared)] == ["eenmaal"]


def test_login_role_names_the_user() -> None:
    assert login_role("anna") == "bd_user_anna"


def test_outbox_triggers_come_back_when_the_app_asks_for_the_status(
    team: Team, tmp_path: Path
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    with anna.engine.begin() as conn:  # as a migration that rebuilds the table would
        conn.exec_driver_sql("DROP TRIGGER trg_sync_outbox_choice")
    assert service.status(anna).queued == 0
    record_choice(anna, team.shared, _choice("na migratie"), team.actor("anna"), now=T0)
    # the entry, its timeline line and the two rule signals the new choice raised
    assert service.status(anna).queued == 4


def test_a_resolved_note_conflict_is_closed_everywhere_with_the_chosen_text(
    team: Team, tmp_path: Path
) -> None:
    anna = enrol_laptop(team, tmp_path, "anna")
    bram = enrol_laptop(team, tmp_path, "bram")
    save_note(anna, team.shared, "Anna: dak lekt", "anna", base_updated_at=None)
    save_note(bram, team.shared, "Bram: scheur", "bram", base_updated_at=None)
    service.sync(anna)
    service.sync(bram)
    (conflict,) = service.conflicts(bram)
    merged = "Anna: dak lekt\n\n— Mijn aanvulling —\nBram: scheur"
    service.resolve_conflict(bram, conflict.uuid, note_body=merged, user="bram")  # offline
    assert service.conflicts(bram) == []
    service.sync(bram)
    service.sync(anna)
    for laptop in (anna, bram):
        assert service.conflicts(laptop) == []
        note = service.current_note(laptop, team.shared)
        assert note is not None and note.body == merged
    server_note = service.current_note(UnitOfWork(open_database(team.url)), team.shared)
    assert server_note is not None and server_note.body == merged
