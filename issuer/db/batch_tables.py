"""Batch issuance: an uploaded results file and its rows.

The rows are the job queue and the source of truth. A worker claims pending rows for a lease
(``claimed_by``, ``claimed_until``), issues them in one transaction and marks them issued;
a worker that dies leaves its rows pending and another one claims them when the lease runs
out. Exactly-once comes from the row states together with the deterministic credential id
and the unique ``(organisation_id, credential_ref)`` of ``issued_credential``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from web_common.db_types import UtcDateTime

from .tables import IssuerBase

__all__ = ["BATCH_STATUSES", "ROW_STATUSES", "Batch", "BatchRow"]

BATCH_STATUSES = ("previewed", "queued", "running", "done", "failed", "cancelled")
ROW_STATUSES = (
    "pending",
    "issued",
    "already_issued",
    "awaiting",  # a diploma waiting for the examencommissie's confirmation
    "conflict",
    "invalid",
    "failed",
)


class Batch(IssuerBase):
    """One uploaded file. The same file (same SHA-256) for the same organisation is the same
    batch, so uploading it twice creates nothing new."""

    __tablename__ = "batch"
    __table_args__ = (UniqueConstraint("organisation_id", "file_sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    file_sha256: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16))
    total_count: Mapped[int] = mapped_column(Integer, default=0)
    valid_count: Mapped[int] = mapped_column(Integer, default=0)
    invalid_count: Mapped[int] = mapped_column(Integer, default=0)
    issued_count: Mapped[int] = mapped_column(Integer, default=0)
    skipped_count: Mapped[int] = mapped_column(Integer, default=0)  # already issued before
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    conflict_count: Mapped[int] = mapped_column(Integer, default=0)  # changed, unresolved
    #: diplomas handed to the examencommissie's confirmation (issuer.services.diploma_decisions)
    awaiting_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    warnings: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of strings
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class BatchRow(IssuerBase):
    """One data row of a batch, with its canonical fields and what became of it."""

    __tablename__ = "batch_row"
    __table_args__ = (
        UniqueConstraint("batch_id", "row_number"),
        Index("ix_batch_row_batch_id_status", "batch_id", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(300))
    payload: Mapped[str] = mapped_column(Text)  # canonical fields as JSON
    status: Mapped[str] = mapped_column(String(16))
    errors: Mapped[str] = mapped_column(Text, default="[]")  # JSON [{column, detail}]
    credential_ref: Mapped[str | None] = mapped_column(String(300))
    issued_credential_id: Mapped[int | None] = mapped_column(ForeignKey("issued_credential.id"))
    # a ``conflict`` row: the credential issued for this result that says something else;
    # a ``pending`` row with it revokes that credential when it issues the corrected one
    replaces_credential_id: Mapped[int | None] = mapped_column(ForeignKey("issued_credential.id"))
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # the offer link and transaction code, encrypted (SecretBox) until the one download of
    # the mail-merge file, then erased
    delivery_secret: Mapped[bytes | None] = mapped_column(LargeBinary)
