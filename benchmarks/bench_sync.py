"""Field sync figures against a local throwaway PostgreSQL team server (issue 14).

Targets: enrolment of a 300-dossier scope ≤ 10 s; a laptop 14 days offline with 2,000
queued changes (1,000 choices with their timeline lines, spread over its scope, while its
colleague's laptop synced 200 choices of its own meanwhile) syncs in ≤ 30 s; 20 laptops
syncing at the same moment against one server lose nothing (every pushed entry once on the
server, every chain verifying there and on all 20 laptops).

Floors, measured in the same run: for enrolment, plain psycopg reading the same dossiers'
rows and ``executemany`` into an empty laptop database of the same schema (no scope, no
consent filter, no access log); for the offline laptop, plain psycopg ``executemany`` of the
same 2,000 rows into copies of the server's tables (no validation, no chain, no pull).
Ratios to the floors are printed as information (the targets are absolute).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.harness import BenchContext, BenchResult

if TYPE_CHECKING:
    from buddy_desk.choices.rules import Actor
    from buddy_desk.persistence.unit_of_work import UnitOfWork

SCOPE = 300
QUEUED_CHOICES = 1_000  # with their timeline lines: 2,000 changes
COLLEAGUE_CHOICES = 200
LAPTOPS = 20
SMALL_SCOPE = 6
PER_LAPTOP = 15
T0 = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
_DOSSIER_TABLES = (
    "address",
    "person",
    "dossier",
    "dossier_resident",
    "org_case",
    "case_status",
    "timeline_event",
    "choice_log_entry",
    "choice_log_head",
)


def run(ctx: BenchContext) -> list[BenchResult]:
    url = ctx.new_pg_url("sync_bench")
    if url is None:
        return [BenchResult.info("sync: geen PostgreSQL op deze machine", 0, "")]
    team = _team(url)
    results: list[BenchResult] = []
    results += _enrolment(ctx, url, team)
    results += _offline_laptop(ctx, url, team)
    results += _many_laptops(ctx, url, team)
    return results


# --- the team server --------------------------------------------------------------------


def _team(url: str) -> dict[str, str]:
    """Two buddies sharing SCOPE dossiers, two more sharing SMALL_SCOPE; users and secrets."""
    from tests.factories import make_dossier, make_supervisor

    from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork
    from buddy_desk.sync import service

    engine = open_database(url, create=True)
    uow = UnitOfWork(engine)
    ids = {
        "anna": make_supervisor(uow, Organisation.IMG, "Anna Visser", "anna"),
        "bram": make_supervisor(uow, Organisation.NCG, "Bram Dijkstra", "bram"),
        "carla": make_supervisor(uow, Organisation.IMG, "Carla Mulder", "carla"),
        "dirk": make_supervisor(uow, Organisation.NCG, "Dirk Smit", "dirk"),
    }
    for n in range(SCOPE + SMALL_SCOPE):
        small = n >= SCOPE
        make_dossier(
            uow,
            huisnummer=n + 1,
            resident=("B.", f"Bewoner{n}"),
            img_supervisor_id=ids["carla" if small else "anna"],
            ncg_supervisor_id=ids["dirk" if small else "bram"],
            img_phase=ImgPhase.OPNAME,
            ncg_status=NcgStatus.S2_1,
        )
    engine.dispose()
    service.init_server(url)
    secrets = {}
    for name, org in (("anna", "IMG"), ("bram", "NCG"), ("carla", "IMG"), ("dirk", "NCG")):
        secrets[name] = service.add_user(url, name, org, "buddy")
    return secrets


def _laptop(ctx: BenchContext, name: str) -> UnitOfWork:
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork

    return UnitOfWork(open_database(f"sqlite:///{ctx.work_dir / name}.sqlite", create=True))


def _actor(name: str) -> Actor:
    from buddy_desk.choices.rules import Actor
    from buddy_desk.core.phases import Organisation

    org = Organisation.IMG if name in ("anna", "carla") else Organisation.NCG
    return Actor(name, name.title(), org, "buddy")


# --- enrolment --------------------------------------------------------------------------


def _enrolment(ctx: BenchContext, url: str, team: dict[str, str]) -> list[BenchResult]:
    from buddy_desk.sync import service

    laptop = _laptop(ctx, "enrol")
    started = time.perf_counter()
    report = service.enrol(laptop, url, "anna", team["anna"])
    enrol_s = time.perf_counter() - started
    assert report.pulled == SCOPE, report
    floor_s = _enrol_floor(ctx, url)
    return [
        BenchResult.at_most(f"sync: aanmelden, werkpakket van {SCOPE} dossiers", enrol_s, "s", 10),
        BenchResult.info("sync: aanmelden, vloer (psycopg + executemany)", floor_s, "s"),
        BenchResult.info("sync: aanmelden / vloer", enrol_s / floor_s, "×"),
    ]


def _enrol_floor(ctx: BenchContext, url: str) -> float:
    """The same rows read with plain psycopg and written with sqlite3 ``executemany``."""
    import psycopg
    from sqlalchemy.engine import make_url

    from buddy_desk.persistence.encryption import connect_file

    laptop = _laptop(ctx, "enrol-floor")  # the schema, built before the clock starts
    path = str(ctx.work_dir / "enrol-floor.sqlite")
    del laptop
    parsed = make_url(url)
    dsn = f"dbname={parsed.database} user={parsed.username} host={parsed.query['host']}"
    started = time.perf_counter()
    with psycopg.connect(dsn) as pg, connect_file(Path(path)) as lite:
        scope = [
            r[0]
            for r in pg.execute(
                "SELECT d.id FROM dossier d JOIN supervisor s ON s.id = d.img_supervisor_id "
                "WHERE s.username = 'anna'"
            )
        ]
        for table in _DOSSIER_TABLES:
            where = {
                "address": "id IN (SELECT address_id FROM dossier WHERE id = ANY(%s))",
                "person": "id IN (SELECT person_id FROM dossier_resident "
                "WHERE dossier_id = ANY(%s))",
                "dossier": "id = ANY(%s)",
                "case_status": "case_id IN (SELECT id FROM org_case WHERE dossier_id = ANY(%s))",
            }.get(table, "dossier_id = ANY(%s)")
            cur = pg.execute(f"SELECT * FROM {table} WHERE {where}", [scope])
            names = [c.name for c in cur.description or ()]
            rows = cur.fetchall()
            if rows:
                marks = ",".join("?" * len(names))
                quoted = ",".join(f'"{n}"' for n in names)
                lite.executemany(
                    f"INSERT OR REPLACE INTO {table} ({quoted}) VALUES ({marks})",
                    [tuple(_lite(v) for v in row) for row in rows],
                )
        lite.commit()
    return time.perf_counter() - started


def _lite(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bytes):
        return value
    return str(value)


# --- 14 days offline ---------------------------------------------------------------------


def _offline_laptop(ctx: BenchContext, url: str, team: dict[str, str]) -> list[BenchResult]:
    from sqlalchemy import func, select

    from buddy_desk.choices.rules import Channel, ChoiceType
    from buddy_desk.choices.service.log import NewChoice, record_choice, verify_log
    from buddy_desk.models import Dossier
    from buddy_desk.models.sync import SyncOutbox
    from buddy_desk.sync import service

    anna = _laptop(ctx, "anna-offline")
    bram = _laptop(ctx, "bram-offline")
    service.enrol(anna, url, "anna", team["anna"])
    service.enrol(bram, url, "bram", team["bram"])
    with anna:
        dossiers = list(anna.session.scalars(select(Dossier.id).order_by(Dossier.id)))
    # fourteen days at kitchen tables: anna offline; bram syncs his own meanwhile
    for n in range(QUEUED_CHOICES):
        choice = NewChoice(ChoiceType.FREE_TEXT, f"keuze {n}", Channel.KITCHEN_TABLE, T0)
        record_choice(anna, dossiers[n % len(dossiers)], choice, _actor("anna"), now=T0)
    for n in range(COLLEAGUE_CHOICES):
        choice = NewChoice(ChoiceType.FREE_TEXT, f"bram {n}", Channel.PHONE, T0)
        record_choice(bram, dossiers[(n * 7) % len(dossiers)], choice, _actor("bram"), now=T0)
    service.sync(bram)
    with anna:
        queued = anna.session.scalar(select(func.count()).select_from(SyncOutbox)) or 0
        payloads = [(r.table_name, r.payload) for r in anna.session.scalars(select(SyncOutbox))]
    started = time.perf_counter()
    report = service.sync(anna)
    sync_s = time.perf_counter() - started
    assert report.queued == 0 and report.pushed == queued, report
    assert verify_log(anna).ok
    floor_s = _push_floor(url, payloads)
    return [
        BenchResult.info("sync: wachtrij na 14 dagen offline", queued, "wijz."),
        BenchResult.at_most(f"sync: {queued} wijzigingen versturen en ophalen", sync_s, "s", 30),
        BenchResult.info("sync: versturen, vloer (psycopg executemany)", floor_s, "s"),
        BenchResult.info("sync: 14 dagen offline / vloer", sync_s / floor_s, "×"),
    ]


def _push_floor(url: str, payloads: list[tuple[str, str]]) -> float:
    """The same rows inserted into copies of the server's tables with ``executemany``."""
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    dsn = f"dbname={parsed.database} user={parsed.username} host={parsed.query['host']}"
    with psycopg.connect(dsn, autocommit=True) as pg:
        for table in ("choice_log_entry", "timeline_event"):
            pg.execute(f"DROP TABLE IF EXISTS floor_{table}")
            pg.execute(f"CREATE TABLE floor_{table} (LIKE public.{table} INCLUDING DEFAULTS)")
    by_table: dict[str, list[dict[str, object]]] = {}
    for table, payload in payloads:
        by_table.setdefault(table, []).append(json.loads(payload))
    started = time.perf_counter()
    with psycopg.connect(dsn) as pg, pg.cursor() as cur:
        for table, rows in by_table.items():
            names = sorted(rows[0])
            if table == "choice_log_entry":
                extra = ["prev_hash", "entry_hash"]
                values = [
                    [*[row[n] for n in names], "0" * 64, f"{i:064x}"] for i, row in enumerate(rows)
                ]
            else:
                extra, values = [], [[row[n] for n in names] for row in rows]
            cols = [*names, *extra]
            if table == "timeline_event":
                cols.append("dossier_id")
                values = [[*v, 1] for v in values]
            cur.executemany(
                f"INSERT INTO floor_{table} ({','.join(cols)}) "
                f"VALUES ({','.join(['%s'] * len(cols))})",
                values,
            )
        pg.commit()
    return time.perf_counter() - started


# --- twenty laptops at once --------------------------------------------------------------


def _many_laptops(ctx: BenchContext, url: str, team: dict[str, str]) -> list[BenchResult]:
    from sqlalchemy import select

    from buddy_desk.choices.rules import Channel, ChoiceType
    from buddy_desk.choices.service.log import NewChoice, log_entries, record_choice, verify_log
    from buddy_desk.models import Dossier
    from buddy_desk.persistence.schema import open_database
    from buddy_desk.persistence.unit_of_work import UnitOfWork
    from buddy_desk.sync import service

    users = ("carla", "dirk")
    laptops: list[tuple[str, UnitOfWork]] = []
    for i in range(LAPTOPS):
        user = users[i % 2]
        laptop = _laptop(ctx, f"many-{i}")
        service.enrol(laptop, url, user, team[user])
        laptops.append((user, laptop))
    with laptops[0][1] as first:
        dossiers = list(first.session.scalars(select(Dossier.id).order_by(Dossier.id)))
    turn = itertools.count()
    made: set[str] = set()
    for user, laptop in laptops:
        for _ in range(PER_LAPTOP):
            n = next(turn)
            value = f"{user} {n}"
            made.add(value)
            choice = NewChoice(ChoiceType.FREE_TEXT, value, Channel.KITCHEN_TABLE, T0)
            record_choice(laptop, dossiers[n % len(dossiers)], choice, _actor(user), now=T0)
    start = threading.Barrier(LAPTOPS)
    failures: list[str] = []

    def sync(laptop: UnitOfWork) -> None:
        start.wait()
        try:
            service.sync(laptop)
        except Exception as exc:  # counted below: a failed sync must not hide the others
            failures.append(type(exc).__name__)

    threads = [threading.Thread(target=sync, args=(laptop,)) for _, laptop in laptops]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall_s = time.perf_counter() - started
    for _, laptop in laptops:  # everyone pulls what the others pushed
        service.sync(laptop)
    server = UnitOfWork(open_database(url))
    on_server = [e.value for d in dossiers for e in log_entries(server, d)]
    lost = len(made - set(on_server)) + (len(on_server) - len(set(on_server)))
    chains = {d: [e.entry_hash for e in log_entries(server, d)] for d in dossiers}
    diverged = sum(
        1
        for _, laptop in laptops
        if not verify_log(laptop).ok
        or any([e.entry_hash for e in log_entries(laptop, d)] != chains[d] for d in dossiers)
    )
    bad = lost + diverged + len(failures) + (0 if verify_log(server).ok else 1)
    return [
        BenchResult.info(f"sync: {LAPTOPS} laptops tegelijk, {len(made)} keuzes", wall_s, "s"),
        BenchResult.at_most(
            f"sync: {LAPTOPS} laptops tegelijk, verloren/dubbel/afwijkend", bad, "", 0
        ),
    ]
