"""credentials carry a result key, so an ldp_vc and a dc+sd-jwt copy of one result count once

Revision ID: 0004_result_key
Revises: 0003_sd_jwt_holder
Create Date: 2026-12-02 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_result_key"
down_revision: str | None = "0003_sd_jwt_holder"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("wallet_credential") as batch:
        batch.add_column(sa.Column("result_key", sa.String(64), nullable=True))
        batch.create_index("ix_wallet_credential_result_key", ["result_key"])


def downgrade() -> None:
    with op.batch_alter_table("wallet_credential") as batch:
        batch.drop_index("ix_wallet_credential_result_key")
        batch.drop_column("result_key")
