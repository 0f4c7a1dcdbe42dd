"""Compact JWS (RFC 7515) with ES256 and EdDSA only, on ``cryptography`` directly.

The SD-JWT engine signs many tokens per second and needs the exact header and payload bytes
(the published vectors serialize with Python's default ``json.dumps``), so it does not go
through a JOSE library object model: :func:`sign_compact` serializes, :func:`parse_compact`
splits and decodes strictly (no duplicate members, canonical base64url, a size limit), and
:func:`verify_compact` checks the signature with a key chosen by the caller, never by the
token (the ``alg`` must fit the key; ``none`` and HMAC are never accepted).

    >>> from credentials.jwk import P256KeyPair
    >>> key = P256KeyPair.generate()
    >>> token = sign_compact({"typ": "example+jwt"}, {"sub": "x"}, key)
    >>> jws = parse_compact(token)
    >>> jws.header["alg"], jws.payload, verify_compact(jws, key.public_key)
    ('ES256', {'sub': 'x'}, True)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import JwtFormatError, KeyFormatError
from .jwk import SUPPORTED_ALGS, JwsPublicKey, JwsSigner, b64url_decode, b64url_encode
from .jwk import verify_jws_signature as _verify_signature

__all__ = [
    "DEFAULT_MAX_TOKEN_BYTES",
    "JsonObject",
    "ParsedJws",
    "json_bytes",
    "parse_compact",
    "parse_json_object",
    "sign_compact",
    "sign_encoded",
    "verify_compact",
]

JsonObject = dict[str, Any]

DEFAULT_MAX_TOKEN_BYTES = 256 * 1024
"""A compact JWS longer than this is refused before decoding."""

_DEFAULT_SEPARATORS = (", ", ": ")
_COMPACT_SEPARATORS = (",", ":")


_ENCODERS = {
    (compact, sort_keys): json.JSONEncoder(
        separators=_COMPACT_SEPARATORS if compact else _DEFAULT_SEPARATORS, sort_keys=sort_keys
    ).encode
    for compact in (False, True)
    for sort_keys in (False, True)
}


def json_bytes(value: object, *, compact: bool = False, sort_keys: bool = False) -> bytes:
    """JSON as the JOSE segments use it: Python's default separators (as the SD-JWT vectors
    are written) or compact ones; ASCII-escaped either way."""
    return _ENCODERS[compact, sort_keys](value).encode("ascii")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> JsonObject:
    result: JsonObject = {}
    for key, value in pairs:
        if key in result:
            raise JwtFormatError(f"duplicate member {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> None:
    raise JwtFormatError(f"non-standard JSON constant {name}")


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)


def parse_json(raw: bytes, name: str) -> Any:
    """Strict JSON: UTF-8, no duplicate member names, no NaN/Infinity."""
    try:
        return _DECODER.decode(raw.decode("utf-8"))
    except JwtFormatError as exc:
        raise JwtFormatError(f"{name}: {exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise JwtFormatError(f"{name} is not UTF-8 JSON") from None


def parse_json_object(raw: bytes, name: str) -> JsonObject:
    value = parse_json(raw, name)
    if not isinstance(value, dict):
        raise JwtFormatError(f"{name} is not a JSON object")
    return value


def _segment(part: str, name: str) -> bytes:
    try:
        return b64url_decode(part, f"JWS {name}")
    except KeyFormatError as exc:
        raise JwtFormatError(str(exc)) from None


@dataclass(frozen=True, slots=True)
class ParsedJws:
    """A decoded compact JWS; ``signing_input`` is ``header.payload`` as ASCII bytes."""

    header: JsonObject
    payload: JsonObject
    signing_input: bytes = field(repr=False)
    signature: bytes = field(repr=False)
    compact: str = field(repr=False)


_HEADER_CACHE_SIZE = 256
_header_segments: dict[tuple[object, ...], str] = {}
"""Encoded protected headers by content (:func:`_header_key`): an issuer signs every
credential with the same header, and its ``x5c`` chain makes it some 6 KB of JSON."""


def _header_key(
    alg: str, header: Mapping[str, Any], compact_json: bool, sort_keys: bool
) -> tuple[object, ...] | None:
    """A hashable key that determines the encoded header exactly, or None when the header
    holds values it does not cover (objects, floats: encoded afresh every time). Scalars
    carry their type, since ``1 == 1.0 == True`` but their JSON differs."""
    key: list[object] = [alg, compact_json, sort_keys]
    for name, value in header.items():
        if name == "alg":
            continue
        kind = type(value)
        if kind is list or kind is tuple:
            if not all(type(item) is str for item in value):
                return None
            key.append((name, list, tuple(value)))
        elif kind is str or kind is int or kind is bool or value is None:
            key.append((name, kind, value))
        else:
            return None
    return tuple(key)


def _header_segment(
    alg: str, header: Mapping[str, Any], compact_json: bool, sort_keys: bool
) -> str:
    """base64url of the JSON header (``alg`` first, then ``header``'s other members), from
    the cache when this header was encoded before."""
    key = _header_key(alg, header, compact_json, sort_keys)
    segment = _header_segments.get(key) if key is not None else None
    if segment is None:
        full_header = {"alg": alg, **{k: v for k, v in header.items() if k != "alg"}}
        segment = b64url_encode(json_bytes(full_header, compact=compact_json, sort_keys=sort_keys))
        if key is not None:
            if len(_header_segments) >= _HEADER_CACHE_SIZE:
                _header_segments.clear()  # many keys at once: start over, stay bounded
            _header_segments[key] = segment
    return segment


def sign_compact(
    header: Mapping[str, Any],
    payload: Mapping[str, Any],
    signer: JwsSigner,
    *,
    compact_json: bool = False,
    sort_keys: bool = False,
) -> str:
    """Sign ``payload``; the header gets ``alg`` of the signer first, then ``header``'s members."""
    body_json = payload if isinstance(payload, dict) else dict(payload)
    body = json_bytes(body_json, compact=compact_json, sort_keys=sort_keys)
    return sign_encoded(header, body, signer, compact_json=compact_json, sort_keys=sort_keys)


def sign_encoded(
    header: Mapping[str, Any],
    payload: bytes,
    signer: JwsSigner,
    *,
    compact_json: bool = False,
    sort_keys: bool = False,
) -> str:
    """:func:`sign_compact` for a payload the caller has JSON-encoded already (its bytes are
    signed as they are); ``compact_json`` and ``sort_keys`` apply to the header."""
    alg = signer.alg
    if "alg" in header and header["alg"] != alg:
        raise JwtFormatError("header alg does not match the signing key")
    head = _header_segment(alg, header, compact_json, sort_keys)
    signing_input = f"{head}.{b64url_encode(payload)}"
    signature = signer.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def parse_compact(token: object, *, max_bytes: int = DEFAULT_MAX_TOKEN_BYTES) -> ParsedJws:
    """Split and decode a compact JWS. Raises :class:`JwtFormatError` on anything malformed:
    wrong type, too long, not three parts, bad base64url or JSON, missing or unsupported
    ``alg``, a ``crit`` header (no extensions are understood)."""
    if not isinstance(token, str):
        raise JwtFormatError("a compact JWS is a string")
    if len(token) > max_bytes:
        raise JwtFormatError(f"JWS longer than {max_bytes} bytes")
    parts = token.split(".")
    if len(parts) != 3:
        raise JwtFormatError("a compact JWS has three parts")
    header = parse_json_object(_segment(parts[0], "header"), "JWS header")
    payload = parse_json_object(_segment(parts[1], "payload"), "JWS payload")
    signature = _segment(parts[2], "signature")
    alg = header.get("alg")
    if alg not in SUPPORTED_ALGS:
        raise JwtFormatError(f"JWS alg {alg!r} is not accepted (only ES256 and EdDSA)")
    if "crit" in header:
        raise JwtFormatError("JWS crit header parameters are not supported")
    return ParsedJws(
        header=header,
        payload=payload,
        signing_input=f"{parts[0]}.{parts[1]}".encode("ascii"),
        signature=signature,
        compact=token,
    )


def verify_compact(jws: ParsedJws, public_key: JwsPublicKey) -> bool:
    """True when the signature is valid for ``public_key`` and ``alg`` fits that key."""
    return _verify_signature(str(jws.header["alg"]), public_key, jws.signature, jws.signing_input)
