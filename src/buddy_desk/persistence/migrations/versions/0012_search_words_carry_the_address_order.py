"""search words carry their dossier's address key; streets compare by code point

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 06:40:00

Every search word gets its dossier's ``core.search.address_key``, in the primary key
(word, address_key, dossier_id): a token's matches come out of one index range in the list's
address order. On PostgreSQL ``address.straat`` takes the "C" collation, so the list's order by
the columns is the keys' order (and SQLite's). The words are computed again for every dossier.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def _code_point_text(length: int) -> sa.String:
    return sa.String(length=length).with_variant(
        sa.String(length=length, collation="C"), "postgresql"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "address",
            "straat",
            existing_type=sa.String(length=80),
            type_=sa.String(length=80, collation="C"),
            existing_nullable=False,
        )
    with op.batch_alter_table("dossier_search_word", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_search_word_dossier_word")
    op.drop_table("dossier_search_word")
    op.create_table(
        "dossier_search_word",
        sa.Column("word", _code_point_text(80), nullable=False),
        sa.Column("address_key", _code_point_text(100), nullable=False),
        sa.Column("dossier_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint(
            "word", "address_key", "dossier_id", name=op.f("pk_dossier_search_word")
        ),
        sqlite_with_rowid=False,
    )
    with op.batch_alter_table("dossier_search_word", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dossier_search_word_dossier_word", ["dossier_id", "word"], unique=True
        )

    from buddy_desk.persistence.listing import refresh_listing

    refresh_listing(op.get_bind())


def downgrade() -> None:
    op.create_table(
        "dossier_search_word_0011",
        sa.Column("word", _code_point_text(80), nullable=False),
        sa.Column("dossier_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("word", "dossier_id", name="pk_dossier_search_word_0011"),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO dossier_search_word_0011 (word, dossier_id) "
        "SELECT word, dossier_id FROM dossier_search_word"
    )
    with op.batch_alter_table("dossier_search_word", schema=None) as batch_op:
        batch_op.drop_index("ix_dossier_search_word_dossier_word")
    op.drop_table("dossier_search_word")
    op.create_table(
        "dossier_search_word",
        sa.Column("word", _code_point_text(80), nullable=False),
        sa.Column("dossier_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("word", "dossier_id", name=op.f("pk_dossier_search_word")),
        sqlite_with_rowid=False,
    )
    op.execute(
        "INSERT INTO dossier_search_word (word, dossier_id) "
        "SELECT word, dossier_id FROM dossier_search_word_0011"
    )
    op.drop_table("dossier_search_word_0011")
    with op.batch_alter_table("dossier_search_word", schema=None) as batch_op:
        batch_op.create_index(
            "ix_dossier_search_word_dossier_word", ["dossier_id", "word"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column(
            "address",
            "straat",
            existing_type=sa.String(length=80, collation="C"),
            type_=sa.String(length=80),
            existing_nullable=False,
        )
