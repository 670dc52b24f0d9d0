"""access log hash chain and choice-log anchors

The access log becomes one hash chain with its end in ``access_log_head``, and it anchors
every dossier's choice-log head (see ``buddy_desk.choices.anchors``). Existing rows are
chained in their stored order, then one anchor per existing choice-log head is added, so an
upgraded database verifies like a new one. New columns are nullable and the unique ones are
indexes: SQLite adds them without rebuilding the table (which would lose its guard triggers).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 16:57:23.028718
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None

_COLUMNS = ("chain_seq", "prev_hash", "entry_hash", "anchor_seq", "anchor_hash", "heads_digest")


def upgrade() -> None:
    op.create_table(
        "access_log_head",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("heads_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log_head")),
    )
    op.add_column("access_log_entry", sa.Column("chain_seq", sa.Integer(), nullable=True))
    op.add_column("access_log_entry", sa.Column("prev_hash", sa.String(64), nullable=True))
    op.add_column("access_log_entry", sa.Column("entry_hash", sa.String(64), nullable=True))
    op.add_column("access_log_entry", sa.Column("anchor_seq", sa.Integer(), nullable=True))
    op.add_column("access_log_entry", sa.Column("anchor_hash", sa.String(64), nullable=True))
    op.add_column("access_log_entry", sa.Column("heads_digest", sa.String(64), nullable=True))
    op.create_index("ux_access_log_entry_chain_seq", "access_log_entry", ["chain_seq"], unique=True)
    op.create_index(
        "ux_access_log_entry_entry_hash", "access_log_entry", ["entry_hash"], unique=True
    )
    _chain_existing_rows()


def _chain_existing_rows() -> None:
    from buddy_desk import __version__
    from buddy_desk.choices.anchors import AccessHead, anchor_values, seal_access
    from buddy_desk.models.access_log import AccessLogEntry
    from buddy_desk.persistence.log_guards import guards_lifted

    conn = op.get_bind()
    entry = sa.table(
        "access_log_entry",
        *(sa.column(c) for c in ("id", *_COLUMNS)),
    )
    head = AccessHead()
    # through the model's column types: timestamps hash as datetimes, as the app reads them
    logged = AccessLogEntry.__table__
    rows = [dict(r) for r in conn.execute(sa.select(logged).order_by(logged.c.id)).mappings()]
    with guards_lifted(conn):
        for row in rows:
            sealed, head = seal_access(row, head)
            conn.execute(
                entry.update()
                .where(entry.c.id == row["id"])
                .values({c: sealed[c] for c in _COLUMNS})
            )
    now = datetime.now(UTC)
    heads = conn.execute(
        sa.text("SELECT dossier_id, last_seq, last_hash FROM choice_log_head ORDER BY dossier_id")
    ).all()
    for dossier_id, last_seq, last_hash in heads:
        values = anchor_values(
            int(dossier_id),
            int(last_seq),
            str(last_hash),
            at=now,
            user="buddy-desk-upgrade",
            organisation=None,
            system=f"Buddy Desk {__version__}",
        )
        sealed, head = seal_access(values, head)
        conn.execute(
            sa.table("access_log_entry", *(sa.column(c) for c in sealed)).insert().values(sealed)
        )
    conn.execute(
        sa.text(
            "INSERT INTO access_log_head (id, last_seq, last_hash, heads_digest) "
            "VALUES (1, :s, :h, :d)"
        ),
        {"s": head.last_seq, "h": head.last_hash, "d": head.heads_digest},
    )


def downgrade() -> None:
    op.drop_index("ux_access_log_entry_entry_hash", table_name="access_log_entry")
    op.drop_index("ux_access_log_entry_chain_seq", table_name="access_log_entry")
    with op.batch_alter_table("access_log_entry", schema=None) as batch_op:
        for column in reversed(_COLUMNS):
            batch_op.drop_column(column)
    op.drop_table("access_log_head")
