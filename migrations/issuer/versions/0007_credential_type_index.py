"""credential type index: an organisation's credential types come from an index

The credential endpoint asks, on every redemption, whether the requested configuration names
a type the organisation has issued; the metadata lists those types. Both read
``(organisation_id, credential_type)``, which this index answers without visiting the rows.

Revision ID: 0007_credential_type_index
Revises: 0006_one_head
Create Date: 2026-12-02 15:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007_credential_type_index"
down_revision: str | tuple[str, ...] | None = "0006_one_head"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.create_index(
            "ix_issued_credential_type", ["organisation_id", "credential_type"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.drop_index("ix_issued_credential_type")
