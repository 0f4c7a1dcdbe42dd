"""A development certificate authority for ES256 issuer keys (never for production: schools
get their chain from a CA the NL Wallet and EU wallets trust).

    >>> root = create_root_ca("mbo-wallet dev root")
    >>> issuer = create_leaf(root, "ROC Example", san_uris=["https://issuer.example/roc"])
    >>> len(issuer.x5c([]))
    1

Certificates: a self-signed root (CA, path length 1), an optional intermediate (CA, path
length 0), and end-entity certificates (not CA, ``digitalSignature`` only) for signing
SD-JWT VCs (SAN URI/DNS of the credential issuer; optional NL Wallet ``issuer_auth``
extension) or for signing Token Status Lists (a separate key and certificate).

``issuer_auth``: the NL Wallet reads an X.509 extension with OID ``2.1.123.2`` (an
"unofficial id for Issuer Authentication", MinBZK/nl-wallet ``attestation_data``
``IssuerRegistration``) whose value is a DER UTF8String holding JSON
``{"organization": {...}}`` with camelCase members (``displayName``, ``legalName``,
``description``, ``category``, ``webUrl``, ``kvk``, ``countryCode``, ``privacyPolicyUrl``, …).
The member set has changed between NL Wallet versions (it is moving to registration
certificates); the caller passes the organization object, this module only encodes it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509.oid import NameOID

from .jwk import P256KeyPair

__all__ = [
    "ISSUER_AUTH_OID",
    "DevCertificate",
    "create_intermediate_ca",
    "create_leaf",
    "create_root_ca",
    "decode_issuer_auth",
    "encode_issuer_auth",
]

ISSUER_AUTH_OID = x509.ObjectIdentifier("2.1.123.2")
_UTF8_STRING_TAG = 0x0C


def _der_length(length: int) -> bytes:
    if length < 0x80:
        return bytes([length])
    raw = length.to_bytes((length.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def encode_issuer_auth(organization: Mapping[str, Any]) -> bytes:
    """The ``issuer_auth`` extension value: DER UTF8String of ``{"organization": …}``."""
    text = json.dumps({"organization": dict(organization)}, ensure_ascii=False).encode("utf-8")
    return bytes([_UTF8_STRING_TAG]) + _der_length(len(text)) + text


def decode_issuer_auth(value: bytes) -> dict[str, Any] | None:
    """The organization object of an ``issuer_auth`` value; None when it is malformed."""
    if len(value) < 2 or value[0] != _UTF8_STRING_TAG:
        return None
    first = value[1]
    if first < 0x80:
        start, length = 2, first
    else:
        size = first & 0x7F
        if size == 0 or size > 4 or len(value) < 2 + size:
            return None
        start, length = 2 + size, int.from_bytes(value[2 : 2 + size], "big")
    if len(value) != start + length:
        return None
    try:
        data = json.loads(value[start:].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    organization = data.get("organization") if isinstance(data, dict) else None
    return organization if isinstance(organization, dict) else None


@dataclass(frozen=True, slots=True)
class DevCertificate:
    """A certificate with its private key."""

    certificate: x509.Certificate
    key: P256KeyPair = field(repr=False)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def x5c_entry(self) -> str:
        """Standard base64 (not base64url) DER, as RFC 7515 §4.1.6 wants."""
        return base64.b64encode(self.der).decode("ascii")

    def x5c(self, intermediates: Sequence[DevCertificate]) -> list[str]:
        """``x5c`` for a token signed by this certificate's key: leaf first, then the
        intermediates; the root (the trust anchor) is left out."""
        return [self.x5c_entry, *(c.x5c_entry for c in intermediates)]


def _name(common_name: str, organization: str | None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attributes.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"))
    return x509.Name(attributes)


def _builder(
    subject: x509.Name,
    issuer: x509.Name,
    key: P256KeyPair,
    now: datetime | None,
    valid_days: int,
) -> x509.CertificateBuilder:
    start = (now or datetime.now(UTC)) - timedelta(minutes=5)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=valid_days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key), critical=False)
    )


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _signing_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def create_root_ca(
    common_name: str,
    *,
    organization: str | None = None,
    key: P256KeyPair | None = None,
    valid_days: int = 3650,
    path_length: int = 1,
    now: datetime | None = None,
) -> DevCertificate:
    """A self-signed root CA."""
    key = key or P256KeyPair.generate()
    name = _name(common_name, organization)
    certificate = (
        _builder(name, name, key, now, valid_days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .sign(key.private_key, hashes.SHA256())
    )
    return DevCertificate(certificate, key)


def _authority_key_id(parent: DevCertificate) -> x509.AuthorityKeyIdentifier:
    return x509.AuthorityKeyIdentifier.from_issuer_public_key(parent.key.public_key)


def create_intermediate_ca(
    parent: DevCertificate,
    common_name: str,
    *,
    organization: str | None = None,
    key: P256KeyPair | None = None,
    valid_days: int = 1825,
    now: datetime | None = None,
) -> DevCertificate:
    """An intermediate CA under ``parent`` that may only issue end-entity certificates."""
    key = key or P256KeyPair.generate()
    certificate = (
        _builder(_name(common_name, organization), parent.certificate.subject, key, now, valid_days)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_ca_usage(), critical=True)
        .add_extension(_authority_key_id(parent), critical=False)
        .sign(parent.key.private_key, hashes.SHA256())
    )
    return DevCertificate(certificate, key)


def create_leaf(
    parent: DevCertificate,
    common_name: str,
    *,
    organization: str | None = None,
    key: P256KeyPair | None = None,
    san_uris: Iterable[str] = (),
    san_dns: Iterable[str] = (),
    issuer_auth: Mapping[str, Any] | None = None,
    extended_key_usages: Iterable[x509.ObjectIdentifier] = (),
    valid_days: int = 365,
    now: datetime | None = None,
) -> DevCertificate:
    """An end-entity signing certificate (SD-JWT VC issuer or status list signer)."""
    key = key or P256KeyPair.generate()
    builder = (
        _builder(_name(common_name, organization), parent.certificate.subject, key, now, valid_days)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signing_usage(), critical=True)
        .add_extension(_authority_key_id(parent), critical=False)
    )
    names: list[x509.GeneralName] = [x509.UniformResourceIdentifier(u) for u in san_uris]
    names += [x509.DNSName(d) for d in san_dns]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    usages = list(extended_key_usages)
    if usages:
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
    if issuer_auth is not None:
        builder = builder.add_extension(
            x509.UnrecognizedExtension(ISSUER_AUTH_OID, encode_issuer_auth(issuer_auth)),
            critical=False,
        )
    return DevCertificate(builder.sign(parent.key.private_key, hashes.SHA256()), key)
