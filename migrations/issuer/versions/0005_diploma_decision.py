"""diploma decision: a diploma waits for a second staff member to confirm the decision

Revision ID: 0005_diploma_decision
Revises: 0004_tsl
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_diploma_decision"
down_revision: str | None = "0004_tsl"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "diploma_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("student_name", sa.String(length=300), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("examencommissie", sa.String(length=300), nullable=True),
        sa.Column("decision_date", sa.Date(), nullable=False),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("entered_by", sa.String(length=254), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=254), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("issued_credential_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_diploma_decision_batch_id_batch")
        ),
        sa.ForeignKeyConstraint(
            ["issued_credential_id"],
            ["issued_credential.id"],
            name=op.f("fk_diploma_decision_issued_credential_id_issued_credential"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_diploma_decision_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_diploma_decision")),
        sa.UniqueConstraint(
            "organisation_id", "reference", name=op.f("uq_diploma_decision_organisation_id")
        ),
    )
    with op.batch_alter_table("diploma_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_diploma_decision_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_diploma_decision_state"), ["state"], unique=False)
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("awaiting_count", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.drop_column("awaiting_count")
    with op.batch_alter_table("diploma_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_diploma_decision_state"))
        batch_op.drop_index(batch_op.f("ix_diploma_decision_organisation_id"))
    op.drop_table("diploma_decision")
