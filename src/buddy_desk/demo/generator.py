"""Fill a database with synthetic, plausible demo data at the seed documents' scale.

Everything is drawn from one ``random.Random(seed)`` and dated against a fixed reference date,
so the same seed gives the same data. Rows go in with SQLAlchemy Core ``insert()``
executemany batches with pre-assigned primary keys, all in one transaction (with the
``replace`` delete and the extras): a failure leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType

from sqlalchemy import Connection, Engine, Table, func, select, text

from buddy_desk.core.phases import ImgPhase, NcgStatus, Organisation
from buddy_desk.demo.bulk import BulkInserter
from buddy_desk.demo.context import BuddyPair, CodesById, DemoContext
from buddy_desk.demo.histories import REFERENCE_DATE
from buddy_desk.demo.names import ascii_slug, landline_number, make_person, mobile_number
from buddy_desk.demo.places import AddressBook
from buddy_desk.demo.plan import (
    Category,
    Counts,
    DossierPlan,
    SupervisorPlan,
    assign_supervisors,
    plan_dossiers,
    plan_supervisors,
)
from buddy_desk.demo.rows import TABLES, Row, RowBuilder
from buddy_desk.errors import BuddyDeskError
from buddy_desk.features import feature_modules
from buddy_desk.models import Dossier
from buddy_desk.models.all_models import MODULES as _ALL_MODELS  # noqa: F401 - every table known
from buddy_desk.models.base import Base
from buddy_desk.persistence.engine import pragma_outside_transaction, update_planner_statistics
from buddy_desk.persistence.listing import refresh_listing
from buddy_desk.persistence.log_guards import guards_lifted

log = logging.getLogger(__name__)

DEFAULT_SEED = 2021
MAX_SCALE = 10.0
BATCH_DOSSIERS = 2_000
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoStats:
    dossiers: int
    cases: int
    supervisors: int
    buddy_pairs: int
    addresses: int
    persons: int
    events: int
    context: DemoContext = field(repr=False, compare=False)
    # wall seconds per step ("core", then each extras module): for benchmarks, not data
    seconds: dict[str, float] = field(default_factory=dict, repr=False, compare=False)


def count_dossiers(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(Dossier.__table__)).scalar_one())


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _supervisor_rows(rng: random.Random, sups: SupervisorPlan) -> tuple[list[Row], dict[int, str]]:
    rows: list[Row] = []
    usernames: dict[int, str] = {}
    taken: set[str] = set()
    for sup_id in (*sups.img_ids, *sups.ncg_ids):
        org = Organisation.IMG if sup_id in sups.img_ids else Organisation.NCG
        person = make_person(rng)
        surname = ascii_slug((person.tussenvoegsel or "") + person.achternaam)
        username = f"{ascii_slug(person.voornaam[0])}{surname}"
        while username in taken:
            username = f"{ascii_slug(person.voornaam[0])}{surname}{rng.randint(2, 99)}"
        taken.add(username)
        usernames[sup_id] = username
        domain = "img.example" if org is Organisation.IMG else "ncg.example"
        rows.append(
            {
                "id": sup_id,
                "organisation": org,
                "role": "zaakbegeleider" if org is Organisation.IMG else "bewonersbegeleider",
                "naam": person.full_name,
                "telefoon": mobile_number(rng) if rng.random() < 0.6 else landline_number(rng),
                "email": f"{username}@{domain}",
                "username": username,
                "active": True,
            }
        )
    return rows, usernames


def _extras() -> list[ModuleType]:
    """Every feature's ``demo`` module (``buddy_desk.<feature>.demo``), in feature order."""
    return [m for m in feature_modules("demo") if callable(getattr(m, "populate", None))]


def _delete_all(conn: Connection) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        conn.execute(table.delete())


def _has_data(conn: Connection) -> bool:
    for name in ("dossier", "supervisor", "address", "person"):
        if conn.execute(select(func.count()).select_from(_table(name))).scalar_one():
            return True
    return False


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL sequences do not see explicit ids; move them past the largest id."""
    if conn.dialect.name != "postgresql":
        return
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or pk[0].name != "id":
            continue
        conn.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:t, 'id'), "
                f'COALESCE((SELECT MAX(id) FROM "{table.name}"), 0) + 1, false)'
            ),
            {"t": table.name},
        )


def _context(
    seed: int,
    scale: float,
    plans: list[DossierPlan],
    sups: SupervisorPlan,
    unpaired: set[int],
    usernames: dict[int, str],
    builder: RowBuilder,
) -> DemoContext:
    def ids(category: Category) -> tuple[int, ...]:
        return tuple(p.id for p in plans if p.category is category)

    combination = {p.id: p.group for p in plans if p.group is not None}
    pairs = {
        p.id: BuddyPair(p.img_supervisor_id, p.ncg_supervisor_id)
        for p in plans
        if p.category is Category.COMBINATION
        and p.id not in unpaired
        and p.img_supervisor_id is not None
        and p.ncg_supervisor_id is not None
    }
    img_phase: CodesById[ImgPhase] = CodesById(list(ImgPhase))
    ncg_status: CodesById[NcgStatus] = CodesById(list(NcgStatus))
    for p in plans:
        if p.img_phase is not None:
            img_phase[p.id] = p.img_phase
        if p.ncg_status is not None:
            ncg_status[p.id] = p.ncg_status
    return DemoContext(
        reference_date=REFERENCE_DATE,
        scale=scale,
        seed=seed,
        combination=combination,
        settled_damage_ids=ids(Category.SETTLED),
        ncg_only_ids=ids(Category.NCG_ONLY),
        img_only_ids=ids(Category.IMG_ONLY),
        img_supervisor_ids=sups.img_ids,
        ncg_supervisor_ids=sups.ncg_ids,
        buddy_pairs=pairs,
        supervisor_usernames=usernames,
        img_phase=img_phase,
        ncg_status=ncg_status,
        # handed over, not copied (a copy is ~30 MB more at scale 10)
        ncg_case_id=builder.ncg_case_id,
        img_case_ids=builder.img_case_ids,
    )


@contextlib.contextmanager
def _bulk_load(conn: Connection) -> Iterator[None]:
    """SQLite settings for one big load transaction, back to the engine's afterwards.

    A 128 MB page cache keeps the index B-trees in memory while ~700,000 rows go in;
    ``synchronous=NORMAL`` skips the fsync of the large write-ahead log at commit (WAL mode
    stays safe from corruption; a power cut at that moment loses the demo data, which the
    next ``buddy-desk demo`` writes again). Both must be set outside a transaction.
    """
    if conn.dialect.name != "sqlite":
        yield
        return
    previous = pragma_outside_transaction(conn, "PRAGMA synchronous")
    cache = pragma_outside_transaction(conn, "PRAGMA cache_size")
    pragma_outside_transaction(conn, "PRAGMA synchronous=NORMAL")
    pragma_outside_transaction(conn, "PRAGMA cache_size=-131072")
    try:
        yield
    finally:
        conn.rollback()  # nothing left after the load's own commit; ends a failed one
        pragma_outside_transaction(conn, f"PRAGMA synchronous={int(previous)}")
        pragma_outside_transaction(conn, f"PRAGMA cache_size={int(cache)}")  # the engine's


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while ~1.5 million row dicts and values are made.

    They hold no reference cycles, but their number triggers ~2,000 collections (~10 % of
    the CPU time at full scale). Reference counting still frees every batch.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def generate(
    engine: Engine,
    *,
    seed: int = DEFAULT_SEED,
    scale: float = 1.0,
    replace: bool = False,
    progress: ProgressFn | None = None,
) -> DemoStats:
    """Write the demo data (and every extras module's) in one transaction; return counts.

    ``replace=True`` first empties every table; otherwise a database with data is refused.
    """
    with _gc_paused():
        return _generate(engine, seed=seed, scale=scale, replace=replace, progress=progress)


def _generate(
    engine: Engine,
    *,
    seed: int,
    scale: float,
    replace: bool,
    progress: ProgressFn | None,
) -> DemoStats:
    if not 0 < scale <= MAX_SCALE:
        raise BuddyDeskError(
            f"Schaal {scale} kan niet: kies een waarde groter dan 0 en hoogstens {MAX_SCALE:g}."
        )
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    rng = random.Random(seed)
    counts = Counts.for_scale(scale)
    sups = plan_supervisors(rng, counts)
    sup_rows, usernames = _supervisor_rows(rng, sups)
    plans = plan_dossiers(rng, counts, AddressBook())
    unpaired = assign_supervisors(rng, plans, sups)
    builder = RowBuilder(rng, usernames)
    total = len(plans)
    extras = _extras()
    with engine.connect() as conn, _bulk_load(conn):
        if replace:
            with guards_lifted(conn):  # the append-only logs refuse deletes; a wipe lifts that
                _delete_all(conn)
        elif _has_data(conn):
            raise BuddyDeskError(
                "De database bevat al gegevens; demodata wordt alleen in een lege database "
                "geschreven (of gebruik vervangen/--force)."
            )
        bulk = BulkInserter(conn)
        bulk.insert(_table("supervisor"), sup_rows)
        for start in range(0, total, BATCH_DOSSIERS):
            for plan in plans[start : start + BATCH_DOSSIERS]:
                builder.dossier(plan)
            for name, rows in builder.take().items():
                bulk.insert(_table(name), rows)
            if progress is not None:
                progress(min(start + BATCH_DOSSIERS, total), total)
        _reset_sequences(conn)
        ctx = _context(seed, scale, plans, sups, unpaired, usernames, builder)
        del plans, unpaired  # the context has what the extras need; the plans go (~0.1 GB at 10)
        seconds["core"] = time.perf_counter() - started
        for module in extras:
            name = module.__name__.removesuffix(".demo").rsplit(".", 1)[-1]  # the feature
            step = time.perf_counter()
            module.populate(conn, random.Random(f"{seed}:{name}"), ctx)
            seconds[name] = time.perf_counter() - step
            log.info("demo extras %s: %.1f s", name, seconds[name])
        _reset_sequences(conn)
        step = time.perf_counter()
        refresh_listing(conn)
        seconds["listing"] = time.perf_counter() - step
        step = time.perf_counter()
        conn.commit()
        seconds["commit"] = time.perf_counter() - step
        step = time.perf_counter()
        update_planner_statistics(conn)
        seconds["statistics"] = time.perf_counter() - step
    log.info("demo data: %d dossiers, %d extras modules", total, len(extras))
    return DemoStats(
        dossiers=total,
        cases=builder.count("org_case"),
        supervisors=len(sup_rows),
        buddy_pairs=len(ctx.buddy_pairs),
        addresses=builder.count("address"),
        persons=builder.count("person"),
        events=builder.count("timeline_event"),
        context=ctx,
        seconds=seconds,
    )


__all__ = ["DEFAULT_SEED", "TABLES", "DemoStats", "count_dossiers", "generate"]
