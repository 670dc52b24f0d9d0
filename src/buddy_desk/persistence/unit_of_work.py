"""The unit of work: one session, one transaction; only the service commits."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Self

from sqlalchemy import Connection, Engine, text

from buddy_desk.persistence.engine import WRITE_OPTIONS

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

IMPORT_LOCK = 0x42444B32  # "BDK2": one import at a time per database (PostgreSQL)


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — rolled back unless committed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory: sessionmaker[Session] | None = None
        self._session: Session | None = None

    def _session_factory(self) -> sessionmaker[Session]:
        # the ORM is imported on the first session, not with this module: the dossier
        # list's first page is read through ``reading()`` before the ORM is needed
        if self._factory is None:
            from sqlalchemy.orm import sessionmaker

            from buddy_desk.persistence.listing import track_listing_changes

            factory = sessionmaker(bind=self.engine, expire_on_commit=False)
            track_listing_changes(factory)
            self._factory = factory
        return self._factory

    def reading(self, *, statements_apart: bool = False) -> Connection:
        """A Core connection for a read (``with uow.reading() as conn:``), without a session.

        ``statements_apart``: each statement may see the database as it is when it runs
        (no transaction around them; PostgreSQL's READ COMMITTED gives each statement its
        own snapshot anyway). On PostgreSQL that spares the BEGIN and ROLLBACK round trips
        (the list's keystrokes); no server-side cursor then (it needs a transaction)."""
        conn = self.engine.connect()
        if statements_apart and conn.dialect.name == "postgresql":
            return conn.execution_options(isolation_level="AUTOCOMMIT")
        return conn

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'with'")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant")
        self._session = self._session_factory()()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None

    def for_writing(self, lock: int | None = None) -> None:
        """Take the write lock now (SQLite ``BEGIN IMMEDIATE``; waits for another writer).

        Call first inside ``with uow:``, before reading what the write depends on: two
        recorders on one dossier then take turns instead of one failing at commit. ``lock``:
        on PostgreSQL also an advisory lock for the transaction, so two runs of the same
        kind (two imports) take turns instead of both adding the same supervisor or address.
        """
        conn = self.session.connection(execution_options=WRITE_OPTIONS)
        if lock is not None and conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock})

    def commit(self) -> None:
        self.session.commit()

    def fresh(self) -> UnitOfWork:
        """A new unit of work on the same engine (for a worker thread)."""
        return UnitOfWork(self.engine)
