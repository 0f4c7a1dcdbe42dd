"""initial wallet schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 15:16:04.111030
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_logins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("goal_qualification", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account")),
        sa.UniqueConstraint("email", name=op.f("uq_account_email")),
    )
    op.create_table(
        "holder_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("did", sa.String(length=200), nullable=False),
        sa.Column("encrypted_seed", sa.LargeBinary(), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_holder_key_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holder_key")),
        sa.UniqueConstraint("account_id", "did", name=op.f("uq_holder_key_account_id")),
    )
    with op.batch_alter_table("holder_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holder_key_account_id"), ["account_id"], unique=False)

    op.create_table(
        "login_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_login_session_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_session")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_login_session_token_hash")),
    )
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_session_account_id"), ["account_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_login_session_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "self_declared",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("dossier_crebo", sa.String(length=20), nullable=True),
        sa.Column("dossier_version", sa.String(length=20), nullable=True),
        sa.Column("werkprocessen", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_self_declared_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_self_declared")),
        sa.UniqueConstraint("public_id", name=op.f("uq_self_declared_public_id")),
    )
    with op.batch_alter_table("self_declared", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_self_declared_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("challenge", sa.String(length=100), nullable=False),
        sa.Column("domain", sa.String(length=300), nullable=False),
        sa.Column("presentation", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_share_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share")),
        sa.UniqueConstraint("public_id", name=op.f("uq_share_public_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_token_hash")),
    )
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_account_id"), ["account_id"], unique=False)

    op.create_table(
        "wallet_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=40), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=16), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("credential_id", sa.String(length=500), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=True),
        sa.Column("types", sa.String(length=500), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("issuer_name", sa.String(length=300), nullable=True),
        sa.Column("subject_id", sa.String(length=500), nullable=True),
        sa.Column("holder_did", sa.String(length=200), nullable=True),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("checks", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["account.id"],
            name=op.f("fk_wallet_credential_account_id_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wallet_credential")),
        sa.UniqueConstraint("account_id", "digest", name=op.f("uq_wallet_credential_account_id")),
        sa.UniqueConstraint("public_id", name=op.f("uq_wallet_credential_public_id")),
    )
    with op.batch_alter_table("wallet_credential", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wallet_credential_account_id"), ["account_id"], unique=False
        )

    op.create_table(
        "share_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("accessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("as_json", sa.Boolean(), nullable=False),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("network", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["share.id"],
            name=op.f("fk_share_access_share_id_share"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_access")),
    )
    with op.batch_alter_table("share_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_access_share_id"), ["share_id"], unique=False)

    op.create_table(
        "share_item",
        sa.Column("share_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["credential_id"],
            ["wallet_credential.id"],
            name=op.f("fk_share_item_credential_id_wallet_credential"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["share.id"],
            name=op.f("fk_share_item_share_id_share"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("share_id", "credential_id", name=op.f("pk_share_item")),
    )
    with op.batch_alter_table("share_item", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_share_item_credential_id"), ["credential_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("share_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_item_credential_id"))

    op.drop_table("share_item")
    with op.batch_alter_table("share_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_access_share_id"))

    op.drop_table("share_access")
    with op.batch_alter_table("wallet_credential", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wallet_credential_account_id"))

    op.drop_table("wallet_credential")
    with op.batch_alter_table("share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_account_id"))

    op.drop_table("share")
    with op.batch_alter_table("self_declared", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_self_declared_account_id"))

    op.drop_table("self_declared")
    with op.batch_alter_table("login_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_session_expires_at"))
        batch_op.drop_index(batch_op.f("ix_login_session_account_id"))

    op.drop_table("login_session")
    with op.batch_alter_table("holder_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holder_key_account_id"))

    op.drop_table("holder_key")
    op.drop_table("account")
