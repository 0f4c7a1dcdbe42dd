"""initial verifier schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 14:43:14.057901
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trusted_issuer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("did", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("credential_types", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trusted_issuer")),
        sa.UniqueConstraint("did", name=op.f("uq_trusted_issuer_did")),
    )


def downgrade() -> None:
    op.drop_table("trusted_issuer")
