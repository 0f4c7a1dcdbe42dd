"""Issue SD-JWTs (RFC 9901 §4, §5.1): mark what is selectively disclosable with :class:`Sd`.

    >>> from credentials.jwk import P256KeyPair
    >>> issued = issue_sd_jwt(
    ...     {"iss": "https://issuer.example", "name": Sd("John"), "nationalities": [Sd("NL")]},
    ...     P256KeyPair.generate(),
    ... )
    >>> [d.name for d in issued.disclosures], issued.payload["_sd_alg"]
    (['name', None], 'sha-256')

``Sd(value)`` as the value of an object member makes that member a Disclosure; as an array
element it makes that element one. Nested ``Sd`` inside an ``Sd`` value is recursive
disclosure (the inner Disclosures are made first, as in the RFC's examples).

Salts: 144 bits from :mod:`secrets` (the CSPRNG), base64url (24 characters; at least the
128 bits RFC 9901 asks for, and whole base64 groups so 32 are encoded at once). Decoy
digests (§4.2.5) are optional: ``decoys`` gives their number per object path. Layout of
every object in the payload: its sorted ``_sd`` array first, then the visible members in
input order; at the top level ``_sd_alg`` and then ``cnf`` follow — byte for byte the layout
of the published vectors.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import SigningError
from .jwk import JwsSigner, b64url_encode
from .jws import json_bytes, sign_encoded
from .sd_jwt import (
    ARRAY_ELEMENT_KEY,
    SD_ALG,
    SD_ALG_KEY,
    SD_KEY,
    ClaimPath,
    Disclosure,
    new_disclosure,
    serialize_sd_jwt,
)

__all__ = ["IssuedSdJwt", "Sd", "issue_sd_jwt", "random_decoy", "random_salt"]

SALT_BYTES = 16
_SCALARS = frozenset({str, int, float, bool, type(None)})
_PLAIN_DIGEST = re.compile(r"[A-Za-z0-9_-]+")
"""A digest as RFC 9901 makes them: base64url, JSON-encoded as itself in quotes."""


@dataclass(frozen=True, slots=True)
class Sd:
    """Marks a claim value (object member or array element) as selectively disclosable."""

    value: Any


def random_salt() -> str:
    """128 bits from the CSPRNG, base64url (22 characters)."""
    return b64url_encode(secrets.token_bytes(SALT_BYTES))


_STREAM_SALT_BYTES = 18
"""Salts of an issuance are 144 bits: a multiple of 3 bytes, so one base64url encoding of
the random buffer splits into whole, canonical 24-character salts (one encoding per 32
salts instead of one per salt)."""
_STREAM_SALT_CHARS = _STREAM_SALT_BYTES * 4 // 3


def _salt_stream() -> Iterator[str]:
    """Salts for one issuance: 144 bits each from the CSPRNG (:func:`secrets.token_bytes`,
    i.e. ``os.urandom``), drawn and base64url-encoded 32 salts at a time (one draw for a
    credential of up to 32 Disclosures)."""
    while True:
        buffer = b64url_encode(secrets.token_bytes(_STREAM_SALT_BYTES * 32))
        for start in range(0, len(buffer), _STREAM_SALT_CHARS):
            yield buffer[start : start + _STREAM_SALT_CHARS]


def random_decoy() -> str:
    """A decoy digest: the hash of a random value, indistinguishable from a real digest."""
    return b64url_encode(hashlib.sha256(secrets.token_bytes(SALT_BYTES)).digest())


@dataclass(frozen=True, slots=True)
class IssuedSdJwt:
    compact: str
    """``<Issuer-signed JWT>~<D1>~…~<Dn>~``"""
    issuer_jwt: str = field(repr=False)
    payload: dict[str, Any] = field(repr=False)
    disclosures: tuple[Disclosure, ...] = field(repr=False)


@dataclass(slots=True)
class _Concealer:
    salt: Callable[[], str]
    decoys: Callable[[ClaimPath], int]
    decoy: Callable[[], str]
    made: list[Disclosure] = field(default_factory=list)
    plain_digests: bool = True
    """Every digest is base64url (ours always are; a caller's decoys are checked), so its
    JSON is itself in quotes."""

    def disclose(self, name: str | None, value: Any) -> str:
        disclosure = new_disclosure(self.salt(), name, value)
        self.made.append(disclosure)
        return disclosure.digest

    def value(self, value: Any, parent: ClaimPath, step: str | int) -> Any:
        """``value`` at ``parent + (step,)``, with its own Disclosures made (the path tuple
        is only built for containers: most claims are scalars)."""
        if isinstance(value, str | int | float | bool) or value is None:
            return value
        if isinstance(value, Sd):
            path = [*parent, step]
            raise SigningError(f"Sd() at {path} must be an object member or array element")
        if isinstance(value, Mapping):
            return self.obj(value, (*parent, step))
        if isinstance(value, list | tuple):
            return self.array(value, (*parent, step))
        return value

    def obj(self, value: Mapping[str, Any], path: ClaimPath) -> dict[str, Any]:
        digests: list[str] = []
        visible: dict[str, Any] = {}
        salt, made = self.salt, self.made
        for key, member in value.items():
            if not isinstance(key, str):
                raise SigningError("claim names are strings")
            if key in (SD_KEY, ARRAY_ELEMENT_KEY):
                raise SigningError(f"claim name {key!r} is reserved by SD-JWT")
            if type(member) is Sd:
                inner = member.value
                if type(inner) not in _SCALARS:  # scalars need no walk (most claims)
                    inner = self.value(inner, path, key)
                disclosure = new_disclosure(salt(), key, inner)  # disclose(), inlined
                made.append(disclosure)
                digests.append(disclosure.digest)
            elif isinstance(member, Sd):
                digests.append(self.disclose(key, self.value(member.value, path, key)))
            else:
                visible[key] = self.value(member, path, key)
        for _ in range(self.decoys(path)):
            decoy = self.decoy()
            if self.decoy is not random_decoy and not (
                type(decoy) is str and _PLAIN_DIGEST.fullmatch(decoy)
            ):
                self.plain_digests = False
            digests.append(decoy)
        return {SD_KEY: sorted(digests), **visible} if digests else visible

    def array(self, value: list[Any] | tuple[Any, ...], path: ClaimPath) -> list[Any]:
        out: list[Any] = []
        for index, element in enumerate(value):
            if isinstance(element, Sd):
                inner = self.value(element.value, path, index)
                out.append({ARRAY_ELEMENT_KEY: self.disclose(None, inner)})
            else:
                out.append(self.value(element, path, index))
        return out


def _payload_json(payload: dict[str, Any], plain_digests: bool) -> bytes:
    """``json.dumps(payload)`` byte for byte (what :func:`~credentials.jws.sign_compact`
    would sign), with the top-level ``_sd`` array of base64url digests written directly:
    JSON-escaping some 25 digests one by one was a third of the payload's encoding."""
    digests = payload.get(SD_KEY)
    if not plain_digests or not digests or len(payload) < 2 or next(iter(payload)) != SD_KEY:
        return json_bytes(payload)
    rest = dict(payload)
    del rest[SD_KEY]
    head = '{"' + SD_KEY + '": ["' + '", "'.join(digests) + '"], '
    return head.encode("ascii") + json_bytes(rest)[1:]


def issue_sd_jwt(
    claims: Mapping[str, Any],
    signer: JwsSigner,
    *,
    header: Mapping[str, Any] | None = None,
    holder_jwk: Mapping[str, Any] | None = None,
    salt: Callable[[], str] | None = None,
    decoys: int | Callable[[ClaimPath], int] = 0,
    decoy: Callable[[], str] = random_decoy,
) -> IssuedSdJwt:
    """Build the payload and Disclosures, sign with ``signer`` (``alg`` first in the header,
    then ``header``), and serialize. ``holder_jwk`` becomes ``cnf.jwk`` (holder binding).
    ``decoys``: a number of decoy digests for the top-level object, or a function of the
    object's path giving the number for each object. ``salt`` replaces the CSPRNG (tests
    with the published salts only)."""
    if SD_ALG_KEY in claims:
        raise SigningError("_sd_alg is set by the issuer, not a claim")
    count = decoys if callable(decoys) else (lambda _p, n=decoys: n if not _p else 0)
    concealer = _Concealer(salt=salt or _salt_stream().__next__, decoys=count, decoy=decoy)
    payload = concealer.obj(claims, ())
    payload[SD_ALG_KEY] = SD_ALG
    if holder_jwk is not None:
        if "cnf" in claims:
            raise SigningError("give the holder key either as cnf or as holder_jwk")
        if "d" in holder_jwk:
            raise SigningError("cnf.jwk must be a public key")
        payload["cnf"] = {"jwk": dict(holder_jwk)}
    issuer_jwt = sign_encoded(header or {}, _payload_json(payload, concealer.plain_digests), signer)
    disclosures = tuple(concealer.made)
    return IssuedSdJwt(
        compact=serialize_sd_jwt(issuer_jwt, [d.encoded for d in disclosures]),
        issuer_jwt=issuer_jwt,
        payload=payload,
        disclosures=disclosures,
    )
