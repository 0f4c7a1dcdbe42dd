"""result keys and batch conflicts: issued_credential.result_key, batch.conflict_count,
batch_row.replaces_credential_id

Credentials issued by a batch get the result key of the row that issued them (the row's own
reference, or the digest of who and what it is about: ``batch_csv.row_reference``), so a
later, corrected row finds them — also those issued while rows without a reference were keyed
on their content. Their credential ids do not change.

Revision ID: 0003_batchkey
Revises: 0002_batch
Create Date: 2026-12-02 01:00:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from issuer.services.batch_csv import row_reference

revision: str = "0003_batchkey"
down_revision: str | None = "0002_batch"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.add_column(sa.Column("result_key", sa.String(length=300), nullable=True))
        batch_op.create_index(
            "ix_issued_credential_result_key", ["organisation_id", "result_key"], unique=False
        )
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("conflict_count", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.alter_column("conflict_count", server_default=None)
    with op.batch_alter_table("batch_row", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaces_credential_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_batch_row_replaces_credential_id_issued_credential"),
            "issued_credential",
            ["replaces_credential_id"],
            ["id"],
        )
    _backfill_result_keys()


def _backfill_result_keys() -> None:
    connection = op.get_bind()
    issued = connection.execute(
        sa.text(
            "SELECT issued_credential_id, payload FROM batch_row "
            "WHERE status = 'issued' AND issued_credential_id IS NOT NULL"
        )
    )
    keys = [
        {"id": credential_id, "key": row_reference(json.loads(payload))[:300]}
        for credential_id, payload in issued
    ]
    if keys:
        connection.execute(
            sa.text("UPDATE issued_credential SET result_key = :key WHERE id = :id"), keys
        )


def downgrade() -> None:
    with op.batch_alter_table("batch_row", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_batch_row_replaces_credential_id_issued_credential"),
            type_="foreignkey",
        )
        batch_op.drop_column("replaces_credential_id")
    with op.batch_alter_table("batch", schema=None) as batch_op:
        batch_op.drop_column("conflict_count")
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.drop_index("ix_issued_credential_result_key")
        batch_op.drop_column("result_key")
