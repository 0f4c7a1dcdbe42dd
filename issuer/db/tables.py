"""The issuer's tables. Secrets are stored encrypted (signing keys) or hashed (API tokens)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from web_common.db import new_metadata
from web_common.db_types import UtcDateTime

__all__ = [
    "ApiToken",
    "AuditEvent",
    "IssuedCredential",
    "IssuerBase",
    "Organisation",
    "SigningKey",
    "StatusListRow",
]


class IssuerBase(DeclarativeBase):
    metadata = new_metadata()


class Organisation(IssuerBase):
    """A school (ROC/AOC), erkend leerbedrijf or EVC provider that issues credentials."""

    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    identifier: Mapped[str | None] = mapped_column(String(64))  # BRIN or KvK number
    did: Mapped[str] = mapped_column(String(300), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class SigningKey(IssuerBase):
    """An Ed25519 key of an organisation; the seed is encrypted at rest (Fernet)."""

    __tablename__ = "signing_key"
    __table_args__ = (UniqueConstraint("organisation_id", "key_ref"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    key_ref: Mapped[str] = mapped_column(String(32))  # the DID URL fragment, e.g. key-1
    public_multibase: Mapped[str] = mapped_column(String(64))
    encrypted_seed: Mapped[bytes] = mapped_column(LargeBinary)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class StatusListRow(IssuerBase):
    """One Bitstring Status List of an organisation for one purpose.

    ``bits`` is the published list; ``allocated`` marks the indexes handed out, so an index is
    never reused. ``version`` grows with every change and makes the HTTP ETag.
    """

    __tablename__ = "status_list"
    __table_args__ = (UniqueConstraint("organisation_id", "purpose", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(32))
    number: Mapped[int] = mapped_column(Integer)
    size: Mapped[int] = mapped_column(Integer)
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    allocated: Mapped[bytes] = mapped_column(LargeBinary)
    allocated_count: Mapped[int] = mapped_column(Integer, default=0)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class IssuedCredential(IssuerBase):
    """A credential as issued, with where its status lives."""

    __tablename__ = "issued_credential"
    __table_args__ = (
        UniqueConstraint("organisation_id", "credential_ref"),
        # a status entry belongs to one credential, whatever happens concurrently
        UniqueConstraint("revocation_list_id", "revocation_index"),
        UniqueConstraint("suspension_list_id", "suspension_index"),
        UniqueConstraint("token_status_list_id", "token_status_index"),
        Index("ix_issued_credential_result_key", "organisation_id", "result_key"),
        Index("ix_issued_credential_student_number", "organisation_id", "student_number"),
        # the types an organisation has issued (metadata, every redemption)
        Index("ix_issued_credential_type", "organisation_id", "credential_type"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    credential_ref: Mapped[str] = mapped_column(String(300))  # credential.id or credentialId
    # the student result this credential states (a batch row's or the form's reference);
    # a corrected result is a new credential with the same result_key, the old one revoked
    result_key: Mapped[str | None] = mapped_column(String(300))
    credential_type: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str | None] = mapped_column(String(300))
    # the school's student number, for staff (search, overview); never signed into the
    # credential, which names the learner by a salted, hashed OB 3.0 ``identifier``
    student_number: Mapped[str | None] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    document: Mapped[str] = mapped_column(Text)
    request_digest: Mapped[str] = mapped_column(String(64))
    revocation_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    revocation_index: Mapped[int] = mapped_column(Integer)
    suspension_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    suspension_index: Mapped[int] = mapped_column(Integer)
    # the IETF Token Status List entry (SD-JWT VC); None for credentials issued before it
    token_status_list_id: Mapped[int | None] = mapped_column(ForeignKey("status_list.id"))
    token_status_index: Mapped[int | None] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class ApiToken(IssuerBase):
    """A scoped bearer token for systems (e.g. a student information system); only its
    SHA-256 is stored."""

    __tablename__ = "api_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuditEvent(IssuerBase):
    """Every sensitive action: issue, revoke, suspend, key rotation, token use, login."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(300))
    detail: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
