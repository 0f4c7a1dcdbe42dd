"""vci: wallet attestation recorded on the offer, PoP jti values kept against replay, a
Token Status List entry per extra batch copy

Revision ID: 0005_vci
Revises: 0004_tsl, 0002_offers (it alters credential_offer)
Create Date: 2026-12-02 04:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_vci"
down_revision: str | tuple[str, ...] | None = ("0004_tsl", "0002_offers")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("credential_offer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wallet_attestation", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("wallet_provider", sa.String(length=200), nullable=True))
    op.create_table(
        "oid4vci_attestation_jti",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jti_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_attestation_jti")),
        sa.UniqueConstraint("jti_hash", name=op.f("uq_oid4vci_attestation_jti_jti_hash")),
    )
    with op.batch_alter_table("oid4vci_attestation_jti", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oid4vci_attestation_jti_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "token_status_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issued_credential_id", sa.Integer(), nullable=False),
        sa.Column("status_list_id", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["issued_credential_id"],
            ["issued_credential.id"],
            name=op.f("fk_token_status_copy_issued_credential_id_issued_credential"),
        ),
        sa.ForeignKeyConstraint(
            ["status_list_id"],
            ["status_list.id"],
            name=op.f("fk_token_status_copy_status_list_id_status_list"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_token_status_copy")),
        sa.UniqueConstraint(
            "status_list_id",
            "status_index",
            name=op.f("uq_token_status_copy_status_list_id"),
        ),
    )
    with op.batch_alter_table("token_status_copy", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_token_status_copy_issued_credential_id"),
            ["issued_credential_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("token_status_copy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_token_status_copy_issued_credential_id"))
    op.drop_table("token_status_copy")
    with op.batch_alter_table("oid4vci_attestation_jti", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oid4vci_attestation_jti_expires_at"))
    op.drop_table("oid4vci_attestation_jti")
    with op.batch_alter_table("credential_offer", schema=None) as batch_op:
        batch_op.drop_column("wallet_provider")
        batch_op.drop_column("wallet_attestation")
