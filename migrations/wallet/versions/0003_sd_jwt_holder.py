"""holder keys have a type: Ed25519 (did:key, Data Integrity) or P-256 (SD-JWT VC, ES256)

Existing keys are Ed25519; an account gets its P-256 key when it first needs one.

Revision ID: 0003_sd_jwt_holder
Revises: 0002
Create Date: 2026-12-02 04:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_sd_jwt_holder"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("holder_key") as batch:
        batch.add_column(
            sa.Column("key_type", sa.String(16), nullable=False, server_default="Ed25519")
        )


def downgrade() -> None:
    op.execute("DELETE FROM holder_key WHERE key_type <> 'Ed25519'")
    with op.batch_alter_table("holder_key") as batch:
        batch.drop_column("key_type")
