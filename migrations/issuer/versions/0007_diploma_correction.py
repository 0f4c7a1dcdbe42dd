"""diploma correction: a corrected diploma is a new pending entry of the same result,
naming the diploma it corrects

Revision ID: 0007_diploma_correction
Revises: 0006_one_head
Create Date: 2026-12-02 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_diploma_correction"
down_revision: str | None = "0006_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("diploma_decision", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("correction", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("replaces_credential_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_diploma_decision_replaces_credential_id_issued_credential"),
            "issued_credential",
            ["replaces_credential_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("uq_diploma_decision_organisation_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_diploma_decision_organisation_id"),
            ["organisation_id", "reference", "correction"],
        )


def downgrade() -> None:
    op.execute("DELETE FROM diploma_decision WHERE correction > 0")
    with op.batch_alter_table("diploma_decision", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_diploma_decision_organisation_id"), type_="unique")
        batch_op.create_unique_constraint(
            batch_op.f("uq_diploma_decision_organisation_id"), ["organisation_id", "reference"]
        )
        batch_op.drop_constraint(
            batch_op.f("fk_diploma_decision_replaces_credential_id_issued_credential"),
            type_="foreignkey",
        )
        batch_op.drop_column("replaces_credential_id")
        batch_op.drop_column("correction")
