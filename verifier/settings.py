"""Verifier settings: environment variables prefixed ``VERIFIER_`` (see README)."""

from __future__ import annotations

from pathlib import Path

from argon2 import extract_parameters
from argon2.exceptions import InvalidHashError
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from web_common.settings import ServiceSettings

__all__ = ["VerifierSettings"]


class VerifierSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VERIFIER_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///var/verifier.db"
    public_base_url: str = "http://localhost:8003"
    fetch_timeout: float = 5.0
    status_list_cache_seconds: int = Field(default=60, ge=0, le=3600)
    """The most seconds a fetched status list is used without asking its issuer again (a
    ceiling: the issuer's shorter ``Cache-Control: max-age`` / list ``ttl`` wins); after
    that it is revalidated with ``If-None-Match``."""
    did_cache_seconds: int = 300
    x509_trust_anchors_file: str | None = None
    """PEM bundle of the CA certificates SD-JWT VC issuers' ``x5c`` chains may lead to
    (``VERIFIER_X509_TRUST_ANCHORS_FILE``); the trust list may add CAs of its own. Which
    issuers under them are recognised is the trust list's business."""
    type_metadata_cache_seconds: int = Field(default=3600, ge=0, le=86400)
    max_type_metadata_bytes: int = 512 * 1024
    max_status_list_bytes: int = 4 * 1024 * 1024
    # relatedResource documents fetched to check their digests (VC Data Model 2.0 §5.3).
    max_related_resource_bytes: int = 4 * 1024 * 1024
    # Argon2id hash of the trust-list administrator's password (``python -m verifier
    # hash-password``); without it the trust list page is closed.
    admin_password_hash: SecretStr | None = None
    # How long a checked submission is kept for the result page (and stacking).
    check_lifetime_minutes: int = 60
    # The key and certificate chain that sign OpenID4VP Request Objects (HAIP: client id
    # ``x509_hash``). PEM files: the P-256 private key (optionally encrypted with
    # ``request_signing_key_password``) and the chain, leaf first, without the root.
    # ``python -m verifier dev-cert`` makes a development pair. Unset outside production:
    # a throw-away development certificate is made at start (wallets will not trust it).
    request_signing_key_file: Path | None = None
    request_certificate_file: Path | None = None
    request_signing_key_password: SecretStr | None = None
    # Our own wallet reads only unsigned requests by value (``direct_post``) until it speaks
    # HAIP; the employer page asks that way when this is "by_value".
    default_request_profile: str = Field(default="haip", pattern="^(haip|by_value)$")
    catalog_path: str = str(
        Path(__file__).resolve().parent.parent
        / "schemas"
        / "catalog"
        / "kwalificatiestructuur.json"
    )

    @field_validator("admin_password_hash")
    @classmethod
    def _argon2_hash(cls, value: SecretStr | None) -> SecretStr | None:
        """Unset or empty closes the trust-list page (the docker-compose default); anything
        else must be a real Argon2id hash, or the service does not start."""
        if value is None or not value.get_secret_value().strip():
            return None
        try:
            extract_parameters(value.get_secret_value())
        except InvalidHashError:
            raise ValueError(
                "is not an Argon2id hash: make one with 'python -m verifier hash-password', "
                "or leave the setting out to keep the trust-list page closed"
            ) from None
        if not value.get_secret_value().startswith("$argon2id$"):
            raise ValueError("must be an Argon2id hash ('python -m verifier hash-password')")
        return value

    @model_validator(mode="after")
    def _request_signing_in_production(self) -> VerifierSettings:
        if self.environment == "production" and not (
            self.request_signing_key_file and self.request_certificate_file
        ):
            raise ValueError(
                "VERIFIER_REQUEST_SIGNING_KEY_FILE and VERIFIER_REQUEST_CERTIFICATE_FILE must "
                "be set in production (the key and certificate chain that sign OpenID4VP "
                "requests)"
            )
        return self
