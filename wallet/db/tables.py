"""The wallet's tables. Every row a person owns carries ``account_id``; every query of the
services filters on it, so one account never sees another's data.

Secrets at rest: holder key seeds are encrypted with the service's
:class:`web_common.secrets.SecretBox`; login sessions and share links are stored only as the
SHA-256 of their random tokens.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
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
    "Account",
    "HolderKey",
    "LoginSession",
    "SelfDeclared",
    "Share",
    "ShareAccess",
    "ShareItem",
    "StoredCredential",
    "WalletBase",
]


class WalletBase(DeclarativeBase):
    metadata = new_metadata()


class Account(WalletBase):
    """A person's wallet account. ``failed_logins`` and ``locked_until`` are no longer used
    (login backoff is in memory, ``web_common.throttle.LoginGuard``); a login clears them."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    goal_qualification: Mapped[str | None] = mapped_column(String(100))
    """The diploma the person works toward (a catalog qualification id), for progress."""


class LoginSession(WalletBase):
    """A login: valid until ``expires_at`` or logout (the row is deleted)."""

    __tablename__ = "login_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class HolderKey(WalletBase):
    """A holder key. ``key_type`` says which:

    - ``Ed25519``: the Data Integrity holder key; ``did`` is its ``did:key``,
      ``encrypted_seed`` its 32-byte seed.
    - ``P-256``: the SD-JWT VC holder key (ES256, HAIP); ``did`` is its RFC 9278 JWK
      thumbprint URI (``urn:ietf:params:oauth:jwk-thumbprint:sha-256:…``, what ``cnf.jwk``
      of a credential bound to it hashes to), ``encrypted_seed`` its 32-byte private scalar.

    ``is_primary`` marks the key of its type new credentials are bound to; imported keys stay
    so credentials bound to them can still be presented."""

    __tablename__ = "holder_key"
    __table_args__ = (UniqueConstraint("account_id", "did"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    did: Mapped[str] = mapped_column(String(200))
    key_type: Mapped[str] = mapped_column(String(16), default="Ed25519", server_default="Ed25519")
    encrypted_seed: Mapped[bytes] = mapped_column(LargeBinary)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class StoredCredential(WalletBase):
    """A received credential: the document exactly as received, what the wallet read from
    it, and the result of its most recent check.

    ``public_id`` (random) is what URLs use. ``digest`` (SHA-256 of the document) keeps the
    same credential from being stored twice in one account. ``evidence`` is the catalog
    evidence read from it (JSON), so the passport does not re-read every document.
    """

    __tablename__ = "wallet_credential"
    __table_args__ = (UniqueConstraint("account_id", "digest"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(16))  # ldp_vc | jwt_vc | dc+sd-jwt
    """``dc+sd-jwt``: ``document`` is the issued SD-JWT compact exactly as received (the
    issuer-signed JWT and every Disclosure, ending in ``~``, never a KB-JWT)."""
    document: Mapped[str] = mapped_column(Text)
    credential_id: Mapped[str | None] = mapped_column(String(500))
    kind: Mapped[str | None] = mapped_column(String(40))
    types: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(500))
    issuer: Mapped[str] = mapped_column(String(500))
    issuer_name: Mapped[str | None] = mapped_column(String(300))
    subject_id: Mapped[str | None] = mapped_column(String(500))
    holder_did: Mapped[str | None] = mapped_column(String(200))
    """The account's holder key the credential is bound to, as ``HolderKey.did`` (a did:key,
    or for ``dc+sd-jwt`` the JWK thumbprint URI of ``cnf.jwk``); None: not bound to ours."""
    valid_from: Mapped[datetime | None] = mapped_column(UtcDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    source: Mapped[str] = mapped_column(String(16))  # oid4vci | upload | import
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    evidence: Mapped[str] = mapped_column(Text)
    checked_at: Mapped[datetime] = mapped_column(UtcDateTime())
    verdict: Mapped[str] = mapped_column(String(16))  # valid | warning | invalid
    state: Mapped[str] = mapped_column(String(24))
    """What a person needs to know first: ok, revoked, suspended, expired, not_yet_valid,
    status_unknown, invalid."""
    checks: Mapped[str] = mapped_column(Text)  # JSON list of CheckResult.to_json()
    result_key: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    """:func:`qualifications.sd_jwt_vc_claims.result_fingerprint` of the result: the same
    for the ``ldp_vc`` and the ``dc+sd-jwt`` copy of one result (they count once)."""


class SelfDeclared(WalletBase):
    """Something the person states without proof (a course, work experience, a non-formal
    training), optionally mapped to werkprocessen. Always shown as self-declared."""

    __tablename__ = "self_declared"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(16))  # course | work | training | other
    title: Mapped[str] = mapped_column(String(300))
    organisation: Mapped[str | None] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    started_on: Mapped[date | None] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    dossier_crebo: Mapped[str | None] = mapped_column(String(20))
    dossier_version: Mapped[str | None] = mapped_column(String(20))
    werkprocessen: Mapped[str] = mapped_column(Text, default="")  # space separated codes
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class Share(WalletBase):
    """A share link: the signed presentation it publishes, until ``expires_at`` or
    ``revoked_at``. The link's token is looked up by its SHA-256; the link itself is kept
    only encrypted with the wallet's SecretBox (``link_sealed``), so its holder can see and
    copy it again (None for links made before that)."""

    __tablename__ = "share"
    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(String(40), unique=True)
    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(16))  # link | pdf
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    challenge: Mapped[str] = mapped_column(String(100))
    domain: Mapped[str] = mapped_column(String(300))
    presentation: Mapped[str] = mapped_column(Text)
    link_sealed: Mapped[str | None] = mapped_column(Text, default=None)


class ShareItem(WalletBase):
    """Which credentials a share holds."""

    __tablename__ = "share_item"
    share_id: Mapped[int] = mapped_column(
        ForeignKey("share.id", ondelete="CASCADE"), primary_key=True
    )
    credential_id: Mapped[int] = mapped_column(
        ForeignKey("wallet_credential.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ShareAccess(WalletBase):
    """One opening of a share link: when, by what kind of client, and what it got."""

    __tablename__ = "share_access"
    id: Mapped[int] = mapped_column(primary_key=True)
    share_id: Mapped[int] = mapped_column(ForeignKey("share.id", ondelete="CASCADE"), index=True)
    accessed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[str] = mapped_column(String(16))  # served | expired | revoked
    as_json: Mapped[bool] = mapped_column(Boolean)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    network: Mapped[str | None] = mapped_column(String(64))
    """The client's network, shortened (IPv4 /24, IPv6 /48): enough to tell openers apart,
    not to identify a person."""
