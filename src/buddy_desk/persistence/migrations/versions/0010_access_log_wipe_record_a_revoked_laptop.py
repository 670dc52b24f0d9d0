"""access log wipe record (a revoked laptop wipes its dossiers and access log)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 19:55:52.102967
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import buddy_desk.models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "access_log_wipe",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("wiped_at", buddy_desk.models.base.UtcDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("username", sa.String(length=120), nullable=False),
        sa.Column("laptop_id", sa.String(length=36), nullable=True),
        sa.Column("dossiers", sa.Integer(), nullable=False),
        sa.Column("access_rows", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("heads_digest", sa.String(length=64), nullable=False),
        sa.Column("record_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_wipe")),
    )


def downgrade() -> None:
    op.drop_table("access_log_wipe")
