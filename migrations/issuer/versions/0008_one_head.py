"""join the branches: the credential-type index and diploma corrections (no schema change)

Revision ID: 0008_one_head
Revises: 0007_credential_type_index, 0007_diploma_correction
Create Date: 2026-12-02 16:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0008_one_head"
down_revision: tuple[str, ...] = ("0007_credential_type_index", "0007_diploma_correction")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
