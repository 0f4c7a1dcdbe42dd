"""Ed25519 keys as Multikey values (``z6Mk…`` public, ``z3u2…`` secret).

>>> key = Ed25519KeyPair.generate()
>>> key.public_multibase.startswith("z6Mk")
True
>>> key.verify(key.sign(b"hello"), b"hello")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from .errors import KeyFormatError, MultibaseError
from .multibase import (
    ED25519_PRIV_PREFIX,
    ED25519_PUB_PREFIX,
    decode_base58btc,
    encode_base58btc,
)

__all__ = ["Ed25519KeyPair", "Ed25519PublicKey", "public_key_from_multibase", "verify_ed25519"]

_RAW = serialization.Encoding.Raw
_RAW_PUB = serialization.PublicFormat.Raw
_RAW_PRIV = serialization.PrivateFormat.Raw


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    """Parse a Multikey ``publicKeyMultibase`` for Ed25519 (``z6Mk…``)."""
    try:
        raw = decode_base58btc(value)
    except MultibaseError as exc:
        raise KeyFormatError(f"publicKeyMultibase: {exc}") from None
    if raw[:2] != ED25519_PUB_PREFIX or len(raw) != 34:
        raise KeyFormatError("publicKeyMultibase is not an Ed25519 Multikey (0xed01 + 32 bytes)")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def public_key_to_multibase(key: Ed25519PublicKey) -> str:
    """Encode an Ed25519 public key as Multikey ``publicKeyMultibase``."""
    return encode_base58btc(ED25519_PUB_PREFIX + key.public_bytes(_RAW, _RAW_PUB))


def verify_ed25519(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """True when ``signature`` is a valid Ed25519 signature of ``message``."""
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Ed25519KeyPair:
    """An Ed25519 signing key with its Multikey encodings."""

    private_key: Ed25519PrivateKey = field(repr=False)

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519KeyPair:
        if len(seed) != 32:
            raise KeyFormatError("an Ed25519 seed is exactly 32 bytes")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_multibase(cls, secret_multibase: str) -> Ed25519KeyPair:
        """Parse a Multikey ``secretKeyMultibase`` for Ed25519 (``z3u2…``)."""
        try:
            raw = decode_base58btc(secret_multibase)
        except MultibaseError as exc:
            raise KeyFormatError(f"secretKeyMultibase: {exc}") from None
        if raw[:2] != ED25519_PRIV_PREFIX or len(raw) != 34:
            raise KeyFormatError("not an Ed25519 secret Multikey (0x8026 + 32 bytes)")
        return cls.from_seed(raw[2:])

    @property
    def seed(self) -> bytes:
        return self.private_key.private_bytes(_RAW, _RAW_PRIV, serialization.NoEncryption())

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def public_bytes(self) -> bytes:
        return self.public_key.public_bytes(_RAW, _RAW_PUB)

    @property
    def public_multibase(self) -> str:
        return public_key_to_multibase(self.public_key)

    @property
    def secret_multibase(self) -> str:
        return encode_base58btc(ED25519_PRIV_PREFIX + self.seed)

    @property
    def did_key(self) -> str:
        """The ``did:key`` identifier of this key."""
        return "did:key:" + self.public_multibase

    @property
    def did_key_verification_method(self) -> str:
        """The verification method id ``did:key:z6Mk…#z6Mk…``."""
        return f"{self.did_key}#{self.public_multibase}"

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    def verify(self, signature: bytes, message: bytes) -> bool:
        return verify_ed25519(self.public_key, signature, message)
