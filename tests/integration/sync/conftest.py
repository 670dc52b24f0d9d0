"""A team server (a throwaway PostgreSQL database) with two buddy pairs, and laptops."""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from buddy_desk.choices.rules import Actor
from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.models.sync import SyncOutbox
from buddy_desk.persistence.engine import create_db_engine
from buddy_desk.persistence.schema import open_database
from buddy_desk.persistence.unit_of_work import UnitOfWork
from buddy_desk.sync import heads, service
from tests.factories import make_dossier, make_supervisor

_count = itertools.count()


@dataclass(frozen=True)
class Team:
    url: str
    shared: int  # anna (IMG) and bram (NCG) are its buddy pair
    second: int  # anna and bram too
    bram_only: int  # carla (IMG) and bram
    nobody: int  # carla and dirk: on neither laptop
    secrets: dict[str, str]

    def actor(self, who: str) -> Actor:
        """The user of ``who``'s laptop ("anna" or "bram"): the server refuses an entry that
        names anybody else as its author."""
        if who == "anna":
            return Actor(self.secrets["anna_login"], "Anna Visser", Organisation.IMG, "buddy")
        return Actor(self.secrets["bram_login"], "Bram Dijkstra", Organisation.NCG, "buddy")


@pytest.fixture
def server_url(pg_base_url: str) -> str:
    name = f"sync{os.getpid()}_{next(_count)}"
    admin = create_engine(pg_base_url.format(db="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_base_url.format(db=name)


@pytest.fixture
def team(server_url: str) -> Team:
    engine = open_database(server_url)
    uow = UnitOfWork(engine)
    anna = make_supervisor(uow, Organisation.IMG, "Anna Visser", f"anna{next(_count)}")
    bram = make_supervisor(uow, Organisation.NCG, "Bram Dijkstra", f"bram{next(_count)}")
    carla = make_supervisor(uow, Organisation.IMG, "Carla Mulder", f"carla{next(_count)}")
    dirk = make_supervisor(uow, Organisation.NCG, "Dirk Smit", f"dirk{next(_count)}")

    def pair(img: int, ncg: int, resident: tuple[str, str] = ("J.", "Jansen")) -> int:
        return make_dossier(
            uow,
            resident=resident,
            img_supervisor_id=img,
            ncg_supervisor_id=ncg,
            img_phase=ImgPhase.OPNAME,
            ncg_status=NcgStatus.S2_1,
        )

    shared = pair(anna, bram, ("P.", "Veenstra"))
    second = pair(anna, bram)
    bram_only = pair(carla, bram)
    nobody = pair(carla, dirk, ("Q.", "Zwartsenberg"))
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, username FROM supervisor")).all()
    names: dict[int, str] = {int(i): str(u) for i, u in rows}
    engine.dispose()
    service.init_server(server_url)
    secrets = {
        "anna": service.add_user(server_url, names[anna], "IMG", "buddy"),
        "bram": service.add_user(server_url, names[bram], "NCG", "buddy"),
        "anna_login": names[anna],
        "bram_login": names[bram],
    }
    return Team(server_url, shared, second, bram_only, nobody, secrets)


def enrol_laptop(team: Team, tmp_path: Path, who: str) -> UnitOfWork:
    """A fresh laptop database for ``who`` ("anna" or "bram"), enrolled and pulled."""
    path = tmp_path / f"{who}-{next(_count)}.sqlite"
    uow = UnitOfWork(open_database(f"sqlite:///{path}"))
    service.enrol(uow, team.url, team.secrets[f"{who}_login"], team.secrets[who])
    return uow


@pytest.fixture
def server(team: Team) -> Iterator[UnitOfWork]:
    """The team server's database, as the coordinators' app opens it."""
    uow = UnitOfWork(open_database(team.url))
    yield uow
    uow.engine.dispose()


def enrol_both(team: Team, tmp_path: Path) -> tuple[UnitOfWork, UnitOfWork]:
    """Anna's and bram's laptops (in that order), enrolled and pulled now."""
    return enrol_laptop(team, tmp_path, "anna"), enrol_laptop(team, tmp_path, "bram")


def outbox(laptop: UnitOfWork) -> list[dict[str, object]]:
    """The laptop's outbox entries, oldest first, as a push sends them."""
    with laptop:
        rows = laptop.session.scalars(select(SyncOutbox).order_by(SyncOutbox.id))
        return [service.pushed_change(r) for r in rows]


def push_from(
    team: Team, laptop: UnitOfWork, changes: list[dict[str, object]], who: str = "anna"
) -> list[dict[str, object]]:
    """What a modified client could send: straight to ``sync.push_from`` through ``who``'s
    login ("anna" or "bram"), with the laptop's heads (as ``service.sync`` does)."""
    url = service._login_url(team.url, team.secrets[f"{who}_login"], team.secrets[who])
    engine = create_db_engine(url.render_as_string(hide_password=False))
    with laptop:
        laptop_id = laptop.session.scalars(text("SELECT laptop_id FROM sync_state")).one()
        report = heads.local_heads(laptop.session.connection())
    try:
        with engine.connect() as conn:
            results = heads.push_from(conn, laptop_id, report, changes)
            conn.commit()
    finally:
        engine.dispose()
    return results


def forge_edit(laptop: UnitOfWork, *, uuid: str, table: str, row_key: str, dossier_id: int) -> None:
    """A modified client's queued field edit ("gekaapt"), written straight into the outbox of
    anna's laptop, whatever the dossier's scope."""
    with laptop:
        laptop.session.add(
            SyncOutbox(
                uuid=uuid,
                table_name=table,
                row_key=row_key,
                dossier_id=dossier_id,
                payload=json.dumps({"value": "gekaapt"}),
                base_version=0,
                author="anna",
                created_at="2026-12-06T10:00:00Z",
                sent=False,
            )
        )
        laptop.commit()


def replay(team: Team, laptop: UnitOfWork, who: str = "anna") -> list[dict[str, object]]:
    """A push whose answer was lost: every outbox entry sent once more, as it was."""
    return push_from(team, laptop, outbox(laptop), who)
