"""VC-JOSE-COSE: credentials as ``vc+jwt`` and presentations as ``vp+jwt`` (EdDSA / Ed25519).

Follows W3C "Securing Verifiable Credentials using JOSE and COSE": the JWS payload is the
credential (or presentation) JSON itself, not a ``vc``/``vp`` claim; the protected header
is ``{"alg": "EdDSA", "typ": "vc+jwt", "cty": "vc", "kid": <DID URL>}``; the compact
serialization is used.

    >>> from credentials.did import StaticDidResolver
    >>> key = Ed25519KeyPair.generate()
    >>> credential = {"@context": ["https://www.w3.org/ns/credentials/v2"],
    ...               "type": ["VerifiableCredential"], "issuer": key.did_key,
    ...               "credentialSubject": {"id": "did:example:student"}}
    >>> token = sign_vc_jwt(credential, key, key.did_key_verification_method)
    >>> result = verify_vc_jwt(token, StaticDidResolver())
    >>> result.verified, result.payload == credential
    (True, True)

Verification never raises: :func:`verify_vc_jwt` returns a :class:`JwtVerification` whose
``code`` and ``reason`` say what failed. Only Ed25519 signatures are accepted, named ``EdDSA``
(RFC 8037) or ``Ed25519`` (the fully specified name of RFC 9864) — never ``none``, HMAC or
another algorithm chosen by the token; we sign with ``EdDSA``, which every JOSE library reads.
The ``kid`` must be a DID URL that the resolver finds under ``assertionMethod``
(``authentication`` for presentations), and the issuer (holder) must be the DID of that key.

The ``typ`` rule: VC-JOSE-COSE §3.1.1 says ``typ`` SHOULD be ``vc+jwt`` (``vp+jwt`` for a
presentation), so a token is accepted when ``typ`` is that media type (case-insensitive, with
or without ``application/``), the generic ``JWT`` (RFC 7519 §5.1), or absent. Any other
``typ`` (``vp+jwt`` for a credential, ``vc+ld+jwt``, ``vc+sd-jwt``, …) names another kind of
token and is refused (``wrong_typ``), so one kind cannot be passed off as another
(RFC 8725 §3.11).

The older encoding, VC-JWT of VC Data Model 1.1 (§6.3.1): the credential sits in a ``vc``
claim and the registered claims stand for some of its properties. :func:`verify_vc_jwt`
reads it (verify side only; we never sign it) and decodes it as §6.3.1.2 says: ``jti`` is the
credential's ``id``, ``iss`` its ``issuer`` (or ``issuer.id``), ``sub`` the
``credentialSubject.id``, ``nbf`` its ``issuanceDate`` and ``exp`` its ``expirationDate``
(the 1.1 text says "of ``credentialSubject``", an erratum: ``expirationDate`` is a property
of the credential, where every 1.1 implementation puts it). A claim that contradicts the
property already in ``vc`` is refused (``claim_conflict``), never silently chosen. The
``vc`` must be a 1.1 credential (its first context the 2018 one); ``typ``, when present,
is ``JWT`` (§6.3.1: "typ, if present, MUST be set to JWT"); a ``vc+jwt`` token never holds
a ``vc`` claim (VC-JOSE-COSE). ``exp``/``nbf`` become the credential's validity period, which
the caller checks like any 1.1 credential's (an expired one is genuine but expired, not a
bad signature). The result says which encoding it was (:attr:`JwtVerification.encoding`).

Deviation from the spec text: VC-JOSE-COSE asks for ``JsonWebKey`` verification methods;
this project publishes Ed25519 ``Multikey`` methods (the same key also serves Data
Integrity proofs) and converts them to an OKP JWK here.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from jwcrypto import jwk, jws

from .did import DidResolver, resolve_verification_method
from .errors import CredentialsError, JwtFormatError, SigningError
from .keys import Ed25519KeyPair, Ed25519PublicKey

__all__ = [
    "MAX_TOKEN_BYTES",
    "VC11_JWT",
    "VC_JWT_TYP",
    "VP_JWT_TYP",
    "JwtVerification",
    "decode_vc_jwt",
    "enveloped_credential",
    "public_jwk",
    "sign_vc_jwt",
    "sign_vp_jwt",
    "unwrap_enveloped_credential",
    "vc11_credential",
    "verify_vc_jwt",
    "verify_vp_jwt",
]

JsonObject = dict[str, Any]

VC_JWT_TYP = "vc+jwt"
VP_JWT_TYP = "vp+jwt"
MAX_TOKEN_BYTES = 1024 * 1024
"""Tokens longer than this are refused before any decoding (1 MiB)."""

_ALG = "EdDSA"
_ACCEPTED_ALGS = frozenset({"EdDSA", "Ed25519"})
"""``EdDSA`` (RFC 8037) and its fully specified name ``Ed25519`` (RFC 9864)."""
_GENERIC_TYP = "jwt"
VC11_JWT = "vc11-jwt"
""":attr:`JwtVerification.encoding` of a VC Data Model 1.1 VC-JWT (a ``vc`` claim)."""
_VC_V1 = "https://www.w3.org/2018/credentials/v1"
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_ENVELOPE_PREFIX = "data:application/vc+jwt,"
_VC11_ENVELOPE_PREFIX = "data:application/jwt,"
"""A VC Data Model 1.1 JWT (a ``vc`` claim) is ``application/jwt`` (VC 1.1 §6.3.1, RFC 7519
§10.3.1), not VC-JOSE-COSE's ``application/vc+jwt``, so its envelope says so."""


def _b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64url_decode(part: str, name: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2): no other characters, canonical bits."""
    if not _B64URL.match(part) or len(part) % 4 == 1:
        raise JwtFormatError(f"JWS {name} is not base64url without padding")
    try:
        decoded = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise JwtFormatError(f"JWS {name} is not base64url without padding") from None
    if _b64url_encode(decoded) != part:  # unused trailing bits set: a malleable encoding
        raise JwtFormatError(f"JWS {name} is not canonical base64url")
    return decoded


def _no_duplicates(pairs: list[tuple[str, Any]]) -> JsonObject:
    result: JsonObject = {}
    for key, value in pairs:
        if key in result:
            raise JwtFormatError(f"duplicate member {key!r}")
        result[key] = value
    return result


def _json_object(raw: bytes, name: str) -> JsonObject:
    try:
        value = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except JwtFormatError as exc:
        raise JwtFormatError(f"JWS {name}: {exc}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise JwtFormatError(f"JWS {name} is not UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise JwtFormatError(f"JWS {name} is not a JSON object")
    return value


def public_jwk(public_key: Ed25519PublicKey | bytes) -> jwk.JWK:
    """An OKP / Ed25519 public JWK (RFC 8037) from a key or its 32 raw bytes."""
    raw = (
        public_key
        if isinstance(public_key, bytes)
        else public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    if len(raw) != 32:
        raise JwtFormatError("an Ed25519 public key is 32 bytes")
    return jwk.JWK(kty="OKP", crv="Ed25519", x=_b64url_encode(raw))


def _private_jwk(key: Ed25519KeyPair) -> jwk.JWK:
    return jwk.JWK(
        kty="OKP", crv="Ed25519", x=_b64url_encode(key.public_bytes), d=_b64url_encode(key.seed)
    )


def _party_id(value: object) -> str | None:
    """The id of an ``issuer`` / ``holder`` value: a string, or an object's ``id``."""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return None


def _did_of(kid: str) -> str:
    return kid.split("#", 1)[0]


def _sign(payload: Mapping[str, Any], key: Ed25519KeyPair, kid: str, typ: str, cty: str) -> str:
    if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
        raise SigningError(f"kid must be a DID URL with a fragment (did:…#…), not {kid!r}")
    for claim in ("vc", "vp"):
        if claim in payload:
            raise SigningError(f"the JWT claim {claim!r} must not be present (VC-JOSE-COSE)")
    try:
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise SigningError(f"payload is not JSON: {exc}") from None
    header = {"alg": _ALG, "typ": typ, "cty": cty, "kid": kid}
    token = jws.JWS(body.encode("utf-8"))
    token.allowed_algs = [_ALG]
    token.add_signature(_private_jwk(key), alg=_ALG, protected=json.dumps(header))
    return str(token.serialize(compact=True))


def sign_vc_jwt(credential: Mapping[str, Any], key: Ed25519KeyPair, kid: str) -> str:
    """Secure ``credential`` as a compact ``vc+jwt`` signed with ``key``.

    ``kid`` is the verification method (``did:web:school.example#key-1``, or
    ``key.did_key_verification_method``); its DID must be the credential's issuer, so a
    token a verifier will refuse is never produced. Raises :class:`SigningError`.
    """
    if not isinstance(credential, Mapping):
        raise SigningError("a credential is a JSON object")
    issuer = _party_id(credential.get("issuer"))
    if issuer is None:
        raise SigningError("the credential has no issuer (a string or an object with id)")
    if isinstance(kid, str) and _did_of(kid) != issuer:
        raise SigningError(f"kid {kid!r} does not belong to the issuer {issuer!r}")
    return _sign(credential, key, kid, VC_JWT_TYP, "vc")


def sign_vp_jwt(
    presentation: Mapping[str, Any],
    key: Ed25519KeyPair,
    kid: str,
    *,
    nonce: str | None = None,
    audience: str | None = None,
) -> str:
    """Secure ``presentation`` as a compact ``vp+jwt`` signed by the holder's ``key``.

    ``nonce`` (the verifier's challenge) and ``audience`` (the verifier, as ``aud``) are
    added as JWT claims so a presentation cannot be replayed to another verifier or
    request. If the presentation names a ``holder`` it must be the DID of ``kid``.
    Credentials inside are usually :func:`enveloped_credential` objects.
    """
    if not isinstance(presentation, Mapping):
        raise SigningError("a presentation is a JSON object")
    holder = presentation.get("holder")
    if holder is not None and isinstance(kid, str) and _party_id(holder) != _did_of(kid):
        raise SigningError(f"kid {kid!r} does not belong to the holder {holder!r}")
    payload = dict(presentation)
    for claim, value in (("nonce", nonce), ("aud", audience)):
        if value is not None:
            if claim in payload and payload[claim] != value:
                raise SigningError(f"the presentation already has a different {claim!r}")
            payload[claim] = value
    return _sign(payload, key, kid, VP_JWT_TYP, "vp")


def decode_vc_jwt(token: str, *, max_bytes: int = MAX_TOKEN_BYTES) -> tuple[JsonObject, JsonObject]:
    """``(header, payload)`` of a compact JWS **without verifying it** (for display only).

    Raises :class:`JwtFormatError` for a token that is too long, not three base64url parts,
    or whose header or payload is not a JSON object (duplicate members refused).
    """
    if not isinstance(token, str):
        raise JwtFormatError("a JWT is a string")
    if len(token) > max_bytes:
        raise JwtFormatError(f"token is longer than {max_bytes} bytes")
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise JwtFormatError("a compact JWS has three parts separated by '.'")
    header = _json_object(_b64url_decode(parts[0], "header"), "header")
    payload = _json_object(_b64url_decode(parts[1], "payload"), "payload")
    _b64url_decode(parts[2], "signature")
    return header, payload


@dataclass(frozen=True, slots=True)
class JwtVerification:
    """The outcome of verifying a ``vc+jwt`` / ``vp+jwt``.

    ``verified`` is True only when every check passed. Otherwise ``code`` is a stable
    machine-readable name (``malformed``, ``too_large``, ``unsupported_alg``, ``wrong_typ``,
    ``bad_kid``, ``issuer_mismatch``, ``holder_mismatch``, ``key_not_found``,
    ``bad_signature``, ``expired``, ``not_yet_valid``, ``nonce_mismatch``,
    ``audience_mismatch``) and ``reason`` a readable sentence. ``header`` and ``payload``
    are filled in when they could be decoded, even if verification failed: show them as
    unverified content only. ``encoding`` is ``vc+jwt`` (VC-JOSE-COSE: the payload is the
    credential) or :data:`VC11_JWT` (VC Data Model 1.1: ``payload`` is then the credential
    decoded from the ``vc`` claim and the registered claims, ``claims`` the JWT claims set).
    """

    verified: bool
    header: JsonObject = field(default_factory=dict)
    payload: JsonObject = field(default_factory=dict)
    reason: str | None = None
    code: str | None = None
    verification_method: str | None = None
    encoding: str = VC_JWT_TYP
    claims: JsonObject = field(default_factory=dict)


class _FailureError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def _media_type(value: object) -> str | None:
    """``typ`` compared case-insensitively, with an optional ``application/`` prefix."""
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    return lowered.removeprefix("application/")


def _check_time(payload: JsonObject, now: datetime | None, leeway: float) -> None:
    for claim in ("exp", "nbf", "iat"):
        value = payload.get(claim)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise _FailureError("malformed", f"JWT claim {claim!r} must be a NumericDate")
    if now is None:
        return
    if now.tzinfo is None:
        raise _FailureError("malformed", "now must be a timezone-aware datetime")
    moment = now.timestamp()
    exp, nbf = payload.get("exp"), payload.get("nbf")
    if exp is not None and moment >= exp + leeway:
        raise _FailureError("expired", f"the token expired at {exp} (exp)")
    if nbf is not None and moment < nbf - leeway:
        raise _FailureError("not_yet_valid", f"the token is not valid before {nbf} (nbf)")


def _numeric_date(claims: JsonObject, claim: str) -> str | None:
    value = claims.get(claim)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _FailureError("malformed", f"JWT claim {claim!r} must be a NumericDate")
    try:
        moment = datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise _FailureError("malformed", f"JWT claim {claim!r} is out of range") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _set_from_claim(target: JsonObject, name: str, value: Any, claim: str) -> None:
    present = target.get(name)
    if present is not None and present != value:
        raise _FailureError(
            "claim_conflict", f"JWT claim {claim!r} ({value!r}) contradicts {name} ({present!r})"
        )
    target[name] = value


def vc11_credential(claims: Mapping[str, Any]) -> JsonObject:
    """The credential a VC Data Model 1.1 VC-JWT claims set stands for (§6.3.1.2 decoding,
    see the module docstring). Raises :class:`JwtFormatError` for a claims set that is not one,
    or whose registered claims contradict the ``vc`` claim."""
    try:
        return _vc11_credential(dict(claims))
    except _FailureError as exc:
        raise JwtFormatError(exc.reason) from None


def _vc11_credential(claims: JsonObject) -> JsonObject:
    vc = claims.get("vc")
    if not isinstance(vc, Mapping):
        raise _FailureError("malformed", "the JWT claim 'vc' must be a JSON object")
    contexts = vc.get("@context")
    first = contexts[0] if isinstance(contexts, list) and contexts else contexts
    if first != _VC_V1:
        raise _FailureError(
            "malformed",
            f"a 'vc' claim holds a VC Data Model 1.1 credential (first @context {_VC_V1})",
        )
    credential: JsonObject = dict(vc)
    for claim, name in (("exp", "expirationDate"), ("nbf", "issuanceDate")):
        stamp = _numeric_date(claims, claim)
        if stamp is not None:
            _set_from_claim(credential, name, stamp, claim)
    iss = claims.get("iss")
    if iss is not None:
        issuer = credential.get("issuer")
        if isinstance(issuer, Mapping):
            holder = dict(issuer)
            _set_from_claim(holder, "id", iss, "iss")
            credential["issuer"] = holder
        else:
            _set_from_claim(credential, "issuer", iss, "iss")
    jti = claims.get("jti")
    if jti is not None:
        _set_from_claim(credential, "id", jti, "jti")
    sub = claims.get("sub")
    if sub is not None:
        subject = credential.get("credentialSubject")
        if not isinstance(subject, Mapping):
            raise _FailureError(
                "malformed", "'sub' names the subject, but credentialSubject is not one object"
            )
        subject = dict(subject)
        _set_from_claim(subject, "id", sub, "sub")
        credential["credentialSubject"] = subject
    return credential


def _verify(
    token: str,
    resolver: DidResolver,
    *,
    expected_typ: str,
    purpose: str,
    party: str,
    now: datetime | None,
    leeway: float,
    max_bytes: int,
) -> tuple[JsonObject, JsonObject, str, JsonObject]:
    if isinstance(token, str) and len(token) > max_bytes:
        raise _FailureError("too_large", f"token is longer than {max_bytes} bytes")
    try:
        header, payload = decode_vc_jwt(token, max_bytes=max_bytes)
    except JwtFormatError as exc:
        raise _FailureError("malformed", str(exc)) from None
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in _ACCEPTED_ALGS:
        raise _FailureError(
            "unsupported_alg", f"alg {alg!r} is not accepted; only EdDSA or Ed25519 is"
        )
    if "crit" in header:
        raise _FailureError("malformed", "critical header parameters (crit) are not supported")
    legacy = party == "issuer" and "vc" in payload  # VC Data Model 1.1 VC-JWT
    if "typ" in header:
        typ = _media_type(header["typ"])
        if legacy and typ != _GENERIC_TYP:
            raise _FailureError(
                "wrong_typ",
                f"typ {header['typ']!r}: a 1.1 VC-JWT ('vc' claim) has typ 'JWT' or none, "
                f"and a {expected_typ} holds no 'vc' claim",
            )
        if typ not in {_media_type(expected_typ), _GENERIC_TYP}:
            raise _FailureError(
                "wrong_typ", f"typ {header['typ']!r} is not {expected_typ!r}, 'JWT' or absent"
            )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
        raise _FailureError("bad_kid", f"kid must be a DID URL (did:…#…), not {kid!r}")
    claims: JsonObject = {}
    if legacy:
        if "vp" in payload:
            raise _FailureError("malformed", "a JWT holds a 'vc' or a 'vp' claim, not both")
        claims, payload = payload, _vc11_credential(payload)
    else:
        for claim in ("vc", "vp"):
            if claim in payload:
                raise _FailureError("malformed", f"the JWT claim {claim!r} must not be present")

    did = _did_of(kid)
    named = _party_id(payload.get(party))
    if party == "issuer":
        if named is None:
            raise _FailureError("issuer_mismatch", "the credential has no issuer")
        if named != did:
            raise _FailureError("issuer_mismatch", f"issuer {named!r} is not the signer {did!r}")
        iss = payload.get("iss")  # (a 1.1 VC-JWT's iss is its issuer already)
        if iss is not None and iss != named:
            raise _FailureError("issuer_mismatch", f"iss {iss!r} does not match issuer {named!r}")
    elif payload.get(party) is not None and named != did:
        raise _FailureError("holder_mismatch", f"holder {named!r} is not the signer {did!r}")

    try:
        resolved = resolve_verification_method(kid, purpose, resolver)
    except CredentialsError as exc:
        raise _FailureError("key_not_found", str(exc)) from None

    try:
        parsed = jws.JWS()
        parsed.allowed_algs = [alg]
        parsed.deserialize(token.strip())
        parsed.verify(public_jwk(resolved.public_key), alg=alg)
    except Exception as exc:  # jwcrypto signals failures with several exception types
        raise _FailureError(
            "bad_signature", f"signature does not verify ({type(exc).__name__})"
        ) from None

    if legacy:  # exp/nbf are the credential's expirationDate/issuanceDate: the caller's check
        _check_time({k: v for k, v in claims.items() if k == "iat"}, now, leeway)
    else:
        _check_time(payload, now, leeway)
    return header, payload, kid, claims


def verify_vc_jwt(
    token: str,
    resolver: DidResolver,
    *,
    expected_typ: str = VC_JWT_TYP,
    now: datetime | None = None,
    leeway: float = 0.0,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> JwtVerification:
    """Verify a ``vc+jwt``; never raises for a bad token.

    Checks, in order: size, compact form and strict base64url/JSON; ``alg`` is ``EdDSA`` or
    ``Ed25519``; no ``crit``; ``typ`` is ``expected_typ``, ``JWT`` or absent; ``kid`` is a
    DID URL; the payload has no ``vp`` claim and no ``vc`` claim, unless it is a VC Data
    Model 1.1 VC-JWT (decoded as the module docstring says; its ``exp``/``nbf`` are then
    the credential's dates, not checked here); the ``issuer`` (and ``iss`` if present) is
    the DID of the ``kid``; the resolver finds ``kid`` under
    ``assertionMethod`` as an Ed25519 key; the signature verifies. With ``now`` given, the
    JWT ``exp``/``nbf`` claims (the validity of the signature, not the credential's
    ``validFrom``/``validUntil``) are checked too, with ``leeway`` seconds of clock skew.
    """
    return _outcome(
        token,
        resolver,
        expected_typ=expected_typ,
        purpose="assertionMethod",
        party="issuer",
        now=now,
        leeway=leeway,
        max_bytes=max_bytes,
    )


def verify_vp_jwt(
    token: str,
    resolver: DidResolver,
    *,
    nonce: str | None = None,
    audience: str | None = None,
    now: datetime | None = None,
    leeway: float = 0.0,
    max_bytes: int = MAX_TOKEN_BYTES,
) -> JwtVerification:
    """Verify a ``vp+jwt`` signed by the holder; never raises for a bad token.

    As :func:`verify_vc_jwt`, but the key must be authorised for ``authentication``, a
    ``holder`` in the payload must be the DID of the ``kid``, and when ``nonce`` /
    ``audience`` are given the token's ``nonce`` must equal it and its ``aud`` must be or
    contain it (replay protection). The enveloped credentials inside are verified
    separately (:func:`unwrap_enveloped_credential`, then :func:`verify_vc_jwt`).
    """
    result = _outcome(
        token,
        resolver,
        expected_typ=VP_JWT_TYP,
        purpose="authentication",
        party="holder",
        now=now,
        leeway=leeway,
        max_bytes=max_bytes,
    )
    if not result.verified:
        return result
    payload = result.payload
    if nonce is not None and payload.get("nonce") != nonce:
        return _failed(result, "nonce_mismatch", "the presentation's nonce is not the one asked")
    if audience is not None:
        aud = payload.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if audience not in audiences:
            return _failed(result, "audience_mismatch", f"the presentation is not for {audience}")
    return result


def _failed(result: JwtVerification, code: str, reason: str) -> JwtVerification:
    return JwtVerification(
        verified=False,
        header=result.header,
        payload=result.payload,
        reason=reason,
        code=code,
        verification_method=result.verification_method,
    )


def _outcome(token: str, resolver: DidResolver, **options: Any) -> JwtVerification:
    try:
        header, payload, kid, claims = _verify(token, resolver, **options)
    except _FailureError as failure:
        header, payload = {}, {}
        with contextlib.suppress(JwtFormatError):
            header, payload = decode_vc_jwt(token, max_bytes=options["max_bytes"])
        encoding, claims = VC_JWT_TYP, {}
        if options["party"] == "issuer" and "vc" in payload:
            encoding, claims = VC11_JWT, payload
            try:
                payload = _vc11_credential(claims)
            except _FailureError:
                payload = {}
        return JwtVerification(
            False, header, payload, failure.reason, failure.code, encoding=encoding, claims=claims
        )
    encoding = VC11_JWT if claims else VC_JWT_TYP
    return JwtVerification(True, header, payload, None, None, kid, encoding, claims)


def enveloped_credential(token: str) -> JsonObject:
    """An ``EnvelopedVerifiableCredential`` carrying a ``vc+jwt`` inside a presentation (a
    VC 1.1 JWT, with a ``vc`` claim, as ``data:application/jwt,``)."""
    _header, payload = decode_vc_jwt(token)
    prefix = _VC11_ENVELOPE_PREFIX if isinstance(payload.get("vc"), Mapping) else _ENVELOPE_PREFIX
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": "EnvelopedVerifiableCredential",
        "id": prefix + token,
    }


def unwrap_enveloped_credential(value: Mapping[str, Any]) -> str:
    """The ``vc+jwt`` (or VC 1.1 ``application/jwt``) inside an
    ``EnvelopedVerifiableCredential`` (not yet verified)."""
    types = value.get("type") if isinstance(value, Mapping) else None
    if "EnvelopedVerifiableCredential" not in (types if isinstance(types, list) else [types]):
        raise JwtFormatError("not an EnvelopedVerifiableCredential")
    ident = value.get("id")
    prefix = next(
        (p for p in (_ENVELOPE_PREFIX, _VC11_ENVELOPE_PREFIX) if isinstance(ident, str)
         and ident.startswith(p)),
        None,
    )  # fmt: skip
    if prefix is None or not isinstance(ident, str):
        raise JwtFormatError(f"the envelope id must start with {_ENVELOPE_PREFIX!r}")
    token = ident.removeprefix(prefix)
    decode_vc_jwt(token)
    return token
