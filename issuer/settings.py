"""Issuer settings: environment variables prefixed ``ISSUER_`` (see README)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from credentials.client_attestation import load_wallet_providers
from web_common.settings import ServiceSettings

__all__ = ["IssuerSettings"]


class IssuerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="ISSUER_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///var/issuer.db"
    public_base_url: str = "http://localhost:8001"
    status_list_entries: int = 131_072
    status_list_max_age: int = Field(default=60, ge=0, le=86_400)
    """Seconds verifiers may cache a status list (``Cache-Control: max-age`` and the list's own
    ``ttl``): the longest a revocation can go unnoticed by a verifier that honours it."""
    offer_ttl_days: int = Field(default=30, ge=1, le=365)
    """How long an OpenID4VCI credential offer (link, QR code, e-mail) can be redeemed."""
    oid4vci_access_token_ttl: int = Field(default=300, ge=30, le=3600)
    """Seconds an access token from the token endpoint is valid (short: it is a bearer token)."""
    oid4vci_nonce_ttl: int = Field(default=300, ge=30, le=3600)
    """Seconds a ``c_nonce`` from the nonce endpoint is valid; each is used once."""
    oid4vci_batch_size: int = Field(default=10, ge=1, le=100)
    """Most key proofs, and so credential copies for as many holder keys, in one credential
    request (``batch_credential_issuance.batch_size``; 1 turns batch issuance off)."""
    sd_jwt_key_reference: Literal["x5c", "did"] = "x5c"
    """How an SD-JWT VC names its signing key: ``x5c`` (the certificate chain; HAIP and the
    NL Wallet) or ``did`` (``iss`` the organisation's did:web, ``kid`` its P-256 key there)."""
    wallet_attestation_trust_file: str | None = None
    """JSON file of trusted wallet providers (name, ``iss``, ``jwks`` and/or PEM
    ``certificates``) whose wallet attestations the token endpoint accepts."""
    wallet_attestation_required: bool = False
    """Refuse token requests without a valid wallet attestation (otherwise an absent one is
    allowed, and recorded as absent)."""

    @field_validator("wallet_attestation_trust_file")
    @classmethod
    def _trust_file_loads(cls, value: str | None) -> str | None:
        """Refuse at start a trust file that cannot be read or names no usable provider."""
        if value:
            try:
                load_wallet_providers(value)
            except (OSError, ValueError) as exc:
                raise ValueError(f"wallet attestation trust file {value}: {exc}") from None
        return value

    @model_validator(mode="after")
    def _required_attestation_needs_providers(self) -> IssuerSettings:
        if self.wallet_attestation_required and not self.wallet_attestation_trust_file:
            raise ValueError(
                "ISSUER_WALLET_ATTESTATION_REQUIRED needs ISSUER_WALLET_ATTESTATION_TRUST_FILE"
            )
        return self

    batch_max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    """Largest results file (CSV) accepted for batch issuance; larger uploads get 413."""
    batch_max_rows: int = Field(default=100_000, ge=1)
    """Most data rows in one results file."""
    batch_chunk_size: int = Field(default=200, ge=1, le=5000)
    """Rows a batch worker claims and issues in one transaction."""
    batch_lease_seconds: float = Field(default=60.0, gt=0)
    """How long a claim on a chunk lasts; a crashed worker's rows are taken over after it."""
    batch_worker_in_process: bool = True
    """Run one batch worker thread inside the web process (turn off when separate
    ``python -m issuer worker`` processes do the work)."""
    batch_poll_seconds: float = Field(default=1.0, gt=0)
    """How often an idle batch worker looks for work."""
    wallet_url: str = Field(default="http://localhost:8002", pattern=r"^https?://[^\s?#]+$")
    """The web wallet the offer link and QR code open (``{wallet_url}/receive?offer=…``); the
    plain ``openid-credential-offer://`` link stays on the page for other wallets."""
    smtp_host: str | None = None
    """Mail server for offer e-mails; without it the pages show the e-mail text to copy."""
    smtp_port: int = Field(default=587, ge=1, le=65_535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_from: str = "no-reply@localhost"
    """The offer e-mails' From address (the school's, e.g. ``diploma@roc.example``)."""
    smtp_starttls: bool = True
    """Upgrade the connection with STARTTLS before logging in (port 587); off only for a
    local relay."""
    smtp_timeout: float = Field(default=20.0, gt=0, le=300)
    offer_mail_includes_tx_code: bool = False
    """Put the transaction code in the offer e-mail itself. Off by default: the code comes
    separately (in person, by text message), so a forwarded or intercepted e-mail alone does
    not hand over the credential. A school may choose otherwise."""
    setup_code: SecretStr | None = None
    """The code that opens first-run setup (``/setup``); without it, a code derived from the
    secret key, shown by ``python -m issuer setup-code``."""
    catalog_path: str = str(
        Path(__file__).resolve().parent.parent
        / "schemas"
        / "catalog"
        / "kwalificatiestructuur.json"
    )
