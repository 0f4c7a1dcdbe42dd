"""The verifier's OpenID4VP identity: the key and X.509 chain that sign Request Objects.

Production reads a PEM key and chain from the settings; development makes a throw-away
certificate at start, or a lasting one with ``python -m verifier dev-cert`` (a development
root CA, and under it a leaf with SAN dNSName = the verifier's host)."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import serialization

from credentials.oid4vp import OpenId4VpError
from credentials.oid4vp_verifier import VerifierIdentity
from credentials.x509_dev_ca import create_leaf, create_root_ca

from ..settings import VerifierSettings

__all__ = ["DevCertificateFiles", "load_identity", "verifier_host", "write_dev_certificate"]

log = logging.getLogger(__name__)


def verifier_host(public_base_url: str) -> str:
    return urlsplit(public_base_url).hostname or "localhost"


def load_identity(settings: VerifierSettings) -> VerifierIdentity:
    """The configured identity; outside production without configuration, a throw-away
    development one (logged, so nobody mistakes it for a real one)."""
    key_file, chain_file = settings.request_signing_key_file, settings.request_certificate_file
    if key_file and chain_file:
        password = settings.request_signing_key_password
        try:
            return VerifierIdentity.from_pem(
                key_file.read_bytes(),
                chain_file.read_bytes(),
                password.get_secret_value().encode("utf-8") if password else None,
            )
        except OSError as exc:
            raise OpenId4VpError(f"cannot read the request signing key or chain: {exc}") from None
    if settings.environment == "production":
        raise OpenId4VpError("request signing key and certificate are not configured")
    log.warning(
        "no VERIFIER_REQUEST_SIGNING_KEY_FILE / VERIFIER_REQUEST_CERTIFICATE_FILE: signing "
        "OpenID4VP requests with a throw-away development certificate"
    )
    return VerifierIdentity.development(verifier_host(settings.public_base_url))


@dataclass(frozen=True, slots=True)
class DevCertificateFiles:
    key: Path
    chain: Path
    root: Path
    client_id: str


def write_dev_certificate(out_dir: Path, host: str) -> DevCertificateFiles:
    """A development root and a request signing leaf for ``host``; writes ``key.pem``
    (mode 0600), ``chain.pem`` (the leaf) and ``root.pem`` (the trust anchor for wallets
    under test)."""
    root = create_root_ca("mbo-wallet verifier dev root", path_length=0)
    leaf = create_leaf(root, host, organization="mbo-wallet verifier (development)",
                       san_dns=[host])  # fmt: skip
    out_dir.mkdir(parents=True, exist_ok=True)
    key_path, chain_path, root_path = (out_dir / n for n in ("key.pem", "chain.pem", "root.pem"))
    key_pem = leaf.key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key_pem)
    chain_path.write_bytes(leaf.pem)
    root_path.write_bytes(root.pem)
    identity = VerifierIdentity(leaf.key, (leaf.certificate,))
    return DevCertificateFiles(key_path, chain_path, root_path, identity.client_id)
