"""What an employer submitted on the page, kept for a short while so the result page and
the stacking report can be shown again without asking for (or re-fetching) it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web_common.db_types import UtcDateTime

from .tables import VerifierBase

__all__ = ["CheckedSubmission"]


class CheckedSubmission(VerifierBase):
    """``id`` is a random 192-bit handle (the result page's URL). ``documents`` is a JSON list
    of what was checked (credentials, presentations or vc+jwt strings); ``challenge`` and
    ``domain`` are the holder binding it is checked against again. ``source`` says how it
    came in (paste, upload, share, oid4vp); ``origin`` is the share link's origin (never the
    link itself, which is the holder's secret). Rows are deleted after ``expires_at``."""

    __tablename__ = "checked_submission"
    __table_args__ = (Index("ix_checked_submission_expires_at", "expires_at"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    documents: Mapped[str] = mapped_column(Text)
    challenge: Mapped[str | None] = mapped_column(String(300))
    domain: Mapped[str | None] = mapped_column(String(600))
    origin: Mapped[str | None] = mapped_column(String(300))
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
