"""A demo database is ready for the list at once: PostgreSQL's planner has its statistics
(before autovacuum would get there, the list's queries were planned blind) and the search
words' index can be read without the table."""

from __future__ import annotations

from sqlalchemy import Engine, text

from buddy_desk.demo.generator import generate

LIST_TABLES = ("address", "dossier", "dossier_listing", "dossier_search_word")


def test_a_demo_leaves_the_planner_its_statistics(engine: Engine) -> None:
    stats = generate(engine, seed=5, scale=0.01)
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            analyzed: dict[str, bool] = dict(
                conn.execute(
                    text(
                        "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables "
                        "WHERE relname = ANY(:names)"
                    ),
                    {"names": list(LIST_TABLES)},
                ).all()
            )
            assert analyzed == dict.fromkeys(LIST_TABLES, True)
            # the planner's idea of the table's size is the table's size
            estimate = conn.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = 'dossier'")
            ).scalar_one()
            assert estimate == stats.dossiers
            # the words' index is read without the table: every page is marked all-visible
            pages, visible = conn.execute(
                text(
                    "SELECT relpages, relallvisible FROM pg_class "
                    "WHERE relname = 'dossier_search_word'"
                )
            ).one()
            assert pages > 0 and visible == pages
        else:  # SQLite's list plans were measured without statistics: none are made
            found = conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'")
            ).scalar_one()
            assert found == 0
