"""IETF Token Status List (draft-ietf-oauth-status-list-20): the list, its ``statuslist+jwt``
token and the ``status`` claim of a Referenced Token. (The W3C Bitstring Status List is
:mod:`credentials.status_list`.)

    >>> statuses = TokenStatusList.new(16, bits=1)
    >>> for index in (0, 3, 4, 5, 7, 8, 9, 13, 15):
    ...     statuses[index] = INVALID
    >>> statuses.to_json()
    {'bits': 1, 'lst': 'eNrbuRgAAhcBXQ'}
    >>> TokenStatusList.from_json({'bits': 1, 'lst': 'eNrbuRgAAhcBXQ'})[1]
    0

§4.1: entry ``i`` is in byte ``i // (8 // bits)`` at bit offset ``(i % (8 // bits)) * bits``,
least significant bits first; the bytes are zlib-compressed (RFC 1950, level 9) and base64url
encoded without padding. Decoding never inflates beyond ``max_bytes`` (no zip bombs) and
never raises anything but :class:`StatusListError`; token verification never raises at all.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import JwtFormatError, KeyFormatError, StatusListError
from .jwk import JwsPublicKey, JwsSigner, b64url_decode, b64url_encode
from .jws import JsonObject, parse_compact, sign_compact, verify_compact

__all__ = [
    "APPLICATION_SPECIFIC",
    "INVALID",
    "STATUS_LIST_JWT_TYP",
    "SUSPENDED",
    "VALID",
    "StatusListTokenVerification",
    "StatusReference",
    "TokenStatusList",
    "sign_status_list_token",
    "status_reference",
    "verify_status_list_token",
]

VALID = 0x00
INVALID = 0x01
SUSPENDED = 0x02
APPLICATION_SPECIFIC = 0x03
STATUS_LIST_JWT_TYP = "statuslist+jwt"
ALLOWED_BITS = (1, 2, 4, 8)
DEFAULT_MAX_BYTES = 16 * 1024 * 1024
"""Largest decompressed list accepted (16 MiB: 2^24 entries of 8 bits)."""
_MAX_LST_CHARS = 8 * 1024 * 1024


def _check_bits(bits: object) -> int:
    if isinstance(bits, bool) or bits not in ALLOWED_BITS:
        raise StatusListError("bits is one of 1, 2, 4, 8")
    assert isinstance(bits, int)
    return bits


@dataclass(slots=True)
class TokenStatusList:
    """A mutable list of ``size`` statuses of ``bits`` bits each."""

    bits: int
    data: bytearray = field(repr=False)

    @classmethod
    def new(cls, size: int, *, bits: int = 1) -> TokenStatusList:
        bits = _check_bits(bits)
        per_byte = 8 // bits
        if size <= 0:
            raise StatusListError("a status list has at least one entry")
        return cls(bits, bytearray(-(-size // per_byte)))

    @classmethod
    def from_bytes(cls, data: bytes, *, bits: int) -> TokenStatusList:
        return cls(_check_bits(bits), bytearray(data))

    @classmethod
    def from_json(
        cls, status_list: object, *, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> TokenStatusList:
        """The ``status_list`` claim ``{"bits": …, "lst": …}`` → list; checks everything."""
        if not isinstance(status_list, Mapping):
            raise StatusListError("status_list is a JSON object")
        bits = _check_bits(status_list.get("bits"))
        lst = status_list.get("lst")
        if not isinstance(lst, str) or not lst or len(lst) > _MAX_LST_CHARS:
            raise StatusListError("status_list.lst is a non-empty base64url string")
        try:
            compressed = b64url_decode(lst, "status_list.lst")
        except KeyFormatError as exc:
            raise StatusListError(str(exc)) from None
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(compressed, max_bytes)
        except zlib.error:
            raise StatusListError("status_list.lst is not zlib-compressed data") from None
        if inflater.unconsumed_tail:
            raise StatusListError(f"status list larger than {max_bytes} bytes")
        if not inflater.eof or inflater.unused_data:
            raise StatusListError("status_list.lst is truncated or has trailing data")
        if not data:
            raise StatusListError("status list is empty")
        return cls(bits, bytearray(data))

    @property
    def size(self) -> int:
        """Number of entries (whole bytes: a list of 12 two-bit entries has 12 → 3 bytes → 12)."""
        return len(self.data) * (8 // self.bits)

    def _locate(self, index: int) -> tuple[int, int]:
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise StatusListError(f"index {index!r} is outside the status list")
        per_byte = 8 // self.bits
        return index // per_byte, (index % per_byte) * self.bits

    def __getitem__(self, index: int) -> int:
        byte, shift = self._locate(index)
        return (self.data[byte] >> shift) & ((1 << self.bits) - 1)

    def __setitem__(self, index: int, status: int) -> None:
        if isinstance(status, bool) or not isinstance(status, int):
            raise StatusListError("a status is an integer")
        if not 0 <= status < (1 << self.bits):
            raise StatusListError(f"status {status} does not fit in {self.bits} bits")
        byte, shift = self._locate(index)
        mask = ((1 << self.bits) - 1) << shift
        self.data[byte] = (self.data[byte] & ~mask) | (status << shift)

    def non_zero(self) -> dict[int, int]:
        """Every entry whose status is not VALID (index → status)."""
        per_byte = 8 // self.bits
        out: dict[int, int] = {}
        for byte_index, byte in enumerate(self.data):
            if byte:
                for slot in range(per_byte):
                    value = (byte >> (slot * self.bits)) & ((1 << self.bits) - 1)
                    if value:
                        out[byte_index * per_byte + slot] = value
        return out

    def encode(self) -> str:
        """``lst``: zlib (level 9) then base64url."""
        return b64url_encode(zlib.compress(bytes(self.data), 9))

    def to_json(self) -> dict[str, Any]:
        return {"bits": self.bits, "lst": self.encode()}


def sign_status_list_token(
    status_list: TokenStatusList,
    signer: JwsSigner,
    *,
    uri: str,
    iat: int,
    exp: int | None = None,
    ttl: int | None = None,
    iss: str | None = None,
    header: Mapping[str, Any] | None = None,
) -> str:
    """The Status List Token (§5.1): ``typ`` ``statuslist+jwt``, ``sub`` = the list's URI,
    ``iat``, optional ``exp``/``ttl``/``iss``; compact, key-sorted JSON as in the draft."""
    claims: JsonObject = {"sub": uri, "iat": iat, "status_list": status_list.to_json()}
    if exp is not None:
        claims["exp"] = exp
    if ttl is not None:
        claims["ttl"] = ttl
    if iss is not None:
        claims["iss"] = iss
    full_header = {**(header or {}), "typ": STATUS_LIST_JWT_TYP}
    return sign_compact(full_header, claims, signer, compact_json=True, sort_keys=True)


@dataclass(frozen=True, slots=True)
class StatusListTokenVerification:
    ok: bool
    code: str
    reason: str
    status_list: TokenStatusList | None = field(default=None, repr=False)
    claims: JsonObject = field(default_factory=dict, repr=False)
    header: JsonObject = field(default_factory=dict, repr=False)

    @property
    def ttl(self) -> int | None:
        ttl = self.claims.get("ttl")
        return ttl if isinstance(ttl, int) and not isinstance(ttl, bool) else None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def verify_status_list_token(
    token: object,
    public_key: JwsPublicKey,
    *,
    uri: str,
    now: int,
    leeway: int = 60,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> StatusListTokenVerification:
    """Check a fetched Status List Token (§8.3): format, ``typ``, signature by ``public_key``,
    ``sub`` equal to the URI it was fetched from, ``iat``, ``exp`` not passed, ``ttl``, and
    the list itself. Never raises."""
    try:
        jws = parse_compact(token, max_bytes=_MAX_LST_CHARS + 64 * 1024)
    except JwtFormatError as exc:
        return StatusListTokenVerification(False, "format", str(exc))

    def fail(code: str, reason: str) -> StatusListTokenVerification:
        return StatusListTokenVerification(False, code, reason, None, jws.payload, jws.header)

    if jws.header.get("typ") != STATUS_LIST_JWT_TYP:
        return fail("typ", "the token typ is not statuslist+jwt")
    if not verify_compact(jws, public_key):
        return fail("signature", "the status list signature is not valid")
    claims = jws.payload
    if claims.get("sub") != uri:
        return fail("sub", "the token's sub is not the status list URI it was fetched from")
    if not _is_int(claims.get("iat")):
        return fail("iat", "the token has no iat")
    if claims["iat"] > now + leeway:
        return fail("iat", "the token was issued in the future")
    exp = claims.get("exp")
    if exp is not None and (not _is_int(exp) or exp <= now - leeway):
        return fail("expired", "the status list token has expired")
    ttl = claims.get("ttl")
    if ttl is not None and (not _is_int(ttl) or ttl <= 0):
        return fail("ttl", "ttl is a positive number of seconds")
    try:
        status_list = TokenStatusList.from_json(claims.get("status_list"), max_bytes=max_bytes)
    except StatusListError as exc:
        return fail("status_list", str(exc))
    return StatusListTokenVerification(True, "ok", "verified", status_list, claims, jws.header)


@dataclass(frozen=True, slots=True)
class StatusReference:
    """``status.status_list`` of a Referenced Token (§6.1)."""

    index: int
    uri: str


def status_reference(claims: Mapping[str, Any]) -> StatusReference | None:
    """The reference in ``claims["status"]["status_list"]``, None when the token has none.
    Raises :class:`StatusListError` when it is present but malformed."""
    status = claims.get("status")
    if status is None:
        return None
    if not isinstance(status, Mapping):
        raise StatusListError("status is a JSON object")
    reference = status.get("status_list")
    if reference is None:
        return None
    if not isinstance(reference, Mapping):
        raise StatusListError("status.status_list is a JSON object")
    index, uri = reference.get("idx"), reference.get("uri")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise StatusListError("status.status_list.idx is a non-negative integer")
    if not isinstance(uri, str) or not uri.startswith(("https://", "http://")):
        raise StatusListError("status.status_list.uri is an http(s) URI")
    return StatusReference(index=index, uri=uri)
