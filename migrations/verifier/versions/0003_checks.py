"""checked submissions (kept one hour for the employer's result page)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 14:58:00.195643
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checked_submission",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("documents", sa.Text(), nullable=False),
        sa.Column("challenge", sa.String(length=300), nullable=True),
        sa.Column("domain", sa.String(length=600), nullable=True),
        sa.Column("origin", sa.String(length=300), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checked_submission")),
    )
    op.create_index(
        "ix_checked_submission_expires_at", "checked_submission", ["expires_at"], unique=False
    )
    op.create_index(
        op.f("ix_checked_submission_request_id"),
        "checked_submission",
        ["request_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_checked_submission_request_id"), table_name="checked_submission")
    op.drop_index("ix_checked_submission_expires_at", table_name="checked_submission")
    op.drop_table("checked_submission")
