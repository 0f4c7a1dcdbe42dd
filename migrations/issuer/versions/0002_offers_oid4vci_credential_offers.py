"""oid4vci credential offers

Revision ID: 0002_offers
Revises: 0001
Create Date: 2026-11-24 14:43:53.385913
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_offers"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "oid4vci_nonce",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("nonce_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_oid4vci_nonce_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_nonce")),
        sa.UniqueConstraint("nonce_hash", name=op.f("uq_oid4vci_nonce_nonce_hash")),
    )
    with op.batch_alter_table("oid4vci_nonce", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oid4vci_nonce_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_oid4vci_nonce_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "credential_offer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("issued_credential_id", sa.Integer(), nullable=False),
        sa.Column("credential_configuration_id", sa.String(length=100), nullable=False),
        sa.Column("handle_hash", sa.String(length=64), nullable=False),
        sa.Column("pre_authorized_code_hash", sa.String(length=64), nullable=False),
        sa.Column("tx_code_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("code_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("holder_did", sa.String(length=500), nullable=True),
        sa.Column("delivered_document", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["issued_credential_id"],
            ["issued_credential.id"],
            name=op.f("fk_credential_offer_issued_credential_id_issued_credential"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_credential_offer_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_offer")),
        sa.UniqueConstraint("handle_hash", name=op.f("uq_credential_offer_handle_hash")),
        sa.UniqueConstraint(
            "pre_authorized_code_hash", name=op.f("uq_credential_offer_pre_authorized_code_hash")
        ),
    )
    with op.batch_alter_table("credential_offer", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credential_offer_issued_credential_id"),
            ["issued_credential_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_credential_offer_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "oid4vci_access_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["credential_offer.id"],
            name=op.f("fk_oid4vci_access_token_offer_id_credential_offer"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oid4vci_access_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_oid4vci_access_token_token_hash")),
    )
    with op.batch_alter_table("oid4vci_access_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_oid4vci_access_token_offer_id"), ["offer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("oid4vci_access_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oid4vci_access_token_offer_id"))

    op.drop_table("oid4vci_access_token")
    with op.batch_alter_table("credential_offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credential_offer_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_credential_offer_issued_credential_id"))

    op.drop_table("credential_offer")
    with op.batch_alter_table("oid4vci_nonce", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oid4vci_nonce_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_oid4vci_nonce_expires_at"))

    op.drop_table("oid4vci_nonce")
