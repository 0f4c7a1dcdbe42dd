"""join the branches: HAIP presentation requests and X.509 trust entries (no schema change)

Revision ID: 0006_one_head
Revises: 0005_haip_requests, 0005_x509_trust
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0006_one_head"
down_revision: tuple[str, ...] = ("0005_haip_requests", "0005_x509_trust")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the two branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
