"""Alembic environment: always run programmatically with a connection from schema.py."""

from __future__ import annotations

from alembic import context

import buddy_desk.models.all_models  # noqa: F401  (registers every table on Base.metadata)
from buddy_desk.models.base import Base
from buddy_desk.persistence import log_guards  # noqa: F401  (the after_create listener)

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only via buddy_desk.persistence.schema
    raise RuntimeError("run migrations through buddy_desk.persistence.schema")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
