"""student number: the school's plain student number in a column, no longer signed

The plain ``credentialSubject.studentNumber`` leaves the credentials (OB 3.0 names the
learner by a salted, hashed ``identifier``); staff still find and see a credential by the
number, so it lives on the issued credential record. The data step copies it from the
credential documents issued before.

Revision ID: 0005_student_number
Revises: 0005_vci
Create Date: 2026-12-02 04:15:00
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_student_number"
down_revision: str | tuple[str, ...] | None = "0005_vci"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHUNK = 500


def _student_number(document: str) -> str | None:
    try:
        subject = json.loads(document).get("credentialSubject")
    except (ValueError, AttributeError):
        return None
    number = subject.get("studentNumber") if isinstance(subject, dict) else None
    return (number.strip()[:64] or None) if isinstance(number, str) else None


def upgrade() -> None:
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.add_column(sa.Column("student_number", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_issued_credential_student_number",
            ["organisation_id", "student_number"],
            unique=False,
        )
    table = sa.table(
        "issued_credential",
        sa.column("id", sa.Integer()),
        sa.column("document", sa.Text()),
        sa.column("student_number", sa.String(64)),
    )
    connection = op.get_bind()
    last = 0
    while True:
        rows = connection.execute(
            sa.select(table.c.id, table.c.document)
            .where(table.c.id > last, table.c.document.like('%"studentNumber"%'))
            .order_by(table.c.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        updates = [
            {"row_id": row_id, "number": number}
            for row_id, document in rows
            if (number := _student_number(document)) is not None
        ]
        if updates:
            connection.execute(
                table.update()
                .where(table.c.id == sa.bindparam("row_id"))
                .values(student_number=sa.bindparam("number")),
                updates,
            )


def downgrade() -> None:
    with op.batch_alter_table("issued_credential", schema=None) as batch_op:
        batch_op.drop_index("ix_issued_credential_student_number")
        batch_op.drop_column("student_number")
