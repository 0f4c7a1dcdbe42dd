"""X.509 issuer keys: an ES256 key with its certificate chain per organisation and purpose
(``credential`` signs SD-JWT VCs, ``status_list`` signs Token Status Lists). The private key
is encrypted at rest with the issuer's SecretBox, like the Ed25519 keys in ``signing_key``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from web_common.db_types import UtcDateTime

from .tables import IssuerBase

__all__ = ["X509IssuerKey"]


class X509IssuerKey(IssuerBase):
    """One ES256 key and its chain (PEM, leaf first, without the root trust anchor)."""

    __tablename__ = "x509_issuer_key"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # credential | status_list
    source: Mapped[str] = mapped_column(String(16))  # dev-ca | imported
    certificate_chain: Mapped[str] = mapped_column(Text)
    encrypted_private_key: Mapped[bytes] = mapped_column(LargeBinary)  # private JWK (JSON)
    not_after: Mapped[datetime] = mapped_column(UtcDateTime())
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    retired_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
