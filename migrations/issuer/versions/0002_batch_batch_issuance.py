"""batch issuance: uploaded results files (batch) and their rows (batch_row)

Revision ID: 0002_batch
Revises: 0001
Create Date: 2026-11-24 14:47:25.531241
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_batch"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total_count", sa.Integer(), nullable=False),
        sa.Column("valid_count", sa.Integer(), nullable=False),
        sa.Column("invalid_count", sa.Integer(), nullable=False),
        sa.Column("issued_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.Column("failed_count", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_batch_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch")),
        sa.UniqueConstraint(
            "organisation_id", "file_sha256", name=op.f("uq_batch_organisation_id")
        ),
    )
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_batch_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "batch_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=300), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("errors", sa.Text(), nullable=False),
        sa.Column("credential_ref", sa.String(length=300), nullable=True),
        sa.Column("issued_credential_id", sa.Integer(), nullable=True),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("delivery_secret", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["batch.id"], name=op.f("fk_batch_row_batch_id_batch"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["issued_credential_id"],
            ["issued_credential.id"],
            name=op.f("fk_batch_row_issued_credential_id_issued_credential"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_row")),
        sa.UniqueConstraint("batch_id", "row_number", name=op.f("uq_batch_row_batch_id")),
    )
    with op.batch_alter_table("batch_row", schema=None) as batch_op:
        batch_op.create_index("ix_batch_row_batch_id_status", ["batch_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("batch_row", schema=None) as batch_op:
        batch_op.drop_index("ix_batch_row_batch_id_status")

    op.drop_table("batch_row")
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_organisation_id"))

    op.drop_table("batch")
