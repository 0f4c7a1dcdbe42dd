"""trust list: issuers named by X.509 (CA, certificate fingerprint, subject) beside DIDs

Revision ID: 0005_x509_trust
Revises: 0004
Create Date: 2026-12-02 04:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_x509_trust"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trusted_issuer") as batch:
        batch.add_column(sa.Column("x509_kind", sa.String(16), nullable=True))
        batch.add_column(sa.Column("x509_value", sa.String(300), nullable=True))
        batch.add_column(sa.Column("x509_certificate", sa.Text(), nullable=True))
        batch.add_column(sa.Column("x509_anchor", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trusted_issuer") as batch:
        batch.drop_column("x509_anchor")
        batch.drop_column("x509_certificate")
        batch.drop_column("x509_value")
        batch.drop_column("x509_kind")
