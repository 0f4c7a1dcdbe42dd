"""initial issuer schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 14:33:39.931393
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
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("identifier", sa.String(length=64), nullable=True),
        sa.Column("did", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("did", name=op.f("uq_organisation_did")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisation_slug")),
    )
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("scopes", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_api_token_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_api_token_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=300), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_audit_event_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "signing_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("key_ref", sa.String(length=32), nullable=False),
        sa.Column("public_multibase", sa.String(length=64), nullable=False),
        sa.Column("encrypted_seed", sa.LargeBinary(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_signing_key_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_key")),
        sa.UniqueConstraint(
            "organisation_id", "key_ref", name=op.f("uq_signing_key_organisation_id")
        ),
    )
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_signing_key_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "status_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("allocated", sa.LargeBinary(), nullable=False),
        sa.Column("allocated_count", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_status_list_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_list")),
        sa.UniqueConstraint(
            "organisation_id", "purpose", "number", name=op.f("uq_status_list_organisation_id")
        ),
    )
    with op.batch_alter_table("status_list", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_list_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "issued_credential",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("credential_ref", sa.String(length=300), nullable=False),
        sa.Column("credential_type", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=300), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("revocation_list_id", sa.Integer(), nullable=False),
        sa.Column("revocation_index", sa.Integer(), nullable=False),
        sa.Column("suspension_list_id", sa.Integer(), nullable=False),
        sa.Column("suspension_index", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("suspended", sa.Boolean(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_issued_credential_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["revocation_list_id"],
            ["status_list.id"],
            name=op.f("fk_issued_credential_revocation_list_id_status_list"),
        ),
        sa.ForeignKeyConstraint(
            ["suspension_list_id"],
            ["status_list.id"],
            name=op.f("fk_issued_credential_suspension_list_id_status_list"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_issued_credential")),
        sa.UniqueConstraint(
            "organisation_id", "credential_ref", name=op.f("uq_issued_credential_organisation_id")
        ),
        sa.UniqueConstraint(
            "revocation_list_id",
            "revocation_index",
            name=op.f("uq_issued_credential_revocation_list_id"),
        ),
        sa.UniqueConstraint(
            "suspension_list_id",
            "suspension_index",
            name=op.f("uq_issued_credential_suspension_list_id"),
        ),
    )
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_issued_credential_issued_at"), ["issued_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_issued_credential_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_issued_credential_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_issued_credential_issued_at"))

    op.drop_table("issued_credential")
    with op.batch_alter_table("status_list", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_list_organisation_id"))

    op.drop_table("status_list")
    with op.batch_alter_table("signing_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signing_key_organisation_id"))

    op.drop_table("signing_key")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_created_at"))

    op.drop_table("audit_event")
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_token_organisation_id"))

    op.drop_table("api_token")
    op.drop_table("organisation")
