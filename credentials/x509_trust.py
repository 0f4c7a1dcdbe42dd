"""Verify an ``x5c`` certificate chain (RFC 7515 §4.1.6, RFC 5280 §6 as far as a JOSE issuer
key needs it) against configured trust anchors, with coded failures. Never raises.

    >>> from credentials.x509_dev_ca import create_leaf, create_root_ca
    >>> root = create_root_ca("dev root")
    >>> leaf = create_leaf(root, "issuer", san_uris=["https://issuer.example"])
    >>> verify_x5c(leaf.x5c([]), [root.certificate]).code
    'ok'
    >>> verify_x5c(leaf.x5c([]), [create_root_ca("other").certificate]).code
    'untrusted'

Checks, in order: ``x5c`` shape (1-5 standard base64 DER certificates, ≤ 16 KiB each); every
certificate (and the anchor) within its validity period at ``now``; the end entity is not a
CA, has ``digitalSignature`` in its key usage and a P-256 or Ed25519 key; every issuer in the
chain is a CA (basic constraints) with ``keyCertSign`` and a path length that allows the
chain below it; each certificate is signed by the next and names it as issuer; the last one
is a trust anchor or is signed by one; no unknown critical extension anywhere. A signing
certificate that is itself configured as an anchor (pinned, e.g. self-signed) is trusted
after the time and extension checks. Revocation
(CRL/OCSP) is not checked: the trust list of a verifier names the CAs it accepts.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .jwk import JwsPublicKey
from .x509_dev_ca import ISSUER_AUTH_OID, decode_issuer_auth

__all__ = [
    "MAX_CHAIN_LENGTH",
    "ChainVerification",
    "issuer_auth_of",
    "leaf_names_issuer",
    "load_certificates_pem",
    "verify_x5c",
]

MAX_CHAIN_LENGTH = 5
_MAX_CERT_CHARS = 16 * 1024
_SHA256 = hashes.SHA256()
_Ext = TypeVar("_Ext", bound=x509.ExtensionType)


@dataclass(frozen=True, slots=True)
class ChainVerification:
    ok: bool
    code: str
    """``ok`` or: ``x5c_malformed``, ``chain_too_long``, ``expired``, ``not_yet_valid``,
    ``leaf_is_ca``, ``key_usage``, ``key_unsupported``, ``not_a_ca``, ``path_length``,
    ``signature_chain``, ``critical_extension``, ``untrusted``."""
    reason: str
    chain: tuple[x509.Certificate, ...] = field(default=(), repr=False)

    @property
    def leaf(self) -> x509.Certificate | None:
        return self.chain[0] if self.chain else None

    @property
    def public_key(self) -> JwsPublicKey | None:
        if not self.ok or not self.chain:
            return None
        key = self.chain[0].public_key()
        assert isinstance(key, ec.EllipticCurvePublicKey | Ed25519PublicKey)
        return key


def load_certificates_pem(pem: bytes) -> list[x509.Certificate]:
    """Trust anchors from a PEM bundle (raises ``ValueError`` when it holds none)."""
    certificates = x509.load_pem_x509_certificates(pem)
    if not certificates:
        raise ValueError("no certificate in the PEM data")
    return certificates


def _decode(x5c: object) -> list[x509.Certificate]:
    if not isinstance(x5c, list) or not x5c:
        raise _ChainError("x5c_malformed", "x5c is a non-empty array of certificates")
    if len(x5c) > MAX_CHAIN_LENGTH:
        raise _ChainError("chain_too_long", f"x5c holds more than {MAX_CHAIN_LENGTH} certificates")
    certificates = []
    for entry in x5c:
        if not isinstance(entry, str) or len(entry) > _MAX_CERT_CHARS:
            raise _ChainError("x5c_malformed", "an x5c entry is a base64 DER certificate")
        try:
            der = base64.b64decode(entry, validate=True)
            certificates.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError):
            raise _ChainError("x5c_malformed", "an x5c entry is not a DER certificate") from None
    return certificates


class _ChainError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string()


def _check_time(cert: x509.Certificate, now: datetime) -> None:
    if now < cert.not_valid_before_utc:
        raise _ChainError("not_yet_valid", f"certificate {_subject(cert)} is not valid yet")
    if now > cert.not_valid_after_utc:
        raise _ChainError("expired", f"certificate {_subject(cert)} has expired")


def _check_critical(cert: x509.Certificate) -> None:
    for extension in cert.extensions:
        if isinstance(extension.value, x509.UnrecognizedExtension) and extension.critical:
            raise _ChainError(
                "critical_extension",
                f"certificate {_subject(cert)} has an unknown critical extension",
            )


def _extension(cert: x509.Certificate, kind: type[_Ext]) -> _Ext | None:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except x509.ExtensionNotFound:
        return None


def _check_leaf(cert: x509.Certificate) -> None:
    constraints = _extension(cert, x509.BasicConstraints)
    if constraints is not None and constraints.ca:
        raise _ChainError("leaf_is_ca", "the signing certificate is a CA certificate")
    usage = _extension(cert, x509.KeyUsage)
    if usage is None or not usage.digital_signature:
        raise _ChainError("key_usage", "the signing certificate lacks digitalSignature key usage")
    key = cert.public_key()
    p256 = isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"
    if not (p256 or isinstance(key, Ed25519PublicKey)):
        raise _ChainError("key_unsupported", "the signing key is neither P-256 nor Ed25519")


def _check_issuer(cert: x509.Certificate, below: int) -> None:
    constraints = _extension(cert, x509.BasicConstraints)
    if constraints is None or not constraints.ca:
        raise _ChainError("not_a_ca", f"certificate {_subject(cert)} is not a CA")
    if constraints.path_length is not None and below > constraints.path_length:
        raise _ChainError("path_length", f"CA {_subject(cert)} may not issue this long a chain")
    usage = _extension(cert, x509.KeyUsage)
    if usage is not None and not usage.key_cert_sign:
        raise _ChainError("key_usage", f"CA {_subject(cert)} lacks keyCertSign")


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _verify(x5c: object, anchors: Sequence[x509.Certificate], now: datetime) -> ChainVerification:
    chain = _decode(x5c)
    for cert in chain:
        _check_time(cert, now)
        _check_critical(cert)
    pinned = {a.fingerprint(_SHA256) for a in anchors}
    if chain[0].fingerprint(_SHA256) in pinned:
        # the signing certificate itself is configured: trusted as it is (e.g. self-signed)
        return ChainVerification(True, "ok", "pinned signing certificate", (chain[0],))
    _check_leaf(chain[0])
    for index in range(1, len(chain)):
        _check_issuer(chain[index], below=index - 1)
        if not _issued_by(chain[index - 1], chain[index]):
            raise _ChainError("signature_chain", "a certificate is not signed by the next in x5c")
    last = chain[-1]
    if last.fingerprint(_SHA256) in pinned:
        # the anchor itself sent along
        return ChainVerification(True, "ok", "chain to a trust anchor", tuple(chain))
    for anchor in anchors:
        if anchor.subject != last.issuer or not _issued_by(last, anchor):
            continue
        _check_time(anchor, now)
        _check_issuer(anchor, below=len(chain) - 1)
        return ChainVerification(True, "ok", "chain to a trust anchor", (*chain, anchor))
    raise _ChainError("untrusted", "the chain does not lead to a configured trust anchor")


def verify_x5c(
    x5c: object, trust_anchors: Sequence[x509.Certificate], *, now: datetime | None = None
) -> ChainVerification:
    """Verify ``x5c`` (leaf first) against ``trust_anchors``; ``chain`` ends with the anchor."""
    try:
        return _verify(x5c, trust_anchors, now or datetime.now(UTC))
    except _ChainError as failure:
        return ChainVerification(False, failure.code, failure.reason)


def leaf_names_issuer(cert: x509.Certificate, iss: str) -> bool:
    """True when the certificate names the ``iss`` URL: a SAN URI equal to it or a SAN DNS
    name equal to its host (SD-JWT VC §3.5 / HAIP)."""
    san = _extension(cert, x509.SubjectAlternativeName)
    if san is None:
        return False
    if iss in san.get_values_for_type(x509.UniformResourceIdentifier):
        return True
    host = urlsplit(iss).hostname if iss.startswith("https://") else None
    return host is not None and host in san.get_values_for_type(x509.DNSName)


def issuer_auth_of(cert: x509.Certificate) -> dict[str, object] | None:
    """The NL Wallet ``issuer_auth`` organization of a certificate, if it carries one."""
    for extension in cert.extensions:
        if extension.oid == ISSUER_AUTH_OID and isinstance(
            extension.value, x509.UnrecognizedExtension
        ):
            return decode_issuer_auth(extension.value.value)
    return None
