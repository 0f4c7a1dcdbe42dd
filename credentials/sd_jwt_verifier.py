"""Verify an SD-JWT or SD-JWT+KB (RFC 9901 §7.1-§7.3). Never raises for any input: the
outcome is an :class:`SdJwtVerification` with a stable ``code`` when it failed.

    >>> from credentials.jwk import P256KeyPair
    >>> from credentials.sd_jwt_issuer import Sd, issue_sd_jwt
    >>> issuer = P256KeyPair.generate()
    >>> issued = issue_sd_jwt({"iss": "https://i.example", "a": Sd(1)}, issuer)
    >>> result = verify_sd_jwt(issued.compact, lambda header, payload: issuer.public_key)
    >>> result.ok, result.claims
    (True, {'iss': 'https://i.example', 'a': 1})
    >>> verify_sd_jwt(issued.compact + "WyJ4IiwgImIiLCAyXQ~", lambda h, p: issuer.public_key).code
    'disclosure_unreferenced'

The issuer key comes from ``resolve_key(header, payload)`` (an ``x5c`` chain, a DID, a
configured key); it raises :class:`KeyResolutionError` when it finds none. Key binding: with
a :class:`KeyBindingPolicy` the KB-JWT is required and its ``typ``, signature by the
``cnf.jwk`` key, ``nonce``, ``aud``, ``iat`` window and ``sd_hash`` are all checked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from .errors import CredentialsError, JwtFormatError, KeyFormatError
from .jwk import JwsPublicKey, public_key_from_jwk
from .jws import JsonObject, parse_compact, verify_compact
from .sd_jwt import (
    DEFAULT_BUDGETS,
    Budgets,
    ClaimPath,
    Disclosure,
    SdJwtError,
    parse_sd_jwt,
    process_claims,
    sd_hash,
)
from .sd_jwt_holder import KB_JWT_TYP

__all__ = [
    "IssuerKeyResolver",
    "KeyBindingPolicy",
    "KeyResolutionError",
    "SdJwtVerification",
    "verify_key_binding",
    "verify_sd_jwt",
]


class KeyResolutionError(CredentialsError):
    """The issuer's key could not be found or trusted; ``code`` says why."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


IssuerKeyResolver = Callable[[JsonObject, JsonObject], JwsPublicKey]
"""``(header, payload) -> public key``; raises :class:`KeyResolutionError`."""


@dataclass(frozen=True, slots=True)
class KeyBindingPolicy:
    """What the verifier expects of the KB-JWT. ``now`` in seconds since the epoch."""

    audience: str
    nonce: str
    now: int
    max_age: int = 300
    """Oldest accepted ``iat`` (seconds before ``now``)."""
    leeway: int = 60
    """Clock skew accepted for an ``iat`` in the future."""


@dataclass(frozen=True, slots=True)
class SdJwtVerification:
    ok: bool
    code: str
    """``"ok"`` or the rule that failed: ``signature``, ``disclosure_unreferenced``, …"""
    reason: str
    header: JsonObject = field(default_factory=dict, repr=False)
    payload: JsonObject = field(default_factory=dict, repr=False)
    """The Issuer-signed JWT payload as signed (digests, ``_sd_alg``)."""
    claims: JsonObject = field(default_factory=dict, repr=False)
    """The processed claims: what the holder disclosed plus what was always visible."""
    disclosed: tuple[ClaimPath, ...] = ()
    key_binding: JsonObject | None = field(default=None, repr=False)
    """The KB-JWT payload when one was verified."""


def _fail(code: str, reason: str, **known: Any) -> SdJwtVerification:
    return SdJwtVerification(ok=False, code=code, reason=reason, **known)


def verify_key_binding(
    kb_jwt: str, cnf: object, sd_jwt_without_kb: str, policy: KeyBindingPolicy | None
) -> JsonObject:
    """Check a KB-JWT (§7.3); returns its payload or raises :class:`SdJwtError`. Without a
    policy only ``typ``, the signature and ``sd_hash`` are checked."""
    try:
        jws = parse_compact(kb_jwt)
    except JwtFormatError as exc:
        raise SdJwtError("kb_format", f"KB-JWT: {exc}") from None
    if jws.header.get("typ") != KB_JWT_TYP:
        raise SdJwtError("kb_typ", "the KB-JWT typ is not kb+jwt")
    if not isinstance(cnf, dict) or "jwk" not in cnf:
        raise SdJwtError("cnf_missing", "the SD-JWT has no cnf.jwk holder key")
    try:
        holder_key = public_key_from_jwk(cnf["jwk"])
    except KeyFormatError as exc:
        raise SdJwtError("cnf_invalid", f"cnf.jwk: {exc}") from None
    if not verify_compact(jws, holder_key):
        raise SdJwtError("kb_signature", "the KB-JWT is not signed by the cnf.jwk key")
    claims = jws.payload
    if claims.get("sd_hash") != sd_hash(sd_jwt_without_kb):
        raise SdJwtError("kb_sd_hash", "the KB-JWT sd_hash does not match the presentation")
    if policy is None:
        return claims
    if claims.get("nonce") != policy.nonce:
        raise SdJwtError("kb_nonce", "the KB-JWT nonce is not the one the verifier sent")
    if claims.get("aud") != policy.audience:
        raise SdJwtError("kb_audience", "the KB-JWT aud is not this verifier")
    iat = claims.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int):
        raise SdJwtError("kb_iat", "the KB-JWT iat is not a number of seconds")
    if iat > policy.now + policy.leeway:
        raise SdJwtError("kb_iat", "the KB-JWT iat lies in the future")
    if iat < policy.now - policy.max_age:
        raise SdJwtError("kb_iat", "the KB-JWT is too old")
    return claims


def verify_sd_jwt(
    token: object,
    resolve_key: IssuerKeyResolver,
    *,
    key_binding: KeyBindingPolicy | None = None,
    typ: Collection[str] | None = None,
    budgets: Budgets = DEFAULT_BUDGETS,
) -> SdJwtVerification:
    """Verify the issuer signature, the Disclosures and (required with ``key_binding``) the
    KB-JWT; ``typ`` restricts the Issuer-signed JWT's ``typ`` header."""
    try:
        parts = parse_sd_jwt(token, budgets)
        jws = parse_compact(parts.issuer_jwt, max_bytes=budgets.max_bytes)
    except SdJwtError as exc:
        return _fail(exc.code, exc.reason)
    except JwtFormatError as exc:
        return _fail("format", f"Issuer-signed JWT: {exc}")
    known: dict[str, Any] = {"header": jws.header, "payload": jws.payload}
    if typ is not None and jws.header.get("typ") not in typ:
        return _fail("typ", f"typ {jws.header.get('typ')!r} is not {sorted(typ)}", **known)
    try:
        issuer_key = resolve_key(jws.header, jws.payload)
    except KeyResolutionError as exc:
        return _fail(exc.code, exc.reason, **known)
    if not verify_compact(jws, issuer_key):
        return _fail("signature", "the issuer signature is not valid", **known)
    try:
        disclosures = [Disclosure.decode(d) for d in parts.disclosures]
        processed = process_claims(jws.payload, disclosures, budgets)
        known["claims"] = processed.claims
        known["disclosed"] = tuple(processed.paths[d.digest] for d in disclosures)
        kb_claims = None
        if parts.kb_jwt is not None or key_binding is not None:
            if parts.kb_jwt is None:
                raise SdJwtError("kb_missing", "the presentation has no Key Binding JWT")
            kb_claims = verify_key_binding(
                parts.kb_jwt, processed.claims.get("cnf"), parts.without_kb, key_binding
            )
    except SdJwtError as exc:
        return _fail(exc.code, exc.reason, **known)
    return SdJwtVerification(ok=True, code="ok", reason="verified", key_binding=kb_claims, **known)
