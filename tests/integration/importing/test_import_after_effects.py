"""What a big import leaves behind for the list: PostgreSQL's statistics up to date, and
SQLite's connection with the engine's own page cache."""

from __future__ import annotations

from datetime import date

from sqlalchemy import text

from buddy_desk.importing.exports import ExportKind
from buddy_desk.importing.samples import generate_exports
from buddy_desk.importing.service import ANALYZE_AFTER, import_export
from buddy_desk.persistence.engine import PAGE_CACHE_KB
from buddy_desk.persistence.unit_of_work import UnitOfWork


def _analyzed(uow: UnitOfWork) -> bool:
    with uow.engine.connect() as conn:
        row = conn.execute(
            text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'dossier_listing'")
        ).one()
    return row[0] is not None


def test_a_big_import_leaves_the_list_planned_and_cached(uow: UnitOfWork) -> None:
    exports = generate_exports(ANALYZE_AFTER + 200, 150, seed=7)
    small = generate_exports(30, 30, seed=8)
    postgres = uow.engine.dialect.name == "postgresql"
    import_export(uow, ExportKind.NCG, small.ncg, "klein.csv", today=date(2026, 11, 26))
    if postgres:
        assert not _analyzed(uow)  # a small import leaves it to autovacuum
    result = import_export(uow, ExportKind.NCG, exports.ncg, "ncg.csv", today=date(2026, 11, 26))
    assert result.imported >= ANALYZE_AFTER
    if postgres:
        assert _analyzed(uow)
    else:
        with uow.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar_one() == -PAGE_CACHE_KB
