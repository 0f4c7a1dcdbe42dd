"""JSON Web Keys for JOSE signing: ES256 (P-256) key pairs, EdDSA (Ed25519) signers, JWK import
and export (RFC 7517/7518/8037) and JWK thumbprints (RFC 7638).

    >>> key = P256KeyPair.generate()
    >>> public = public_key_from_jwk(key.public_jwk)
    >>> verify_jws_signature("ES256", public, key.sign(b"hi"), b"hi")
    True
    >>> len(jwk_thumbprint(key.public_jwk))
    43

ES256 signatures are the raw 64-byte ``R || S`` of RFC 7518 §3.4, not DER.
"""

from __future__ import annotations

import binascii
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from .errors import KeyFormatError
from .keys import Ed25519KeyPair

__all__ = [
    "ALG_EDDSA",
    "ALG_ES256",
    "SUPPORTED_ALGS",
    "EdDsaSigner",
    "JwsPublicKey",
    "JwsSigner",
    "P256KeyPair",
    "alg_for_public_key",
    "b64url_decode",
    "b64url_encode",
    "jwk_thumbprint",
    "jwk_thumbprint_uri",
    "public_jwk_of",
    "public_key_from_jwk",
    "signer_from_jwk",
    "verify_jws_signature",
]

ALG_ES256 = "ES256"
ALG_EDDSA = "EdDSA"
SUPPORTED_ALGS = frozenset({ALG_ES256, ALG_EDDSA})
"""The only JWS algorithms the SD-JWT engine signs or accepts (never ``none`` or HMAC)."""

JwsPublicKey = ec.EllipticCurvePublicKey | Ed25519PublicKey

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = str.maketrans("-_", "+/")
_B64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_P256_COORDINATE = 32
_THUMBPRINT_MEMBERS = {
    "EC": ("crv", "kty", "x", "y"),
    "OKP": ("crv", "kty", "x"),
    "RSA": ("e", "kty", "n"),
}


def b64url_encode(data: bytes) -> str:
    """base64url without padding (RFC 7515 §2)."""
    encoded = binascii.b2a_base64(data, newline=False).translate(_URLSAFE)
    return encoded.rstrip(b"=").decode("ascii")


def b64url_decode(value: str, name: str = "value") -> bytes:
    """Strict base64url without padding: no other characters, canonical trailing bits.

    Raises :class:`KeyFormatError` (a ``ValueError``) on anything else."""
    if not isinstance(value, str) or not _B64URL.match(value) or len(value) % 4 == 1:
        raise KeyFormatError(f"{name} is not base64url without padding")
    rest = len(value) % 4
    # the bits of the last character that encode nothing must be zero (no malleable forms)
    if rest and _B64_ALPHABET.index(value[-1]) & (0x0F if rest == 2 else 0x03):
        raise KeyFormatError(f"{name} is not canonical base64url")
    try:
        return binascii.a2b_base64(value.translate(_FROM_URLSAFE) + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise KeyFormatError(f"{name} is not base64url without padding") from None


class JwsSigner(Protocol):
    """What JWS signing needs from a key: its ``alg``, its public JWK and ``sign``."""

    @property
    def alg(self) -> str: ...

    @property
    def public_jwk(self) -> dict[str, str]: ...

    def sign(self, message: bytes) -> bytes: ...


def _coordinate(value: object, name: str) -> int:
    raw = b64url_decode(value if isinstance(value, str) else "", f"JWK {name}")
    if len(raw) != _P256_COORDINATE:
        raise KeyFormatError(f"JWK {name} of a P-256 key is exactly 32 bytes")
    return int.from_bytes(raw, "big")


def _int_bytes(value: int) -> str:
    return b64url_encode(value.to_bytes(_P256_COORDINATE, "big"))


_ECDSA_SHA256 = ec.ECDSA(hashes.SHA256())
"""The signature algorithm object, made once (it is immutable; making it cost a µs a sign)."""


def _raw_signature(der: bytes) -> bytes:
    """ECDSA P-256 ``Ecdsa-Sig-Value`` DER (``SEQUENCE { INTEGER r, INTEGER s }``) → the
    64-byte ``R || S`` of RFC 7518 §3.4. The shape every P-256 signature has (short
    lengths, integers of at most 32 bytes) is sliced directly; anything else goes through
    ``cryptography``'s decoder."""
    size = len(der)
    if size > 8 and der[0] == 0x30 and der[1] == size - 2 and der[2] == 0x02:
        r_end = 4 + der[3]
        if r_end + 2 < size and der[r_end] == 0x02 and der[r_end + 1] == size - r_end - 2:
            r, s = der[4:r_end].lstrip(b"\0"), der[r_end + 2 :].lstrip(b"\0")
            if len(r) <= _P256_COORDINATE and len(s) <= _P256_COORDINATE:
                return r.rjust(_P256_COORDINATE, b"\0") + s.rjust(_P256_COORDINATE, b"\0")
    big_r, big_s = decode_dss_signature(der)
    return big_r.to_bytes(_P256_COORDINATE, "big") + big_s.to_bytes(_P256_COORDINATE, "big")


@dataclass(frozen=True, slots=True)
class P256KeyPair:
    """An ECDSA P-256 signing key for ES256."""

    private_key: ec.EllipticCurvePrivateKey = field(repr=False)

    alg = ALG_ES256

    @classmethod
    def generate(cls) -> P256KeyPair:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> P256KeyPair:
        """Import a private EC P-256 JWK (``d`` required); ``x``/``y`` must match ``d``."""
        if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
            raise KeyFormatError("not an EC P-256 JWK")
        d = _coordinate(jwk.get("d"), "d")
        try:
            private = ec.derive_private_key(d, ec.SECP256R1())
        except ValueError:
            raise KeyFormatError("JWK d is not a valid P-256 private scalar") from None
        pair = cls(private)
        if "x" in jwk and (jwk.get("x"), jwk.get("y")) != (
            pair.public_jwk["x"],
            pair.public_jwk["y"],
        ):
            raise KeyFormatError("JWK x/y do not belong to d")
        return pair

    @classmethod
    def from_pem(cls, pem: bytes, password: bytes | None = None) -> P256KeyPair:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        key = load_pem_private_key(pem, password)
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise KeyFormatError("PEM key is not an EC P-256 private key")
        return cls(key)

    @property
    def public_key(self) -> ec.EllipticCurvePublicKey:
        return self.private_key.public_key()

    @property
    def public_jwk(self) -> dict[str, str]:
        return public_jwk_of(self.public_key)

    @property
    def private_jwk(self) -> dict[str, str]:
        d = self.private_key.private_numbers().private_value
        return {**self.public_jwk, "d": _int_bytes(d)}

    @property
    def thumbprint(self) -> str:
        return jwk_thumbprint(self.public_jwk)

    def sign(self, message: bytes) -> bytes:
        return _raw_signature(self.private_key.sign(message, _ECDSA_SHA256))


@dataclass(frozen=True, slots=True)
class EdDsaSigner:
    """An Ed25519 key (the project's :class:`Ed25519KeyPair`) as a JWS ``EdDSA`` signer."""

    key: Ed25519KeyPair = field(repr=False)

    alg = ALG_EDDSA

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.key.public_key

    @property
    def public_jwk(self) -> dict[str, str]:
        return public_jwk_of(self.key.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.key.sign(message)


def signer_from_jwk(jwk: Mapping[str, Any]) -> P256KeyPair | EdDsaSigner:
    """A signer from a private JWK: EC P-256 (ES256) or OKP Ed25519 (EdDSA)."""
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        seed = b64url_decode(jwk.get("d", ""), "JWK d")
        if len(seed) != 32:
            raise KeyFormatError("JWK d of an Ed25519 key is exactly 32 bytes")
        signer = EdDsaSigner(Ed25519KeyPair.from_seed(seed))
        if "x" in jwk and jwk["x"] != signer.public_jwk["x"]:
            raise KeyFormatError("JWK x does not belong to d")
        return signer
    return P256KeyPair.from_jwk(jwk)


def public_jwk_of(public_key: JwsPublicKey) -> dict[str, str]:
    """The public JWK (members in RFC 7638 order) of a P-256 or Ed25519 public key."""
    if isinstance(public_key, Ed25519PublicKey):
        from cryptography.hazmat.primitives import serialization

        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}
    if public_key.curve.name != "secp256r1":
        raise KeyFormatError("only P-256 EC keys are supported")
    numbers = public_key.public_numbers()
    return {"kty": "EC", "crv": "P-256", "x": _int_bytes(numbers.x), "y": _int_bytes(numbers.y)}


def public_key_from_jwk(jwk: object) -> JwsPublicKey:
    """Import a public JWK: EC P-256 or OKP Ed25519. A JWK with a private ``d`` is refused
    (a private key where a public one belongs is a leak, not a key to trust)."""
    if not isinstance(jwk, Mapping):
        raise KeyFormatError("a JWK is a JSON object")
    if "d" in jwk:
        raise KeyFormatError("a public JWK must not carry the private key 'd'")
    kty, crv = jwk.get("kty"), jwk.get("crv")
    if kty == "OKP" and crv == "Ed25519":
        raw = b64url_decode(jwk.get("x", ""), "JWK x")
        if len(raw) != 32:
            raise KeyFormatError("JWK x of an Ed25519 key is exactly 32 bytes")
        return Ed25519PublicKey.from_public_bytes(raw)
    if kty == "EC" and crv == "P-256":
        x, y = _coordinate(jwk.get("x"), "x"), _coordinate(jwk.get("y"), "y")
        try:
            return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
        except ValueError:
            raise KeyFormatError("JWK x/y is not a point on P-256") from None
    raise KeyFormatError("unsupported JWK (only EC P-256 and OKP Ed25519)")


def alg_for_public_key(public_key: JwsPublicKey) -> str:
    return ALG_EDDSA if isinstance(public_key, Ed25519PublicKey) else ALG_ES256


def verify_jws_signature(
    alg: str, public_key: JwsPublicKey, signature: bytes, message: bytes
) -> bool:
    """True when ``signature`` is a valid ``alg`` signature of ``message`` by ``public_key``.

    The algorithm must fit the key (ES256 ↔ P-256, EdDSA ↔ Ed25519); anything else is False."""
    if alg != alg_for_public_key(public_key):
        return False
    try:
        if isinstance(public_key, Ed25519PublicKey):
            public_key.verify(signature, message)
            return True
        if public_key.curve.name != "secp256r1" or len(signature) != 2 * _P256_COORDINATE:
            return False
        r = int.from_bytes(signature[:_P256_COORDINATE], "big")
        s = int.from_bytes(signature[_P256_COORDINATE:], "big")
        public_key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) over the required members only."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None or any(not isinstance(jwk.get(m), str) for m in members):
        raise KeyFormatError("JWK lacks the members its thumbprint needs")
    canonical = json.dumps(
        {m: jwk[m] for m in members}, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    return b64url_encode(hashlib.sha256(canonical).digest())


def jwk_thumbprint_uri(jwk: Mapping[str, Any]) -> str:
    """RFC 9278 thumbprint URI ``urn:ietf:params:oauth:jwk-thumbprint:sha-256:…``."""
    return "urn:ietf:params:oauth:jwk-thumbprint:sha-256:" + jwk_thumbprint(jwk)
