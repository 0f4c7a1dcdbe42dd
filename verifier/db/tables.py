"""The verifier's tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from web_common.db import new_metadata
from web_common.db_types import UtcDateTime

__all__ = ["TrustedIssuer", "VerifierBase"]


class VerifierBase(DeclarativeBase):
    metadata = new_metadata()


class TrustedIssuer(VerifierBase):
    """An issuer DID the employer recognises, and for which credential types.

    ``credential_types`` is a space-separated list of VC types (``DiplomaCredential`` …);
    ``*`` means every type. ``accreditations`` is a JSON list of what the issuer may award
    (``[{"crebo": "25498"}, {"domein": "79140", "credentialTypes": [...]}]``); empty when
    the list says nothing about it.
    """

    __tablename__ = "trusted_issuer"
    id: Mapped[int] = mapped_column(primary_key=True)
    did: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    credential_types: Mapped[str] = mapped_column(Text)
    accreditations: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    # X.509 entries (``did`` then holds the ``x509:<kind>:<value>`` key): see services/trust
    x509_kind: Mapped[str | None] = mapped_column(String(16), default=None)
    x509_value: Mapped[str | None] = mapped_column(String(300), default=None)
    x509_certificate: Mapped[str | None] = mapped_column(Text, default=None)
    x509_anchor: Mapped[str | None] = mapped_column(String(64), default=None)
    source: Mapped[str] = mapped_column(String(100))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())
