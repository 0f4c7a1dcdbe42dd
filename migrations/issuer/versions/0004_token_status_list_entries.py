"""token status list: an IETF Token Status List entry per issued credential

Revision ID: 0004_tsl
Revises: 0003_x509, 0003_batchkey
Create Date: 2026-12-02 02:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_tsl"
down_revision: str | tuple[str, ...] | None = ("0003_x509", "0003_batchkey")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.add_column(sa.Column("token_status_list_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("token_status_index", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_issued_credential_token_status_list_id_status_list"),
            "status_list",
            ["token_status_list_id"],
            ["id"],
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_issued_credential_token_status_list_id"),
            ["token_status_list_id", "token_status_index"],
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_issued_credential_token_status_list_id"), type_="unique"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_issued_credential_token_status_list_id_status_list"),
            type_="foreignkey",
        )
        batch_op.drop_column("token_status_index")
        batch_op.drop_column("token_status_list_id")
