"""The unit of work: one session, one transaction; only the service commits."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from buddy_desk.persistence.listing import track_listing_changes


class UnitOfWork:
    """``with uow: ...; uow.commit()`` — rolled back unless committed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._factory = sessionmaker(bind=engine, expire_on_commit=False)
        track_listing_changes(self._factory)
        self._session: Session | None = None

    @property
    def session(self) -> Session:
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'with'")
        return self._session

    def __enter__(self) -> Self:
        if self._session is not None:
            raise RuntimeError("UnitOfWork is not re-entrant")
        self._session = self._factory()
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

    def commit(self) -> None:
        self.session.commit()

    def fresh(self) -> UnitOfWork:
        """A new unit of work on the same engine (for a worker thread)."""
        return UnitOfWork(self.engine)
