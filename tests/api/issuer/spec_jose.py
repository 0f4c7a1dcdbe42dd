"""JOSE and Token Status List reading written from the specs for the tests (RFC 7515 compact
JWS with ES256, draft-ietf-oauth-status-list §4.1 and §5), independent of our credentials
engine, so the tests play the relying party's side. Chain validation uses
``credentials.x509_trust.verify_x5c`` (the engine's path check; the signature is checked
here with cryptography directly)."""

from __future__ import annotations

import base64
import json
import zlib
from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from credentials.x509_trust import verify_x5c


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def es256_verify(public_key: ec.EllipticCurvePublicKey, token: str) -> bool:
    head, body, signature = token.split(".")
    raw = b64url_decode(signature)
    if len(raw) != 64:
        return False
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public_key.verify(der, f"{head}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return False
    return True


def read_x5c_jws(
    token: str, anchor: x509.Certificate, now: datetime
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload of an ES256 JWS signed by the leaf of its ``x5c`` under ``anchor``."""
    head, body, _ = token.split(".")
    header = json.loads(b64url_decode(head))
    payload = json.loads(b64url_decode(body))
    assert header["alg"] == "ES256"
    chain = verify_x5c(header["x5c"], [anchor], now=now)
    assert chain.ok, chain.reason
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    public_key = leaf.public_key()
    assert isinstance(public_key, ec.EllipticCurvePublicKey)
    assert es256_verify(public_key, token)
    return header, payload


def status_at(status_list: dict[str, Any], index: int) -> int:
    """The status of entry ``index`` (§4.1: least significant bits first, zlib, base64url)."""
    bits = status_list["bits"]
    data = zlib.decompress(b64url_decode(status_list["lst"]))
    per_byte = 8 // bits
    byte = data[index // per_byte]
    return int((byte >> ((index % per_byte) * bits)) & ((1 << bits) - 1))


def list_size(status_list: dict[str, Any]) -> int:
    bits: int = status_list["bits"]
    return len(zlib.decompress(b64url_decode(status_list["lst"]))) * 8 // bits


def es256_jws(
    header: dict[str, Any], payload: dict[str, Any], key: ec.EllipticCurvePrivateKey
) -> str:
    """A compact ES256 JWS (RFC 7515 §7.1, RFC 7518 §3.4: raw r || s)."""
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

    head = b64url(json.dumps({"alg": "ES256", **header}).encode("utf-8"))
    body = b64url(json.dumps(payload).encode("utf-8"))
    r, s = decode_dss_signature(
        key.sign(f"{head}.{body}".encode("ascii"), ec.ECDSA(hashes.SHA256()))
    )
    return f"{head}.{body}.{b64url(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"


def p256_public_jwk(key: ec.EllipticCurvePrivateKey) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }
