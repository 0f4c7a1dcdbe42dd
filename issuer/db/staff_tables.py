"""Staff accounts of an issuing organisation and their login sessions.

Passwords are stored as Argon2id hashes; a session is known by the SHA-256 of its random
token (the token itself lives only in the staff member's signed session cookie).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from web_common.db_types import UtcDateTime

from .tables import IssuerBase

__all__ = ["StaffSession", "StaffUser"]


class StaffUser(IssuerBase):
    """A person who works with the issuer's pages: ``role`` is admin, issuer or viewer.

    ``failed_logins`` and ``locked_until`` are no longer used (login backoff is in memory,
    ``web_common.throttle.LoginGuard``, never a lock an outsider controls); a login clears them.
    """

    __tablename__ = "staff_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())


class StaffSession(IssuerBase):
    """A login: valid until ``expires_at`` or logout (the row is deleted)."""

    __tablename__ = "staff_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
