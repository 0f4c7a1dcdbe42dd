"""OpenID4VCI delivery: credential offers, access tokens and nonces.

Only digests are stored: SHA-256 for the long random values (offer handle, pre-authorized
code, access token, c_nonce: 256 bits each, so a slow hash adds nothing) and Argon2id for the
six-digit transaction code, which is short enough to guess offline from a fast digest.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from web_common.db_types import UtcDateTime

from .tables import IssuerBase

__all__ = ["AccessTokenRow", "AttestationJti", "CNonce", "CredentialOffer", "TokenStatusCopy"]


class CredentialOffer(IssuerBase):
    """An offer of one issued credential to one learner (pre-authorized code flow).

    ``handle_hash`` identifies the offer in its ``credential_offer_uri``; the pre-authorized
    code is derived from the handle, so neither is kept. The offer is usable until
    ``expires_at`` unless ``code_used_at`` (token issued), ``revoked_at`` (superseded by a new
    offer) or ``failed_attempts`` reaching the limit. After delivery ``holder_did`` (of the
    first delivery) and ``delivered_document`` are filled in: ``{"deliveries": {configuration
    id: {"holder": ..., "copies": [...]}}}``, one entry per format delivered (older rows
    hold the one delivered document or list of copies itself).
    """

    __tablename__ = "credential_offer"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    issued_credential_id: Mapped[int] = mapped_column(
        ForeignKey("issued_credential.id"), index=True
    )
    credential_configuration_id: Mapped[str] = mapped_column(String(100))
    handle_hash: Mapped[str] = mapped_column(String(64), unique=True)
    pre_authorized_code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    tx_code_hash: Mapped[str] = mapped_column(String(200))
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    code_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    redeemed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    holder_did: Mapped[str | None] = mapped_column(String(500))
    delivered_document: Mapped[str | None] = mapped_column(Text)
    wallet_attestation: Mapped[str | None] = mapped_column(String(16))
    """What the wallet presented at the token endpoint: ``verified`` or ``absent``."""
    wallet_provider: Mapped[str | None] = mapped_column(String(200))
    """The trusted wallet provider whose attestation was verified."""


class AccessTokenRow(IssuerBase):
    """A short-lived bearer token for the credential endpoint, for one offer."""

    __tablename__ = "oid4vci_access_token"
    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("credential_offer.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class CNonce(IssuerBase):
    """A ``c_nonce`` handed out by an organisation's nonce endpoint; single use."""

    __tablename__ = "oid4vci_nonce"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AttestationJti(IssuerBase):
    """A wallet attestation PoP already seen (SHA-256 of issuer, client and ``jti``), kept
    until the PoP would be too old anyway: a replayed PoP is refused."""

    __tablename__ = "oid4vci_attestation_jti"
    id: Mapped[int] = mapped_column(primary_key=True)
    jti_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class TokenStatusCopy(IssuerBase):
    """A Token Status List entry of one extra copy of a record delivered in a batch
    (OpenID4VCI batch issuance): every copy has its own random index, so verifiers cannot
    link the copies through it; revoking or suspending the record flips them all."""

    __tablename__ = "token_status_copy"
    __table_args__ = (UniqueConstraint("status_list_id", "status_index"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    issued_credential_id: Mapped[int] = mapped_column(
        ForeignKey("issued_credential.id"), index=True
    )
    status_list_id: Mapped[int] = mapped_column(ForeignKey("status_list.id"))
    status_index: Mapped[int] = mapped_column(Integer)
