"""OpenID4VP 1.0 on the wallet's side, as pure functions (the caller fetches and posts):
read the request link, verify a signed Request Object, and build the (encrypted) answer.

    >>> link = parse_request_link(
    ...     "haip-vp://?client_id=x509_hash%3Aabc&request_uri=https%3A%2F%2Fv.example%2Fr%2F1"
    ...     "&request_uri_method=post")
    >>> link.request_uri, link.request_uri_method
    ('https://v.example/r/1', 'post')

What is checked, by spec section:

- Link (§5.1, §5.10): ``client_id`` with ``request_uri`` (optionally ``request_uri_method``
  ``get``/``post``), or a Request Object by value in ``request``, or every parameter by value
  (only for the ``redirect_uri:`` prefix, which cannot be signed, §5.9.3; HAIP 1.0 wants
  signed requests, so a ``haip-vp://`` link must be signed).
- Request Object (RFC 9101, §5.8, §5.9.3): ``typ`` ``oauth-authz-req+jwt``; prefix
  ``x509_hash:``: the base64url SHA-256 of the DER leaf of ``x5c`` is the client id value,
  the JWS verifies with that leaf's key, optionally the chain leads to a configured verifier
  trust anchor; the ``client_id`` inside equals the link's; ``aud`` is
  ``https://self-issued.me/v2`` (or a wallet issuer the caller accepts); ``exp`` in the
  future, ``iat``/``nbf`` not; ``wallet_nonce`` equals the one the wallet sent (§5.10.1).
- Parameters: ``response_type`` ``vp_token``; ``response_mode`` ``direct_post`` or
  ``direct_post.jwt`` (§8.2, §8.3); ``response_uri`` absolute http(s); ``nonce``; a DCQL
  query (:mod:`credentials.dcql`); no ``presentation_definition`` (not in 1.0) and no
  ``transaction_data`` (no type is supported, §8.4 wants a refusal).
- Encrypted response (§8.3, HAIP 1.0): a P-256 key from ``client_metadata.jwks`` (``use``
  ``enc`` or absent, ``alg`` ``ECDH-ES`` or absent), ``enc`` the first of
  ``encrypted_response_enc_values_supported`` that the wallet supports (default
  ``A128GCM``), ``kid`` copied into the JWE header; the payload is the JSON object of the
  response parameters (``vp_token``, ``state``).

Failures raise :class:`RequestError` with a stable ``code`` (for the person's message).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwcrypto import jwe, jwk

from .dcql import DEFAULT_DCQL_BUDGETS, DcqlBudgets, DcqlError, DcqlQuery, parse_dcql
from .errors import CredentialsError, JwtFormatError, KeyFormatError
from .jwk import b64url_encode, public_key_from_jwk
from .jws import parse_compact, verify_compact
from .x509_trust import verify_x5c

__all__ = [
    "ENC_VALUES",
    "HAIP_SCHEME",
    "REQUEST_OBJECT_TYP",
    "RESPONSE_MODES",
    "SELF_ISSUED_AUDIENCE",
    "RequestError",
    "RequestLink",
    "ResponseEncryption",
    "WalletRequest",
    "build_response",
    "encrypt_response",
    "parse_request_link",
    "request_from_link",
    "response_encryption",
    "verify_request_object",
    "x509_hash",
]

REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"
REQUEST_OBJECT_MEDIA_TYPE = "application/oauth-authz-req+jwt"
SELF_ISSUED_AUDIENCE = "https://self-issued.me/v2"
HAIP_SCHEME = "haip-vp"
SCHEMES = ("openid4vp", HAIP_SCHEME, "https", "http")
RESPONSE_MODES = ("direct_post", "direct_post.jwt")
ENC_VALUES = ("A128GCM", "A256GCM")
X509_HASH = "x509_hash:"
REDIRECT_URI = "redirect_uri:"
MAX_LINK = 64 * 1024
MAX_REQUEST_OBJECT = 128 * 1024
MAX_JWKS_KEYS = 16
_JSON_PARAMS = ("dcql_query", "client_metadata", "transaction_data")


class RequestError(CredentialsError, ValueError):
    """A request cannot be answered; ``code`` says why (stable, for messages)."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RequestLink:
    """What a link or QR code holds: by reference (``request_uri``), a Request Object by
    value (``request``), or the parameters by value."""

    scheme: str
    client_id: str | None
    request_uri: str | None = None
    request_uri_method: str = "get"
    request: str | None = None
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def haip(self) -> bool:
        return self.scheme == HAIP_SCHEME


@dataclass(frozen=True, slots=True)
class ResponseEncryption:
    jwk: dict[str, str]
    alg: str
    enc: str


@dataclass(frozen=True, slots=True)
class WalletRequest:
    """A request the wallet may answer, checked."""

    client_id: str
    response_uri: str
    response_mode: str
    nonce: str
    state: str | None
    dcql: DcqlQuery
    dcql_query: dict[str, Any]
    client_metadata: dict[str, Any]
    signed: bool
    verifier_name: str | None
    """The name to show: the certificate's organisation (or common name) of a signed
    request, else ``client_metadata.client_name``."""
    certificate_subject: str | None = None
    certificate_name: str | None = None
    """The organisation (or common name) in the verifier's certificate."""
    client_name: str | None = None
    """``client_metadata.client_name``: what the verifier says it is called (not checked)."""
    trusted: bool | None = None
    """Whether the certificate chain leads to a configured verifier trust anchor (None:
    none configured, or the request is not signed)."""
    encryption: ResponseEncryption | None = None
    purpose: str | None = None
    expires_at: int | None = None

    @property
    def query_ids(self) -> tuple[str, ...]:
        return self.dcql.ids


def _fail(code: str, reason: str) -> RequestError:
    return RequestError(code, reason)


# --------------------------------------------------------------------------------- links


def parse_request_link(text: str) -> RequestLink:
    """The request in an ``openid4vp://``, ``haip-vp://`` or https link (or its bare query)."""
    text = (text or "").strip()
    if not text:
        raise _fail("empty", "the request is empty")
    if len(text) > MAX_LINK:
        raise _fail("too_large", "the request is too long")
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme and scheme not in SCHEMES:
        raise _fail("invalid_request", f"links with scheme {scheme!r} are not requests")
    try:
        pairs = parse_qsl(parts.query if scheme else text.lstrip("?"), keep_blank_values=True)
    except ValueError:
        raise _fail("invalid_request", "the link's query cannot be read") from None
    params: dict[str, Any] = {}
    for name, value in pairs:
        if name in params:
            raise _fail("invalid_request", f"parameter {name} appears twice")
        params[name] = value
    client_id = params.get("client_id")
    if "request_uri" in params or "request" in params:
        if not isinstance(client_id, str) or not client_id:
            raise _fail("invalid_request", "a request by reference names its client_id")
        if "request_uri" in params and "request" in params:
            raise _fail("invalid_request", "request and request_uri are exclusive")
        method = params.get("request_uri_method", "get")
        if method not in ("get", "post"):
            raise _fail("invalid_request", "request_uri_method is get or post")
        uri = params.get("request_uri")
        if uri is not None:
            target = urlsplit(uri)
            if target.scheme not in ("https", "http") or not target.netloc:
                raise _fail("invalid_request", "request_uri is an absolute http(s) URL")
        return RequestLink(scheme, client_id, uri, method, params.get("request"))
    for name in _JSON_PARAMS:
        if name in params:
            try:
                params[name] = json.loads(params[name])
            except (ValueError, RecursionError):
                raise _fail("invalid_request", f"{name} is not valid JSON") from None
    return RequestLink(scheme, client_id if isinstance(client_id, str) else None, params=params)


# --------------------------------------------------------------------- request objects


def x509_hash(certificate: x509.Certificate) -> str:
    """The ``x509_hash`` Client Identifier value: base64url SHA-256 of the DER certificate."""
    der = certificate.public_bytes(serialization.Encoding.DER)
    return b64url_encode(hashlib.sha256(der).digest())


def _leaf(x5c: object) -> x509.Certificate:
    if not isinstance(x5c, list) or not x5c or len(x5c) > 5:
        raise _fail("no_certificate", "the Request Object carries no x5c certificate chain")
    first = x5c[0]
    if not isinstance(first, str) or len(first) > 16 * 1024:
        raise _fail("no_certificate", "x5c holds base64 DER certificates")
    try:
        return x509.load_der_x509_certificate(base64.b64decode(first, validate=True))
    except (ValueError, binascii.Error):
        raise _fail("no_certificate", "the x5c leaf is not a DER certificate") from None


def _subject_name(certificate: x509.Certificate) -> tuple[str, str | None]:
    subject = certificate.subject.rfc4514_string()[:300]
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        names = certificate.subject.get_attributes_for_oid(oid)
        if names and isinstance(names[0].value, str) and names[0].value.strip():
            return subject, names[0].value.strip()[:200]
    return subject, None


def _number(payload: Mapping[str, Any], name: str) -> int | None:
    value = payload.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail("invalid_request", f"{name} is a NumericDate")
    return int(value)


def _check_times(payload: Mapping[str, Any], now: datetime, leeway: int) -> int:
    moment = int(now.timestamp())
    exp = _number(payload, "exp")
    if exp is None:
        raise _fail("expired", "a signed request carries exp")
    if exp + leeway < moment:
        raise _fail("expired", "the request has expired")
    for name in ("iat", "nbf"):
        value = _number(payload, name)
        if value is not None and value - leeway > moment:
            raise _fail("not_yet_valid", f"the request's {name} lies in the future")
    return exp


def verify_request_object(
    token: str,
    *,
    client_id: str,
    now: datetime,
    trust_anchors: Sequence[x509.Certificate] = (),
    wallet_nonce: str | None = None,
    audiences: Collection[str] = (SELF_ISSUED_AUDIENCE,),
    leeway: int = 60,
    budgets: DcqlBudgets = DEFAULT_DCQL_BUDGETS,
) -> WalletRequest:
    """Verify a signed Request Object for the link's ``client_id``; its checked request."""
    try:
        jws = parse_compact(token.strip(), max_bytes=MAX_REQUEST_OBJECT)
    except JwtFormatError as exc:
        raise _fail("malformed", f"the Request Object is not a usable JWS ({exc})") from None
    header, payload = jws.header, jws.payload
    if header.get("typ") != REQUEST_OBJECT_TYP:
        raise _fail("wrong_typ", f"the Request Object's typ is not {REQUEST_OBJECT_TYP}")
    inner = payload.get("client_id")
    if inner != client_id:
        raise _fail("client_id_mismatch", "the client_id inside differs from the link's")
    if client_id.startswith(REDIRECT_URI):
        raise _fail("unsupported_client_id", "requests with the redirect_uri prefix are unsigned")
    if not client_id.startswith(X509_HASH):
        prefix = client_id.split(":", 1)[0] if ":" in client_id else "(pre-registered)"
        raise _fail("unsupported_client_id", f"client id prefix {prefix} is not supported")
    leaf = _leaf(header.get("x5c"))
    if x509_hash(leaf) != client_id[len(X509_HASH) :]:
        raise _fail("hash_mismatch", "the certificate does not match the x509_hash client id")
    public = leaf.public_key()
    if not isinstance(public, ec.EllipticCurvePublicKey) or public.curve.name != "secp256r1":
        raise _fail("bad_signature", "the certificate's key is not a P-256 key")
    if not verify_compact(jws, public):
        raise _fail("bad_signature", "the Request Object's signature does not verify")
    trusted: bool | None = None
    if trust_anchors:
        chain = verify_x5c(header.get("x5c"), trust_anchors, now=now)
        if not chain.ok:
            raise _fail("untrusted_verifier", f"the verifier certificate: {chain.reason}")
        trusted = True
    aud = payload.get("aud")
    auds = aud if isinstance(aud, list) else [aud]
    if not any(isinstance(a, str) and a in audiences for a in auds):
        raise _fail("wrong_aud", "the Request Object is not addressed to this wallet")
    expires = _check_times(payload, now, leeway)
    if wallet_nonce is not None and payload.get("wallet_nonce") != wallet_nonce:
        raise _fail("wallet_nonce_mismatch", "the Request Object has another wallet_nonce")
    subject, name = _subject_name(leaf)
    return _request(
        payload, signed=True, subject=subject, subject_name=name, trusted=trusted,
        expires=expires, budgets=budgets,
    )  # fmt: skip


def request_from_link(
    link: RequestLink, *, budgets: DcqlBudgets = DEFAULT_DCQL_BUDGETS
) -> WalletRequest:
    """An unsigned request by value: only the ``redirect_uri:`` prefix, never under HAIP."""
    if link.request_uri is not None or link.request is not None:
        raise _fail("invalid_request", "this request is by reference; fetch and verify it")
    request = _request(link.params, signed=False, budgets=budgets)
    client_id = request.client_id
    if link.haip or not client_id.startswith(REDIRECT_URI):
        raise _fail("unsigned", "this verifier must sign its request, and it is not signed")
    if client_id != REDIRECT_URI + request.response_uri:
        raise _fail("invalid_request", "with redirect_uri: the client_id is the response_uri")
    return request


def _request(
    params: Mapping[str, Any],
    *,
    signed: bool,
    subject: str | None = None,
    subject_name: str | None = None,
    trusted: bool | None = None,
    expires: int | None = None,
    budgets: DcqlBudgets,
) -> WalletRequest:
    if params.get("response_type") != "vp_token":
        raise _fail("invalid_request", "response_type must be vp_token")
    mode = params.get("response_mode")
    if mode not in RESPONSE_MODES:
        raise _fail("unsupported_response_mode", f"response_mode {mode!r} is not supported")
    if "presentation_definition" in params or "scope" in params:
        raise _fail("invalid_request", "only DCQL queries are supported (OpenID4VP 1.0)")
    if "transaction_data" in params:
        raise _fail("unsupported_transaction_data", "transaction_data is not supported")
    if "redirect_uri" in params:
        raise _fail("invalid_request", "redirect_uri must not be present with direct_post")
    client_id, response_uri, nonce = (
        params.get("client_id"),
        params.get("response_uri"),
        params.get("nonce"),
    )
    if not isinstance(client_id, str) or not client_id:
        raise _fail("invalid_request", "client_id is required")
    if not isinstance(response_uri, str) or len(response_uri) > 2000:
        raise _fail("invalid_request", "response_uri is required")
    target = urlsplit(response_uri)
    if target.scheme not in ("https", "http") or not target.netloc or target.fragment:
        raise _fail("invalid_request", "response_uri is an absolute http(s) URL")
    if not isinstance(nonce, str) or not nonce or len(nonce) > 512:
        raise _fail("invalid_request", "nonce is required")
    state = params.get("state")
    if state is not None and (not isinstance(state, str) or len(state) > 512):
        raise _fail("invalid_request", "state is a string")
    raw_query = params.get("dcql_query")
    if raw_query is None:
        raise _fail("invalid_request", "dcql_query is required")
    try:
        dcql = parse_dcql(raw_query, budgets)
    except DcqlError as exc:
        code = "dcql_over_budget" if exc.code == "over_budget" else "invalid_dcql"
        raise _fail(code, f"dcql_query: {exc.reason}") from None
    metadata = params.get("client_metadata", {})
    if not isinstance(metadata, Mapping):
        raise _fail("invalid_request", "client_metadata is an object")
    encryption = response_encryption(metadata) if mode == "direct_post.jwt" else None
    name = metadata.get("client_name")
    client_name = name.strip()[:200] if isinstance(name, str) and name.strip() else None
    purpose = params.get("purpose")
    return WalletRequest(
        client_id=client_id,
        response_uri=response_uri,
        response_mode=str(mode),
        nonce=nonce,
        state=state,
        dcql=dcql,
        dcql_query=dict(raw_query) if isinstance(raw_query, Mapping) else json.loads(raw_query),
        client_metadata=dict(metadata),
        signed=signed,
        verifier_name=subject_name or client_name,
        certificate_subject=subject,
        certificate_name=subject_name,
        client_name=client_name,
        trusted=trusted,
        encryption=encryption,
        purpose=purpose.strip()[:500] if isinstance(purpose, str) and purpose.strip() else None,
        expires_at=expires,
    )


# ---------------------------------------------------------------------------- responses


def response_encryption(metadata: Mapping[str, Any]) -> ResponseEncryption:
    """The verifier's key and algorithms for ``direct_post.jwt`` (§8.3)."""
    jwks = metadata.get("jwks")
    keys = jwks.get("keys") if isinstance(jwks, Mapping) else None
    if not isinstance(keys, list) or not keys:
        raise _fail("no_encryption_key", "client_metadata.jwks holds no key to encrypt to")
    chosen: dict[str, str] | None = None
    alg = "ECDH-ES"
    for key in keys[:MAX_JWKS_KEYS]:
        if not isinstance(key, Mapping) or key.get("kty") != "EC" or key.get("crv") != "P-256":
            continue
        if key.get("use") not in (None, "enc") or key.get("alg") not in (None, "ECDH-ES"):
            continue
        x, y, kid = key.get("x"), key.get("y"), key.get("kid")
        if not isinstance(x, str) or not isinstance(y, str):
            continue
        candidate = {"kty": "EC", "crv": "P-256", "x": x, "y": y}
        if not _usable_point(candidate):
            continue
        if isinstance(kid, str) and kid:
            candidate["kid"] = kid[:200]
        chosen = candidate
        break
    if chosen is None:
        raise _fail("no_encryption_key", "client_metadata.jwks has no P-256 ECDH-ES key")
    offered = metadata.get("encrypted_response_enc_values_supported")
    if offered is None:
        enc = "A128GCM"
    else:
        values = offered if isinstance(offered, list) else []
        enc = next((v for v in values if v in ENC_VALUES), "")
        if not enc:
            raise _fail("no_encryption_key", "none of the verifier's enc values is supported")
    return ResponseEncryption(chosen, alg, enc)


def _usable_point(candidate: Mapping[str, str]) -> bool:
    try:
        public_key_from_jwk(candidate)
    except KeyFormatError:
        return False
    return True


def encrypt_response(params: Mapping[str, Any], encryption: ResponseEncryption) -> str:
    """The compact JWE of the response parameters, to the verifier's key."""
    header: dict[str, str] = {"alg": encryption.alg, "enc": encryption.enc}
    public = {k: v for k, v in encryption.jwk.items() if k != "kid"}
    if "kid" in encryption.jwk:
        header["kid"] = encryption.jwk["kid"]
    token = jwe.JWE(
        plaintext=json.dumps(dict(params), separators=(",", ":")).encode("utf-8"),
        protected=json.dumps(header),
    )
    token.add_recipient(jwk.JWK(**public))
    compact: str = token.serialize(compact=True)
    return compact


def build_response(request: WalletRequest, vp_token: Mapping[str, Sequence[Any]]) -> dict[str, str]:
    """The form fields the wallet posts to ``response_uri``: ``vp_token`` (a JSON object by
    Credential Query id, §8.1) and ``state``; for ``direct_post.jwt`` both inside one JWE in
    ``response``."""
    unknown = set(vp_token) - set(request.query_ids)
    if unknown:
        raise _fail("invalid_request", f"no Credential Query with id {sorted(unknown)}")
    for query_id, items in vp_token.items():
        if not items:
            raise _fail("invalid_request", f"no presentation for {query_id}")
        if len(items) > 1 and not request.dcql.query(query_id).multiple:
            raise _fail("invalid_request", f"{query_id} asks for one credential only")
    token = {k: list(v) for k, v in vp_token.items()}
    if request.response_mode == "direct_post.jwt":
        if request.encryption is None:
            raise _fail("no_encryption_key", "no key to encrypt the response to")
        params: dict[str, Any] = {"vp_token": token}
        if request.state is not None:
            params["state"] = request.state
        return {"response": encrypt_response(params, request.encryption)}
    form = {"vp_token": json.dumps(token)}
    if request.state is not None:
        form["state"] = request.state
    return form
