"""Multibase (base58btc ``z`` and base64url ``u``) and the multicodec prefixes we use.

See the W3C Controlled Identifiers spec (Multibase, Multikey) and the multicodec table:
``0xed01`` Ed25519 public key, ``0x8026`` Ed25519 private key (seed).
"""

from __future__ import annotations

import base64
import binascii

import base58

from .errors import MultibaseError

__all__ = [
    "ED25519_PRIV_PREFIX",
    "ED25519_PUB_PREFIX",
    "decode_base58btc",
    "decode_base64url",
    "decode_multibase",
    "encode_base58btc",
    "encode_base64url",
]

ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"

_B58_ALPHABET = set("123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz")


def encode_base58btc(data: bytes) -> str:
    """Multibase base58btc: ``'z'`` followed by the Bitcoin base58 alphabet."""
    return "z" + base58.b58encode(data).decode("ascii")


def decode_base58btc(value: str) -> bytes:
    """Decode a ``z``-prefixed base58btc multibase string."""
    if not isinstance(value, str) or not value.startswith("z"):
        raise MultibaseError("expected a base58btc multibase value starting with 'z'")
    body = value[1:]
    if not set(body) <= _B58_ALPHABET:
        raise MultibaseError("value contains characters outside the base58btc alphabet")
    return bytes(base58.b58decode(body))


def encode_base64url(data: bytes) -> str:
    """Multibase base64url without padding: ``'u'`` followed by RFC 4648 §5."""
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def decode_base64url(value: str) -> bytes:
    """Decode a ``u``-prefixed base64url (no padding) multibase string."""
    if not isinstance(value, str) or not value.startswith("u"):
        raise MultibaseError("expected a base64url multibase value starting with 'u'")
    body = value[1:]
    if "=" in body or "+" in body or "/" in body:
        raise MultibaseError("base64url multibase must not contain '=', '+' or '/'")
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError) as exc:
        raise MultibaseError(f"invalid base64url: {exc}") from None


def decode_multibase(value: str) -> bytes:
    """Decode a multibase string in either base we support (``z`` or ``u``)."""
    if isinstance(value, str) and value.startswith("z"):
        return decode_base58btc(value)
    if isinstance(value, str) and value.startswith("u"):
        return decode_base64url(value)
    raise MultibaseError("unsupported multibase prefix (only 'z' and 'u' are supported)")
