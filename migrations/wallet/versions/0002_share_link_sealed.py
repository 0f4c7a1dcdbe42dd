"""share links kept encrypted, so their holder can see and copy them again

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("share") as batch:
        batch.add_column(sa.Column("link_sealed", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("share") as batch:
        batch.drop_column("link_sealed")
