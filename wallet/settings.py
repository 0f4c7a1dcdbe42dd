"""Wallet settings: environment variables prefixed ``WALLET_`` (see README)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from web_common.settings import ServiceSettings

__all__ = ["WalletSettings"]


class WalletSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="WALLET_", env_file=None, extra="ignore")

    database_url: str = "sqlite:///var/wallet.db"
    public_base_url: str = "http://localhost:8002"
    verifier_url: str = "http://localhost:8003"
    """The verification service a person opening a share link (or scanning the PDF's QR
    code) is sent to, so their first screen is the verdict; empty keeps the plain page."""
    fetch_timeout: float = 5.0
    status_list_cache_seconds: int = Field(default=60, ge=0, le=3600)
    """The most seconds a fetched status list is used without asking its issuer again (a
    ceiling: the issuer's shorter ``Cache-Control: max-age`` / list ``ttl`` wins); after
    that it is revalidated with ``If-None-Match``."""
    did_cache_seconds: int = 300
    x509_trust_anchors_file: str = ""
    """PEM bundle of the X.509 roots whose issuers' SD-JWT VCs (``x5c``) the wallet accepts
    (development: the issuer's ``python -m issuer dev-ca`` root); re-read when it changes.
    Empty: only did:web / did:key issuers."""
    verifier_trust_anchors_file: str = ""
    """PEM bundle of the X.509 roots of recognised verifiers (OpenID4VP ``x509_hash``
    requests). Set: a signed request's ``x5c`` chain must lead to one of them, else the
    wallet refuses it. Empty: the certificate is pinned by its hash only and the consent
    page says that the wallet does not know whether the verifier is recognised."""
    credential_formats: tuple[str, ...] = ("ldp_vc", "dc+sd-jwt")
    """Which credential formats to ask an issuer for, in this order, when an offer has the
    same credential in several (``ldp_vc``, ``dc+sd-jwt``). The wallet asks for each in
    turn; an issuer that delivers one format per offer refuses the later ones, and the
    wallet keeps what it got."""

    @field_validator("credential_formats")
    @classmethod
    def _known_formats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = sorted(set(value) - {"ldp_vc", "dc+sd-jwt"})
        if unknown or not value:
            raise ValueError(f"credential_formats: ldp_vc and/or dc+sd-jwt, not {unknown}")
        return tuple(dict.fromkeys(value))

    max_status_list_bytes: int = 4 * 1024 * 1024
    max_related_resource_bytes: int = 4 * 1024 * 1024
    """Largest ``relatedResource`` fetched to check its digest."""
    max_credential_bytes: int = Field(default=256 * 1024, ge=1024)
    """Largest credential accepted (upload, OpenID4VCI response, import entry)."""
    max_credentials_per_account: int = Field(default=5000, ge=1)
    max_import_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    share_default_days: int = Field(default=30, ge=1, le=365)
    share_max_days: int = Field(default=365, ge=1, le=3650)
    session_hours: int = Field(default=12, ge=1, le=24 * 30)
    status_recheck_seconds: int = Field(default=3600, ge=0)
    """A credential's stored check result older than this is shown as "not checked lately"
    in the passport; the credential page always checks again."""
    catalog_path: str = str(
        Path(__file__).resolve().parent.parent
        / "schemas"
        / "catalog"
        / "kwalificatiestructuur.json"
    )
