"""A field laptop's side of sync: who it is, what waits to be pushed, what conflicted.

- ``SyncState``: one row once the laptop is enrolled (its id, user, server, the pull
  watermark). An empty table means "not a field laptop": nothing is queued.
- ``SyncOutbox``: the transactional outbox. A row is written by a trigger in the same
  transaction as the change (see ``buddy_desk.sync.laptop``), with a UUID, the base version
  it was made on, the author and the moment.
- ``SyncVersion``: the server's version of each synced field as last pulled (base versions).
- ``SyncConflict``: an edit the server kept aside or refused, for a person to resolve.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from buddy_desk.models.base import Base, UtcDateTime


class SyncState(Base):
    __tablename__ = "sync_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # always 1
    laptop_id: Mapped[str] = mapped_column(String(36))
    username: Mapped[str] = mapped_column(String(60))
    organisation: Mapped[str | None] = mapped_column(String(8))
    role: Mapped[str | None] = mapped_column(String(40))
    server: Mapped[str] = mapped_column(String(300))  # the URL, without the secret
    secret: Mapped[str] = mapped_column(String(100))  # encrypted at rest with the database
    watermark: Mapped[str | None] = mapped_column(String(24))  # server xid8; None: never pulled
    last_sync_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    applying: Mapped[bool] = mapped_column(Boolean, default=False)  # a pull is being applied


class SyncOutbox(Base):
    __tablename__ = "sync_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the push order
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    table_name: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(60))
    dossier_id: Mapped[int] = mapped_column(Integer, index=True)
    payload: Mapped[str] = mapped_column(Text)  # JSON of the row as written
    base_version: Mapped[int | None] = mapped_column(Integer)
    base_change: Mapped[str | None] = mapped_column(String(36))
    author: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[str] = mapped_column(String(40))  # the laptop's moment (SQLite clock)
    sent: Mapped[bool] = mapped_column(Boolean, default=False)
    outcome: Mapped[str | None] = mapped_column(String(16))  # None: not acknowledged yet


class SyncVersion(Base):
    __tablename__ = "sync_version"

    table_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    row_key: Mapped[str] = mapped_column(String(60), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class SyncConflict(Base):
    __tablename__ = "sync_conflict"

    uuid: Mapped[str] = mapped_column(String(36), primary_key=True)  # the change's UUID
    dossier_id: Mapped[int] = mapped_column(Integer, index=True)
    table_name: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(20))
    mine: Mapped[str | None] = mapped_column(Text)  # the version that was not applied
    author: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # JSON: a refused booking's alternatives, a field conflict's field and server value
    detail: Mapped[str | None] = mapped_column(Text)
