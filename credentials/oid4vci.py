"""OpenID for Verifiable Credential Issuance 1.0: the protocol messages, without HTTP or storage.

Both sides use this module: the issuer builds offers and metadata and checks token requests,
credential requests and key proofs; a wallet parses offers and metadata, builds the token
request and signs key proofs. Section numbers refer to OpenID4VCI 1.0 (final).

    >>> offer = build_credential_offer(
    ...     "https://issuer.example/roc", ["MboCertificaatCredential_ldp_vc"],
    ...     pre_authorized_code="c0de", tx_code=TxCode(length=6))
    >>> uri = credential_offer_uri(by_reference="https://issuer.example/roc/offers/x")
    >>> parse_offer_uri(uri).credential_offer_uri
    'https://issuer.example/roc/offers/x'
    >>> parse_credential_offer(offer).tx_code
    TxCode(input_mode='numeric', length=6, description=None)

Malformed messages raise an :class:`Oid4vciError` whose ``error`` is the OAuth / OpenID4VCI
error code the other side should receive (``invalid_request``, ``invalid_grant``,
``invalid_proof``, …) and whose ``description`` is a readable ASCII sentence fit for
``error_description``. An error may also carry a :class:`TokenRefusal`: a stable code of ours
that the issuer sends in the ``refusal`` extension member (OAuth 2.0 allows extra members in
an error response), so that a wallet can tell "the offer is used" from "the transaction code
is wrong" without reading the description (:func:`error_answer`, :func:`refusal_of`).

    Oid4vciError (CredentialsError)
    ├── OfferError              a credential offer or offer URI is malformed (wallet side)
    ├── MetadataError           issuer or authorization server metadata is unusable
    ├── TokenRequestError       a token request is refused (RFC 6749 §5.2 codes)
    └── CredentialRequestError  a credential request is refused (§8.3.1.2 codes)
        └── KeyProofError       a key proof JWT is refused (invalid_proof / invalid_nonce)

Pure: no clock (``now`` is a parameter), no randomness, no network; DID resolution goes
through the resolver passed in.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Final
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from jwcrypto import jwk, jws

from .did import DidResolver, resolve_verification_method
from .errors import CredentialsError, JwtFormatError
from .jose import decode_vc_jwt, public_jwk
from .jwk import JwsSigner
from .jws import sign_compact
from .keys import Ed25519KeyPair

__all__ = [
    "ATTEST_JWT_CLIENT_AUTH",
    "CREDENTIAL_OFFER_SCHEME",
    "ISSUER_METADATA_TYP",
    "KEY_PROOF_TYP",
    "LDP_VC",
    "PRE_AUTHORIZED_GRANT",
    "AuthorizationServerMetadata",
    "CredentialOffer",
    "CredentialRequest",
    "CredentialRequestError",
    "IssuerMetadata",
    "KeyProof",
    "KeyProofError",
    "MetadataError",
    "OfferError",
    "OfferUri",
    "Oid4vciError",
    "TokenRefusal",
    "TokenRequest",
    "TokenRequestError",
    "TokenResponse",
    "TxCode",
    "authorization_server_metadata_url",
    "build_authorization_server_metadata",
    "build_credential_offer",
    "build_credential_request",
    "build_issuer_metadata",
    "create_key_proof",
    "credential_offer_uri",
    "error_answer",
    "issuer_metadata_url",
    "ldp_vc_configuration",
    "parse_authorization_server_metadata",
    "parse_credential_offer",
    "parse_credential_request",
    "parse_credential_response",
    "parse_issuer_metadata",
    "parse_offer_uri",
    "parse_token_request",
    "parse_token_response",
    "refusal_of",
    "sign_issuer_metadata",
    "token_request_form",
    "verify_key_proof",
]

JsonObject = dict[str, Any]

PRE_AUTHORIZED_GRANT: Final = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CREDENTIAL_OFFER_SCHEME: Final = "openid-credential-offer://"
KEY_PROOF_TYP: Final = "openid4vci-proof+jwt"
ISSUER_METADATA_TYP: Final = "openidvci-issuer-metadata+jwt"
ATTEST_JWT_CLIENT_AUTH: Final = "attest_jwt_client_auth"
"""The token endpoint auth method of OAuth 2.0 Attestation-Based Client Authentication."""
LDP_VC: Final = "ldp_vc"
_ALG: Final = "EdDSA"
_MAX_PARAM = 4096
_MAX_TX_DESCRIPTION = 300
_MAX_PROOF_BYTES = 16 * 1024


# --------------------------------------------------------------------------- errors


_ERROR_TEXT = re.compile(r"[^\x20\x21\x23-\x5b\x5d-\x7e]")


class Oid4vciError(CredentialsError):
    """A protocol message is refused. ``error`` is the code to answer with; ``description``
    is ASCII without ``"`` or ``\\`` (RFC 6749 §5.2 ``error_description`` characters)."""

    def __init__(
        self,
        error: str,
        description: str,
        *,
        refusal: TokenRefusal | None = None,
        attempts_left: int | None = None,
    ) -> None:
        clean = _ERROR_TEXT.sub("?", description)
        super().__init__(f"{error}: {clean}")
        self.error = error
        self.description = clean
        self.refusal = refusal
        self.attempts_left = attempts_left


class TokenRefusal(StrEnum):
    """Why the issuer refused a token or credential request, more precisely than the
    protocol's ``error`` code. Sent as the ``refusal`` member of the error answer beside
    ``error`` (which stays the RFC 6749 / OpenID4VCI code); ``attempts_left`` goes with
    :attr:`TX_CODE_WRONG`. Programs branch on these; ``error_description`` is prose."""

    OFFER_UNKNOWN = "offer_unknown"
    """No offer has this pre-authorized code."""
    OFFER_USED = "offer_used"
    """The pre-authorized code was exchanged before."""
    OFFER_EXPIRED = "offer_expired"
    OFFER_REVOKED = "offer_revoked"
    """The issuer withdrew the offer."""
    OFFER_LOCKED = "offer_locked"
    """Too many wrong transaction codes; the offer cannot be used any more."""
    TX_CODE_REQUIRED = "tx_code_required"
    TX_CODE_WRONG = "tx_code_wrong"
    """The transaction code is wrong; ``attempts_left`` more may be tried."""
    TOKEN_UNKNOWN = "token_unknown"  # noqa: S105 (a code, not a secret)
    """The access token is unknown or expired (credential endpoint)."""
    CREDENTIAL_REVOKED = "credential_revoked"
    """The credential behind the offer was revoked before it was delivered."""
    OTHER_HOLDER = "other_holder"
    """The offer was redeemed for another holder key."""
    FORMAT_UNAVAILABLE = "format_unavailable"
    """The issuer cannot deliver the requested format now."""


def error_answer(exc: Oid4vciError) -> JsonObject:
    """The JSON error answer for ``exc``: ``error``, ``error_description`` and, when known,
    ``refusal`` and ``attempts_left``."""
    body: JsonObject = {"error": exc.error, "error_description": exc.description}
    if exc.refusal is not None:
        body["refusal"] = exc.refusal.value
    if exc.attempts_left is not None:
        body["attempts_left"] = exc.attempts_left
    return body


def refusal_of(body: Any) -> tuple[TokenRefusal | None, int | None]:
    """The ``refusal`` and ``attempts_left`` of an error answer; None for what is absent or
    not one of ours (another issuer may send neither)."""
    if not isinstance(body, Mapping):
        return None, None
    code = body.get("refusal")
    try:
        refusal = TokenRefusal(code) if isinstance(code, str) else None
    except ValueError:
        refusal = None
    left = body.get("attempts_left")
    valid = isinstance(left, int) and not isinstance(left, bool) and 0 <= left <= 1000
    return refusal, left if valid else None


class OfferError(Oid4vciError):
    """A credential offer (§4.1) or its URI is malformed."""

    def __init__(self, description: str) -> None:
        super().__init__("invalid_credential_offer", description)


class MetadataError(Oid4vciError):
    """Credential Issuer metadata (§12.2) or OAuth server metadata (§12.3) is unusable."""

    def __init__(self, description: str) -> None:
        super().__init__("invalid_metadata", description)


class TokenRequestError(Oid4vciError):
    """A token request is refused: ``invalid_request``, ``invalid_grant``,
    ``unsupported_grant_type`` (RFC 6749 §5.2, OpenID4VCI §6.3)."""


class CredentialRequestError(Oid4vciError):
    """A credential request is refused: ``invalid_credential_request``,
    ``unknown_credential_configuration``, ``invalid_proof``, ``invalid_nonce``,
    ``invalid_encryption_parameters``, ``credential_request_denied`` (§8.3.1.2)."""


class KeyProofError(CredentialRequestError):
    """A ``jwt`` key proof (§F.1) is refused (``invalid_proof``; ``invalid_nonce`` is raised
    by the issuer when the nonce is not one it handed out)."""

    def __init__(self, description: str, error: str = "invalid_proof") -> None:
        super().__init__(error, description)


# --------------------------------------------------------------------------- offers


@dataclass(frozen=True, slots=True)
class TxCode:
    """The ``tx_code`` object of a pre-authorized code grant (§4.1.1)."""

    input_mode: str = "numeric"
    length: int | None = None
    description: str | None = None

    def to_json(self) -> JsonObject:
        value: JsonObject = {"input_mode": self.input_mode}
        if self.length is not None:
            value["length"] = self.length
        if self.description is not None:
            value["description"] = self.description
        return value


@dataclass(frozen=True, slots=True)
class CredentialOffer:
    """A parsed Credential Offer (§4.1.1). ``pre_authorized_code`` is None when the offer has
    no pre-authorized code grant; ``tx_code`` is None when no transaction code is needed."""

    credential_issuer: str
    credential_configuration_ids: tuple[str, ...]
    pre_authorized_code: str | None = None
    tx_code: TxCode | None = None
    issuer_state: str | None = None
    authorization_server: str | None = None
    raw: JsonObject = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class OfferUri:
    """What a credential offer URI carries: the offer by value or a URL to fetch it from."""

    credential_offer: CredentialOffer | None = None
    credential_offer_uri: str | None = None


def build_credential_offer(
    credential_issuer: str,
    credential_configuration_ids: Sequence[str],
    *,
    pre_authorized_code: str,
    tx_code: TxCode | None = None,
) -> JsonObject:
    """A Credential Offer object for the pre-authorized code flow (§4.1.1)."""
    _check_issuer_identifier(credential_issuer, OfferError, allow_http=True)
    ids = list(credential_configuration_ids)
    if not ids or len(set(ids)) != len(ids) or not all(isinstance(i, str) and i for i in ids):
        raise OfferError("credential_configuration_ids must be non-empty unique strings")
    if not pre_authorized_code:
        raise OfferError("the pre-authorized_code must not be empty")
    grant: JsonObject = {"pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        _check_tx_code(tx_code)
        grant["tx_code"] = tx_code.to_json()
    return {
        "credential_issuer": credential_issuer,
        "credential_configuration_ids": ids,
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def _check_tx_code(tx_code: TxCode) -> None:
    if tx_code.input_mode not in ("numeric", "text"):
        raise OfferError("tx_code input_mode must be numeric or text")
    if tx_code.length is not None and (
        isinstance(tx_code.length, bool) or not isinstance(tx_code.length, int)
    ):
        raise OfferError("tx_code length must be an integer")
    if tx_code.length is not None and tx_code.length < 1:
        raise OfferError("tx_code length must be positive")
    if tx_code.description is not None and (
        not isinstance(tx_code.description, str) or len(tx_code.description) > _MAX_TX_DESCRIPTION
    ):
        raise OfferError("tx_code description must be a string of at most 300 characters")


def parse_credential_offer(value: Any, *, allow_http: bool = False) -> CredentialOffer:
    """Check a Credential Offer object (§4.1.1) and return its parts.

    Unknown parameters are ignored, as the spec asks. ``allow_http`` admits a plain-http
    credential issuer (development only)."""
    if not isinstance(value, Mapping):
        raise OfferError("a credential offer is a JSON object")
    issuer = value.get("credential_issuer")
    _check_issuer_identifier(issuer, OfferError, allow_http=allow_http)
    ids = value.get("credential_configuration_ids")
    if (
        not isinstance(ids, list)
        or not ids
        or not all(isinstance(i, str) and i for i in ids)
        or len(set(ids)) != len(ids)
    ):
        raise OfferError("credential_configuration_ids must be a non-empty array of unique strings")
    grants = value.get("grants", {})
    if not isinstance(grants, Mapping):
        raise OfferError("grants must be a JSON object")
    code: str | None = None
    tx_code: TxCode | None = None
    server: str | None = None
    pre = grants.get(PRE_AUTHORIZED_GRANT)
    if pre is not None:
        if not isinstance(pre, Mapping):
            raise OfferError("the pre-authorized code grant must be a JSON object")
        code = pre.get("pre-authorized_code")
        if not isinstance(code, str) or not code or len(code) > _MAX_PARAM:
            raise OfferError("the pre-authorized code grant needs a pre-authorized_code string")
        raw_tx = pre.get("tx_code")
        if raw_tx is not None:
            if not isinstance(raw_tx, Mapping):
                raise OfferError("tx_code must be a JSON object")
            tx_code = TxCode(
                input_mode=raw_tx.get("input_mode", "numeric"),
                length=raw_tx.get("length"),
                description=raw_tx.get("description"),
            )
            _check_tx_code(tx_code)
        server = _optional_str(pre, "authorization_server", OfferError)
    issuer_state: str | None = None
    auth = grants.get("authorization_code")
    if auth is not None:
        if not isinstance(auth, Mapping):
            raise OfferError("the authorization_code grant must be a JSON object")
        issuer_state = _optional_str(auth, "issuer_state", OfferError)
        server = server or _optional_str(auth, "authorization_server", OfferError)
    return CredentialOffer(
        credential_issuer=str(issuer),
        credential_configuration_ids=tuple(ids),
        pre_authorized_code=code,
        tx_code=tx_code,
        issuer_state=issuer_state,
        authorization_server=server,
        raw=dict(value),
    )


def credential_offer_uri(
    offer: Mapping[str, Any] | None = None,
    *,
    by_reference: str | None = None,
    endpoint: str = CREDENTIAL_OFFER_SCHEME,
) -> str:
    """The URI that hands an offer to a wallet (§4.1): ``credential_offer`` by value or
    ``credential_offer_uri`` by reference (shorter, better for QR codes). ``endpoint`` is the
    wallet's Credential Offer Endpoint, by default the ``openid-credential-offer://`` scheme."""
    if (offer is None) == (by_reference is None):
        raise OfferError("give either the offer (by value) or a URL (by reference)")
    if by_reference is not None:
        _check_url(by_reference, OfferError, "credential_offer_uri", allow_http=True)
        query = urlencode({"credential_offer_uri": by_reference}, quote_via=quote, safe="")
    else:
        body = json.dumps(offer, separators=(",", ":"), ensure_ascii=False)
        query = urlencode({"credential_offer": body}, quote_via=quote, safe="")
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{query}"


def parse_offer_uri(uri: str, *, allow_http: bool = False) -> OfferUri:
    """Read a credential offer URI (a scanned QR code or clicked link).

    Exactly one of ``credential_offer`` / ``credential_offer_uri`` must be present, once.
    A ``credential_offer_uri`` must be https (``allow_http`` for development)."""
    if not isinstance(uri, str) or len(uri) > 16 * 1024:
        raise OfferError("an offer URI is a string of at most 16 KiB")
    parts = urlsplit(uri.strip())
    if not parts.scheme:
        raise OfferError("an offer URI needs a scheme such as openid-credential-offer://")
    try:
        pairs = parse_qsl(parts.query, keep_blank_values=True, strict_parsing=bool(parts.query))
    except ValueError:
        raise OfferError("the offer URI's query is malformed") from None
    params = _unique_params(pairs, OfferError)
    by_value = params.get("credential_offer")
    by_reference = params.get("credential_offer_uri")
    if (by_value is None) == (by_reference is None):
        raise OfferError("the URI must carry exactly one of credential_offer, credential_offer_uri")
    if by_reference is not None:
        _check_url(by_reference, OfferError, "credential_offer_uri", allow_http=allow_http)
        return OfferUri(credential_offer_uri=by_reference)
    try:
        value = json.loads(str(by_value))
    except (ValueError, RecursionError):
        raise OfferError("credential_offer is not JSON") from None
    return OfferUri(credential_offer=parse_credential_offer(value, allow_http=allow_http))


# --------------------------------------------------------------------------- metadata


def _well_known(identifier: str, name: str) -> str:
    parts = urlsplit(identifier)
    path = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}/.well-known/{name}{path}"


def issuer_metadata_url(credential_issuer: str) -> str:
    """Where the Credential Issuer metadata lives (§12.2.2): ``/.well-known/openid-credential-
    issuer`` inserted between host and path of the identifier."""
    _check_issuer_identifier(credential_issuer, MetadataError, allow_http=True)
    return _well_known(credential_issuer, "openid-credential-issuer")


def authorization_server_metadata_url(issuer: str) -> str:
    """Where OAuth Authorization Server metadata lives (RFC 8414 §3.1)."""
    _check_issuer_identifier(issuer, MetadataError, allow_http=True)
    return _well_known(issuer, "oauth-authorization-server")


def ldp_vc_configuration(
    context: Sequence[Any],
    types: Sequence[str],
    *,
    display: Sequence[Mapping[str, Any]] = (),
    binding_methods: Sequence[str] = ("did:key",),
    proof_algs: Sequence[str] = (_ALG,),
    signing_algs: Sequence[str] = ("eddsa-rdfc-2022",),
) -> JsonObject:
    """One entry of ``credential_configurations_supported`` for format ``ldp_vc`` (§A.1.2),
    with holder binding by ``jwt`` key proofs."""
    config: JsonObject = {
        "format": LDP_VC,
        "cryptographic_binding_methods_supported": list(binding_methods),
        "credential_signing_alg_values_supported": list(signing_algs),
        "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": list(proof_algs)}},
        "credential_definition": {"@context": list(context), "type": list(types)},
    }
    if display:
        config["credential_metadata"] = {"display": [dict(d) for d in display]}
    return config


def build_issuer_metadata(
    credential_issuer: str,
    *,
    credential_endpoint: str,
    configurations: Mapping[str, Mapping[str, Any]],
    nonce_endpoint: str | None = None,
    authorization_servers: Sequence[str] = (),
    display: Sequence[Mapping[str, Any]] = (),
    batch_size: int | None = None,
) -> JsonObject:
    """Credential Issuer metadata (§12.2.4). Without ``authorization_servers`` the issuer is
    its own authorization server (its identifier is the AS issuer). ``batch_size`` (at least
    2) announces ``batch_credential_issuance``: that many key proofs, and so credential
    copies, per credential request (§8.2)."""
    _check_issuer_identifier(credential_issuer, MetadataError, allow_http=True)
    if not configurations:
        raise MetadataError("credential_configurations_supported must not be empty")
    metadata: JsonObject = {"credential_issuer": credential_issuer}
    if authorization_servers:
        metadata["authorization_servers"] = list(authorization_servers)
    metadata["credential_endpoint"] = credential_endpoint
    if nonce_endpoint is not None:
        metadata["nonce_endpoint"] = nonce_endpoint
    if batch_size is not None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 2:
            raise MetadataError("batch_size must be an integer of at least 2")
        metadata["batch_credential_issuance"] = {"batch_size": batch_size}
    if display:
        metadata["display"] = [dict(d) for d in display]
    metadata["credential_configurations_supported"] = {
        name: dict(config) for name, config in configurations.items()
    }
    return metadata


def sign_issuer_metadata(
    metadata: Mapping[str, Any],
    signer: JwsSigner,
    *,
    iat: int,
    x5c: Sequence[str] | None = None,
    kid: str | None = None,
    exp: int | None = None,
) -> str:
    """Signed Credential Issuer metadata (§12.2.3): a JWT with ``typ``
    ``openidvci-issuer-metadata+jwt`` whose claims are every metadata parameter (top level,
    unchanged) plus ``sub`` (the Credential Issuer Identifier) and ``iat`` (and ``exp`` when
    given). The key is named by ``x5c`` (a certificate chain, leaf first) or ``kid``.
    A ``signed_metadata`` member of ``metadata`` itself is left out of the claims."""
    claims: JsonObject = {k: v for k, v in metadata.items() if k != "signed_metadata"}
    issuer = claims.get("credential_issuer")
    _check_issuer_identifier(issuer, MetadataError, allow_http=True)
    if (x5c is None) == (kid is None):
        raise MetadataError("name the signing key with exactly one of x5c and kid")
    for name in ("sub", "iat", "exp", "iss"):
        if name in claims:
            raise MetadataError(f"metadata must not carry a {name} parameter of its own")
    claims["sub"] = issuer
    claims["iat"] = iat
    if exp is not None:
        claims["exp"] = exp
    header: JsonObject = {"typ": ISSUER_METADATA_TYP}
    if x5c is not None:
        header["x5c"] = list(x5c)
    else:
        header["kid"] = kid
    return sign_compact(header, claims, signer, compact_json=True)


@dataclass(frozen=True, slots=True)
class IssuerMetadata:
    """The parts of Credential Issuer metadata a wallet acts on."""

    credential_issuer: str
    credential_endpoint: str
    nonce_endpoint: str | None
    authorization_servers: tuple[str, ...]
    configurations: Mapping[str, JsonObject]
    raw: JsonObject = field(compare=False, repr=False)

    @property
    def authorization_server(self) -> str:
        """The AS to use: the first listed, or the credential issuer itself (§12.2.4)."""
        return (
            self.authorization_servers[0]
            if self.authorization_servers
            else (self.credential_issuer)
        )


def parse_issuer_metadata(
    value: Any, *, expected_issuer: str, allow_http: bool = False
) -> IssuerMetadata:
    """Check Credential Issuer metadata fetched for ``expected_issuer`` (§12.2.4): the
    ``credential_issuer`` must be identical to it (simple string comparison)."""
    if not isinstance(value, Mapping):
        raise MetadataError("credential issuer metadata is a JSON object")
    issuer = value.get("credential_issuer")
    if issuer != expected_issuer:
        raise MetadataError(
            f"credential_issuer {issuer!r} is not the identifier asked for ({expected_issuer})"
        )
    endpoint = value.get("credential_endpoint")
    _check_url(endpoint, MetadataError, "credential_endpoint", allow_http=allow_http)
    nonce = value.get("nonce_endpoint")
    if nonce is not None:
        _check_url(nonce, MetadataError, "nonce_endpoint", allow_http=allow_http)
    servers = value.get("authorization_servers", [])
    if not isinstance(servers, list) or not all(isinstance(s, str) for s in servers):
        raise MetadataError("authorization_servers must be an array of strings")
    configs = value.get("credential_configurations_supported")
    if not isinstance(configs, Mapping) or not configs:
        raise MetadataError("credential_configurations_supported must be a non-empty object")
    for name, config in configs.items():
        if not isinstance(config, Mapping) or not isinstance(config.get("format"), str):
            raise MetadataError(f"credential configuration {name!r} has no format")
    return IssuerMetadata(
        credential_issuer=str(issuer),
        credential_endpoint=str(endpoint),
        nonce_endpoint=str(nonce) if nonce is not None else None,
        authorization_servers=tuple(servers),
        configurations={str(k): dict(v) for k, v in configs.items()},
        raw=dict(value),
    )


def build_authorization_server_metadata(
    issuer: str,
    *,
    token_endpoint: str,
    client_attestation_algs: Sequence[str] = (),
    anonymous: bool = True,
) -> JsonObject:
    """RFC 8414 metadata of an authorization server that only serves the pre-authorized code
    grant (§12.3); ``response_types_supported`` may then be omitted, and so may a
    ``pushed_authorization_request_endpoint``: there is no authorization request to push
    (RFC 9126 pushes the parameters of an authorization-endpoint request).

    ``client_attestation_algs`` announces wallet attestations (OAuth 2.0 Attestation-Based
    Client Authentication: ``attest_jwt_client_auth`` and the algorithms of both JWTs);
    ``anonymous`` False says the token endpoint requires one."""
    _check_issuer_identifier(issuer, MetadataError, allow_http=True)
    methods = (["none"] if anonymous else []) + (
        [ATTEST_JWT_CLIENT_AUTH] if client_attestation_algs else []
    )
    metadata: JsonObject = {
        "issuer": issuer,
        "token_endpoint": token_endpoint,
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": methods or ["none"],
        "pre-authorized_grant_anonymous_access_supported": anonymous,
    }
    if client_attestation_algs:
        metadata["client_attestation_signing_alg_values_supported"] = list(client_attestation_algs)
        metadata["client_attestation_pop_signing_alg_values_supported"] = list(
            client_attestation_algs
        )
    return metadata


@dataclass(frozen=True, slots=True)
class AuthorizationServerMetadata:
    issuer: str
    token_endpoint: str
    anonymous_pre_authorized: bool
    raw: JsonObject = field(compare=False, repr=False)


def parse_authorization_server_metadata(
    value: Any, *, expected_issuer: str, allow_http: bool = False
) -> AuthorizationServerMetadata:
    """Check RFC 8414 metadata: ``issuer`` identical to the one asked for (§3.3)."""
    if not isinstance(value, Mapping):
        raise MetadataError("authorization server metadata is a JSON object")
    if value.get("issuer") != expected_issuer:
        raise MetadataError(f"issuer {value.get('issuer')!r} is not {expected_issuer}")
    endpoint = value.get("token_endpoint")
    _check_url(endpoint, MetadataError, "token_endpoint", allow_http=allow_http)
    return AuthorizationServerMetadata(
        issuer=expected_issuer,
        token_endpoint=str(endpoint),
        anonymous_pre_authorized=value.get("pre-authorized_grant_anonymous_access_supported")
        is True,
        raw=dict(value),
    )


# --------------------------------------------------------------------------- token


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """A pre-authorized code token request (§6.1)."""

    pre_authorized_code: str
    tx_code: str | None
    client_id: str | None = None


def token_request_form(pre_authorized_code: str, tx_code: str | None = None) -> dict[str, str]:
    """The form fields a wallet POSTs (``application/x-www-form-urlencoded``) to the token
    endpoint for the pre-authorized code grant (§6.1)."""
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": pre_authorized_code}
    if tx_code is not None:
        form["tx_code"] = tx_code
    return form


def parse_token_request(body: bytes | str) -> TokenRequest:
    """Parse an ``application/x-www-form-urlencoded`` token request body.

    ``unsupported_grant_type`` for any grant but the pre-authorized code; ``invalid_request``
    for missing, empty or repeated parameters (RFC 6749 §3.2). Unknown parameters are
    ignored."""
    if isinstance(body, bytes):
        try:
            body = body.decode("ascii")
        except UnicodeDecodeError:
            raise TokenRequestError("invalid_request", "the form body is not ASCII") from None
    if len(body) > 4 * _MAX_PARAM:
        raise TokenRequestError("invalid_request", "the request is too large")
    try:
        pairs = parse_qsl(body, keep_blank_values=True, strict_parsing=bool(body))
    except ValueError:
        raise TokenRequestError("invalid_request", "the form body is malformed") from None
    params = _unique_params(pairs, lambda text: TokenRequestError("invalid_request", text))
    grant = params.get("grant_type")
    if not grant:
        raise TokenRequestError("invalid_request", "grant_type is missing")
    if grant != PRE_AUTHORIZED_GRANT:
        raise TokenRequestError(
            "unsupported_grant_type", f"only the grant type {PRE_AUTHORIZED_GRANT} is supported"
        )
    code = params.get("pre-authorized_code")
    if not code:
        raise TokenRequestError("invalid_request", "pre-authorized_code is missing")
    if len(code) > _MAX_PARAM:
        raise TokenRequestError("invalid_grant", "the pre-authorized code is not valid")
    tx_code = params.get("tx_code")
    if tx_code is not None and (not tx_code or len(tx_code) > 64):
        raise TokenRequestError("invalid_request", "tx_code must be a short non-empty string")
    return TokenRequest(code, tx_code, params.get("client_id") or None)


@dataclass(frozen=True, slots=True)
class TokenResponse:
    access_token: str
    token_type: str
    expires_in: int | None
    raw: JsonObject = field(compare=False, repr=False)


def parse_token_response(value: Any) -> TokenResponse:
    """Read a successful token response (RFC 6749 §5.1); raises for an error response."""
    if not isinstance(value, Mapping):
        raise TokenRequestError("invalid_response", "the token response is not a JSON object")
    if "error" in value:
        raise TokenRequestError(
            str(value.get("error")), str(value.get("error_description") or "token refused")
        )
    token = value.get("access_token")
    token_type = value.get("token_type")
    if not isinstance(token, str) or not token:
        raise TokenRequestError("invalid_response", "access_token is missing")
    if not isinstance(token_type, str) or token_type.lower() not in ("bearer", "dpop"):
        raise TokenRequestError("invalid_response", "token_type must be Bearer or DPoP")
    expires = value.get("expires_in")
    return TokenResponse(
        token, token_type, expires if isinstance(expires, int) else None, dict(value)
    )


# --------------------------------------------------------------------------- credential


@dataclass(frozen=True, slots=True)
class CredentialRequest:
    """A credential request (§8.2) with ``jwt`` key proofs."""

    credential_configuration_id: str | None
    credential_identifier: str | None
    proofs: tuple[str, ...]


def build_credential_request(credential_configuration_id: str, proofs: Sequence[str]) -> JsonObject:
    """The JSON body a wallet POSTs to the credential endpoint (§8.2)."""
    request: JsonObject = {"credential_configuration_id": credential_configuration_id}
    if proofs:
        request["proofs"] = {"jwt": list(proofs)}
    return request


def parse_credential_request(value: Any, *, max_proofs: int = 1) -> CredentialRequest:
    """Check a credential request body (§8.2) and return its parts.

    Errors (§8.3.1.2): ``invalid_credential_request`` for a malformed body or both / neither
    identifier; ``invalid_proof`` when ``proofs`` is missing, not exactly one ``jwt`` array of
    strings, or longer than ``max_proofs``; ``invalid_encryption_parameters`` when response
    encryption is asked for (this issuer does not encrypt)."""
    if not isinstance(value, Mapping):
        raise CredentialRequestError(
            "invalid_credential_request", "the credential request is not a JSON object"
        )
    config_id = value.get("credential_configuration_id")
    identifier = value.get("credential_identifier")
    if config_id is not None and identifier is not None:
        raise CredentialRequestError(
            "invalid_credential_request",
            "send credential_configuration_id or credential_identifier, not both",
        )
    if config_id is None and identifier is None:
        raise CredentialRequestError(
            "invalid_credential_request", "credential_configuration_id is missing"
        )
    for name, item in (("credential_configuration_id", config_id),
                       ("credential_identifier", identifier)):  # fmt: skip
        if item is not None and (not isinstance(item, str) or not item or len(item) > 200):
            raise CredentialRequestError("invalid_credential_request", f"{name} must be a string")
    if "credential_response_encryption" in value:
        raise CredentialRequestError(
            "invalid_encryption_parameters", "this issuer does not encrypt credential responses"
        )
    proofs = value.get("proofs")
    if proofs is None:
        hint = " (proof is from a draft; OpenID4VCI 1.0 uses proofs)" if "proof" in value else ""
        raise KeyProofError("proofs is missing" + hint)
    if not isinstance(proofs, Mapping) or len(proofs) != 1:
        raise KeyProofError("proofs must be an object with exactly one proof type")
    proof_type, items = next(iter(proofs.items()))
    if proof_type != "jwt":
        raise KeyProofError(f"proof type {str(proof_type)[:40]} is not supported; use jwt")
    if not isinstance(items, list) or not items or not all(isinstance(p, str) for p in items):
        raise KeyProofError("proofs.jwt must be a non-empty array of JWT strings")
    if len(items) > max_proofs:
        raise KeyProofError(f"at most {max_proofs} key proof(s) per request")
    return CredentialRequest(
        str(config_id) if config_id is not None else None,
        str(identifier) if identifier is not None else None,
        tuple(items),
    )


def parse_credential_response(value: Any) -> list[Any]:
    """The credentials of an immediate credential response (§8.3); raises for an error
    response or a deferred one (this module does not poll)."""
    if not isinstance(value, Mapping):
        raise CredentialRequestError("invalid_response", "the response is not a JSON object")
    if "error" in value:
        raise CredentialRequestError(
            str(value.get("error")), str(value.get("error_description") or "request refused")
        )
    items = value.get("credentials")
    if not isinstance(items, list) or not items:
        raise CredentialRequestError("invalid_response", "credentials is missing or empty")
    if not all(isinstance(i, Mapping) and "credential" in i for i in items):
        raise CredentialRequestError("invalid_response", "each entry must hold a credential")
    return [i["credential"] for i in items]


# --------------------------------------------------------------------------- key proofs


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def create_key_proof(
    key: Ed25519KeyPair,
    *,
    audience: str,
    nonce: str | None,
    issued_at: datetime,
    kid: str | None = None,
) -> str:
    """A ``jwt`` key proof (§F.1) signed by the holder's key: header ``typ``
    ``openid4vci-proof+jwt``, ``alg`` EdDSA, ``kid`` the did:key verification method; claims
    ``aud`` (the credential issuer identifier), ``iat`` and ``nonce`` (a fresh ``c_nonce``).
    No ``iss``: the pre-authorized code flow is used anonymously."""
    if issued_at.tzinfo is None:
        raise ValueError("issued_at must be timezone-aware")
    header = {"typ": KEY_PROOF_TYP, "alg": _ALG, "kid": kid or key.did_key_verification_method}
    claims: JsonObject = {"aud": audience, "iat": int(issued_at.timestamp())}
    if nonce is not None:
        claims["nonce"] = nonce
    token = jws.JWS(json.dumps(claims, separators=(",", ":")).encode("utf-8"))
    token.allowed_algs = [_ALG]
    private = jwk.JWK(kty="OKP", crv="Ed25519", x=_b64url(key.public_bytes), d=_b64url(key.seed))
    token.add_signature(private, alg=_ALG, protected=json.dumps(header))
    return str(token.serialize(compact=True))


@dataclass(frozen=True, slots=True)
class KeyProof:
    """A verified key proof: the holder's DID (what the credential is bound to) and the
    nonce, which the issuer still has to match against a ``c_nonce`` it handed out."""

    holder_did: str
    kid: str
    nonce: str | None
    issued_at: int
    header: JsonObject = field(repr=False)
    claims: JsonObject = field(repr=False)


def verify_key_proof(
    token: str,
    *,
    audience: str,
    now: datetime,
    resolver: DidResolver,
    require_nonce: bool = True,
    max_age: timedelta = timedelta(minutes=10),
    leeway: timedelta = timedelta(minutes=5),
) -> KeyProof:
    """Verify a ``jwt`` key proof (§F.1, §F.4); raise :class:`KeyProofError` when refused.

    Checks: compact form (strict base64url, no duplicate members), ``typ``, ``alg`` EdDSA
    only, no ``crit``, a ``kid`` DID URL and no ``jwk``/``x5c`` beside it, the key found by
    ``resolver`` under ``authentication``, the signature, ``aud`` equal to (or an array
    holding) ``audience``, a numeric ``iat`` no older than ``max_age`` and no further ahead
    than ``leeway``, and a ``nonce`` string when ``require_nonce``."""
    if not isinstance(token, str) or len(token) > _MAX_PROOF_BYTES:
        raise KeyProofError("the key proof is not a JWT of reasonable size")
    try:
        header, claims = decode_vc_jwt(token, max_bytes=_MAX_PROOF_BYTES)
    except JwtFormatError as exc:
        raise KeyProofError(f"the key proof is malformed: {exc}") from None
    if header.get("typ") != KEY_PROOF_TYP:
        raise KeyProofError(f"the key proof typ must be {KEY_PROOF_TYP}")
    if header.get("alg") != _ALG:
        raise KeyProofError(f"the key proof alg must be {_ALG}")
    if "crit" in header:
        raise KeyProofError("critical header parameters (crit) are not supported")
    if "jwk" in header or "x5c" in header:
        raise KeyProofError("identify the key with kid (a did:key DID URL), not jwk or x5c")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:") or "#" not in kid:
        raise KeyProofError("the key proof kid must be a DID URL (did:key:...#...)")
    try:
        resolved = resolve_verification_method(kid, "authentication", resolver)
    except CredentialsError as exc:
        raise KeyProofError(f"the key proof kid cannot be used: {exc}") from None
    try:
        parsed = jws.JWS()
        parsed.allowed_algs = [_ALG]
        parsed.deserialize(token)
        parsed.verify(public_jwk(resolved.public_key), alg=_ALG)
    except Exception:  # jwcrypto signals failures with several exception types
        raise KeyProofError("the key proof signature does not verify with the kid key") from None
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if audience not in audiences:
        raise KeyProofError(f"the key proof aud must be the credential issuer {audience}")
    iat = claims.get("iat")
    if isinstance(iat, bool) or not isinstance(iat, int | float):
        raise KeyProofError("the key proof needs a numeric iat")
    moment = now.timestamp()
    if iat > moment + leeway.total_seconds():
        raise KeyProofError("the key proof iat lies in the future")
    if iat < moment - max_age.total_seconds():
        raise KeyProofError("the key proof is too old (iat); make a new one")
    nonce = claims.get("nonce")
    if nonce is not None and not isinstance(nonce, str):
        raise KeyProofError("the key proof nonce must be a string")
    if require_nonce and not nonce:
        raise KeyProofError("the key proof has no nonce; get a c_nonce from the nonce endpoint")
    return KeyProof(resolved.controller, kid, nonce, int(iat), header, claims)


# --------------------------------------------------------------------------- helpers


def _unique_params(pairs: list[tuple[str, str]], error: Any) -> dict[str, str]:
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise error(f"parameter {name[:40]} appears more than once")
        params[name] = value
    return params


def _optional_str(value: Mapping[str, Any], name: str, error: Any) -> str | None:
    item = value.get(name)
    if item is not None and not isinstance(item, str):
        raise error(f"{name} must be a string")
    return item


def _check_url(value: Any, error: Any, name: str, *, allow_http: bool) -> None:
    if not isinstance(value, str) or len(value) > 2048 or not value.isascii():
        raise error(f"{name} must be an ASCII URL")
    parts = urlsplit(value)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.netloc or " " in value:
        raise error(f"{name} must be an https URL")


def _check_issuer_identifier(value: Any, error: Any, *, allow_http: bool) -> None:
    """§12.2.1: an https URL with host and optional port and path, no query or fragment."""
    _check_url(value, error, "credential_issuer", allow_http=allow_http)
    parts = urlsplit(value)
    if parts.query or parts.fragment or "?" in value or "#" in value:
        raise error("credential_issuer must not have a query or fragment")
