"""OpenID for Verifiable Presentations 1.0: the messages, as pure functions (no HTTP).

The verifier makes an unsigned Authorization Request with the ``redirect_uri`` Client
Identifier Prefix (§5.9.3: ``client_id = "redirect_uri:" + response_uri``), Response Mode
``direct_post`` (§8.2) and a DCQL query (§6) for ``ldp_vc`` credentials; the wallet answers
with a form POST whose ``vp_token`` is a JSON object mapping each Credential Query id to a
list of presentations (§8.1). For Data Integrity presentations the proof's ``challenge`` is
the request's ``nonce`` and its ``domain`` the ``client_id`` (Appendix B.1.3.3).

    >>> request = build_authorization_request(
    ...     response_uri="https://verifier.example/oid4vp/response/abc",
    ...     nonce="n-123", state="abc", dcql_query=mbo_dcql_query())
    >>> uri = request_uri(request)
    >>> parse_authorization_request(uri).nonce
    'n-123'
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from .errors import CredentialsError

__all__ = [
    "CLIENT_ID_PREFIX",
    "SCHEME",
    "VC_TYPE_IRI",
    "AuthorizationRequest",
    "OpenId4VpError",
    "build_authorization_request",
    "build_response_form",
    "mbo_dcql_query",
    "parse_authorization_request",
    "parse_response_form",
    "request_uri",
]

SCHEME = "openid4vp://"
CLIENT_ID_PREFIX = "redirect_uri:"
MAX_LENGTH = 64 * 1024
_JSON_PARAMS = ("dcql_query", "client_metadata")
VC_TYPE_IRI = "https://www.w3.org/2018/credentials#VerifiableCredential"
"""``VerifiableCredential`` fully expanded (the IRI of VC Data Model 1.1 and 2.0): DCQL
``type_values`` name expanded types (B.1.1), not the compact names of a credential's JSON."""


class OpenId4VpError(CredentialsError, ValueError):
    """A request or response does not follow OpenID4VP; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class AuthorizationRequest:
    client_id: str
    response_uri: str
    nonce: str
    state: str | None
    dcql_query: dict[str, Any]
    client_metadata: dict[str, Any]

    @property
    def query_ids(self) -> tuple[str, ...]:
        return tuple(str(q["id"]) for q in self.dcql_query["credentials"])

    def to_params(self) -> dict[str, Any]:
        params: dict[str, Any] = {
            "response_type": "vp_token",
            "response_mode": "direct_post",
            "client_id": self.client_id,
            "response_uri": self.response_uri,
            "nonce": self.nonce,
            "dcql_query": self.dcql_query,
            "client_metadata": self.client_metadata,
        }
        if self.state is not None:
            params["state"] = self.state
        return params


def mbo_dcql_query(
    query_id: str = "mbo_credentials", types: Sequence[str] = (VC_TYPE_IRI,)
) -> dict[str, Any]:
    """A DCQL query for any number of ``ldp_vc`` credentials having all of ``types``, fully
    expanded type IRIs (B.1.1; :func:`qualifications.achievements.type_iris` gives ours per
    kind)."""
    return {
        "credentials": [
            {
                "id": query_id,
                "format": "ldp_vc",
                "multiple": True,
                "meta": {"type_values": [list(types)]},
            }
        ]
    }


def build_authorization_request(
    *,
    response_uri: str,
    nonce: str,
    state: str | None,
    dcql_query: Mapping[str, Any],
    client_name: str | None = None,
) -> AuthorizationRequest:
    """An unsigned request; the wallet posts its answer to ``response_uri``."""
    metadata: dict[str, Any] = {
        "vp_formats_supported": {
            "ldp_vc": {
                "proof_type_values": ["DataIntegrityProof"],
                "cryptosuite_values": ["eddsa-rdfc-2022"],
            }
        }
    }
    if client_name:
        metadata["client_name"] = client_name
    request = AuthorizationRequest(
        client_id=CLIENT_ID_PREFIX + response_uri,
        response_uri=response_uri,
        nonce=nonce,
        state=state,
        dcql_query=dict(dcql_query),
        client_metadata=metadata,
    )
    _check(request)
    return request


def request_uri(request: AuthorizationRequest, *, base: str = SCHEME) -> str:
    """The request by value as a link for a QR code: ``openid4vp://?response_type=…``."""
    params = {
        k: json.dumps(v, separators=(",", ":")) if k in _JSON_PARAMS else v
        for k, v in request.to_params().items()
    }
    return base + ("" if base.endswith("?") else "?") + urlencode(params)


def _check(request: AuthorizationRequest) -> None:
    parts = urlsplit(request.response_uri)
    if parts.scheme not in ("https", "http") or not parts.netloc or parts.fragment:
        raise OpenId4VpError("response_uri must be an absolute http(s) URL without fragment")
    if request.client_id != CLIENT_ID_PREFIX + request.response_uri:
        raise OpenId4VpError("with the redirect_uri: prefix the client_id must be the response_uri")
    if not request.nonce or len(request.nonce) > 512:
        raise OpenId4VpError("nonce is required")
    credentials = request.dcql_query.get("credentials")
    if not isinstance(credentials, list) or not credentials:
        raise OpenId4VpError("dcql_query needs a non-empty 'credentials' list")
    ids = []
    for query in credentials:
        if not isinstance(query, Mapping) or not isinstance(query.get("id"), str):
            raise OpenId4VpError("each Credential Query needs an 'id'")
        if not isinstance(query.get("format"), str):
            raise OpenId4VpError("each Credential Query needs a 'format'")
        ids.append(query["id"])
    if len(set(ids)) != len(ids):
        raise OpenId4VpError("Credential Query ids must be unique")


def parse_authorization_request(value: str | Mapping[str, Any]) -> AuthorizationRequest:
    """Read a request from its link (or a dict of parameters); refuse anything off-spec."""
    if isinstance(value, str):
        if len(value) > MAX_LENGTH:
            raise OpenId4VpError("the request is too long")
        query = urlsplit(value.strip()).query
        params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
        for name in _JSON_PARAMS:
            if name in params:
                try:
                    params[name] = json.loads(params[name])
                except json.JSONDecodeError:
                    raise OpenId4VpError(f"{name} is not valid JSON") from None
    else:
        params = dict(value)
    if "request_uri" in params or "request" in params:
        raise OpenId4VpError("signed or by-reference requests are not supported by this wallet")
    if params.get("response_type") != "vp_token":
        raise OpenId4VpError("response_type must be vp_token")
    if params.get("response_mode") != "direct_post":
        raise OpenId4VpError("only response_mode direct_post is supported")
    if "redirect_uri" in params:
        raise OpenId4VpError("redirect_uri must not be present with direct_post")
    for name in ("client_id", "response_uri", "nonce"):
        if not isinstance(params.get(name), str):
            raise OpenId4VpError(f"{name} is required")
    if not isinstance(params.get("dcql_query"), Mapping):
        raise OpenId4VpError("dcql_query is required")
    metadata = params.get("client_metadata", {})
    state = params.get("state")
    request = AuthorizationRequest(
        client_id=params["client_id"],
        response_uri=params["response_uri"],
        nonce=params["nonce"],
        state=state if isinstance(state, str) else None,
        dcql_query=dict(params["dcql_query"]),
        client_metadata=dict(metadata) if isinstance(metadata, Mapping) else {},
    )
    _check(request)
    return request


def build_response_form(
    request: AuthorizationRequest, presentations: Mapping[str, Sequence[Any]]
) -> dict[str, str]:
    """The ``application/x-www-form-urlencoded`` fields of the wallet's direct_post."""
    unknown = set(presentations) - set(request.query_ids)
    if unknown:
        raise OpenId4VpError(f"no Credential Query with id {sorted(unknown)}")
    form = {"vp_token": json.dumps({k: list(v) for k, v in presentations.items()})}
    if request.state is not None:
        form["state"] = request.state
    return form


def parse_response_form(form: Mapping[str, str]) -> tuple[dict[str, list[Any]], str | None]:
    """``vp_token`` (query id → presentations) and ``state`` from a direct_post body."""
    raw = form.get("vp_token")
    if not isinstance(raw, str) or not raw:
        raise OpenId4VpError("vp_token is required")
    if len(raw) > 4 * 1024 * 1024:
        raise OpenId4VpError("vp_token is too large")
    try:
        token = json.loads(raw)
    except (json.JSONDecodeError, RecursionError):
        raise OpenId4VpError("vp_token is not valid JSON") from None
    if not isinstance(token, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and v for k, v in token.items()
    ):
        raise OpenId4VpError("vp_token must map Credential Query ids to non-empty lists")
    state = form.get("state")
    return token, state if isinstance(state, str) else None
