"""What a person needs to see before answering a verifier's OpenID4VP request: who asks,
where the answer goes, what the DCQL query asks for (in words), and which of their
credentials they may send (revoked, suspended, expired or invalid ones are shown but cannot
be sent). Pure over a parsed request and rows already loaded; no network."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from credentials.oid4vp import AuthorizationRequest
from qualifications.achievements import KINDS

from ..db.tables import StoredCredential
from .passport import kind_label

__all__ = [
    "SENDABLE_STATES",
    "CredentialChoice",
    "QueryView",
    "RequestView",
    "describe_request",
    "sendable",
]

SENDABLE_STATES = frozenset({"ok", "status_unknown"})
"""A credential may be sent when its latest check found it genuine and not revoked,
suspended or expired (a status that could not be asked now does not block)."""

_KIND_BY_TYPE = {info.vc_type: kind.value for kind, info in KINDS.items()}
_FORMATS = {
    "ldp_vc": "ondertekend JSON-LD-bewijs",
    "jwt_vc_json": "vc+jwt",
    "vc+sd-jwt": "SD-JWT",
    "dc+sd-jwt": "SD-JWT",
    "mso_mdoc": "mdoc",
}


@dataclass(frozen=True, slots=True)
class QueryView:
    id: str
    format: str
    multiple: bool
    kinds: tuple[str, ...]
    """Kinds of credential asked for, for people (empty: any kind)."""
    claims: tuple[str, ...]
    """Claim paths asked for (empty: the whole credential)."""
    type_sets: tuple[frozenset[str], ...]


@dataclass(frozen=True, slots=True)
class CredentialChoice:
    row: StoredCredential
    kind_label: str
    sendable: bool
    matches: bool
    """Whether the credential is of a kind the request asks for."""


@dataclass(frozen=True, slots=True)
class RequestView:
    client_name: str | None
    client_id: str
    response_uri: str
    host: str
    queries: tuple[QueryView, ...]
    choices: tuple[CredentialChoice, ...]

    @property
    def any_sendable(self) -> bool:
        return any(c.sendable for c in self.choices)


def sendable(row: StoredCredential) -> bool:
    return row.state in SENDABLE_STATES


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _query(query: Mapping[str, Any], lang: str) -> QueryView:
    meta = query.get("meta")
    raw_sets = meta.get("type_values") if isinstance(meta, Mapping) else None
    type_sets = tuple(
        frozenset(_strings(s)) for s in (raw_sets if isinstance(raw_sets, list) else [])
    )
    kinds: list[str] = []
    for types in type_sets:
        for t in sorted(types):
            if t in _KIND_BY_TYPE:
                label = kind_label(_KIND_BY_TYPE[t], lang)
            elif t in ("VerifiableCredential", "OpenBadgeCredential"):
                continue
            else:
                label = t
            if label not in kinds:
                kinds.append(label)
    claims = []
    raw_claims = query.get("claims")
    for claim in raw_claims if isinstance(raw_claims, list) else []:
        path = claim.get("path") if isinstance(claim, Mapping) else None
        if isinstance(path, list):
            claims.append(".".join(str(p) for p in path if p is not None))
    fmt = str(query.get("format", ""))
    return QueryView(
        id=str(query.get("id", "")),
        format=_FORMATS.get(fmt, fmt),
        multiple=query.get("multiple") is True,
        kinds=tuple(kinds),
        claims=tuple(claims),
        type_sets=type_sets,
    )


def _matches(row: StoredCredential, queries: Sequence[QueryView]) -> bool:
    types = set(row.types.split())
    return any(not q.type_sets or any(s <= types for s in q.type_sets) for q in queries)


def describe_request(
    request: AuthorizationRequest, rows: Sequence[StoredCredential], *, lang: str = "nl"
) -> RequestView:
    queries = tuple(
        _query(q, lang) for q in request.dcql_query.get("credentials", []) if isinstance(q, Mapping)
    )
    name = request.client_metadata.get("client_name")
    choices = tuple(
        CredentialChoice(row, kind_label(row.kind, lang), sendable(row), _matches(row, queries))
        for row in rows
    )
    return RequestView(
        client_name=name.strip()[:200] if isinstance(name, str) and name.strip() else None,
        client_id=request.client_id,
        response_uri=request.response_uri,
        host=urlsplit(request.response_uri).netloc,
        queries=queries,
        choices=tuple(sorted(choices, key=lambda c: (not c.sendable, not c.matches))),
    )
