"""Synthetic, plausible demo data (Qt-free).

``generator.generate(engine, seed=, scale=, replace=, progress=)`` fills a database at the
seed documents' scale (``scale=1.0``: 26,800 NCG addresses plus damage-only IMG addresses).
Features add their own demo data in ``buddy_desk/<feature>/demo.py``; ``context.DemoContext``
is what they receive.


Contract
--------
Every feature's ``buddy_desk/<feature>/demo.py`` that defines::

    def populate(conn: sqlalchemy.Connection, rng: random.Random, ctx: DemoContext) -> None

is called by ``buddy_desk.demo.generator.generate`` after the core data (addresses,
dossiers, cases, supervisors, buddy pairs, timeline) is written, **in the same transaction**,
in feature-name order (if you depend on another feature's demo rows, make sure your
feature's name sorts after it).

- ``conn`` is inside the generator's transaction: do not commit or roll back. Raise to abort;
  then nothing of the demo data is written.
- ``rng`` is a ``random.Random`` seeded from the demo seed *and your module name*, so your data
  is deterministic and independent of what other extras draw. Never use the global ``random``
  module or the clock; use ``ctx.reference_date`` as "today" (every date before it).
- ``ctx`` (``buddy_desk.demo.context.DemoContext``) gives the ids of the core data: combination
  dossiers with their group, settled-damage / NCG-only / IMG-only dossiers, IMG and NCG
  supervisor ids and usernames, the buddy pair per dossier, phases and case ids.
- Insert with SQLAlchemy Core in batches (``conn.execute(insert(table), [dict, ...])``), not
  through an ORM session: full scale must stay within the 20 s budget. Primary keys may be
  left to the database: the generator resets PostgreSQL sequences before calling extras.
- Scale your row counts with ``ctx.scale`` (``max(1, round(n * ctx.scale))`` keeps small test
  databases non-empty) and keep them plausible.
- Synthetic data only: reuse ``buddy_desk.demo.names`` for people, never real persons.
- ``generate(..., replace=True)`` empties every table in ``Base.metadata`` (yours too) first.
"""
