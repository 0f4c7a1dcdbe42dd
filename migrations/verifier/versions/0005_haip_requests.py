"""presentation requests under HAIP: profile, state, encrypted response key, response code

Revision ID: 0005_haip_requests
Revises: 0004
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_haip_requests"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("presentation_request") as batch:
        batch.add_column(
            sa.Column("profile", sa.String(16), nullable=False, server_default="by_value")
        )
        batch.add_column(sa.Column("state", sa.String(64), nullable=True))
        batch.add_column(sa.Column("response_key", sa.Text(), nullable=True))
        batch.add_column(sa.Column("response_code_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("replays", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("same_device", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("presentation_request") as batch:
        batch.drop_column("same_device")
        batch.drop_column("replays")
        batch.drop_column("response_code_hash")
        batch.drop_column("response_key")
        batch.drop_column("state")
        batch.drop_column("profile")
