"""join the branches: staff accounts, diploma decisions and the student-number column (no
schema change)

Revision ID: 0006_one_head
Revises: 0002_staff, 0005_diploma_decision, 0005_student_number
Create Date: 2026-12-02 05:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0006_one_head"
down_revision: tuple[str, ...] = ("0002_staff", "0005_diploma_decision", "0005_student_number")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Nothing to change: the branches touch different tables."""


def downgrade() -> None:
    """Nothing to change."""
