"""import batch items hold ranges of created ids

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 19:42:23.251626
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("import_batch_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_row_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_batch_item", schema=None) as batch_op:
        batch_op.drop_column("last_row_id")
